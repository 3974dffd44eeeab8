import { describe, expect, it } from "vitest";
import { act, screen, within } from "@testing-library/react";
import { HealthChecksPage } from "./HealthChecksPage";
import { percent } from "./UptimeBar";
import { renderWithApi } from "../../test/render";
import { event, healthCheckRow, run, uptime } from "../../test/fixtures";

const connection = (nodes: unknown[]) => ({
  data: { healthChecks: { __typename: "HealthCheckConnection", totalCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes } },
});
const blocks = (row: HTMLElement) => within(row).getAllByTestId("run").map((b) => b.getAttribute("data-success"));

describe("HealthChecksPage", () => {
  it("says so when there are no checks, and lists only active ones", async () => {
    const { calls } = renderWithApi(<HealthChecksPage />, { path: "/health-checks", route: "/health-checks", handlers: { HealthChecks: () => connection([]) } });
    expect(await screen.findByText(/No health checks yet/)).toBeInTheDocument();
    expect(calls.find((c) => c.kind === "query")?.variables).toMatchObject({ filter: { status: "ACTIVE", health: null, kind: null, name: null } });
  });

  it("shows each check's state, its latest runs oldest first and its day's uptime", async () => {
    // The API answers newest first.
    const runs = [run(3), run(2, false), run(1)];
    renderWithApi(<HealthChecksPage />, { path: "/health-checks", route: "/health-checks", handlers: { HealthChecks: () => connection([healthCheckRow({}, runs)]) } });
    const row = await screen.findByTestId("check-row-api");
    expect(within(row).getByRole("link", { name: "api" })).toHaveAttribute("href", "/health-checks/check-1");
    expect(within(row).getByTestId("status")).toHaveTextContent("HEALTHY");
    expect(blocks(row)).toEqual(["true", "false", "true"]);
    const failed = within(row).getAllByTestId("run")[1];
    expect(failed).toHaveAttribute("title", expect.stringMatching(/12 ms · HTTP 503 · failed: \[STATUS\] == 200$/));
    expect(within(row).getByLabelText("Latest 3 runs, oldest first: 2 succeeded, 1 failed")).toBeInTheDocument();
    expect(within(row).getByTestId("uptime-24h")).toHaveTextContent("66.6%");
  });

  it("adds new runs on the right, keeps 20, and follows a change of health", async () => {
    const runs = Array.from({ length: 20 }, (_, i) => run(20 - i));
    const { subscriptions, ws, calls } = renderWithApi(<HealthChecksPage />, {
      path: "/health-checks",
      route: "/health-checks",
      handlers: {
        HealthChecks: () => connection([healthCheckRow({}, runs)]),
        HealthCheckRowLive: () => ({ data: { healthCheck: healthCheckRow({ state: "UNHEALTHY", version: 3 }, runs) } }),
      },
    });
    const row = await screen.findByTestId("check-row-api");
    expect(within(row).getByTestId("uptime-24h")).toHaveTextContent("100%");

    act(() => subscriptions.push("HealthCheckResultsLive", { healthCheckResults: run(21, false) }));
    expect(blocks(row)).toHaveLength(20);
    expect(blocks(row).at(-1)).toBe("false");
    expect(within(row).getAllByTestId("run")[0]).toHaveAttribute("title", expect.stringContaining(":02"));
    expect(within(row).getByTestId("uptime-24h")).toHaveTextContent("95.2%");

    // The check's health changes: its event makes the page read the row again, at that position.
    const tail = ws.subscribed.find((s) => (s.variables.filter as { aggregateType?: string })?.aggregateType === "HealthCheck")!;
    act(() => tail.next({ data: { events: event(40, { type: "HealthCheckBecameUnhealthy", aggregateType: "HealthCheck", aggregateId: "check-1", payload: {} }) } }));
    expect(await within(row).findByText("UNHEALTHY")).toBeInTheDocument();
    expect(calls.find((c) => c.kind === "query" && c.variables && "minPosition" in c.variables)?.variables).toEqual({ id: "check-1", minPosition: 40 });
    // The run that arrived live is kept over the re-read's older runs.
    expect(blocks(row).at(-1)).toBe("false");
  });
});

describe("percent", () => {
  it("rounds down, so a failure never reads 100%, and says — without runs", () => {
    expect(percent(uptime("24h", 1000, 999))).toBe("99.9%");
    expect(percent(uptime("24h", 2000, 1999))).toBe("99.9%");
    expect(percent(uptime("24h", 4, 4))).toBe("100%");
    expect(percent(uptime("24h", 0, 0))).toBe("—");
  });
});
