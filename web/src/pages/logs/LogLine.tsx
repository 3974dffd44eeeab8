// One log record as a monospace line (time, level, service, message) that expands to all it
// has: its fields, module, process, trace and correlation ids and the resources it names.
// Ids narrow the search when clicked; a resource whose kind a field names links to its page,
// and a record of a request links to that request's audit events.
import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { formatExact } from "../../format/time";
import type { AggregateType, LogLevel } from "../../gql/graphql";
import { LEVEL_BADGE, LEVEL_LINE, fieldsOf, formatLineTime, resourcePath, resourcesOf, showValue, type LogRecord, type Resource } from "./records";
import type { LogParams } from "./search";

/** Narrows the page's search (a clicked id). */
export type OnFilter = (changes: Partial<LogParams>) => void;

const KIND_NAMES: Record<AggregateType, string> = { Droplet: "droplet", Cluster: "cluster", Job: "job", HealthCheck: "health check", User: "user", ApiToken: "API token", RateLimitRule: "rate-limit rule", Diagnosis: "diagnosis", ScalingPolicy: "scaling policy" };

export function LevelBadge({ level }: { level: LogLevel }) {
  return (
    <span data-testid="log-level" className={`inline-block w-12 shrink-0 rounded px-1 text-center font-semibold ${LEVEL_BADGE[level]}`}>
      {level}
    </span>
  );
}

/** An id that narrows the search to itself when clicked. */
function FilterId({ id, onClick, what }: { id: string; onClick: () => void; what: string }) {
  return (
    <button type="button" className="link break-all text-left font-mono" onClick={onClick} title={`Show only the records of this ${what}`}>
      {id}
    </button>
  );
}

/** A resource id: narrows the search to it, with a link to its page when its kind is known. */
function ResourceId({ resource, onFilter }: { resource: Resource; onFilter: OnFilter }) {
  return (
    <span className="inline-flex flex-wrap items-baseline gap-x-2" data-testid="resource-id">
      <FilterId id={resource.id} what="resource" onClick={() => onFilter({ resourceId: resource.id })} />
      {resource.kind && (
        <Link className="link font-sans" to={resourcePath(resource.kind, resource.id)}>
          {KIND_NAMES[resource.kind]} page
        </Link>
      )}
    </span>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-sans text-slate-500">{label}</dt>
      <dd className="min-w-0 [overflow-wrap:anywhere]">{children}</dd>
    </>
  );
}

function LogDetails({ record, onFilter }: { record: LogRecord; onFilter: OnFilter }) {
  const fields = fieldsOf(record);
  const resources = resourcesOf(record);
  const byId = new Map(resources.map((r) => [r.id, r]));
  const names = Object.keys(fields).sort();
  const { correlationId, traceId } = record;
  return (
    <div className="space-y-3 border-t border-slate-200 px-3 py-2 font-mono text-xs" data-testid="log-details">
      {(correlationId || traceId) && (
        <div className="flex flex-wrap gap-2 font-sans">
          {correlationId && (
            <>
              <Link className="btn-secondary px-2 py-0.5 text-xs" to={`/audit?correlationId=${encodeURIComponent(correlationId)}`}>
                Audit events
              </Link>
              <button type="button" className="btn-secondary px-2 py-0.5 text-xs" onClick={() => onFilter({ correlationId })}>
                Logs of this request
              </button>
            </>
          )}
          {traceId && (
            <button type="button" className="btn-secondary px-2 py-0.5 text-xs" onClick={() => onFilter({ traceId })}>
              Logs of this trace
            </button>
          )}
        </div>
      )}
      <dl className="grid grid-cols-[max-content_minmax(0,1fr)] gap-x-4 gap-y-1">
        <Fact label="Time">
          {formatExact(record.at)} <span className="text-slate-500">({record.at})</span>
        </Fact>
        <Fact label="Target">{record.target}</Fact>
        <Fact label="Instance">{record.instance}</Fact>
        <Fact label="Trace id">{traceId ? <FilterId id={traceId} what="trace" onClick={() => onFilter({ traceId })} /> : "—"}</Fact>
        <Fact label="Correlation id">{correlationId ? <FilterId id={correlationId} what="request" onClick={() => onFilter({ correlationId })} /> : "—"}</Fact>
        <Fact label="Resource ids">
          {resources.length === 0 ? (
            "—"
          ) : (
            <span className="flex flex-col gap-0.5">
              {resources.map((r) => (
                <ResourceId key={r.id} resource={r} onFilter={onFilter} />
              ))}
            </span>
          )}
        </Fact>
      </dl>
      <div>
        <h4 className="mb-1 font-sans font-semibold uppercase text-slate-500">Fields</h4>
        {names.length === 0 ? (
          <p className="font-sans text-slate-500">No other fields.</p>
        ) : (
          <table className="w-full table-fixed" aria-label="Fields">
            <tbody>
              {names.map((name) => {
                const value = fields[name];
                const resource = typeof value === "string" ? byId.get(value) : undefined;
                return (
                  <tr key={name} className="border-t border-slate-100 first:border-0" data-testid="log-field">
                    <th scope="row" className="w-2/5 py-0.5 pr-3 sm:w-56 text-left align-top font-normal text-slate-500 [overflow-wrap:anywhere]">
                      {name}
                    </th>
                    <td className="py-0.5 whitespace-pre-wrap [overflow-wrap:anywhere]">
                      {resource ? <ResourceId resource={resource} onFilter={onFilter} /> : showValue(value)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </div>
  );
}

export function LogLine({ record, onFilter }: { record: LogRecord; onFilter: OnFilter }) {
  // The details are only rendered while open: thousands of closed lines stay cheap.
  const [open, setOpen] = useState(false);
  return (
    <li
      className={`border-b border-slate-100 last:border-0 ${LEVEL_LINE[record.level]}`}
      data-testid="log-line"
      data-id={record.id}
      data-level={record.level}
      data-service={record.service}
    >
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary className="flex cursor-pointer flex-wrap items-baseline gap-x-3 gap-y-0.5 px-3 py-1 font-mono text-xs hover:bg-slate-100">
          <time dateTime={record.at} title={formatExact(record.at)} className="shrink-0 tabular-nums text-slate-500">
            {formatLineTime(record.at)}
          </time>
          <LevelBadge level={record.level} />
          <span className="w-20 shrink-0 truncate text-slate-600" data-testid="log-service">
            {record.service}
          </span>
          <span className="min-w-0 flex-1 basis-64 whitespace-pre-wrap [overflow-wrap:anywhere]" data-testid="log-message">
            {record.message}
          </span>
        </summary>
        {open && <LogDetails record={record} onFilter={onFilter} />}
      </details>
    </li>
  );
}
