// The logs page's search as its URL keeps it, so a search can be linked and reloaded:
// `services=api,worker&minLevel=WARN&range=1h&text=timeout&resourceId=…&correlationId=…&traceId=…`,
// or a custom time range `since=…&until=…` (local `datetime-local` values, like the audit
// page), or the LogQL-like mode `mode=logql&query=…`; `live=1` follows the log live.
import type { LogFilter, LogLevel } from "../../gql/graphql";

/** Every level, least severe first (as the API orders them). */
export const LEVELS: readonly LogLevel[] = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR"];

/** The time ranges offered, ending now. */
export const RANGES = [
  { value: "15m", label: "Last 15 minutes", ms: 15 * 60_000 },
  { value: "1h", label: "Last hour", ms: 3600_000 },
  { value: "6h", label: "Last 6 hours", ms: 6 * 3600_000 },
  { value: "24h", label: "Last 24 hours", ms: 24 * 3600_000 },
  { value: "7d", label: "Last 7 days", ms: 7 * 24 * 3600_000 },
] as const;

export type RangePreset = (typeof RANGES)[number]["value"];
/** A preset, a custom since/until, or no bound ("any time"). */
export type Range = RangePreset | "custom" | null;

/** What the URL asks for. */
export interface LogParams {
  services: string[];
  minLevel: LogLevel | null;
  range: Range;
  /** `datetime-local` values (local time), used when `range` is "custom". */
  since: string;
  until: string;
  text: string;
  resourceId: string;
  correlationId: string;
  traceId: string;
  /** LogQL mode: `query` is sent instead of the filter. */
  logql: boolean;
  query: string;
  live: boolean;
}

/** Reads the page's search from a query string; unknown levels and ranges are ignored. */
export function readParams(params: URLSearchParams): LogParams {
  const level = params.get("minLevel")?.toUpperCase() as LogLevel | undefined;
  const rangeParam = params.get("range");
  const since = params.get("since") ?? "";
  const until = params.get("until") ?? "";
  const range: Range = RANGES.some((r) => r.value === rangeParam)
    ? (rangeParam as RangePreset)
    : rangeParam === "custom" || since || until
      ? "custom"
      : null;
  return {
    services: (params.get("services") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    minLevel: level && LEVELS.includes(level) ? level : null,
    range,
    since: range === "custom" ? since : "",
    until: range === "custom" ? until : "",
    text: params.get("text") ?? "",
    resourceId: params.get("resourceId") ?? "",
    correlationId: params.get("correlationId") ?? "",
    traceId: params.get("traceId") ?? "",
    logql: params.get("mode") === "logql",
    query: params.get("query") ?? "",
    live: params.get("live") === "1",
  };
}

/**
 * The query-string changes that write `changes` (for `useUrlFilters().set`: an empty value
 * removes the key). Choosing a preset or no range removes a custom since/until.
 */
export function writeParams(changes: Partial<LogParams>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(changes) as [keyof LogParams, LogParams[keyof LogParams]][]) {
    switch (key) {
      case "services":
        out.services = [...new Set(value as string[])].join(",");
        break;
      case "minLevel":
        out.minLevel = (value as LogLevel | null) ?? "";
        break;
      case "range":
        out.range = (value as Range) ?? "";
        if (value !== "custom") {
          out.since = "";
          out.until = "";
        }
        break;
      case "logql":
        out.mode = value ? "logql" : "";
        break;
      case "live":
        out.live = value ? "1" : "";
        break;
      default:
        out[key] = (value as string).trim() === "" ? "" : (value as string);
    }
  }
  return out;
}

/** A `datetime-local` value as an ISO instant, or null when empty or not a time. */
export function localToIso(local: string): string | null {
  if (!local) return null;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** What `logs` and `logTail` are asked: a filter, or a LogQL-like query (never both). */
export interface LogSearch {
  filter: LogFilter | null;
  query: string | null;
}

/** The search the URL asks for, a preset range ending at `now` (ms since the epoch). */
export function searchOf(p: LogParams, now: number): LogSearch {
  if (p.logql) return { filter: null, query: p.query.trim() || null };
  const preset = RANGES.find((r) => r.value === p.range);
  const text = (s: string) => s.trim() || null;
  return {
    filter: {
      services: p.services.length ? p.services : null,
      minLevel: p.minLevel,
      since: preset ? new Date(now - preset.ms).toISOString() : p.range === "custom" ? localToIso(p.since) : null,
      until: p.range === "custom" ? localToIso(p.until) : null,
      text: text(p.text),
      resourceId: text(p.resourceId),
      correlationId: text(p.correlationId),
      traceId: text(p.traceId),
    },
    query: null,
  };
}

/** Whether the search can match records written from now on (so a live tail makes sense). */
export function reachesNow(search: LogSearch): boolean {
  const until = search.filter?.until;
  return !until || Date.parse(until) > Date.now();
}
