import { describe, expect, it, vi } from "vitest";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HealthCheckDetailPage } from "./HealthCheckDetailPage";
import { renderWithApi, type Handlers } from "../../test/render";
import { event, healthCheck, healthCheckDetail, run } from "../../test/fixtures";

const detail = healthCheckDetail({}, [run(3), run(2, false), run(1)]);
const render = (handlers: Handlers = {}) =>
  renderWithApi(<HealthCheckDetailPage />, {
    path: "/health-checks/:id",
    route: "/health-checks/check-1",
    handlers: { HealthCheck: () => ({ data: { healthCheck: detail } }), ...handlers },
  });
const runRows = () => within(screen.getByRole("table", { name: "Latest runs" })).getAllByTestId("run-row");

describe("HealthCheckDetailPage", () => {
  it("shows its settings, uptime per window and each run's conditions with what they saw", async () => {
    render();
    expect(await screen.findByTestId("health-state")).toHaveTextContent("HEALTHY");
    expect(screen.getByText("every 5 seconds")).toBeInTheDocument();
    expect(screen.getByText("2 failed runs in a row")).toBeInTheDocument();
    for (const w of ["1h", "24h", "7d"]) expect(screen.getByTestId(`uptime-${w}`)).toHaveTextContent("66.6%2 of 3 runs passed");
    const rows = runRows();
    expect(rows).toHaveLength(3);
    // No run failed to observe its target: no column for why.
    expect(screen.queryByRole("columnheader", { name: "Error" })).not.toBeInTheDocument();
    const failed = within(rows[1]);
    expect(failed.getByTestId("status")).toHaveTextContent("FAILED");
    const [status, time] = failed.getAllByTestId("condition");
    expect(status).toHaveAttribute("data-success", "false");
    expect(status).toHaveTextContent("Failed:[STATUS] == 200actual 503");
    expect(time).toHaveAttribute("data-success", "true");
    expect(time).toHaveTextContent("[RESPONSE_TIME] < 500actual 12");
    expect(screen.getByRole("link", { name: "Health" })).toHaveAttribute("href", "/health-checks");
    expect(screen.getByRole("link", { name: "History" })).toHaveAttribute("href", "/audit/HealthCheck/check-1");
  });

  it("runs it now, and adds runs and changes of health as they happen", async () => {
    const { subscriptions, ws } = render({
      RunHealthCheck: () => ({ data: { runHealthCheck: run(4, false) } }),
      HealthCheck: (v) => ({ data: { healthCheck: v.minPosition ? healthCheckDetail({ state: "UNHEALTHY", version: 3 }, [run(3), run(2, false), run(1)]) : detail } }),
    });
    await userEvent.click(await screen.findByRole("button", { name: "Run now" }));
    expect(await screen.findByTestId("toast")).toHaveTextContent("Run failed: a condition did not hold");
    expect(runRows()[0]).toHaveTextContent("FAILED");
    expect(screen.getByTestId("uptime-24h")).toHaveTextContent("50%2 of 4 runs passed");

    // The same run from the subscription is not counted twice; a new one is.
    act(() => subscriptions.push("HealthCheckResultsLive", { healthCheckResults: run(4, false) }));
    act(() => subscriptions.push("HealthCheckResultsLive", { healthCheckResults: { ...run(5, false), status: null, error: "connection refused" } }));
    expect(runRows()).toHaveLength(5);
    expect(screen.getByRole("columnheader", { name: "Error" })).toBeInTheDocument();
    expect(runRows()[0]).toHaveTextContent("connection refused");
    expect(screen.getByTestId("uptime-1h")).toHaveTextContent("40%2 of 5 runs passed");
    const bar = screen.getByTestId("uptime-bar");
    expect(within(bar).getAllByTestId("run").map((b) => b.getAttribute("data-success"))).toEqual(["true", "false", "true", "false", "false"]);

    const tail = ws.subscribed.find((s) => (s.variables.filter as { aggregateId?: string })?.aggregateId === "check-1")!;
    act(() => tail.next({ data: { events: event(9, { type: "HealthCheckBecameUnhealthy", aggregateType: "HealthCheck", aggregateId: "check-1", payload: {} }) } }));
    await waitFor(() => expect(screen.getByTestId("health-state")).toHaveTextContent("UNHEALTHY"));
    expect(runRows()).toHaveLength(5);
  });

  it("edits only the fields that changed, guarded by the version", async () => {
    const update = vi.fn((_: Record<string, unknown>) => ({
      data: { updateHealthCheck: { __typename: "HealthCheckPayload", healthCheck: healthCheck({ name: "api-2", intervalSeconds: 10, version: 3 }), position: 12 } },
    }));
    render({ UpdateHealthCheck: update });
    await userEvent.click(await screen.findByRole("button", { name: "Edit" }));
    const form = screen.getByRole("form", { name: "Edit health check" });
    expect(within(form).getByLabelText("Conditions")).toHaveValue("[STATUS] == 200\n[RESPONSE_TIME] < 500");
    await userEvent.clear(within(form).getByLabelText("Name"));
    await userEvent.type(within(form).getByLabelText("Name"), "api-2");
    await userEvent.clear(within(form).getByLabelText("Interval (seconds)"));
    await userEvent.type(within(form).getByLabelText("Interval (seconds)"), "10");
    await userEvent.click(within(form).getByRole("button", { name: "Save changes" }));
    await waitFor(() => expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("Health check api-2"));
    expect(update).toHaveBeenCalledWith({ id: "check-1", input: { name: "api-2", intervalSeconds: 10 }, expectedVersion: 2 });
    expect(screen.queryByRole("form", { name: "Edit health check" })).not.toBeInTheDocument();
    expect(screen.getByText("every 10 seconds")).toBeInTheDocument();
  });

  it("deletes it after asking", async () => {
    const remove = vi.fn(() => ({
      data: { deleteHealthCheck: { __typename: "HealthCheckPayload", healthCheck: healthCheck({ status: "DELETED", version: 3 }), position: 12 } },
    }));
    render({ DeleteHealthCheck: remove });
    await userEvent.click(await screen.findByRole("button", { name: "Delete" }));
    const dialog = screen.getByRole("dialog");
    expect(dialog).toHaveTextContent("It runs no more.");
    expect(remove).not.toHaveBeenCalled();
    await userEvent.click(within(dialog).getByRole("button", { name: "Delete health check" }));
    await waitFor(() => expect(remove).toHaveBeenCalledWith({ id: "check-1" }));
    expect(await screen.findByTestId("toast")).toHaveTextContent("Health check api deleted");
  });
});
