import { describe, expect, it, vi } from "vitest";
import { screen, waitFor } from "@testing-library/react";
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

  it("shows the server's CONFLICT with its code and an explanation", async () => {
    renderWithApi(<CreateClusterForm onCreated={() => {}} />, {
      handlers: {
        Catalog: () => ({ data: catalog }),
        CreateCluster: () => ({
          data: null,
          errors: [{ message: 'cluster name "prod" is taken', extensions: { code: "CONFLICT" } }],
        }) as never,
      },
    });
    await userEvent.type(screen.getByLabelText("Name"), "prod");
    await userEvent.click(screen.getByRole("button", { name: "Create cluster" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("CONFLICT");
    expect(alert).toHaveTextContent("A cluster with that name exists already.");
    expect(alert).toHaveTextContent('cluster name "prod" is taken');
  });
});
