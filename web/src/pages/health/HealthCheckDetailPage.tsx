// One health check: its settings, its uptime over an hour, a day and a week, its latest runs
// (live) with each condition's outcome and what it saw, and run now / edit / delete.
import { useState } from "react";
import { useNavigate, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { DeleteHealthCheckMutation, HealthCheckQuery, RunHealthCheckMutation } from "./operations";
import { EditHealthCheckForm } from "./HealthCheckForm";
import { HealthBadges } from "./HealthChecksPage";
import { BAR_RUNS, UptimeBar, duration, percent } from "./UptimeBar";
import { ErrorNotice } from "../../components/ErrorNotice";
import { DataTable, optional, type Column } from "../../components/DataTable";
import { Facts } from "../../components/Facts";
import { DetailPage, LIST_PAGES } from "../../components/DetailPage";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toasts";
import { Empty, Loading, StatusBadge, Time } from "../../components/Status";
import { useRefetchOnReconnect } from "../../live/connection";
import { freshRuns, mergeRuns, useHealthCheckUpdates, useLiveRuns, withFreshRuns, type Run } from "../../live/useLiveHealth";
import { IfRole } from "../../auth/RoleGate";
import type { HealthCheckDetailFragment, HealthCheckFieldsFragment, UptimeFieldsFragment } from "../../gql/graphql";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const RUN_COLUMNS: Column<Run>[] = [
  { header: "When", cellClassName: "whitespace-nowrap", cell: (r) => <Time at={r.at} /> },
  { header: "Result", cell: (r) => <StatusBadge status={r.success ? "PASSED" : "FAILED"} /> },
  { header: "Duration", className: "hidden sm:table-cell", cellClassName: "tabular-nums whitespace-nowrap", cell: (r) => duration(r.durationMs) },
  { header: "HTTP", className: "hidden sm:table-cell", cellClassName: "tabular-nums", cell: (r) => r.status ?? "—" },
  {
    header: "Conditions",
    cell: (r) =>
      r.conditionResults.length === 0 ? (
        <span className="text-slate-500" title="No conditions: a run passes when the target answers">—</span>
      ) : (
        <ul className="space-y-0.5">
          {r.conditionResults.map((c) => (
            <li key={c.condition} data-testid="condition" data-success={c.success} className="flex flex-wrap items-baseline gap-x-2">
              <span className={c.success ? "text-emerald-700" : "text-red-700"} aria-hidden="true">
                {c.success ? "✓" : "✗"}
              </span>
              <span className="sr-only">{c.success ? "Held:" : "Failed:"}</span>
              <code className="text-xs">{c.condition}</code>
              <span className="text-xs text-slate-500">
                actual <span className="font-mono text-slate-700">{c.actual}</span>
              </span>
            </li>
          ))}
        </ul>
      ),
  },
];

/** Why a run could not observe its target: a column only while one of the runs shown has a reason. */
const ERROR_COLUMN: Column<Run> = { header: "Error", className: "hidden md:table-cell", cellClassName: "max-w-64 break-words text-xs text-red-800", cell: (r) => r.error ?? "" };

function UptimeCard({ label, uptime, testId }: { label: string; uptime: UptimeFieldsFragment; testId: string }) {
  return (
    <div className="card" data-testid={testId}>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className="text-2xl font-semibold tabular-nums">{percent(uptime)}</div>
      <div className="text-xs text-slate-500">{uptime.runs ? `${uptime.successes} of ${plural(uptime.runs, "run")} passed` : "no runs"}</div>
    </div>
  );
}

/** The newest of what the query, the live re-reads and the last save say. */
function newest(detail: (HealthCheckDetailFragment | null | undefined)[], saved: HealthCheckFieldsFragment | null): HealthCheckDetailFragment | null {
  const d = detail.reduce<HealthCheckDetailFragment | null>((a, x) => (x && (!a || x.version > a.version) ? x : a), null);
  return d && saved && saved.version > d.version ? { ...d, ...saved } : d;
}

export function HealthCheckDetailPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const [{ data, fetching, error }, refetch] = useQuery({ query: HealthCheckQuery, variables: { id } });
  const [running, runCheck] = useMutation(RunHealthCheckMutation);
  const [deletion, deleteCheck] = useMutation(DeleteHealthCheckMutation);
  const [actionError, setActionError] = useState<typeof running.error>(undefined);
  const [manual, setManual] = useState<Run[]>([]);
  const [saved, setSaved] = useState<HealthCheckFieldsFragment | null>(null);
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  useRefetchOnReconnect(() => {
    setActionError(undefined);
    refetch({ requestPolicy: "network-only" });
  });
  const updates = useHealthCheckUpdates(HealthCheckQuery, (d) => d.healthCheck, id);
  const live = useLiveRuns([id]).get(id);

  const check = newest([data?.healthCheck, updates.get(id)], saved);
  if (fetching && !data) return <Loading what="health check" />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!check) return <Empty>No health check with id {id}.</Empty>;
  const deleted = check.status === "DELETED";
  const arrived = [...manual, ...(live ?? [])];
  const base = check.results.nodes;
  const runs = mergeRuns(base, arrived, BAR_RUNS);
  const total = check.results.totalCount + freshRuns(base, arrived).length;

  async function runNow() {
    const r = await runCheck({ id });
    setActionError(r.error);
    const run = r.data?.runHealthCheck;
    if (run) {
      setManual((m) => [run, ...m]);
      toast(run.success ? `Run passed in ${duration(run.durationMs)}` : `Run failed: ${run.error ?? "a condition did not hold"}`);
    }
  }

  async function remove() {
    setConfirming(false);
    const r = await deleteCheck({ id });
    setActionError(r.error);
    if (!r.error) {
      toast(`Health check ${check!.name} deleted`);
      navigate(LIST_PAGES.HealthCheck.to);
    }
  }

  const actions = !deleted && (
    <IfRole role="OPERATOR" note>
      <button className="btn-primary" onClick={runNow} disabled={running.fetching}>
        {running.fetching ? "Running…" : "Run now"}
      </button>
      <button className="btn-secondary" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
        {editing ? "Close editor" : "Edit"}
      </button>
      <button className="btn-danger" onClick={() => setConfirming(true)} disabled={deletion.fetching}>
        Delete
      </button>
    </IfRole>
  );

  return (
    <DetailPage title={`Health check ${check.name}`} of={{ type: "HealthCheck", id: check.id }} actions={actions}>
      {deleted && (
        <p className="rounded-md border border-slate-300 bg-slate-50 px-3 py-2 text-sm text-slate-700">This check was deleted; it runs no more.</p>
      )}
      {editing && (
        <EditHealthCheckForm
          check={check}
          onCancel={() => setEditing(false)}
          onSaved={(c) => {
            setSaved(c);
            setEditing(false);
            toast(`Health check ${c.name} saved`);
          }}
        />
      )}
      <ErrorNotice
        error={actionError}
        hints={{ NOT_FOUND: "The check does not exist any more.", CONFLICT: "The check changed meanwhile; look at its current settings and try again." }}
      />
      <Facts
        facts={[
          { label: "State", value: <HealthBadges check={check} />, testId: "health-state" },
          { label: "Kind", value: check.kind },
          { label: "Interval", value: `every ${plural(check.intervalSeconds, "second")}` },
          { label: "Timeout", value: `${check.timeoutMs} ms` },
          { label: "Target", value: check.target, valueClassName: "break-all font-mono text-xs", wide: true },
          { label: "Unhealthy after", value: plural(check.failureThreshold, "failed run") + " in a row" },
          { label: "Healthy after", value: plural(check.successThreshold, "passed run") + " in a row" },
          { label: "Created", value: <Time at={check.createdAt} /> },
          { label: "Updated", value: <Time at={check.updatedAt} /> },
          {
            label: "Conditions",
            wide: true,
            value:
              check.conditions.length === 0 ? (
                "none: a run passes when the target answers"
              ) : (
                <ul className="font-mono text-xs">
                  {check.conditions.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              ),
          },
          { label: "Id", value: check.id, valueClassName: "break-all font-mono text-xs", wide: true },
        ]}
      />
      <h2 className="text-lg font-semibold">Uptime</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <UptimeCard label="Last hour" testId="uptime-1h" uptime={withFreshRuns(check.hour, base, arrived)} />
        <UptimeCard label="Last 24 hours" testId="uptime-24h" uptime={withFreshRuns(check.day, base, arrived)} />
        <UptimeCard label="Last 7 days" testId="uptime-7d" uptime={withFreshRuns(check.week, base, arrived)} />
      </div>
      <div className="card space-y-1 overflow-x-auto">
        <UptimeBar runs={runs} size="lg" />
        <p className="text-xs text-slate-500">
          The latest {BAR_RUNS} runs, newest on the right{check.enabled && !deleted ? `; a new one every ${plural(check.intervalSeconds, "second")}` : ""}.
        </p>
      </div>
      <h2 className="text-lg font-semibold">
        Latest runs <span className="text-sm font-normal text-slate-500">({runs.length} of {total})</span>
      </h2>
      {runs.length === 0 ? (
        <Empty>No runs yet{check.enabled && !deleted ? "; the first one is on its way" : ""}.</Empty>
      ) : (
        <DataTable rows={runs} columns={[...RUN_COLUMNS, ...optional(runs.some((r) => r.error), ERROR_COLUMN)]} rowKey={(r) => r.at} label="Latest runs" rowProps={() => ({ "data-testid": "run-row" })} />
      )}
      {confirming && (
        <ConfirmDialog title={`Delete health check ${check.name}?`} confirmLabel="Delete health check" danger onClose={() => setConfirming(false)} onConfirm={remove}>
          <p>It runs no more. Its results stay until their retention ends, and its history stays in the audit log.</p>
        </ConfirmDialog>
      )}
    </DetailPage>
  );
}
