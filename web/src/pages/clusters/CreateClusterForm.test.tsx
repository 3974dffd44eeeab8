import { describe, expect, it, vi } from "vitest";
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { CreateClusterForm } from "./CreateClusterForm";
import { renderWithApi } from "../../test/render";
import { catalog, cluster } from "../../test/fixtures";

describe("CreateClusterForm", () => {
  it("explains an invalid name and sends nothing", async () => {
    const create = vi.fn();
    const { calls } = renderWithApi(<CreateClusterForm onCreated={() => {}} />, {
      handlers: { Catalog: () => ({ data: catalog }), CreateCluster: create },
    });
    await userEvent.type(screen.getByLabelText("Name"), "Bad_Name");
    await userEvent.click(screen.getByRole("button", { name: "Create cluster" }));
    expect(screen.getByLabelText("Name")).toHaveAccessibleDescription(/Lower-case letters, digits/);
    expect(screen.getByLabelText("Name")).toBeInvalid();
    expect(create).not.toHaveBeenCalled();
    expect(calls.filter((c) => c.kind === "mutation")).toHaveLength(0);
  });

  it("is usable from the keyboard and sends name, region and labels", async () => {
    const onCreated = vi.fn();
    const create = vi.fn(() => ({
      data: { createCluster: { __typename: "ClusterPayload", cluster: cluster({ name: "prod-eu" }), position: 1 } },
    }));
    renderWithApi(<CreateClusterForm onCreated={onCreated} />, {
      handlers: { Catalog: () => ({ data: catalog }), CreateCluster: create },
    });
    await screen.findByRole("option", { name: "Frankfurt 1 (fra1)" });
    await userEvent.click(screen.getByLabelText("Name"));
    await userEvent.keyboard("prod-eu");
    await userEvent.selectOptions(screen.getByLabelText("Region"), "fra1");
    await userEvent.type(screen.getByLabelText("Labels"), "team=ops, env=prod");
    await userEvent.keyboard("{Enter}");
    await waitFor(() => expect(onCreated).toHaveBeenCalled());
    expect(create).toHaveBeenCalledWith({
      input: {
        name: "prod-eu",
        region: "fra1",
        labels: [
          { key: "team", value: "ops" },
          { key: "env", value: "prod" },
        ],
      },
    });
  });

  it("shows a refused name on the name field: plain sentence, red border, focus, code behind Details", async () => {
    renderWithApi(<CreateClusterForm onCreated={() => {}} />, {
      handlers: {
        Catalog: () => ({ data: catalog }),
        CreateCluster: () => ({
          data: null,
          errors: [{ message: 'cluster name ClusterName("prod-eu") is taken', extensions: { code: "CONFLICT" } }],
        }) as never,
      },
    });
    const name = screen.getByLabelText("Name");
    await userEvent.type(name, "prod-eu");
    await userEvent.click(screen.getByRole("button", { name: "Create cluster" }));
    await waitFor(() => expect(name).toBeInvalid());
    expect(name).toHaveAccessibleDescription("A cluster named prod-eu exists already; pick another name.");
    expect(name).toHaveFocus();
    // (aria-invalid is what draws the red border: the `input` style in index.css.)
    // The code and the server's text are there for the curious, folded away.
    const details = screen.getByText("Details").closest("details")!;
    expect(details).not.toHaveAttribute("open");
    expect(within(details).getByTestId("error-code")).toHaveTextContent("CONFLICT");
    // No page banner repeats it.
    expect(screen.getAllByRole("alert")).toHaveLength(1);
    // Editing the name clears the server's verdict.
    await userEvent.type(name, "-2");
    expect(name).not.toBeInvalid();
  });

  it("fills the region list after a reconnect when the catalog failed while offline", async () => {
    let up = false;
    const { ws } = renderWithApi(<CreateClusterForm onCreated={() => {}} />, {
      handlers: {
        Catalog: () => (up ? { data: catalog } : ({ data: null, errors: [{ message: "down", extensions: { code: "UNAVAILABLE" } }] } as never)),
      },
    });
    act(() => ws.emit("connected"));
    await screen.findByRole("alert");
    expect(screen.queryByRole("option", { name: "Frankfurt 1 (fra1)" })).not.toBeInTheDocument();
    up = true;
    act(() => ws.emit("closed"));
    act(() => ws.emit("connected", true));
    expect(await screen.findByRole("option", { name: "Frankfurt 1 (fra1)" })).toBeInTheDocument();
    expect(screen.queryByRole("alert")).not.toBeInTheDocument();
  });
});
