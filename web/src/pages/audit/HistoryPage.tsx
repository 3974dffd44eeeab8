// "State as of": steps through one aggregate's history, folding its events up to a chosen
// global position with `history(asOf: {position})`, and shows what that event changed.
import { Link, useParams, useSearchParams } from "react-router";
import { useQuery } from "urql";
import { HistoryQuery } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { DataTable, type Column } from "../../components/DataTable";
import { LIST_PAGES } from "../../components/DetailPage";
import { EventRow } from "../../components/EventRow";
import { EventSummary } from "../../components/EventSummary";
import { Empty, Json, Loading, PageHeader, Time } from "../../components/Status";
import { useEntityName } from "../../graphql/names";
import { diff, type Change } from "../../format/diff";
import type { AggregateType } from "../../gql/graphql";

/** Every object type (the types with a list page). */
const TYPES = Object.keys(LIST_PAGES) as AggregateType[];

const show = (v: unknown) => (v === undefined ? "—" : JSON.stringify(v));
const CHANGE_COLUMNS: Column<Change>[] = [
  { header: "Field", cellClassName: "font-mono text-xs", cell: (c) => c.path },
  { header: "Before", cellClassName: "font-mono text-xs text-red-800 [overflow-wrap:anywhere]", cell: (c) => show(c.before) },
  { header: "After", cellClassName: "font-mono text-xs text-emerald-800 [overflow-wrap:anywhere]", cell: (c) => show(c.after) },
];

export function HistoryPage() {
  const { aggregateType = "", aggregateId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const type = TYPES.find((t) => t === aggregateType);
  const name = useEntityName(aggregateId);
  const [all] = useQuery({
    query: HistoryQuery,
    variables: { aggregateType: type ?? "Cluster", aggregateId, asOf: null },
    pause: !type,
  });
  const events = all.data?.history.events ?? [];
  const positions = events.map((e) => e.position);
  const requested = Number(params.get("position"));
  const position = positions.includes(requested) ? requested : positions[positions.length - 1];
  const index = positions.indexOf(position);
  const previous = index > 0 ? positions[index - 1] : undefined;
  const [asOf] = useQuery({
    query: HistoryQuery,
    variables: { aggregateType: type ?? "Cluster", aggregateId, asOf: { position } },
    pause: !type || position === undefined,
  });
  const [before] = useQuery({
    query: HistoryQuery,
    variables: { aggregateType: type ?? "Cluster", aggregateId, asOf: { position: previous ?? 0 } },
    pause: !type || previous === undefined,
  });
  const go = (i: number) => setParams({ position: String(positions[i]) }, { replace: true });
  const label = name ?? aggregateId.slice(0, 8);

  if (!type) return <Empty>Unknown object type {aggregateType}.</Empty>;
  if (all.fetching && !all.data) return <Loading what="history" />;
  if (all.error && !all.data) return <ErrorNotice error={all.error} />;
  if (positions.length === 0) return <Empty>{type} {aggregateId} has no events.</Empty>;
  const h = asOf.data?.history;
  const chosen = events[index];
  const changes = h ? diff(previous === undefined ? null : before.data?.history.state, h.state) : [];
  const list = LIST_PAGES[type];

  return (
    <section className="min-w-0 space-y-4">
      <PageHeader
        title={`History of ${type.replace(/\B([A-Z])/g, " $1").toLowerCase()} ${label}`}
        crumbs={[
          { to: "/audit", label: "Audit" },
          list,
          { to: `${list.to}/${aggregateId}`, label },
        ]}
      >
        <Link className="btn-secondary" to={`/audit?aggregateId=${aggregateId}&progress=1`}>
          Its events in the log
        </Link>
      </PageHeader>
      <p className="break-all font-mono text-xs text-slate-500">{aggregateId}</p>
      <div className="card space-y-2">
        <label className="label" htmlFor="asof">
          State as of event {index + 1} of {positions.length} (global position {position})
        </label>
        <div className="flex items-center gap-2">
          <button className="btn-secondary" onClick={() => go(index - 1)} disabled={index <= 0} aria-label="Earlier">
            ←
          </button>
          <input
            id="asof"
            type="range"
            min={0}
            max={positions.length - 1}
            value={index}
            onChange={(e) => go(Number(e.target.value))}
            className="w-full min-w-0 accent-sky-700"
          />
          <button className="btn-secondary" onClick={() => go(index + 1)} disabled={index >= positions.length - 1} aria-label="Later">
            →
          </button>
        </div>
        {chosen && (
          <p className="text-sm" data-testid="chosen-version">
            <EventSummary event={chosen} /> — <Time at={chosen.recordedAt} exact />
          </p>
        )}
      </div>
      <ErrorNotice error={asOf.error} />
      {!h ? (
        <Loading what="state" />
      ) : (
        <div className="grid min-w-0 gap-4 md:grid-cols-2">
          <div className="min-w-0 space-y-4">
            <div>
              <h2 className="mb-2 text-lg font-semibold">What this event changed</h2>
              {changes.length === 0 ? (
                <Empty>No field changed.</Empty>
              ) : (
                <DataTable
                  rows={changes}
                  columns={CHANGE_COLUMNS}
                  rowKey={(c) => c.path}
                  rowProps={() => ({ "data-testid": "change" })}
                  label="Changes"
                  className="w-full text-sm"
                />
              )}
            </div>
            <div>
              <h2 className="mb-2 text-lg font-semibold">State (version {h.version})</h2>
              <Json value={h.state} />
            </div>
          </div>
          <div className="min-w-0">
            <h2 className="mb-2 text-lg font-semibold">Events up to here</h2>
            <ul className="card p-0">
              {[...h.events].reverse().map((e) => (
                <EventRow key={e.position} event={e} />
              ))}
            </ul>
          </div>
        </div>
      )}
    </section>
  );
}
