import { describe, expect, it } from "vitest";
import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DropletsPage } from "./DropletsPage";
import { renderWithApi } from "../../test/render";
import { catalog, droplet, job } from "../../test/fixtures";

const connection = (nodes: unknown[]) => ({
  data: {
    droplets: { __typename: "DropletConnection", totalCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes },
  },
});
const noClusters = { data: { clusters: { __typename: "ClusterConnection", nodes: [] } } };

describe("DropletsPage", () => {
  it("says so when there are no droplets", async () => {
    renderWithApi(<DropletsPage />, {
      path: "/droplets",
      route: "/droplets",
      handlers: { Catalog: () => ({ data: catalog }), ClusterChoices: () => noClusters, Droplets: () => connection([]) },
    });
    expect(await screen.findByText(/No droplets match/)).toBeInTheDocument();
  });

  it("passes URL filters to the query", async () => {
    const { calls } = renderWithApi(<DropletsPage />, {
      path: "/droplets",
      route: "/droplets?status=RUNNING&region=fra1&name=web",
      handlers: { Catalog: () => ({ data: catalog }), ClusterChoices: () => noClusters, Droplets: () => connection([]) },
    });
    await screen.findByText(/No droplets match/);
    const query = calls.find((c) => c.kind === "query" && c.variables && "filter" in c.variables);
    expect(query?.variables).toMatchObject({ filter: { status: "RUNNING", region: "fra1", name: "web", clusterId: null } });
  });

  it("updates progress and status live from subscriptions", async () => {
    const { subscriptions } = renderWithApi(<DropletsPage />, {
      path: "/droplets",
      route: "/droplets",
      handlers: {
        Catalog: () => ({ data: catalog }),
        ClusterChoices: () => noClusters,
        Droplets: () => connection([droplet()]),
      },
    });
    const row = await screen.findByTestId("droplet-row-web-1");
    expect(within(row).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "40");
    expect(within(row).getByTestId("status")).toHaveTextContent("PROVISIONING");

    act(() => subscriptions.push("JobsLive", { jobs: job({ progress: 75, version: 7 }) }));
    expect(within(row).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "75");

    // An older version arriving late changes nothing.
    act(() => subscriptions.push("JobsLive", { jobs: job({ progress: 60, version: 6 }) }));
    expect(within(row).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "75");

    const done = job({ progress: 100, status: "COMPLETED", version: 9 });
    act(() => subscriptions.push("DropletsLive", { droplets: droplet({ status: "RUNNING", ip: "10.0.0.5", version: 2, job: done }) }));
    expect(within(row).getByTestId("status")).toHaveTextContent("RUNNING");
    expect(within(row).getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
    expect(row).toHaveTextContent("10.0.0.5");
  });

  it("loads further pages on request", async () => {
    renderWithApi(<DropletsPage />, {
      path: "/droplets",
      route: "/droplets",
      handlers: {
        Catalog: () => ({ data: catalog }),
        ClusterChoices: () => noClusters,
        Droplets: (v) =>
          v.after === "c1"
            ? connection([droplet({ id: "d2", name: "web-2" })])
            : {
                data: {
                  droplets: {
                    __typename: "DropletConnection",
                    totalCount: 2,
                    pageInfo: { hasNextPage: true, endCursor: "c1" },
                    nodes: [droplet()],
                  },
                },
              },
      },
    });
    await screen.findByTestId("droplet-row-web-1");
    expect(screen.getByText("1 of 2 shown")).toBeInTheDocument();
    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    expect(await screen.findByTestId("droplet-row-web-2")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Load more" })).not.toBeInTheDocument();
  });
});
