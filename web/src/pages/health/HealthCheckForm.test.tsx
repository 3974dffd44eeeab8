import { describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CreateHealthCheckForm } from "./HealthCheckForm";
import { renderWithApi } from "../../test/render";
import { healthCheck } from "../../test/fixtures";

const targets = () => ({
  data: {
    clusters: { nodes: [{ id: "c1", name: "shop", status: "ACTIVE" }, { id: "c0", name: "gone", status: "DELETED" }] },
    droplets: { nodes: [{ id: "d1", name: "web-1", status: "RUNNING" }, { id: "d0", name: "old", status: "DESTROYED" }] },
  },
});
const created = () => ({ data: { createHealthCheck: { __typename: "HealthCheckPayload", healthCheck: healthCheck(), position: 3 } } });

async function fill(fields: Record<string, string>) {
  for (const [label, text] of Object.entries(fields)) {
    const input = screen.getByLabelText(label);
    await userEvent.clear(input);
    await userEvent.type(input, text.replace(/[[{]/g, (c) => c + c));
  }
}

describe("CreateHealthCheckForm", () => {
  it("explains fields the server would refuse and sends nothing", async () => {
    const create = vi.fn(created);
    const { calls } = renderWithApi(<CreateHealthCheckForm onCreated={() => {}} />, { handlers: { CreateHealthCheck: create } });
    await fill({ Name: "api", Target: "ftp://files.example.com/", "Interval (seconds)": "5", "Timeout (ms)": "6000", "Failure threshold": "0" });
    await userEvent.click(screen.getByRole("button", { name: "Create health check" }));
    expect(screen.getByLabelText("Target")).toHaveAccessibleDescription("The scheme ftp is not allowed; use http or https.");
    expect(screen.getByLabelText("Timeout (ms)")).toHaveAccessibleDescription("Milliseconds, 10–5000 (at most the interval).");
    expect(screen.getByLabelText("Failure threshold")).toBeInvalid();
    expect(screen.getByLabelText("Name")).not.toBeInvalid();
    expect(screen.getByLabelText("Target")).toHaveFocus();
    expect(calls.filter((c) => c.kind === "mutation")).toHaveLength(0);
    // A TCP check wants host:port instead.
    await userEvent.selectOptions(screen.getByLabelText("Kind"), "TCP");
    expect(screen.getByLabelText("Target")).toHaveAccessibleDescription(/host:port/);
  });

  it("sends every field, one condition a line, empty numbers left to the server's defaults", async () => {
    const onCreated = vi.fn();
    const create = vi.fn(created);
    renderWithApi(<CreateHealthCheckForm onCreated={onCreated} />, { handlers: { CreateHealthCheck: create, Targets: targets } });
    // What it watches over: live clusters and droplets only.
    const watches = screen.getByLabelText("Watches over");
    await screen.findByRole("option", { name: "droplet web-1" });
    expect(within(watches).getAllByRole("option").map((o) => o.textContent)).toEqual(["Nothing in particular", "cluster shop", "droplet web-1"]);
    await userEvent.selectOptions(watches, "droplet web-1");
    await fill({
      Name: "Public API",
      Target: "http://127.0.0.1:8080/health",
      "Interval (seconds)": "1",
      Conditions: "[STATUS] == 200\n\n  [RESPONSE_TIME] < 500  ",
      "Failure threshold": "2",
      "Success threshold": "2",
    });
    await userEvent.click(screen.getByLabelText(/Enabled/));
    await userEvent.click(screen.getByRole("button", { name: "Create health check" }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(healthCheck()));
    expect(create).toHaveBeenCalledWith({
      input: {
        name: "Public API",
        kind: "HTTP",
        target: "http://127.0.0.1:8080/health",
        intervalSeconds: 1,
        timeoutMs: null,
        conditions: ["[STATUS] == 200", "[RESPONSE_TIME] < 500"],
        failureThreshold: 2,
        successThreshold: 2,
        enabled: false,
        clusterId: null,
        dropletId: "d1",
      },
    });
  });

  it("puts the server's refusal of the watched droplet on that field", async () => {
    renderWithApi(<CreateHealthCheckForm onCreated={() => {}} />, {
      handlers: {
        Targets: targets,
        CreateHealthCheck: () => ({ data: null, errors: [{ message: "dropletId: droplet d1 not found", extensions: { code: "BAD_USER_INPUT" } }] }) as never,
      },
    });
    await fill({ Name: "api", Target: "https://example.com/" });
    await screen.findByRole("option", { name: "droplet web-1" });
    await userEvent.selectOptions(screen.getByLabelText("Watches over"), "droplet web-1");
    await userEvent.click(screen.getByRole("button", { name: "Create health check" }));
    const watches = screen.getByLabelText("Watches over");
    await waitFor(() => expect(watches).toBeInvalid());
    expect(watches).toHaveAccessibleDescription("Droplet d1 not found.");
    expect(watches).toHaveFocus();
  });

  it("shows the server's refusal on the field it names, with the focus, until that field is edited", async () => {
    const message = 'conditions: condition "[STATUS] === 200": unknown operator `===`; use one of == != < <= > >=';
    renderWithApi(<CreateHealthCheckForm onCreated={() => {}} />, {
      handlers: { CreateHealthCheck: () => ({ data: null, errors: [{ message, extensions: { code: "BAD_USER_INPUT" } }] }) as never },
    });
    await fill({ Name: "api", Target: "https://example.com/", Conditions: "[STATUS] === 200" });
    await userEvent.click(screen.getByRole("button", { name: "Create health check" }));
    const conditions = screen.getByLabelText("Conditions");
    await waitFor(() => expect(conditions).toBeInvalid());
    expect(conditions).toHaveAccessibleDescription('Condition "[STATUS] === 200": unknown operator `===`; use one of == != < <= > >=.');
    expect(conditions).toHaveFocus();
    const details = screen.getByText("Details").closest("details")!;
    expect(within(details).getByTestId("error-code")).toHaveTextContent("BAD_USER_INPUT");
    // No banner repeats it, and the other fields are fine.
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    expect(screen.getByLabelText("Name")).not.toBeInvalid();
    // Editing another field keeps it; editing the conditions clears it.
    await userEvent.type(screen.getByLabelText("Name"), "-2");
    expect(conditions).toBeInvalid();
    await fill({ Conditions: "[STATUS] == 200" });
    expect(conditions).not.toBeInvalid();
  });

  it("shows a refusal that names no field below the form", async () => {
    renderWithApi(<CreateHealthCheckForm onCreated={() => {}} />, {
      handlers: { CreateHealthCheck: () => ({ data: null, errors: [{ message: "too many requests", extensions: { code: "RATE_LIMITED" } }] }) as never },
    });
    await fill({ Name: "api", Target: "https://example.com/" });
    await userEvent.click(screen.getByRole("button", { name: "Create health check" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Too many requests; try again shortly.");
    expect(screen.getByLabelText("Name")).toHaveFocus();
  });
});
