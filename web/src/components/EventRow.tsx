// One audit-log event: a summary line, with payload and metadata behind a disclosure.
import { Link } from "react-router";
import type { EventFieldsFragment } from "../gql/graphql";
import { Json, Time } from "./Status";

export function EventRow({ event }: { event: EventFieldsFragment }) {
  return (
    <li className="border-b border-slate-100 last:border-0" data-testid="event" data-event-type={event.type}>
      <details className="group px-3 py-2">
        <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
          <span className="w-12 font-mono text-xs text-slate-400">#{event.position}</span>
          <span className="font-semibold">{event.type}</span>
          <span className="text-slate-600">
            {event.aggregateType}{" "}
            <Link
              className="link font-mono text-xs"
              to={`/audit/${event.aggregateType}/${event.aggregateId}?position=${event.position}`}
              title="State as of this event"
            >
              {event.aggregateId.slice(0, 8)}
            </Link>
            <span className="text-slate-400"> seq {event.sequence}</span>
          </span>
          <span className="rounded bg-slate-100 px-1.5 text-xs" data-testid="event-actor">
            {event.actor}
          </span>
          <span className="ml-auto text-xs text-slate-500">
            <Time at={event.recordedAt} />
          </span>
        </summary>
        <div className="mt-2 grid gap-2 md:grid-cols-2">
          <div>
            <h4 className="text-xs font-semibold uppercase text-slate-500">Payload (v{event.version})</h4>
            <Json value={event.payload} />
          </div>
          <div>
            <h4 className="text-xs font-semibold uppercase text-slate-500">Metadata</h4>
            <Json value={event.metadata} />
          </div>
        </div>
      </details>
    </li>
  );
}
