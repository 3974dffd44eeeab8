// The audit log: one sentence per event, filters (object, type, actor, request, time), progress events
// hidden unless asked for, newest first by default and followed live.
import { Link } from "react-router";
import { ErrorNotice } from "../../components/ErrorNotice";
import { LIST_PAGES } from "../../components/DetailPage";
import { EventRow } from "../../components/EventRow";
import { EVENT_TYPES, PROGRESS_TYPES } from "../../components/EventSummary";
import { FilterBar, FilterCheckbox, FilterInput, FilterSelect, useUrlFilters } from "../../components/Filters";
import { Empty, Loading, PageHeader } from "../../components/Status";
import { useAuditLog } from "./useAuditLog";
import type { AggregateType, EventFilter } from "../../gql/graphql";

/** Every object type (the types with a list page). */
const TYPES = Object.keys(LIST_PAGES) as AggregateType[];
const ORDERS = [
  { value: "newest", label: "Newest first" },
  { value: "oldest", label: "Oldest first" },
];

function toIso(local: string | null): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export function AuditPage() {
  const { params, set: setAll } = useUrlFilters();
  const set = (key: string) => (value: string) => setAll({ [key]: value });
  const aggregateType = (params.get("aggregateType") as AggregateType) || null;
  const eventType = params.get("type") || null;
  const showProgress = params.get("progress") === "1";
  const filter: EventFilter = {
    aggregateType,
    aggregateId: params.get("aggregateId") || null,
    eventType,
    actorContains: params.get("actor")?.trim() || null,
    correlationId: params.get("correlationId")?.trim() || null,
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
        {filter.correlationId && (
          <Link className="btn-secondary" to={`/logs?correlationId=${encodeURIComponent(filter.correlationId)}`}>
            Logs of this request
          </Link>
        )}
      </PageHeader>
      <FilterBar className="grid-cols-2 md:grid-cols-4">
        <FilterSelect id="a-type" label="Object type" value={aggregateType ?? ""} onChoose={set("aggregateType")} choices={TYPES} />
        <FilterInput id="a-id" label="Object id" value={params.get("aggregateId") ?? ""} onText={(v) => set("aggregateId")(v.trim())} />
        <FilterSelect id="a-event" label="Event type" value={eventType ?? ""} onChoose={set("type")} choices={typeChoices} />
        <FilterInput id="a-actor" label="Actor contains" placeholder="anon" value={params.get("actor") ?? ""} onText={set("actor")} />
        <FilterInput id="a-correlation" label="Correlation id" value={params.get("correlationId") ?? ""} onText={(v) => set("correlationId")(v.trim())} />
        <FilterInput id="a-since" label="Since" type="datetime-local" value={params.get("since") ?? ""} onText={set("since")} />
        <FilterInput id="a-until" label="Until" type="datetime-local" value={params.get("until") ?? ""} onText={set("until")} />
        <FilterSelect id="a-order" label="Order" any={null} value={newestFirst ? "newest" : "oldest"} onChoose={(v) => set("order")(v === "oldest" ? "oldest" : "")} choices={ORDERS} />
      </FilterBar>
      <FilterCheckbox label="Show progress events" checked={showProgress} onCheck={(on) => set("progress")(on ? "1" : "")} />
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
