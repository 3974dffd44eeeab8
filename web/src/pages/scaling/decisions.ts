// What a policy's page draws and says about its decisions, as pure functions: the droplet
// count over time (from the decisions and the latest evaluation), the target line, and a
// decision's sentences.
import type { ChartPoint } from "../../components/TimeChart";
import type { CappedBy, EvaluationOutcome, ScalingDecisionFieldsFragment as Decision, ScalingDecisionRecordFieldsFragment as DecisionRecord } from "../../gql/graphql";

/** The droplets a decision left the cluster with: what its job did, or what it planned. */
export function dropletsAfter(r: DecisionRecord): number {
  const d = r.decision;
  if (d.dryRun) return d.current;
  if (r.result) return d.current + r.result.created.length - r.result.destroyed.length;
  if (r.abandoned != null) return d.current;
  return d.desired;
}

/**
 * The cluster's droplet count as the autoscaler counted it, a level from `from` to `to`:
 * each decision's count before it, then after it; the latest evaluation's count last. Before
 * the first decision (or evaluation) nothing is known, so the line starts there unless the
 * first one happened before `from`.
 */
export function dropletSteps(records: readonly DecisionRecord[], latest: Decision | null | undefined, from: number, to: number): ChartPoint[] {
  const known: { t: number; before: number; after: number }[] = records
    .map((r) => ({ t: Date.parse(r.decision.at), before: r.decision.current, after: dropletsAfter(r) }))
    .sort((a, b) => a.t - b.t);
  if (latest) known.push({ t: Date.parse(latest.at), before: latest.current, after: latest.current });
  known.sort((a, b) => a.t - b.t);
  const points: ChartPoint[] = [];
  let level: number | null = null;
  for (const k of known) {
    if (k.t < from) {
      level = k.after;
      continue;
    }
    if (k.t > to) break;
    if (points.length === 0) points.push({ t: from, v: level ?? k.before });
    // The level just before the decision, then after it (1 ms later: one value per time).
    if (points[points.length - 1].t < k.t) points.push({ t: k.t, v: k.before });
    points.push({ t: k.t + 1, v: k.after });
    level = k.after;
  }
  if (points.length === 0 && level != null) points.push({ t: from, v: level });
  if (level != null) points.push({ t: to, v: level });
  return points;
}

/**
 * The line a metric is kept near, over the same times: a percent target is flat; a queue
 * target is per droplet, so the whole queue is compared with target × droplets.
 */
export function targetLine(metric: string, target: number, droplets: readonly ChartPoint[], from: number, to: number): ChartPoint[] {
  if (metric !== "QUEUE_DEPTH") return [{ t: from, v: target }, { t: to, v: target }];
  return droplets.map((p) => ({ t: p.t, v: p.v == null ? null : p.v * target }));
}

const CAPPED: Record<CappedBy, string> = {
  MIN: "held at the policy's minimum",
  MAX: "held at the policy's maximum",
  STEP: "limited by the step limit",
  STABILIZATION: "held by the stabilization window",
  COOLDOWN: "held by the cooldown",
  COST: "held by the cost cap",
};

/** What capped a decision, in words ("held at the policy's maximum"). */
export function cappedText(c: CappedBy | null | undefined): string | null {
  return c ? CAPPED[c] : null;
}

/** What a decision changes: "size" (vertical) or "droplets". */
export function changeNoun(d: Partial<Pick<Decision, "currentSize">>): string {
  return d.currentSize ? "size" : "droplets";
}

/** "4 → 8", "5 (no change)"; a vertical decision's sizes: "s-1vcpu-1gb → s-1vcpu-2gb". */
export function changeText(d: Pick<Decision, "current" | "desired"> & Partial<Pick<Decision, "currentSize" | "desiredSize">>): string {
  const [from, to] = d.currentSize && d.desiredSize ? [d.currentSize, d.desiredSize] : [d.current, d.desired];
  return from === to ? `${from} (no change)` : `${from} → ${to}`;
}

const OUTCOMES: Record<EvaluationOutcome, string> = {
  SCALING: "Scaling: a SCALE job carries it out",
  DRY_RUN: "Dry run: recorded, nothing changed",
  NO_CHANGE: "No change",
  HELD: "Held: waiting for the cluster's SCALE job",
  PREVIEW: "Preview: nothing recorded",
};

/** An evaluation's outcome as a sentence. */
export function outcomeText(o: EvaluationOutcome): string {
  return OUTCOMES[o];
}

/** What a decision's job did or is doing: "created web-5, web-6", "abandoned: …", "running (40 %)". */
export function resultText(r: DecisionRecord): string {
  if (r.decision.dryRun) return "dry run: nothing done";
  if (r.abandoned != null) return `abandoned: ${r.abandoned}`;
  if (r.result) {
    const parts = [
      r.result.created.length ? `created ${r.result.created.join(", ")}` : "",
      r.result.destroyed.length ? `destroyed ${r.result.destroyed.join(", ")}` : "",
      r.result.resized.length ? `resized ${r.result.resized.join(", ")}` : "",
      r.result.skipped.length ? `skipped ${r.result.skipped.join("; ")}` : "",
    ].filter(Boolean);
    return parts.join("; ") || "nothing to do";
  }
  if (r.job) return `${r.job.status.toLowerCase()} (${r.job.progress} %)`;
  return "no job";
}
