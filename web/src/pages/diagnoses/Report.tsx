// A diagnosis report: how it was made (backend, tokens, duration, note, the model's summary),
// each check's result with its details and figures, and the findings worst first, each with
// its severity, confidence, explanation, evidence (linked to where it lives in the console)
// and recommendation, with room for the control that applies it.
import type { ReactNode } from "react";
import { Link } from "react-router";
import { useQuery } from "urql";
import { EntityNameQuery, titleCase, useEntityName } from "../../graphql/names";
import { evidenceLink, type SnapshotIndex } from "./evidence";
import { formatDuration } from "../../format/time";
import { formatValue } from "../../format/units";
import { humanizeTimes } from "../../format/time";
import type { CheckStatus, DiagnosisReportFieldsFragment, Severity } from "../../gql/graphql";

export type Finding = DiagnosisReportFieldsFragment["findings"][number];
export type CheckResult = DiagnosisReportFieldsFragment["checks"][number];
export type Action = NonNullable<NonNullable<Finding["recommendation"]>["action"]>;

const SEVERITY: Record<Severity, { badge: string; edge: string }> = {
  CRITICAL: { badge: "bg-red-700 text-white", edge: "border-l-red-600" },
  WARNING: { badge: "bg-amber-100 text-amber-900 ring-1 ring-amber-300", edge: "border-l-amber-500" },
  INFO: { badge: "bg-sky-100 text-sky-900", edge: "border-l-sky-400" },
};
const RANK: Record<Severity, number> = { CRITICAL: 0, WARNING: 1, INFO: 2 };

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span data-testid="severity" data-severity={severity} className={`inline-block rounded px-2 py-0.5 text-xs font-bold tracking-wide whitespace-nowrap ${SEVERITY[severity]?.badge ?? "bg-slate-100"}`}>
      {severity}
    </span>
  );
}

const CHECK_STATUS: Record<CheckStatus, string> = {
  PASS: "bg-emerald-100 text-emerald-800",
  WARNING: "bg-amber-100 text-amber-900",
  FAIL: "bg-red-100 text-red-800",
};

export function CheckStatusBadge({ status }: { status: CheckStatus }) {
  return (
    <span data-testid="check-status" className={`inline-block rounded-full px-2 py-0.5 text-xs font-semibold whitespace-nowrap ${CHECK_STATUS[status] ?? "bg-slate-100"}`}>
      {status}
    </span>
  );
}

/** "RELIABILITY" → "Reliability". */
export const checkName = (c: string) => c.charAt(0) + c.slice(1).toLowerCase();

/** Findings worst first (the server sends them so; a stable sort keeps its order within a severity). */
export function worstFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => (RANK[a.severity] ?? 3) - (RANK[b.severity] ?? 3));
}

/** How many findings of each severity: "1 critical, 2 warnings". */
export function countSeverities(findings: readonly { severity: Severity }[]): string {
  const parts: string[] = [];
  for (const [s, one, many] of [["CRITICAL", "critical", "critical"], ["WARNING", "warning", "warnings"], ["INFO", "note", "notes"]] as const) {
    const n = findings.filter((f) => f.severity === s).length;
    if (n) parts.push(`${n} ${n === 1 ? one : many}`);
  }
  return parts.join(", ") || "no findings";
}

/** "model openai:gpt-4o" / "built-in analysis". */
export function backendName(backend: string): string {
  if (backend === "builtin") return "Built-in analysis";
  if (backend.startsWith("openai:")) return `Model ${backend.slice("openai:".length)} (OpenAI-compatible)`;
  return backend;
}

/** How long a report took: "340 ms" under a second, "1 min 5 s" beyond. */
export function tookTime(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatDuration(ms);
}

/** A cited job by what it did and to what ("Provision bad-1"), its id until that is known. */
function JobLabel({ id, fallback }: { id: string; fallback: string }) {
  const [r] = useQuery({ query: EntityNameQuery, variables: { id }, requestPolicy: "cache-first" });
  const job = r.data?.job;
  const target = useEntityName(job?.targetId);
  return <>{job ? `${titleCase(job.type)} ${target ?? job.targetId.slice(0, 8)}` : fallback}</>;
}

export function ReportHeader({ report, durationMs }: { report: DiagnosisReportFieldsFragment; durationMs: number | null | undefined }) {
  return (
    <div className="card space-y-3" data-testid="report-header">
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-500">Made by</dt>
          <dd data-testid="report-backend" title={report.backend}>
            {backendName(report.backend)}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Tokens used</dt>
          <dd className="tabular-nums">{report.tokensUsed != null ? formatValue(report.tokensUsed, "count") : "—"}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Took</dt>
          <dd className="tabular-nums">{durationMs != null ? tookTime(durationMs) : "—"}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Findings</dt>
          <dd data-testid="finding-counts">{countSeverities(report.findings)}</dd>
        </div>
      </dl>
      {report.note && (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="report-note">
          <span className="font-semibold">Note:</span> {humanizeTimes(report.note)}
        </p>
      )}
      {report.summary && (
        <div data-testid="report-summary">
          <h3 className="text-sm font-semibold">Summary</h3>
          <p className="whitespace-pre-line text-sm text-slate-700">{report.summary}</p>
        </div>
      )}
    </div>
  );
}

