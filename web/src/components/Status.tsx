// Small presentational pieces: status badges, progress bars, loading and empty states.
import type { ReactNode } from "react";

const COLORS: Record<string, string> = {
  ACTIVE: "bg-emerald-100 text-emerald-800",
  RUNNING: "bg-emerald-100 text-emerald-800",
  COMPLETED: "bg-emerald-100 text-emerald-800",
  PROVISIONING: "bg-sky-100 text-sky-800",
  QUEUED: "bg-slate-200 text-slate-800",
  STOPPED: "bg-amber-100 text-amber-800",
  DESTROYING: "bg-amber-100 text-amber-800",
  CANCELLED: "bg-amber-100 text-amber-800",
  FAILED: "bg-red-100 text-red-800",
  DESTROYED: "bg-slate-100 text-slate-500",
  DELETED: "bg-slate-100 text-slate-500",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span
      data-testid="status"
      className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold ${COLORS[status] ?? "bg-slate-100"}`}
    >
      {status}
    </span>
  );
}

export function ProgressBar({ value, label }: { value: number; label: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="flex items-center gap-2">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        className="h-2 w-full min-w-16 overflow-hidden rounded-full bg-slate-200"
      >
        <div className="h-full bg-sky-600 transition-all" style={{ width: `${pct}%` }} />
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

export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  const d = new Date(at);
  return (
    <time dateTime={at} title={at}>
      {d.toLocaleString()}
    </time>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-2">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <div className="flex flex-wrap gap-2">{children}</div>
    </div>
  );
}

export function Json({ value }: { value: unknown }) {
  return (
    <pre className="max-h-80 overflow-auto rounded bg-slate-900 p-2 text-xs text-slate-100">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
