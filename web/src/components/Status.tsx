// Small presentational pieces: status badges, progress bars, loading and empty states,
// page headers (title, breadcrumbs and the browser tab's title).
import { useEffect, type ReactNode } from "react";
import { Link } from "react-router";
export { Time } from "./Time";

const COLORS: Record<string, string> = {
  ACTIVE: "bg-emerald-100 text-emerald-800",
  RUNNING: "bg-emerald-100 text-emerald-800",
  COMPLETED: "bg-emerald-100 text-emerald-800",
  PROVISIONING: "bg-sky-100 text-sky-800",
  QUEUED: "bg-slate-200 text-slate-800",
  STOPPED: "bg-amber-100 text-amber-800",
  PAUSED: "bg-amber-100 text-amber-800",
  DESTROYING: "bg-amber-100 text-amber-800",
  CANCELLED: "bg-amber-100 text-amber-800",
  FAILED: "bg-red-100 text-red-800",
  DESTROYED: "bg-slate-100 text-slate-500",
  DELETED: "bg-slate-100 text-slate-500",
  HEALTHY: "bg-emerald-100 text-emerald-800",
  PASSED: "bg-emerald-100 text-emerald-800",
  UNHEALTHY: "bg-red-100 text-red-800",
  UNKNOWN: "bg-slate-200 text-slate-800",
  DISABLED: "bg-slate-100 text-slate-500",
  REVOKED: "bg-slate-100 text-slate-500",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="status"
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ${COLORS[status] ?? "bg-slate-100"}`}
    >
      {status}
    </span>
  );
}

/** Bar colour by the job's status: blue while it runs, green done, red failed, amber cancelled. */
const BAR: Record<string, string> = {
  COMPLETED: "bg-emerald-600",
  FAILED: "bg-red-600",
  CANCELLED: "bg-amber-500",
  QUEUED: "bg-slate-400",
};

export function ProgressBar({ value, label, status }: { value: number; label: string; status?: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  const bar = (status && BAR[status]) || "bg-sky-600";
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={status ? `${pct}% ${status.toLowerCase()}` : `${pct}%`}
        data-status={status}
        className="h-2 w-full min-w-16 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full ${bar} transition-all`} style={{ width: `${pct}%` }} />
      </div>
      <span className="w-10 text-right text-xs tabular-nums text-slate-600">{pct}%</span>
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" className="animate-pulse py-6 text-sm text-slate-500">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="rounded-md border border-dashed border-slate-300 p-6 text-center text-sm text-slate-500">{children}</div>;
}

/** Sets the browser tab's title to "`title` · ClusterGenie". */
export function useTitle(title: string) {
  useEffect(() => {
    document.title = title ? `${title} · ClusterGenie` : "ClusterGenie";
  }, [title]);
}

export interface Crumb {
  to: string;
  label: string;
}

export function PageHeader({ title, crumbs, children }: { title: string; crumbs?: Crumb[]; children?: ReactNode }) {
  useTitle(title);
  return (
    <div className="mb-4">
      {crumbs && crumbs.length > 0 && (
        <nav aria-label="Breadcrumb" className="mb-1 text-sm text-slate-500">
          <ol className="flex flex-wrap items-center gap-1">
            {crumbs.map((c) => (
              <li key={c.to} className="flex items-center gap-1">
                <Link className="link" to={c.to}>
                  {c.label}
                </Link>
                <span aria-hidden="true">/</span>
              </li>
            ))}
            <li aria-current="page" className="truncate">{title}</li>
          </ol>
        </nav>
      )}
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="min-w-0 break-words text-2xl font-semibold">{title}</h1>
        <div className="flex flex-wrap gap-2">{children}</div>
      </div>
    </div>
  );
}

export function Json({ value }: { value: unknown }) {
  return (
    <pre className="max-h-80 max-w-full overflow-auto rounded bg-code p-2 text-xs text-code-text">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
