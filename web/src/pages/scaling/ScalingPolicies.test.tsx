import { describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ScalingPolicies } from "./ScalingPolicies";
import { renderWithApi } from "../../test/render";
import { catalog } from "../../test/fixtures";
import type { ScalingPolicyFieldsFragment } from "../../gql/graphql";

const policy = (o: Partial<ScalingPolicyFieldsFragment> = {}): ScalingPolicyFieldsFragment => ({
  id: "p1",
  clusterId: "cluster-1",
  name: "queue",
  status: "ACTIVE",
  mode: "HORIZONTAL",
  metric: "QUEUE_DEPTH",
  target: 50,
  tolerance: 0.1,
  minDroplets: 2,
  maxDroplets: 8,
  minSize: null,
  maxSize: null,
  costLimitPerHour: 0.3,
  cooldownSeconds: 60,
  dryRun: false,
  version: 1,
  template: { size: "s-1vcpu-1gb", image: "debian-12-x64", hourlyPrice: 6 / 672 },
  updatedAt: "2026-01-01T00:00:00Z",
  ...o,
});
const page = (nodes: ScalingPolicyFieldsFragment[]) => ({
  data: { scalingPolicies: { __typename: "ScalingPolicyConnection", totalCount: nodes.length, pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null }, nodes } },
});

describe("ScalingPolicies", () => {
  it("lists the cluster's live policies with what they keep, and pauses one (whatever decisions were recorded since)", async () => {
    const pause = vi.fn(() => ({ data: { pauseScalingPolicy: { __typename: "ScalingPolicyPayload", scalingPolicy: policy({ status: "PAUSED", version: 2 }), position: 7 } } }));
    const { calls } = renderWithApi(<ScalingPolicies clusterId="cluster-1" deleted={false} />, {
      handlers: {
        ScalingPolicies: () => page([policy(), policy({ id: "p2", name: "old", status: "DELETED" }), policy({ id: "p3", name: "cpu", metric: "CPU", target: 70, costLimitPerHour: null, status: "PAUSED", dryRun: true })]),
        PauseScalingPolicy: pause,
      },
    });
    const row = await screen.findByTestId("policy-row-queue");
    expect(row).toHaveTextContent("Queue depth per droplet at 50 per droplet (±10 %)");
    expect(row).toHaveTextContent("2–8 droplets");
    expect(row).toHaveTextContent("$0.30 / h");
    expect(within(row).getByRole("link", { name: "queue" })).toHaveAttribute("href", "/scaling-policies/p1");
    const cpu = screen.getByTestId("policy-row-cpu");
    expect(cpu).toHaveTextContent("CPU % at 70 %");
    expect(cpu).toHaveTextContent("none");
    expect(cpu).toHaveTextContent("dry run");
    expect(within(cpu).getByRole("button", { name: "Resume" })).toBeInTheDocument();
    expect(screen.queryByTestId("policy-row-old")).not.toBeInTheDocument();
    expect(calls.find((c) => c.kind === "query")?.variables).toMatchObject({ filter: { clusterId: "cluster-1" } });
    await userEvent.click(within(row).getByRole("button", { name: "Pause" }));
    await waitFor(() => expect(pause).toHaveBeenCalledWith({ id: "p1" }));
  });

  it("checks the form before sending (max below min, a cost cap that cannot pay for the minimum), then sends the policy", async () => {
    const create = vi.fn(() => ({ data: { createScalingPolicy: { __typename: "ScalingPolicyPayload", scalingPolicy: policy(), position: 5 } } }));
    renderWithApi(<ScalingPolicies clusterId="cluster-1" deleted={false} />, {
      handlers: { Catalog: () => ({ data: catalog }), ScalingPolicies: () => page([]), CreateScalingPolicy: create },
    });
    await screen.findByText(/No scaling policy/);
    await userEvent.click(screen.getByRole("button", { name: "New policy" }));
    await screen.findByRole("option", { name: /1 vCPU/ });
    await userEvent.clear(screen.getByLabelText("Max droplets"));
    await userEvent.type(screen.getByLabelText("Max droplets"), "1");
    await userEvent.type(screen.getByLabelText("Cost limit ($/h)"), "0.01");
    await userEvent.click(screen.getByRole("button", { name: "Create scaling policy" }));
    expect(screen.getByLabelText("Max droplets")).toHaveAccessibleDescription("At least the minimum.");
    expect(screen.getByLabelText("Cost limit ($/h)")).toHaveAccessibleDescription(/Does not pay for the minimum: 2 × the template cost \$0\.0179\/h/);
    expect(create).not.toHaveBeenCalled();
    await userEvent.clear(screen.getByLabelText("Max droplets"));
    await userEvent.type(screen.getByLabelText("Max droplets"), "8");
    await userEvent.clear(screen.getByLabelText("Cost limit ($/h)"));
    await userEvent.type(screen.getByLabelText("Cost limit ($/h)"), "0.30");
    await userEvent.click(screen.getByRole("button", { name: "Create scaling policy" }));
    await waitFor(() =>
      expect(create).toHaveBeenCalledWith({
        input: {
          clusterId: "cluster-1",
          name: "queue",
          metric: "QUEUE_DEPTH",
          target: 50,
          minDroplets: 2,
          maxDroplets: 8,
          costLimitPerHour: 0.3,
          template: { size: "s-1vcpu-1gb", image: "debian-12-x64" },
          dryRun: false,
          enabled: true,
        },
      }),
    );
  });
});
