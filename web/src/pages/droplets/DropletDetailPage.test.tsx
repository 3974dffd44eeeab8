import { describe, expect, it } from "vitest";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DropletDetailPage } from "./DropletDetailPage";
import { renderWithApi } from "../../test/render";
import { catalog, droplet, job } from "../../test/fixtures";

const page = (d: ReturnType<typeof droplet>) => ({
  data: { droplet: { ...d, jobs: { __typename: "JobConnection", totalCount: d.job ? 1 : 0, nodes: d.job ? [d.job] : [] } } },
});
const running = droplet({ status: "RUNNING", ip: "10.0.0.2", version: 3, job: job({ status: "COMPLETED", progress: 100, version: 9 }) });
const render = (d: ReturnType<typeof droplet>, handlers = {}) =>
  renderWithApi(<DropletDetailPage />, {
    path: "/droplets/:id",
    route: "/droplets/droplet-1",
    handlers: { Catalog: () => ({ data: catalog }), Droplet: () => page(d), ...handlers },
  });

/** A droplet mutation's handler: tells `sent` the variables, answers with `d`. */
const answer = (field: string, d: ReturnType<typeof droplet>, sent: (v: Record<string, unknown>) => void) => (v: Record<string, unknown>) => {
  sent(v);
  return { data: { [field]: { __typename: "DropletPayload", droplet: d, position: 20 } } };
};

describe("DropletDetailPage", () => {
  it("after a resize, the size choice resets and Resize cannot resend the old size", async () => {
    const sent: unknown[] = [];
    render(running, { ResizeDroplet: answer("resizeDroplet", { ...running, size: "s-2vcpu-4gb", version: 6 }, (v) => sent.push(v.size)) });
    const select = await screen.findByLabelText("Resize to");
    await screen.findByRole("option", { name: /2 vCPU/ });
    await userEvent.selectOptions(select, "s-2vcpu-4gb");
    await userEvent.click(screen.getByRole("button", { name: "Resize" }));
    const dialog = screen.getByRole("dialog");
    expect(dialog).toHaveTextContent("it reboots");
    expect(within(dialog).getByTestId("new-price")).toHaveTextContent("$24/mo");
    await userEvent.click(within(dialog).getByRole("button", { name: "Resize" }));
    await waitFor(() => expect(screen.getByTestId("droplet-size")).toHaveTextContent("2 vCPU"));
    expect(sent).toEqual(["s-2vcpu-4gb"]);
    expect(screen.getByLabelText("Resize to")).toHaveValue("");
    expect(screen.getByRole("button", { name: "Resize" })).toBeDisabled();
    expect(await screen.findByTestId("toast")).toHaveTextContent("Resizing web-1");
  });

  it("says what runs now (from the job's parameters) and why the other actions wait", async () => {
    const powering = droplet({ status: "RUNNING", ip: "10.0.0.2", version: 4, job: job({ id: "job-2", type: "POWER", status: "RUNNING", progress: 30, stage: "signalling" }) });
    render(powering, {
      JobParams: () => ({
        data: { events: { __typename: "EventConnection", nodes: [{ __typename: "Event", position: 7, payload: { job_type: "POWER", params: { Power: { on: false } } } }] } },
      }),
    });
    expect(await screen.findByTestId("operation")).toHaveTextContent("Powering off…");
    for (const name of ["Power off", "Destroy"]) {
      const button = screen.getByRole("button", { name });
      expect(button).toBeDisabled();
      expect(button).toHaveAttribute("title", expect.stringContaining("Powering off is in progress"));
    }
    expect(screen.getByLabelText("Resize to")).toBeDisabled();
    expect(screen.getByTestId("operation")).toHaveTextContent("Other actions are unavailable until it finishes.");
  });

  it("a destroyed droplet offers no resize or power actions", async () => {
    render(droplet({ status: "DESTROYED", job: job({ type: "DESTROY", status: "COMPLETED", progress: 100 }) }));
    await screen.findByTestId("droplet-status");
    expect(screen.queryByRole("form", { name: "Resize droplet" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Power/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Destroy" })).not.toBeInTheDocument();
  });

  it("a FAILED droplet says why: its job was cancelled", async () => {
    render(droplet({ status: "FAILED", job: job({ status: "CANCELLED", message: "cancelled by anonymous" }) }));
    expect(await screen.findByTestId("failure-reason")).toHaveTextContent("Provision job was cancelled: cancelled by anonymous.");
  });

  it("destroy asks for the droplet's name and says it cannot be undone", async () => {
    const destroyed: unknown[] = [];
    render(running, { DestroyDroplet: answer("destroyDroplet", { ...running, status: "DESTROYING", version: 5 }, (v) => destroyed.push(v.id)) });
    await userEvent.click(await screen.findByRole("button", { name: "Destroy" }));
    const dialog = screen.getByRole("dialog");
    expect(dialog).toHaveTextContent("This cannot be undone.");
    const confirm = within(dialog).getByRole("button", { name: "Destroy droplet" });
    expect(confirm).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText(/to confirm/), "web-1");
    await userEvent.click(confirm);
    await waitFor(() => expect(destroyed).toEqual(["droplet-1"]));
  });

  it("clears an old action error when the connection comes back", async () => {
    const { ws } = render(running, {
      PowerDroplet: () => ({ data: null, errors: [{ message: "droplet web-1 is RUNNING", extensions: { code: "FAILED_PRECONDITION" } }] }) as never,
    });
    act(() => ws.emit("connected"));
    await userEvent.click(await screen.findByRole("button", { name: "Power off" }));
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Power off" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("not possible in the droplet's current state");
    act(() => ws.emit("closed"));
    act(() => ws.emit("connected", true));
    await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
  });
});
