import { describe, expect, it } from "vitest";
import { screen, within } from "@testing-library/react";
import { ClusterDetailPage } from "./ClusterDetailPage";
import { renderWithApi } from "../../test/render";
import { catalog, cluster, droplet, job } from "../../test/fixtures";

const withDroplets = (nodes: ReturnType<typeof droplet>[]) => ({
  data: {
    cluster: { ...cluster({ name: "prod-eu", dropletCount: nodes.length }), droplets: { __typename: "DropletConnection", totalCount: nodes.length, nodes } },
  },
});
const done = job({ status: "COMPLETED", progress: 100 });

describe("ClusterDetailPage", () => {
  it("says before asking that live droplets block deletion, and names them", async () => {
    const deleted: unknown[] = [];
    renderWithApi(<ClusterDetailPage />, {
      path: "/clusters/:id",
      route: "/clusters/cluster-1",
      handlers: {
        Catalog: () => ({ data: catalog }),
        Cluster: () =>
          withDroplets([
            droplet({ id: "d1", name: "web-1", status: "RUNNING", job: done }),
            droplet({ id: "d2", name: "web-2", status: "STOPPED", job: done }),
            droplet({ id: "d3", name: "old", status: "DESTROYED", job: done }),
          ]),
        DeleteCluster: () => {
          deleted.push(1);
          return { data: null };
        },
      },
    });
    const blocked = await screen.findByTestId("delete-blocked");
    expect(blocked).toHaveTextContent("It still has 2 live droplets; destroy them first.");
    expect(within(blocked).getByRole("link", { name: "web-1" })).toHaveAttribute("href", "/droplets/d1");
    expect(within(blocked).getByRole("link", { name: "web-2" })).toBeInTheDocument();
    expect(within(blocked).queryByRole("link", { name: "old" })).not.toBeInTheDocument();
    const button = screen.getByRole("button", { name: "Delete cluster" });
    expect(button).toBeDisabled();
    expect(button).toHaveAttribute("title", expect.stringContaining("2 live droplets"));
    expect(deleted).toHaveLength(0);
    expect(screen.getByRole("link", { name: "Add droplet" })).toHaveAttribute("href", "/droplets?new=1&cluster=cluster-1");
  });
});
