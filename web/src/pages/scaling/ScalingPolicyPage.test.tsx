import { describe, expect, it, vi } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import { getOperationName } from "urql";
import userEvent from "@testing-library/user-event";
import { ScalingPolicyPage } from "./ScalingPolicyPage";
import { fixedAuth, meAs, renderWithApi, type Handlers } from "../../test/render";
import type { Auth } from "../../auth/AuthContext";

const decision = (current: number, desired: number, reason: string, cappedBy: string | null = null, at = "2026-12-06T10:00:00Z") => ({
  __typename: "ScalingDecision",
  at,
  current,
  desired,
  metricValue: 101.3,
  target: 50,
  reason,
  cappedBy,
  dryRun: false,
  currentSize: null,
  desiredSize: null,
});
const evaluation = (outcome: string, d: ReturnType<typeof decision>, note: string | null = null) => ({ __typename: "ScalingEvaluation", outcome, note, decision: d, job: null });
const UP = "queue 101.33 per droplet against target 50: ceil(405.33 / 50) = 9; desired 9 capped by max 8";

const policy = {
  __typename: "ScalingPolicy",
  id: "p1",
  clusterId: "c1",
  name: "queue",
  status: "ACTIVE",
  mode: "HORIZONTAL",
  metric: "QUEUE_DEPTH",
  target: 50,
  tolerance: 0.1,
  windowSeconds: 60,
  minDroplets: 2,
  maxDroplets: 8,
  minSize: null,
  maxSize: null,
  costLimitPerHour: 0.3,
  cooldownSeconds: 60,
  dryRun: false,
  version: 3,
  template: { __typename: "ScalingTemplate", size: "s-1vcpu-1gb", image: "debian-12-x64", hourlyPrice: 6 / 672 },
  createdAt: "2026-12-06T09:00:00Z",
  updatedAt: "2026-12-06T09:00:00Z",
  scaleUp: { __typename: "ScalingBehavior", stabilizationWindowSeconds: 0, maxStep: null },
  scaleDown: { __typename: "ScalingBehavior", stabilizationWindowSeconds: 300, maxStep: null },
  cluster: { __typename: "Cluster", id: "c1", name: "shop", status: "ACTIVE" },
  lastEvaluation: evaluation("NO_CHANGE", decision(8, 8, "queue 40 per droplet against target 50: within tolerance", null, "2026-12-06T10:05:00Z")),
  decisions: {
    __typename: "ScalingDecisionRecordConnection",
    totalCount: 1,
    nodes: [
      {
        __typename: "ScalingDecisionRecord",
        position: 41,
        actor: "system:autoscaler",
        decision: decision(4, 8, UP, "MAX"),
        planned: ["shop-5", "shop-6", "shop-7", "shop-8"],
        job: { __typename: "Job", id: "job-9", status: "COMPLETED", progress: 100 },
        result: { __typename: "ScaleResult", created: ["shop-5", "shop-6", "shop-7", "shop-8"], destroyed: [], resized: [], skipped: [] },
        abandoned: null,
      },
    ],
  },
};
const series = { __typename: "MetricSeries", metric: "QUEUE_DEPTH", unit: "items", stepSeconds: 15, resolution: "RAW", points: [], latest: null };

const render = (handlers: Handlers = {}, auth?: Auth) =>
  renderWithApi(<ScalingPolicyPage />, {
    path: "/scaling-policies/:id",
    route: "/scaling-policies/p1",
    auth,
    handlers: {
      ScalingPolicyPage: () => ({ data: { scalingPolicy: policy } }),
      ScalingMetric: () => ({ data: { cluster: { __typename: "Cluster", id: "c1", metrics: series } } }),
      ...handlers,
    },
  });

describe("ScalingPolicyPage", () => {
  it("shows what the policy keeps, its latest evaluation and each decision with its reason and what its job did", async () => {
    const { calls } = render();
    expect(await screen.findByTestId("policy-keeps")).toHaveTextContent("at 50 per droplet (±10 %)");
    const last = screen.getByTestId("last-evaluation");
    expect(within(last).getByTestId("evaluation-outcome")).toHaveTextContent("No change · droplets 8 (no change)");
    expect(last).toHaveTextContent("within tolerance");
    const row = screen.getByTestId("decision-41");
    expect(row).toHaveTextContent("4 → 8");
    expect(row).toHaveTextContent(UP);
    expect(row).toHaveTextContent("held at the policy's maximum");
    expect(row).toHaveTextContent("created shop-5, shop-6, shop-7, shop-8");
    expect(within(row).getByRole("link", { name: /COMPLETED/ })).toHaveAttribute("href", "/jobs/job-9");
    // The way back is the cluster (breadcrumb and facts).
    for (const link of screen.getAllByRole("link", { name: "shop" })) expect(link).toHaveAttribute("href", "/clusters/c1");
    expect(screen.getByRole("link", { name: "History" })).toHaveAttribute("href", "/audit/ScalingPolicy/p1");
    // The chart reads the policy's own metric of its cluster, once the policy is known.
    await waitFor(() => expect(calls.find((c) => getOperationName(c.query) === "ScalingMetric")?.variables).toMatchObject({ clusterId: "c1", metric: "QUEUE_DEPTH", range: { last: "15m" } }));
    expect(screen.getByRole("figure", { name: "Queue depth against target × droplets" })).toBeInTheDocument();
    expect(screen.getByRole("figure", { name: "Droplets" })).toBeInTheDocument();
  });

  it("previews a decision without recording it, and evaluates for real on request", async () => {
    const evaluate = vi.fn((v: Record<string, unknown>) => ({
      data: {
        evaluateScalingPolicy: {
          __typename: "EvaluateScalingPolicyPayload",
          evaluation: v.dryRun ? evaluation("PREVIEW", decision(8, 6, "queue 30 per droplet against target 50: ceil(240 / 50) = 5; desired 6 by the step limit", "STEP")) : evaluation("HELD", decision(8, 6, "…"), "waiting for SCALE job job-9"),
          position: v.dryRun ? 0 : 0,
        },
      },
    }));
    render({ EvaluateScalingPolicy: evaluate });
    await userEvent.click(await screen.findByRole("button", { name: "Preview decision" }));
    const preview = await screen.findByTestId("preview");
    expect(evaluate).toHaveBeenCalledWith({ id: "p1", dryRun: true });
    expect(within(preview).getByTestId("evaluation-outcome")).toHaveTextContent("Preview: nothing recorded · droplets 8 → 6");
    expect(preview).toHaveTextContent("limited by the step limit");
    await userEvent.click(screen.getByRole("button", { name: "Evaluate now" }));
    await waitFor(() => expect(evaluate).toHaveBeenCalledWith({ id: "p1", dryRun: false }));
    expect(await screen.findByText("Held: waiting for the cluster's SCALE job (droplets 8 → 6)")).toBeInTheDocument();
  });

  it("offers a viewer no actions", async () => {
    render({}, fixedAuth(meAs("VIEWER")));
    await screen.findByTestId("policy-keeps");
    expect(screen.queryByRole("button", { name: "Preview decision" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Delete" })).not.toBeInTheDocument();
  });
});
