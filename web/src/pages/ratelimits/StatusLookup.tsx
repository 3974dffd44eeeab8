// Looks up one bucket: `rateLimitStatus(name, scope, scopeId)` — which limit governs it
// (a rule, the default, none), whether it is enforced, and what is left.
import { useState, type FormEvent } from "react";
import { useQuery } from "urql";
import { RateLimitStatusQuery } from "./operations";
import { LIMITERS, SCOPES, limiterProblem } from "./validation";
import { Field } from "../../components/Field";
import { Select } from "../../components/Select";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Facts } from "../../components/Facts";
import { Time } from "../../components/Status";
import type { RateLimitScope, RateLimitStatusQueryVariables } from "../../gql/graphql";

export function StatusLookup() {
  const [name, setName] = useState("jobs");
  const [scope, setScope] = useState<RateLimitScope>("USER");
  const [scopeId, setScopeId] = useState("");
  const [asked, setAsked] = useState<RateLimitStatusQueryVariables | null>(null);
  const [{ data, fetching, error }, refetch] = useQuery({
    query: RateLimitStatusQuery,
    variables: asked ?? { name: "", scope: "USER" },
    pause: !asked,
    requestPolicy: "network-only",
  });
  const problem = limiterProblem(name);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (problem) return;
    const next = { name, scope, scopeId: scope === "GLOBAL" || !scopeId.trim() ? null : scopeId.trim() };
    if (JSON.stringify(next) === JSON.stringify(asked)) refetch({ requestPolicy: "network-only" });
    else setAsked(next);
  }

  const s = asked && data?.rateLimitStatus;
  return (
    <div className="card space-y-3">
      <h2 className="text-lg font-semibold">Look up a bucket</h2>
      <form onSubmit={submit} aria-label="Look up rate limit" className="grid gap-3 sm:grid-cols-4 sm:items-start" noValidate>
        <Field label="Limiter" problem={problem}>
          <input className="input" list="limiters-lookup" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
        <Field label="Scope">
          <Select value={scope} onChoose={(v) => setScope(v as RateLimitScope)} choices={SCOPES} />
        </Field>
        <Field label="Scope id" hint={scope === "USER" ? "A user id; empty: yours" : scope === "CLUSTER" ? "A cluster id" : "None for GLOBAL"}>
          <input className="input font-mono" value={scope === "GLOBAL" ? "" : scopeId} disabled={scope === "GLOBAL"} onChange={(e) => setScopeId(e.target.value)} autoComplete="off" />
        </Field>
        <div className="sm:pt-5">
          <button type="submit" className="btn-secondary" disabled={fetching}>
            {fetching ? "Looking up…" : "Look up"}
          </button>
        </div>
        <datalist id="limiters-lookup">
          {LIMITERS.map((l) => (
            <option key={l} value={l} />
          ))}
        </datalist>
      </form>
      <ErrorNotice error={error} />
      {s && (
        <div data-testid="rate-limit-status">
          <Facts
            className=""
            facts={[
              { label: "Governed by", value: s.source === "RULE" ? `a rule (${s.ruleId?.slice(0, 8) ?? "?"})` : s.source === "DEFAULT" ? "the built-in default" : "nothing: unlimited", testId: "status-source" },
              { label: "Enforced", value: s.enforced ? "yes" : "no: the store is unreachable, requests pass unlimited", testId: "status-enforced" },
              { label: "Remaining", value: s.remaining ?? "—", testId: "status-remaining", valueClassName: "tabular-nums" },
              { label: "Capacity", value: s.capacity ?? "—", valueClassName: "tabular-nums" },
              { label: "Refill rate", value: s.refillRate != null ? `${s.refillRate} per s` : "—" },
              { label: "Full again", value: <Time at={s.resetAt} /> },
              { label: "Bucket", value: `${s.name} · ${s.scope}${s.scopeId ? ` ${s.scopeId}` : ""}`, wide: true, valueClassName: "break-all" },
            ]}
          />
        </div>
      )}
    </div>
  );
}
