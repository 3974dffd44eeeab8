// A health check as typed into the form, checked against the server's rules for immediate
// feedback (schema/src/health_check.rs has them; the server still decides, and a field it
// refuses shows its message), and turned into the mutations' input.
import type { CodedError } from "../../components/ErrorNotice";
import type { CreateHealthCheckInput, HealthCheckFieldsFragment, HealthCheckKind, UpdateHealthCheckInput } from "../../gql/graphql";

export const KINDS: HealthCheckKind[] = ["HTTP", "TCP", "INTERNAL"];

/** What an INTERNAL check can measure. */
export const INTERNAL_TARGETS = ["database", "broker", "projector_lag", "api_latency"];

/** The form's fields, as the API names them (its errors start with that name). */
export type FieldKey = "name" | "kind" | "target" | "intervalSeconds" | "timeoutMs" | "conditions" | "failureThreshold" | "successThreshold" | "watches";

/** The form's text; an empty number takes the server's default. */
export interface Draft {
  name: string;
  kind: HealthCheckKind;
  target: string;
  intervalSeconds: string;
  timeoutMs: string;
  /** One condition a line. */
  conditions: string;
  failureThreshold: string;
  successThreshold: string;
  enabled: boolean;
  /** What it watches over: "", `cluster:<id>` or `droplet:<id>`. */
  watches: string;
}

export const EMPTY_DRAFT: Draft = {
  name: "",
  kind: "HTTP",
  target: "",
  intervalSeconds: "",
  timeoutMs: "",
  conditions: "",
  failureThreshold: "",
  successThreshold: "",
  enabled: true,
  watches: "",
};

/** The `watches` value of a check's links. */
export function watchesOf(c: { clusterId?: string | null; dropletId?: string | null }): string {
  return c.clusterId ? `cluster:${c.clusterId}` : c.dropletId ? `droplet:${c.dropletId}` : "";
}

/** `watches` as the API's link fields. */
function links(watches: string): { clusterId: string | null; dropletId: string | null } {
  const [kind, id] = watches.split(":", 2);
  return { clusterId: kind === "cluster" ? id : null, dropletId: kind === "droplet" ? id : null };
}

/** The form filled with an existing check. */
export function draftOf(c: HealthCheckFieldsFragment): Draft {
  return {
    name: c.name,
    kind: c.kind,
    target: c.target,
    intervalSeconds: String(c.intervalSeconds),
    timeoutMs: String(c.timeoutMs),
    conditions: c.conditions.join("\n"),
    failureThreshold: String(c.failureThreshold),
    successThreshold: String(c.successThreshold),
    enabled: c.enabled,
    watches: watchesOf(c),
  };
}

/** The server's interval for an empty one. */
const DEFAULT_INTERVAL = 60;
const OPERATOR = /(==|!=|<=|>=|<|>)/;

export const conditionLines = (text: string) => text.split("\n").map((l) => l.trim()).filter(Boolean);

function whole(text: string): number | null {
  return /^\s*\d+\s*$/.test(text) ? Number(text) : null;
}

function targetProblem(kind: HealthCheckKind, target: string): string | null {
  const t = target.trim();
  if (!t) return "A target is required.";
  if (kind === "HTTP") {
    let url: URL;
    try {
      url = new URL(t);
    } catch {
      return "An http or https URL, e.g. https://example.com/health.";
    }
    return url.protocol === "http:" || url.protocol === "https:" ? null : `The scheme ${url.protocol.replace(":", "")} is not allowed; use http or https.`;
  }
  if (kind === "TCP") {
    const m = /^(\[[^\]]+\]|[^:\s]+):(\d+)$/.exec(t);
    const port = m ? Number(m[2]) : 0;
    return m && port >= 1 && port <= 65535 ? null : "host:port, e.g. db.internal:5432 (port 1–65535).";
  }
  return INTERNAL_TARGETS.includes(t) ? null : `One of ${INTERNAL_TARGETS.join(", ")}.`;
}

