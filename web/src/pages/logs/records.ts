// How a log record is shown: its level's colours, its time, and the resources it names with
// the page of each whose kind its field says.
import { LIST_PAGES } from "../../components/DetailPage";
import type { AggregateType, LogLevel, LogRecordFieldsFragment } from "../../gql/graphql";

export type LogRecord = LogRecordFieldsFragment;

/** The level badge: errors red, warnings amber, information blue, debug and trace grey. */
export const LEVEL_BADGE: Record<LogLevel, string> = {
  ERROR: "bg-red-100 text-red-800",
  WARN: "bg-amber-100 text-amber-800",
  INFO: "bg-sky-100 text-sky-800",
  DEBUG: "bg-slate-100 text-slate-600",
  TRACE: "bg-slate-100 text-slate-500",
};

/** The whole line: errors and warnings stand out, debug and trace recede. */
export const LEVEL_LINE: Record<LogLevel, string> = {
  ERROR: "bg-red-50",
  WARN: "bg-amber-50",
  INFO: "",
  DEBUG: "text-slate-600",
  TRACE: "text-slate-500",
};

const lineTime = new Intl.DateTimeFormat(undefined, {
  month: "short",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  fractionalSecondDigits: 3,
  hourCycle: "h23",
});

/** A record's time in local time to the millisecond, one width for every line: "Dec 02, 14:05:03.123". */
export function formatLineTime(at: string): string {
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? at : lineTime.format(d);
}

/** The kinds a field's name says, by the name without its `_id` / `.id` / `Id` ending. */
const FIELD_KINDS: Record<string, AggregateType> = {
  droplet: "Droplet",
  cluster: "Cluster",
  job: "Job",
  health_check: "HealthCheck",
  healthcheck: "HealthCheck",
  check: "HealthCheck",
};

/** The kind of object field `name` of `fields` names, when its name (or `target_type`) says. */
export function kindOfField(name: string, fields: Record<string, unknown>): AggregateType | null {
  const base = name
    .replace(/(_id|\.id|Id)$/, "")
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .toLowerCase();
  if (FIELD_KINDS[base]) return FIELD_KINDS[base];
  if (base === "target") {
    const type = String(fields.target_type ?? fields.targetType ?? "").replace(/[_\s]/g, "").toLowerCase();
    return (Object.keys(LIST_PAGES) as AggregateType[]).find((t) => t.toLowerCase() === type) ?? null;
  }
  return null;
}

/** The page of an object, e.g. `/droplets/<id>`. */
export function resourcePath(kind: AggregateType, id: string): string {
  return `${LIST_PAGES[kind].to}/${encodeURIComponent(id)}`;
}

/** One resource a record names: its id, its kind when a field's name says it, and those fields. */
export interface Resource {
  id: string;
  kind: AggregateType | null;
  fields: string[];
}

/** The record's fields as an object (the API sends an object; anything else shows as `value`). */
export function fieldsOf(record: LogRecord): Record<string, unknown> {
  const f = record.fields;
  return f && typeof f === "object" && !Array.isArray(f) ? (f as Record<string, unknown>) : { value: f };
}

/** The resources of `record`: its `resourceIds`, then id fields of a known kind it does not list. */
export function resourcesOf(record: LogRecord): Resource[] {
  const fields = fieldsOf(record);
  const out = new Map<string, Resource>();
  for (const id of record.resourceIds) out.set(id, { id, kind: null, fields: [] });
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== "string" || value === "") continue;
    const kind = kindOfField(name, fields);
    const known = out.get(value);
    if (!known && !kind) continue;
    const r = known ?? { id: value, kind: null, fields: [] };
    r.kind ??= kind;
    r.fields.push(name);
    out.set(value, r);
  }
  return [...out.values()];
}

/** A field's value as text: strings as they are, the rest as JSON. */
export function showValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
