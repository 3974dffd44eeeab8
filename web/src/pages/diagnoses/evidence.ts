// Where a piece of evidence lives in the console. A finding cites evidence by `kind` and
// `ref` (see `Evidence.ref` in the SDL): a metric window `<series>/<metric>@<from>..<to>`
// opens the droplet's or cluster's chart at that window, a health result `<check id>@<time>`
// the check's page, a job id the job, an event's position the object's history at that
// event, a log line's id the logs page narrowed to that line. An event's object and a log
// line's time and text are not in the reference; they come from the evidence snapshot the
// analysis saw (the diagnosis' `DiagnosisEvidenceCollected` event), indexed here.
import type { EvidenceKind } from "../../gql/graphql";

/** What the snapshot says about the events and log lines a report may cite. */
export interface SnapshotIndex {
  events: Map<number, { aggregateType: string; aggregateId: string; eventType: string }>;
  logs: Map<string, { at: string; level: string; message: string }>;
  /** Droplet names by id, for labels. */
  droplets: Map<string, string>;
  /** Health check names by id, for labels. */
  healthChecks: Map<string, string>;
}

export const EMPTY_INDEX: SnapshotIndex = { events: new Map(), logs: new Map(), droplets: new Map(), healthChecks: new Map() };

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === "object") as Json[]) : []);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

/** Indexes the snapshot of a `DiagnosisEvidenceCollected` payload (`{digest, snapshot}`). */
export function indexSnapshot(payload: unknown): SnapshotIndex {
  const snapshot = ((payload as Json | null)?.snapshot ?? {}) as Json;
  const index: SnapshotIndex = { events: new Map(), logs: new Map(), droplets: new Map(), healthChecks: new Map() };
  for (const e of list(snapshot.events)) {
    const position = Number(e.position);
    if (Number.isFinite(position)) index.events.set(position, { aggregateType: str(e.aggregate_type), aggregateId: str(e.aggregate_id), eventType: str(e.event_type) });
  }
  for (const l of list(snapshot.logs)) index.logs.set(str(l.id), { at: str(l.at), level: str(l.level), message: str(l.message) });
  for (const d of list(snapshot.droplets)) index.droplets.set(str(d.id), str(d.name));
  for (const h of list(snapshot.health_checks)) index.healthChecks.set(str(h.id), str(h.name));
  return index;
}

/** A metric window reference, parsed. */
export interface MetricWindowRef {
  /** `droplet` or `cluster`, and its id. */
  type: "droplet" | "cluster";
  id: string;
  /** A cluster series' aggregate (`AVG`, `MAX`, …). */
  aggregate: string | null;
  metric: string;
  from: string;
  to: string;
}

/** Parses `droplet:<id>/<metric>@<from>..<to>` or `cluster:<id>:<AGG>/<metric>@<from>..<to>`. */
export function parseMetricWindow(ref: string): MetricWindowRef | null {
  const m = /^(droplet|cluster):([^/:]+)(?::([A-Z_]+))?\/([A-Z0-9_]+)@(.+)\.\.(.+)$/.exec(ref.trim());
  if (!m) return null;
  const [, type, id, aggregate, metric, from, to] = m;
  if (Number.isNaN(Date.parse(from)) || Number.isNaN(Date.parse(to))) return null;
  return { type: type as "droplet" | "cluster", id, aggregate: aggregate ?? null, metric, from, to };
}

/** The query string that opens a droplet's or cluster's charts at a window (see MetricsPanel). */
export function windowParams(w: { metric: string; from: string; to: string; aggregate?: string | null }): string {
  const p = new URLSearchParams({ metric: w.metric, from: w.from, to: w.to });
  if (w.aggregate) p.set("aggregate", w.aggregate);
  return p.toString();
}

/** A time as a `datetime-local` value in local time (what the logs and audit filters take). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

const clock = (iso: string) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** Where evidence leads: a console route and what the link says. */
export interface EvidenceLink {
  to: string;
  label: string;
}

/** The console page showing evidence `e`, or null when the reference cannot be read. */
export function evidenceLink(e: { kind: EvidenceKind; ref: string }, index: SnapshotIndex = EMPTY_INDEX): EvidenceLink | null {
  const ref = e.ref.trim();
  switch (e.kind) {
    case "METRIC_WINDOW": {
      const w = parseMetricWindow(ref);
      if (!w) return null;
      const what = w.type === "droplet" ? `${index.droplets.get(w.id) ?? "droplet"} ${w.metric}` : `cluster ${w.metric}${w.aggregate ? ` (${w.aggregate.toLowerCase()})` : ""}`;
      const to = `/${w.type === "droplet" ? "droplets" : "clusters"}/${w.id}?${windowParams(w)}#metrics`;
      return { to, label: `${what} chart, ${clock(w.from)}–${clock(w.to)}` };
    }
    case "HEALTH_RESULT": {
      const at = ref.lastIndexOf("@");
      const id = at > 0 ? ref.slice(0, at) : ref;
      if (!id) return null;
      const time = at > 0 ? ref.slice(at + 1) : "";
      const name = index.healthChecks.get(id) ?? "health check";
      return { to: `/health-checks/${id}`, label: time && !Number.isNaN(Date.parse(time)) ? `${name} result at ${clock(time)}` : name };
    }
    case "JOB":
      return ref ? { to: `/jobs/${ref}`, label: `job ${ref.slice(0, 8)}` } : null;
    case "EVENT": {
      const position = Number(ref);
      if (!Number.isInteger(position) || position <= 0) return null;
      const known = index.events.get(position);
      if (known?.aggregateType && known.aggregateId) {
        return { to: `/audit/${known.aggregateType}/${known.aggregateId}?position=${position}`, label: `${known.eventType || "event"} #${position}` };
      }
      // Unknown object: the audit log, which reads newest first, from about then.
      return { to: `/audit?progress=1`, label: `event #${position}` };
    }
    case "LOG": {
      const line = index.logs.get(ref);
      if (!line || Number.isNaN(Date.parse(line.at))) return { to: "/logs", label: `log line ${ref}` };
      const at = Date.parse(line.at);
      const p = new URLSearchParams({ since: toLocalInput(at - 1000), until: toLocalInput(at + 1000) });
      if (line.message) p.set("text", line.message.slice(0, 120));
      return { to: `/logs?${p.toString()}`, label: `${line.level.toLowerCase() || "log"} line at ${clock(line.at)}` };
    }
    default:
      return null;
  }
}
