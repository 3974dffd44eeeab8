// The server's rules for a horizontal scaling policy (CreateScalingPolicyInput), for
// immediate feedback; the server still decides (and names the field it refuses).
import type { ScalingMetric } from "../../gql/graphql";

export const METRICS: { value: ScalingMetric; label: string }[] = [
  { value: "QUEUE_DEPTH", label: "Queue depth per droplet" },
  { value: "CPU", label: "CPU %" },
  { value: "MEMORY", label: "Memory %" },
];

/** A metric's name in the console ("Queue depth per droplet"). */
export const metricLabel = (m: ScalingMetric): string => METRICS.find((x) => x.value === m)?.label ?? m;

/** Hours in a month as the catalog prices them (the server's HOURS_PER_MONTH). */
export const HOURS_PER_MONTH = 672;

export function targetProblem(metric: ScalingMetric, target: string): string | null {
  const n = Number(target);
  if (target.trim() === "" || !Number.isFinite(n) || n <= 0) return metric === "QUEUE_DEPTH" ? "Jobs per droplet, above 0." : "A percent above 0.";
  if (metric !== "QUEUE_DEPTH" && n > 100) return "A percent, at most 100.";
  return null;
}

export function dropletsProblem(value: string): string | null {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 100 ? null : "A whole number, 1–100.";
}

export function rangeProblem(min: string, max: string): string | null {
  return Number(max) < Number(min) ? "At least the minimum." : null;
}

/** A cost limit (empty: none) must pay for `min` droplets at `hourlyPrice`. */
export function costProblem(limit: string, min: string, hourlyPrice: number | undefined): string | null {
  if (limit.trim() === "") return null;
  const n = Number(limit);
  if (!Number.isFinite(n) || n <= 0) return "Dollars per hour, above 0 (empty: no limit).";
  const floor = hourlyPrice === undefined ? 0 : Number(min) * hourlyPrice;
  return n + 1e-9 < floor ? `Does not pay for the minimum: ${min} × the template cost $${floor.toFixed(4)}/h.` : null;
}
