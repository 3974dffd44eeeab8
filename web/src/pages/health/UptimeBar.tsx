// A check's latest runs as a row of small blocks, like Gatus' status page: green for a run
// whose conditions all held, red for one that failed, the newest on the right; each block's
// tooltip says when it ran, how long it took and what went wrong.
import { formatExact } from "../../format/time";
import type { Run } from "../../live/useLiveHealth";
import type { UptimeFieldsFragment } from "../../gql/graphql";

/** How many runs a bar shows. */
export const BAR_RUNS = 20;

/** "12 ms", "1.25 s". */
export function duration(ms: number): string {
  return ms < 1000 ? `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A run in one line: "2 Dec 2026, 10:00:03 GMT · 12 ms · HTTP 503 · connection refused". */
export function describeRun(r: Run): string {
  const failed = r.conditionResults.filter((c) => !c.success).map((c) => c.condition);
  return [
    formatExact(r.at),
    duration(r.durationMs),
    r.status != null ? `HTTP ${r.status}` : null,
    r.error ?? (failed.length ? `failed: ${failed.join(", ")}` : r.success ? "ok" : "failed"),
  ]
    .filter(Boolean)
    .join(" · ");
}

/** The share of successful runs, rounded down ("99.9%": never 100% with a failure); "—" without runs. */
export function percent(u: UptimeFieldsFragment | null | undefined): string {
  if (!u || u.ratio == null) return "—";
  return `${Math.floor(u.ratio * 1000) / 10}%`;
}

export function UptimeBar({ runs, size = "sm" }: { runs: readonly Run[]; size?: "sm" | "lg" }) {
  const shown = runs.slice(0, BAR_RUNS).reverse();
  const empty = BAR_RUNS - shown.length;
  const failed = shown.filter((r) => !r.success).length;
  const block = size === "lg" ? "h-8 w-2.5 sm:w-3" : "h-5 w-1.5";
  return (
    <div className="flex min-w-max items-center gap-2">
      <ol
        className="flex gap-0.5"
        data-testid="uptime-bar"
        aria-label={shown.length ? `Latest ${shown.length} runs, oldest first: ${shown.length - failed} succeeded, ${failed} failed` : "No runs yet"}
      >
        {Array.from({ length: empty }, (_, i) => (
          <li key={`empty-${i}`} aria-hidden="true" className={`${block} rounded-sm bg-slate-200`} />
        ))}
        {shown.map((r) => (
          <li
            key={r.at}
            data-testid="run"
            data-success={r.success}
            title={describeRun(r)}
            className={`${block} rounded-sm ${r.success ? "bg-emerald-500" : "bg-red-500"}`}
          >
            <span className="sr-only">
              {r.success ? "Succeeded" : "Failed"}: {describeRun(r)}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
