// "State as of": steps through one aggregate's history, folding its events up to a chosen
// global position with `history(asOf: {position})`.
import { Link, useParams, useSearchParams } from "react-router";
import { useQuery } from "urql";
import { HistoryQuery } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { EventRow } from "../../components/EventRow";
import { Empty, Json, Loading, PageHeader } from "../../components/Status";
import type { AggregateType } from "../../gql/graphql";

const TYPES: AggregateType[] = ["Cluster", "Droplet", "Job"];

export function HistoryPage() {
  const { aggregateType = "", aggregateId = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const type = TYPES.find((t) => t === aggregateType);
  const [all] = useQuery({
    query: HistoryQuery,
    variables: { aggregateType: type ?? "Cluster", aggregateId, asOf: null },
    pause: !type,
  });
  const positions = all.data?.history.events.map((e) => e.position) ?? [];
  const requested = Number(params.get("position"));
  const position = positions.includes(requested) ? requested : positions[positions.length - 1];
  const index = positions.indexOf(position);
  const [asOf] = useQuery({
    query: HistoryQuery,
    variables: { aggregateType: type ?? "Cluster", aggregateId, asOf: { position } },
    pause: !type || position === undefined,
  });
  const go = (i: number) => setParams({ position: String(positions[i]) }, { replace: true });

  if (!type) return <Empty>Unknown aggregate type {aggregateType}.</Empty>;
  if (all.fetching && !all.data) return <Loading what="history" />;
  if (all.error) return <ErrorNotice error={all.error} />;
  if (positions.length === 0) return <Empty>{type} {aggregateId} has no events.</Empty>;
  const h = asOf.data?.history;
  const detail = type === "Cluster" ? "clusters" : type === "Droplet" ? "droplets" : "jobs";

  return (
    <section className="space-y-4">
      <PageHeader title={`${type} history`}>
        <Link className="btn-secondary" to={`/${detail}/${aggregateId}`}>
          Open {type.toLowerCase()}
        </Link>
        <Link className="btn-secondary" to={`/audit?aggregateId=${aggregateId}`}>
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
            className="w-full accent-sky-700"
          />
          <button className="btn-secondary" onClick={() => go(index + 1)} disabled={index >= positions.length - 1} aria-label="Later">
            →
          </button>
        </div>
      </div>
      <ErrorNotice error={asOf.error} />
      {!h ? (
        <Loading what="state" />
      ) : (
        <div className="grid gap-4 md:grid-cols-2">
          <div>
            <h2 className="mb-2 text-lg font-semibold">State (version {h.version})</h2>
            <Json value={h.state} />
          </div>
          <div>
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
