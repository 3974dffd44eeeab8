import { describe, expect, it, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { InjectLoadForm, activeParts, loadProblems } from "./InjectLoadForm";
import { fixedAuth, meAs, renderWithApi } from "../../test/render";
import { unitOf } from "./MetricsPanel";

describe("inject load form", () => {
  it("checks the bounds the server checks", () => {
    const ok = { cpu: "50", memory: "0", queue: "", minutes: "5" };
    expect(loadProblems(ok, false)).toEqual({ cpu: null, memory: null, queue: null, minutes: null, none: null });
    expect(loadProblems({ ...ok, cpu: "101" }, false).cpu).toMatch(/0 and 100/);
    expect(loadProblems({ ...ok, cpu: "abc" }, false).cpu).toMatch(/0 and 100/);
    expect(loadProblems({ ...ok, minutes: "0" }, false).minutes).toMatch(/1 to 1440/);
    expect(loadProblems({ ...ok, minutes: "1.5" }, false).minutes).toMatch(/Whole minutes/);
    expect(loadProblems({ ...ok, cpu: "0" }, false).none).toMatch(/CPU or memory/);
    expect(loadProblems({ ...ok, cpu: "0", queue: "400" }, true).none).toBeNull();
    expect(loadProblems({ ...ok, queue: "-1" }, true).queue).toMatch(/1,000,000/);
  });

  it("says only what an active load adds", () => {
    expect(activeParts({ cpu: 85, memory: 0 })).toBe("CPU +85 pp");
    expect(activeParts({ cpu: 0, memory: 10, queueDepth: 400 })).toBe("memory +10 pp, queue +400");
  });

  it("maps the API's units", () => {
    expect([unitOf("percent"), unitOf("bytes/s"), unitOf("items"), unitOf("load")]).toEqual(["percent", "bytesPerSecond", "count", "number"]);
  });

  it("ends an active load on request, and offers no end without one", async () => {
    const until = new Date(Date.now() + 600_000).toISOString();
    const clear = vi.fn(() => ({ data: { clearLoad: { __typename: "InjectLoadPayload", position: 9, droplet: null, cluster: { __typename: "Cluster", id: "c1", injectedLoad: null } } } }));
    const onInjected = vi.fn();
    const load = { cpu: 0, memory: 0, queueDepth: 400, until, active: true };
    const { unmount } = renderWithApi(<InjectLoadForm target={{ type: "CLUSTER", id: "c1", name: "shop" }} load={load} onInjected={onInjected} />, { handlers: { ClearLoad: clear } });
    expect(screen.getByTestId("active-load")).toHaveTextContent("queue +400");
    await userEvent.click(screen.getByRole("button", { name: "End load now" }));
    await waitFor(() => expect(clear).toHaveBeenCalledWith({ targetType: "CLUSTER", targetId: "c1" }));
    await waitFor(() => expect(onInjected).toHaveBeenCalled());
    expect(await screen.findByText("Ended the load on shop")).toBeInTheDocument();
    unmount();
    renderWithApi(<InjectLoadForm target={{ type: "CLUSTER", id: "c1", name: "shop" }} load={{ ...load, active: false }} />);
    expect(screen.queryByRole("button", { name: "End load now" })).not.toBeInTheDocument();
  });

  it("shows a viewer the active load and no controls", () => {
    const load = { cpu: 30, memory: 0, queueDepth: 0, until: new Date(Date.now() + 60_000).toISOString(), active: true };
    renderWithApi(<InjectLoadForm target={{ type: "CLUSTER", id: "c1", name: "shop" }} load={load} />, { auth: fixedAuth(meAs("VIEWER")) });
    expect(screen.getByTestId("active-load")).toHaveTextContent("CPU +30 pp");
    expect(screen.queryByRole("button")).not.toBeInTheDocument();
  });
});