/** Each check that ran: its status and summary, its details and figures on demand. */
export function CheckResults({ checks }: { checks: readonly CheckResult[] }) {
  return (
    <ul className="card divide-y divide-slate-200 p-0" aria-label="Check results">
      {checks.map((c) => (
        <li key={c.check} className="px-4 py-2" data-testid={`check-${c.check}`}>
          <details>
            <summary className="flex cursor-pointer list-none flex-wrap items-center gap-2 text-sm [&::-webkit-details-marker]:hidden">
              <span aria-hidden="true" className="text-slate-400">▸</span>
              <span className="w-24 font-medium sm:w-28">{checkName(c.check)}</span>
              <CheckStatusBadge status={c.status} />
              <span className="order-last min-w-0 basis-full break-words pl-5 text-slate-700 sm:order-none sm:basis-auto sm:flex-1 sm:pl-0">{c.summary}</span>
              {(c.details.length > 0 || c.metrics.length > 0) && (
                <span className="ml-auto text-xs text-slate-500">
                  {c.details.length > 0 && `${c.details.length} detail${c.details.length === 1 ? "" : "s"}`}
                  {c.details.length > 0 && c.metrics.length > 0 && " · "}
                  {c.metrics.length > 0 && `${c.metrics.length} figure${c.metrics.length === 1 ? "" : "s"}`}
                </span>
              )}
            </summary>
            <div className="mt-2 space-y-2 pl-6">
              {c.details.length > 0 && (
                <ul className="list-disc space-y-0.5 pl-4 text-sm text-slate-700">
                  {c.details.map((d, i) => (
                    <li key={i} className="break-words">
                      {humanizeTimes(d)}
                    </li>
                  ))}
                </ul>
              )}
              {c.metrics.length > 0 && (
                <dl className="grid grid-cols-1 gap-x-4 gap-y-0.5 text-xs sm:grid-cols-2 lg:grid-cols-3" aria-label={`${checkName(c.check)} figures`}>
                  {c.metrics.map((m) => (
                    <div key={m.name} className="flex justify-between gap-2 border-b border-slate-100 py-0.5">
                      <dt className="min-w-0 break-all font-mono text-slate-600">{m.name}</dt>
                      <dd className="tabular-nums">{formatValue(m.value, "number")}</dd>
                    </div>
                  ))}
                </dl>
              )}
              {c.details.length === 0 && c.metrics.length === 0 && <p className="text-xs text-slate-500">Nothing more to show.</p>}
            </div>
          </details>
        </li>
      ))}
    </ul>
  );
}

/** What an action does, in words: "Power on web-1", "Resize to s-2vcpu-4gb". */
export function describeAction(a: Action, names: { droplet?: (id: string) => string | undefined } = {}): string {
  const droplet = a.dropletId ? (names.droplet?.(a.dropletId) ?? "the droplet") : "the droplet";
  switch (a.kind) {
    case "RESIZE_DROPLET":
      return `Resize ${droplet}${a.size ? ` to ${a.size}` : ""}`;
    case "POWER_ON_DROPLET":
      return `Power on ${droplet}`;
    case "RETRY_JOB":
      return "Retry the job";
    case "ADD_DROPLET":
      return `Add a droplet${a.size ? ` (${[a.size, a.image, a.region].filter(Boolean).join(", ")})` : ""}`;
    default:
      return a.kind.toLowerCase().replace(/_/g, " ");
  }
}

export function FindingCard({ finding, index, control }: {
  finding: Finding;
  index: SnapshotIndex;
  /** The control that applies the recommendation (or says it was applied). */
  control?: ReactNode;
}) {
  const f = finding;
  const pct = Math.round(f.confidence * 100);
  return (
    <li className={`card border-l-4 ${SEVERITY[f.severity]?.edge ?? ""} space-y-2`} data-testid="finding" data-finding-id={f.id} aria-label={f.title}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <h3 className="flex min-w-0 flex-wrap items-center gap-2 font-semibold">
          <SeverityBadge severity={f.severity} />
          <span className="min-w-0 break-words">{f.title}</span>
        </h3>
        <div className="flex items-center gap-2 text-xs text-slate-500">
          <span className="rounded-full border border-slate-300 px-2 py-0.5">{checkName(f.check)}</span>
          <span title="How sure the analysis is" data-testid="confidence" className="flex items-center gap-1">
            <span className="inline-block h-1.5 w-12 overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
              <span className="block h-full bg-slate-500" style={{ width: `${pct}%` }} />
            </span>
            {pct}% confident
          </span>
        </div>
      </div>
      {f.explanation && <p className="break-words text-sm text-slate-700">{humanizeTimes(f.explanation)}</p>}
      {f.evidence.length > 0 && (
        <div>
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Evidence</h4>
          <ul className="mt-1 space-y-1 text-sm" aria-label="Evidence">
            {f.evidence.map((e, i) => {
              const link = evidenceLink(e, index);
              return (
                <li key={i} className="flex flex-wrap items-baseline gap-x-2 break-words" data-testid="evidence" data-kind={e.kind}>
                  <span className="rounded bg-slate-100 px-1.5 font-mono text-[0.7rem] text-slate-600">{e.kind.replace("_", " ").toLowerCase()}</span>
                  {link ? (
                    <Link className="link" to={link.to} data-testid="evidence-link">
                      {e.kind === "JOB" ? <JobLabel id={e.ref} fallback={link.label} /> : link.label}
                    </Link>
                  ) : (
                    <span className="font-mono text-xs">{e.ref}</span>
                  )}
                  {e.excerpt && <span className="min-w-0 text-slate-600 [overflow-wrap:anywhere]">{humanizeTimes(e.excerpt)}</span>}
                </li>
              );
            })}
          </ul>
        </div>
      )}
      {f.recommendation && (
        <div className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-slate-50 px-3 py-2" data-testid="recommendation">
          <p className="min-w-0 break-words text-sm">
            <span className="font-semibold">Recommendation:</span> {f.recommendation.text}
          </p>
          {control}
        </div>
      )}
    </li>
  );
}
