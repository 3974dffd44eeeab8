// The audit log: filter by aggregate, type, actor and time; page through it; once at its end,
// follow it live from the last cursor.
import { useCallback, useEffect, useState } from "react";
import { useSearchParams } from "react-router";
import { useClient, type CombinedError } from "urql";
import { EventsQuery } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { EventRow } from "../../components/EventRow";
import { Empty, Loading, PageHeader } from "../../components/Status";
import { useEventTail } from "../../live/eventTail";
import type { AggregateType, EventFieldsFragment, EventFilter } from "../../gql/graphql";

const PAGE = 50;
const TYPES: AggregateType[] = ["Cluster", "Droplet", "Job"];

function toIso(local: string | null): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function AuditPage() {
  const client = useClient();
  const [params, setParams] = useSearchParams();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const filter: EventFilter = {
    aggregateType: (params.get("aggregateType") as AggregateType) || null,
    aggregateId: params.get("aggregateId") || null,
    eventType: params.get("type") || null,
    actor: params.get("actor") || null,
    since: toIso(params.get("since")),
    until: toIso(params.get("until")),
  };
  const filterKey = JSON.stringify(filter);
  const newestFirst = params.get("order") !== "oldest";

  const [events, setEvents] = useState<EventFieldsFragment[]>([]);
  const [total, setTotal] = useState(0);
  const [page, setPage] = useState<{ endCursor: string | null; hasNext: boolean } | null>(null);
  const [fetching, setFetching] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  const [tailError, setTailError] = useState<string | null>(null);

  const load = useCallback(
    async (after: string | null, reset: boolean) => {
      setFetching(true);
      const r = await client
        .query(EventsQuery, { first: PAGE, after, filter: JSON.parse(filterKey) }, { requestPolicy: "network-only" })
        .toPromise();
      setFetching(false);
      setError(r.error ?? null);
      const c = r.data?.events;
      if (!c) return;
      setTotal(c.totalCount);
      setEvents((prev) => (reset ? c.nodes : [...prev, ...c.nodes.filter((e) => !prev.some((p) => p.position === e.position))]));
      setPage({ endCursor: c.pageInfo.endCursor ?? after, hasNext: c.pageInfo.hasNextPage });
    },
    [client, filterKey],
  );

  useEffect(() => {
    setEvents([]);
    setPage(null);
    load(null, true);
  }, [load]);

  // Until-bounded logs do not grow; everything else is followed live once fully loaded.
  const tailing = page !== null && !page.hasNext && !filter.until;
  useEventTail({
    after: page?.endCursor ?? null,
    filter,
    enabled: tailing,
    onEvent: (e) => {
      setTailError(null);
      setTotal((t) => t + 1);
      setEvents((prev) => (prev.some((p) => p.position === e.position) ? prev : [...prev, e]));
    },
    onError: setTailError,
  });

  const shown = newestFirst ? [...events].reverse() : events;

  return (
    <section>
      <PageHeader title="Audit log">
        <span className="self-center text-xs text-slate-500" role="status">
          {tailing ? "Following live" : ""}
        </span>
      </PageHeader>
      <fieldset className="mb-3 grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-7">
        <legend className="sr-only">Filters</legend>
        <div>
          <label className="label" htmlFor="a-type">Aggregate</label>
          <select id="a-type" className="input" value={filter.aggregateType ?? ""} onChange={(e) => set("aggregateType", e.target.value)}>
            <option value="">Any</option>
            {TYPES.map((t) => <option key={t}>{t}</option>)}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="a-id">Aggregate id</label>
          <input id="a-id" className="input" value={params.get("aggregateId") ?? ""} onChange={(e) => set("aggregateId", e.target.value.trim())} />
        </div>
        <div>
          <label className="label" htmlFor="a-event">Event type</label>
          <input id="a-event" className="input" placeholder="DropletCreated" value={params.get("type") ?? ""} onChange={(e) => set("type", e.target.value.trim())} />
        </div>
        <div>
          <label className="label" htmlFor="a-actor">Actor</label>
          <input id="a-actor" className="input" placeholder="anonymous" value={params.get("actor") ?? ""} onChange={(e) => set("actor", e.target.value.trim())} />
        </div>
        <div>
          <label className="label" htmlFor="a-since">Since</label>
          <input id="a-since" type="datetime-local" className="input" value={params.get("since") ?? ""} onChange={(e) => set("since", e.target.value)} />
        </div>
        <div>
          <label className="label" htmlFor="a-until">Until</label>
          <input id="a-until" type="datetime-local" className="input" value={params.get("until") ?? ""} onChange={(e) => set("until", e.target.value)} />
        </div>
        <div>
          <label className="label" htmlFor="a-order">Order</label>
          <select id="a-order" className="input" value={newestFirst ? "newest" : "oldest"} onChange={(e) => set("order", e.target.value === "oldest" ? "oldest" : "")}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </div>
      </fieldset>
      <ErrorNotice error={error} />
      {tailError && <ErrorNotice error={[{ code: "UNAVAILABLE", message: tailError }]} />}
      {page === null && fetching ? (
        <Loading what="events" />
      ) : events.length === 0 ? (
        <Empty>No events match{tailing ? " yet; new ones appear here as they happen" : ""}.</Empty>
      ) : (
        <>
          <p className="mb-2 text-xs text-slate-500">
            {events.length} of {total} events loaded
            {page?.hasNext ? "; load the rest to follow the log live" : ""}.
          </p>
          <ul className="card p-0" aria-label="Events">
            {shown.map((e) => (
              <EventRow key={e.position} event={e} />
            ))}
          </ul>
        </>
      )}
      {page?.hasNext && (
        <button className="btn-secondary mt-3" disabled={fetching} onClick={() => load(page.endCursor, false)}>
          {fetching ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}
