// The audit log: one sentence per event, filters (object, type, actor, time), progress events
// hidden unless asked for, newest first by default and followed live.
import { useSearchParams } from "react-router";
import { ErrorNotice } from "../../components/ErrorNotice";
import { EventRow } from "../../components/EventRow";
import { EVENT_TYPES, PROGRESS_TYPES } from "../../components/EventSummary";
import { Empty, Loading, PageHeader } from "../../components/Status";
import { useAuditLog } from "./useAuditLog";
import type { AggregateType, EventFilter } from "../../gql/graphql";

const TYPES: AggregateType[] = ["Cluster", "Droplet", "Job"];

function toIso(local: string | null): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function AuditPage() {
  const [params, setParams] = useSearchParams();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const aggregateType = (params.get("aggregateType") as AggregateType) || null;
  const eventType = params.get("type") || null;
  const showProgress = params.get("progress") === "1";
  const filter: EventFilter = {
    aggregateType,
    aggregateId: params.get("aggregateId") || null,
    eventType,
    actorContains: params.get("actor")?.trim() || null,
    since: toIso(params.get("since")),
    until: toIso(params.get("until")),
    excludeEventTypes: showProgress || eventType ? null : PROGRESS_TYPES,
  };
  const newestFirst = params.get("order") !== "oldest";
  const log = useAuditLog(filter, newestFirst);
  const shown = newestFirst ? [...log.events].reverse() : log.events;

  const typeChoices = (aggregateType ? [aggregateType] : TYPES).flatMap((t) => EVENT_TYPES[t] ?? []);
  if (eventType && !typeChoices.includes(eventType)) typeChoices.push(eventType);

  return (
    <section>
      <PageHeader title="Audit log">
        <span className="self-center text-xs text-slate-500" role="status">
          {log.tailing ? "Following live" : ""}
        </span>
      </PageHeader>
      <fieldset className="mb-3 grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-7">
        <legend className="sr-only">Filters</legend>
        <div>
          <label className="label" htmlFor="a-type">Object type</label>
          <select id="a-type" className="input" value={aggregateType ?? ""} onChange={(e) => set("aggregateType", e.target.value)}>
            <option value="">Any</option>
            {TYPES.map((t) => <option key={t}>{t}</option>)}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="a-id">Object id</label>
          <input id="a-id" className="input" value={params.get("aggregateId") ?? ""} onChange={(e) => set("aggregateId", e.target.value.trim())} />
        </div>
        <div>
          <label className="label" htmlFor="a-event">Event type</label>
          <select id="a-event" className="input" value={eventType ?? ""} onChange={(e) => set("type", e.target.value)}>
            <option value="">Any</option>
            {typeChoices.map((t) => <option key={t}>{t}</option>)}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="a-actor">Actor contains</label>
          <input id="a-actor" className="input" placeholder="anon" value={params.get("actor") ?? ""} onChange={(e) => set("actor", e.target.value)} />
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
      <label className="mb-3 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={showProgress} onChange={(e) => set("progress", e.target.checked ? "1" : "")} />
        Show progress events
      </label>
      <ErrorNotice error={log.error} />
      {log.tailError && <ErrorNotice error={[{ code: "UNAVAILABLE", message: log.tailError }]} hints={{ UNAVAILABLE: "Live updates stopped; reload the page to try again." }} />}
      {!log.loaded ? (
        log.error ? null : <Loading what="events" />
      ) : log.events.length === 0 ? (
        log.error ? null : <Empty>No events match{log.tailing ? "; new ones appear here as they happen" : ""}.</Empty>
      ) : (
        <>
          <p className="mb-2 text-xs text-slate-500" data-testid="events-loaded">
            {log.events.length} of {log.total} events loaded
            {!newestFirst && log.hasMore ? "; load the rest to follow the log live" : ""}.
          </p>
          <ul className="card p-0" aria-label="Events">
            {shown.map((e) => (
              <EventRow key={e.position} event={e} />
            ))}
          </ul>
        </>
      )}
      {log.hasMore && (
        <button className="btn-secondary mt-3" disabled={log.fetching} onClick={log.loadMore}>
          {log.fetching ? "Loading…" : newestFirst ? "Load older" : "Load more"}
        </button>
      )}
    </section>
  );
}
