// Health: every check with its state, its latest runs as an uptime bar and its uptime over a
// day, followed live; filters (kept in the URL) and the create form.
import { useState } from "react";
import { HealthCheckRowQuery, HealthChecksQuery } from "./operations";
import { CreateHealthCheckForm } from "./HealthCheckForm";
import { KINDS } from "./validation";
import { BAR_RUNS, UptimeBar, percent } from "./UptimeBar";
import { DataTable, RowLink, type Column } from "../../components/DataTable";
import { FilterBar, FilterInput, FilterSelect, useUrlFilters } from "../../components/Filters";
import { PagedList } from "../../components/PagedList";
import { PageHeader, StatusBadge } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { usePagedQuery } from "../../live/usePagedQuery";
import { pathOf } from "../../graphql/names";
import { mergeLive } from "../../live/merge";
import { mergeRuns, useHealthCheckUpdates, useLiveRuns, withFreshRuns, type Run } from "../../live/useLiveHealth";
import { IfRole } from "../../auth/RoleGate";
import { useAuth } from "../../auth/AuthContext";
import type { HealthCheckFilter, HealthCheckKind, HealthCheckRowFragment, HealthCheckState } from "../../gql/graphql";

const STATES: HealthCheckState[] = ["HEALTHY", "UNHEALTHY", "UNKNOWN"];

/** Checks a page: each brings its latest runs, and the server's query-cost limit (10000, a
 * list's fields times its `first`) allows about 40 such rows in one query. */
const PAGE = 25;

/** A row with its runs and uptime as current as the subscriptions have them. */
type LiveRow = HealthCheckRowFragment & { runs: Run[] };

/** Its health, and whether it is paused. */
export function HealthBadges({ check }: { check: { state: string; enabled: boolean } }) {
  return (
    <span className="inline-flex flex-wrap gap-1">
      <StatusBadge status={check.state} />
      {!check.enabled && <StatusBadge status="DISABLED" />}
    </span>
  );
}

const COLUMNS: Column<LiveRow>[] = [
  {
    header: "Name",
    cell: (c) => (
      <>
        <RowLink to={pathOf("HealthCheck", c.id)}>{c.name}</RowLink>
        <div className="max-w-64 truncate font-mono text-xs text-slate-500 md:hidden" title={c.target}>
          {c.target}
        </div>
      </>
    ),
  },
  { header: "Kind", className: "hidden sm:table-cell", cell: (c) => c.kind },
  {
    header: "Target",
    className: "hidden md:table-cell",
    cell: (c) => (
      <span className="block max-w-72 truncate font-mono text-xs" title={c.target}>
        {c.target}
      </span>
    ),
  },
  { header: "State", cell: (c) => <HealthBadges check={c} /> },
  { header: "Latest runs", cell: (c) => <UptimeBar runs={c.runs} /> },
  {
    header: "Uptime 24h",
    cellClassName: "tabular-nums",
    cell: (c) => (
      <span data-testid="uptime-24h" title={`${c.uptime.successes} of ${c.uptime.runs} runs succeeded`}>
        {percent(c.uptime)}
      </span>
    ),
  },
];

export function HealthChecksPage() {
  const { params, set } = useUrlFilters();
  const filter: HealthCheckFilter = {
    status: "ACTIVE",
    health: (params.get("state") as HealthCheckState) || null,
    kind: (params.get("kind") as HealthCheckKind) || null,
    name: params.get("name") || null,
  };
  // A command form is not offered to a role that may not send it, whatever the URL says.
  const operator = useAuth().can("OPERATOR");
  const showForm = params.get("new") === "1" && operator;
  const [created, setCreated] = useState<string | null>(null);
  const toast = useToast();
  const list = usePagedQuery(HealthChecksQuery, { first: PAGE, filter }, (d) => d.healthChecks);
  const updates = useHealthCheckUpdates(HealthCheckRowQuery, (d) => d.healthCheck);
  const checks = mergeLive(list.nodes, updates, (c) =>
    c.status === "ACTIVE" &&
    (!filter.health || c.state === filter.health) &&
    (!filter.kind || c.kind === filter.kind) &&
    (!filter.name || c.name.includes(filter.name)),
  );
  const live = useLiveRuns(checks.map((c) => c.id));
  const rows: LiveRow[] = checks.map((c) => ({
    ...c,
    runs: mergeRuns(c.results.nodes, live.get(c.id), BAR_RUNS),
    uptime: withFreshRuns(c.uptime, c.results.nodes, live.get(c.id)),
  }));

  return (
    <section>
      <PageHeader title="Health">
        <IfRole role="OPERATOR" note>
          <button className="btn-primary" onClick={() => set({ new: showForm ? "" : "1" })} aria-expanded={showForm}>
            {showForm ? "Close form" : "New health check"}
          </button>
        </IfRole>
      </PageHeader>
      {showForm && (
        <div className="mb-4">
          <CreateHealthCheckForm
            onCreated={(c) => {
              setCreated(c.id);
              toast(`Health check ${c.name} created; its first run starts now`);
              set({ new: "" });
              list.reload();
            }}
          />
        </div>
      )}
      <FilterBar className="grid-cols-2 sm:grid-cols-3 sm:max-w-2xl">
        <FilterSelect id="h-state" label="State" value={filter.health ?? ""} onChoose={(v) => set({ state: v })} choices={STATES} />
        <FilterSelect id="h-kind" label="Kind" value={filter.kind ?? ""} onChoose={(v) => set({ kind: v })} choices={KINDS} />
        <FilterInput id="h-name" label="Name contains" value={filter.name ?? ""} onText={(v) => set({ name: v })} />
      </FilterBar>
      <PagedList
        list={list}
        what="health checks"
        count={rows.length}
        empty={<>No health checks{filter.health || filter.kind || filter.name ? " match" : " yet"}. Create one with “New health check”.</>}
      >
        <DataTable
          rows={rows}
          columns={COLUMNS}
          rowKey={(c) => c.id}
          caption={`${list.more.total} health checks`}
          rowProps={(c) => ({
            className: c.id === created ? "bg-sky-50" : undefined,
            "data-testid": `check-row-${c.name}`,
            "data-highlight": c.id === created || undefined,
          })}
        />
      </PagedList>
    </section>
  );
}
