// Health: every active check with its state, its latest runs as an uptime bar (oldest on the
// left, like Gatus' status page), its uptime over 24 h, and a button to run it now. Checks are
// created with the createHealthCheck mutation (GraphiQL) for now.
import { useMutation } from "urql";
import { HealthChecksQuery, RunHealthCheckMutation } from "./operations";
import { DataTable, type Column } from "../../components/DataTable";
import { PagedList } from "../../components/PagedList";
import { PageHeader, StatusBadge } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { usePagedQuery } from "../../live/usePagedQuery";
import type { HealthChecksQuery as Data } from "../../gql/graphql";

type Check = NonNullable<Data["healthChecks"]["nodes"]>[number];

/** The latest runs, oldest first: green for a success, red for a failure. */
export function UptimeBar({ results }: { results: Check["results"]["nodes"] }) {
  const runs = [...results].reverse();
  if (runs.length === 0) return <span className="text-slate-500">no runs yet</span>;
  return (
    <span className="inline-flex gap-0.5" aria-label={`${runs.filter((r) => r.success).length} of ${runs.length} latest runs succeeded`}>
      {runs.map((r) => (
        <span
          key={r.at}
          data-testid={r.success ? "run-success" : "run-failure"}
          title={`${new Date(r.at).toLocaleString()} · ${r.durationMs.toFixed(1)} ms${r.error ? ` · ${r.error}` : ""}`}
          className={`inline-block h-4 w-1.5 rounded-sm ${r.success ? "bg-emerald-500" : "bg-red-500"}`}
        />
      ))}
    </span>
  );
}

function percent(ratio: number | null | undefined) {
  return ratio == null ? "—" : `${(ratio * 100).toFixed(ratio === 1 ? 0 : 2)} %`;
}

function RunNow({ check, onRan }: { check: Check; onRan: () => void }) {
  const [state, run] = useMutation(RunHealthCheckMutation);
  const toast = useToast();
  return (
    <button
      className="btn-secondary"
      disabled={state.fetching}
      onClick={async () => {
        const r = await run({ id: check.id });
        const result = r.data?.runHealthCheck;
        if (r.error) toast(r.error.message);
        else if (result) toast(result.success ? `${check.name}: passed` : `${check.name}: failed — ${result.error ?? "a condition did not hold"}`);
        onRan();
      }}
    >
      Run now
    </button>
  );
}

export function HealthChecksPage() {
  const list = usePagedQuery(HealthChecksQuery, { first: 100, filter: { status: "ACTIVE" } }, (d) => d.healthChecks);
  const checks = list.nodes;
  const columns: Column<Check>[] = [
    { header: "Name", cell: (c) => c.name },
    { header: "Kind", cell: (c) => c.kind },
    { header: "Target", className: "hidden sm:table-cell", cell: (c) => <code className="text-xs">{c.target}</code> },
    { header: "State", cell: (c) => <StatusBadge status={c.enabled ? c.state : "DISABLED"} /> },
    { header: "Latest runs", cell: (c) => <UptimeBar results={c.results.nodes} /> },
    { header: "Uptime 24 h", cellClassName: "tabular-nums", cell: (c) => percent(c.uptime.ratio) },
    { header: "", cell: (c) => <RunNow check={c} onRan={list.reload} /> },
  ];
  return (
    <section>
      <PageHeader title="Health" />
      <PagedList list={list} what="health checks" count={checks.length} empty={<>No health checks yet. Create one with the createHealthCheck mutation.</>}>
        <DataTable rows={checks} columns={columns} rowKey={(c) => c.id} caption={`${list.more.total} health checks`} rowProps={(c) => ({ "data-testid": `check-row-${c.name}` })} />
      </PagedList>
    </section>
  );
}
