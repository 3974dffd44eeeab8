// One audit-log event: a one-line summary, with type, payload and metadata behind a disclosure.
import { Link } from "react-router";
import type { EventFieldsFragment } from "../gql/graphql";
import { EventSummary } from "./EventSummary";
import { Json, Time } from "./Status";

export function EventRow({ event }: { event: EventFieldsFragment }) {
  return (
    <li className="border-b border-slate-100 last:border-0" data-testid="event" data-event-type={event.type} data-position={event.position}>
      <details className="group px-3 py-2">
        <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
          <span className="min-w-0 flex-1 break-words">
            <EventSummary event={event} />
          </span>
          <span className="text-xs text-slate-500">
            <Time at={event.recordedAt} />
          </span>
        </summary>
        <div className="mt-2 space-y-2 text-xs text-slate-600">
          <p className="flex flex-wrap gap-x-4 gap-y-1">
            <span>
              <span className="font-semibold">{event.type}</span> v{event.version}
            </span>
            <span>#{event.position}</span>
            <span>
              {event.aggregateType} seq {event.sequence}
            </span>
            <Link className="link" to={`/audit/${event.aggregateType}/${event.aggregateId}?position=${event.position}`}>
              State as of this event
            </Link>
            {event.correlationId && (
              <Link className="link" to={`/logs?correlationId=${encodeURIComponent(event.correlationId)}`} title="The activity-log records of the request that caused it">
                Logs
              </Link>
            )}
            <Time at={event.recordedAt} exact />
          </p>
          <div className="grid gap-2 md:grid-cols-2">
            <div className="min-w-0">
              <h4 className="font-semibold uppercase text-slate-500">Payload</h4>
              <Json value={event.payload} />
            </div>
            <div className="min-w-0">
              <h4 className="font-semibold uppercase text-slate-500">Metadata</h4>
              <Json value={event.metadata} />
            </div>
          </div>
        </div>
      </details>
    </li>
  );
}