/** Why each field is not acceptable (empty when the draft may be sent). */
export function problems(d: Draft): Partial<Record<FieldKey, string>> {
  const out: Partial<Record<FieldKey, string>> = {};
  const name = d.name.trim();
  if (!name) out.name = "A name is required.";
  else if ([...name].length > 100) out.name = "At most 100 characters.";
  const target = targetProblem(d.kind, d.target);
  if (target) out.target = target;
  const interval = d.intervalSeconds.trim() ? whole(d.intervalSeconds) : DEFAULT_INTERVAL;
  if (interval === null || interval < 1 || interval > 86_400) out.intervalSeconds = "Whole seconds, 1–86400.";
  const longest = (interval ?? DEFAULT_INTERVAL) * 1000;
  if (d.timeoutMs.trim()) {
    const timeout = whole(d.timeoutMs);
    if (timeout === null || timeout < 10 || timeout > longest) out.timeoutMs = `Milliseconds, 10–${longest} (at most the interval).`;
  }
  const lines = conditionLines(d.conditions);
  if (lines.length > 20) out.conditions = `At most 20 conditions, got ${lines.length}.`;
  const bad = lines.find((l) => {
    const [left, ...right] = l.split(OPERATOR);
    return !left.trim() || right.length < 2 || !right.slice(1).join("").trim();
  });
  if (bad && !out.conditions) out.conditions = `"${bad}" is not LEFT OPERATOR RIGHT, e.g. [STATUS] == 200.`;
  for (const key of ["failureThreshold", "successThreshold"] as const) {
    if (!d[key].trim()) continue;
    const n = whole(d[key]);
    if (n === null || n < 1 || n > 100) out[key] = "A whole number, 1–100.";
  }
  return out;
}

const number = (text: string) => (text.trim() ? Number(text) : null);

/** The draft as `createHealthCheck`'s input (empty numbers omitted: the server's defaults). */
export function createInput(d: Draft): CreateHealthCheckInput {
  return {
    name: d.name.trim(),
    kind: d.kind,
    target: d.target.trim(),
    intervalSeconds: number(d.intervalSeconds),
    timeoutMs: number(d.timeoutMs),
    conditions: conditionLines(d.conditions),
    failureThreshold: number(d.failureThreshold),
    successThreshold: number(d.successThreshold),
    enabled: d.enabled,
    ...links(d.watches),
  };
}

/** The fields of `d` that differ from the check (a new kind always sends its target). */
export function updateInput(d: Draft, c: HealthCheckFieldsFragment): UpdateHealthCheckInput {
  const next = createInput(d);
  const input: UpdateHealthCheckInput = {};
  if (next.name !== c.name) input.name = next.name;
  if (next.kind !== c.kind) input.kind = next.kind;
  if (next.target !== c.target || next.kind !== c.kind) input.target = next.target;
  if (next.intervalSeconds != null && next.intervalSeconds !== c.intervalSeconds) input.intervalSeconds = next.intervalSeconds;
  if (next.timeoutMs != null && next.timeoutMs !== c.timeoutMs) input.timeoutMs = next.timeoutMs;
  if (JSON.stringify(next.conditions) !== JSON.stringify(c.conditions)) input.conditions = next.conditions;
  if (next.failureThreshold != null && next.failureThreshold !== c.failureThreshold) input.failureThreshold = next.failureThreshold;
  if (next.successThreshold != null && next.successThreshold !== c.successThreshold) input.successThreshold = next.successThreshold;
  if (next.enabled !== c.enabled) input.enabled = next.enabled;
  if (d.watches !== watchesOf(c)) {
    // The new link, or null to remove it.
    if (next.dropletId) input.dropletId = next.dropletId;
    else input.clusterId = next.clusterId;
  }
  return input;
}

const FIELDS: FieldKey[] = ["name", "kind", "target", "intervalSeconds", "timeoutMs", "conditions", "failureThreshold", "successThreshold", "watches"];

/**
 * The field a refusal is about, and its sentence: BAD_USER_INPUT messages start with the
 * field's name (`timeoutMs: must be 10–5000 ms …`).
 */
export function refusedField(e: CodedError): { field: FieldKey; sentence: string } | null {
  if (e.code !== "BAD_USER_INPUT") return null;
  const m = /^(\w+): (.+)$/s.exec(e.message);
  const named = m?.[1] === "clusterId" || m?.[1] === "dropletId" ? "watches" : m?.[1];
  const field = FIELDS.find((f) => f === named);
  if (!m || !field) return null;
  const reason = m[2].trim();
  return { field, sentence: `${reason.charAt(0).toUpperCase()}${reason.slice(1)}${/[.!?]$/.test(reason) ? "" : "."}` };
}
