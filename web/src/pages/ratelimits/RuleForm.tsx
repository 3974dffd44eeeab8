// Creates a rate-limit rule (limiter, scope, optional user or cluster id, rate, capacity),
// or edits one's rate and capacity (`rule` given).
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { CreateRateLimitRuleMutation, UpdateRateLimitRuleMutation } from "./operations";
import { LIMITERS, SCOPES, capacityProblem, limiterProblem, rateProblem } from "./validation";
import { Field } from "../../components/Field";
import { Select } from "../../components/Select";
import { CreateFormFrame } from "../../components/CreateForm";
import type { RateLimitRuleFieldsFragment, RateLimitScope } from "../../gql/graphql";

export function RuleForm({ rule, onDone, onCancel }: { rule?: RateLimitRuleFieldsFragment; onDone: (r: RateLimitRuleFieldsFragment) => void; onCancel?: () => void }) {
  const [created, create] = useMutation(CreateRateLimitRuleMutation);
  const [updated, update] = useMutation(UpdateRateLimitRuleMutation);
  const [name, setName] = useState(rule?.name ?? "jobs");
  const [scope, setScope] = useState<RateLimitScope>(rule?.scope ?? "USER");
  const [scopeId, setScopeId] = useState(rule?.scopeId ?? "");
  const [rate, setRate] = useState(rule ? String(rule.refillRate) : "1");
  const [capacity, setCapacity] = useState(rule ? String(rule.capacity) : "10");
  const [touched, setTouched] = useState(false);
  const problems = { name: rule ? null : limiterProblem(name), rate: rateProblem(rate), capacity: capacityProblem(capacity) };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (problems.name || problems.rate || problems.capacity) return;
    const numbers = { refillRate: Number(rate), capacity: Number(capacity) };
    const r = rule
      ? (await update({ id: rule.id, input: numbers, expectedVersion: rule.version })).data?.updateRateLimitRule.rateLimitRule
      : (await create({ input: { name, scope, scopeId: scope === "GLOBAL" || !scopeId.trim() ? null : scopeId.trim(), ...numbers } })).data?.createRateLimitRule.rateLimitRule;
    if (r) onDone(r);
  }

  const show = (p: string | null) => (touched ? p : null);
  return (
    <CreateFormFrame
      what="rate-limit rule"
      onSubmit={submit}
      sending={created.fetching || updated.fetching}
      errors={[rule ? updated.error : created.error]}
      grid="sm:grid-cols-5"
      labels={rule ? { title: `Edit rule ${rule.name} · ${rule.scope}${rule.scopeId ? ` ${rule.scopeId.slice(0, 8)}` : ""}`, submit: "Save rule", sending: "Saving…" } : undefined}
      onCancel={onCancel}
    >
      {!rule && (
        <Field label="Limiter" problem={show(problems.name)} hint={LIMITERS.join(", ")}>
          <input className="input" list="limiters" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        </Field>
      )}
      {!rule && (
        <Field label="Scope">
          <Select value={scope} onChoose={(v) => setScope(v as RateLimitScope)} choices={SCOPES} />
        </Field>
      )}
      {!rule && (
        <Field label="Scope id" hint={scope === "GLOBAL" ? "None for GLOBAL" : `One ${scope === "USER" ? "user" : "cluster"}'s id; empty: each of them`}>
          <input className="input font-mono" value={scope === "GLOBAL" ? "" : scopeId} disabled={scope === "GLOBAL"} onChange={(e) => setScopeId(e.target.value)} autoComplete="off" />
        </Field>
      )}
      <Field label="Refill rate (per s)" problem={show(problems.rate)}>
        <input className="input" inputMode="decimal" value={rate} onChange={(e) => setRate(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Capacity" problem={show(problems.capacity)} hint="The largest burst">
        <input className="input" inputMode="numeric" value={capacity} onChange={(e) => setCapacity(e.target.value)} autoComplete="off" />
      </Field>
      <datalist id="limiters">
        {LIMITERS.map((l) => (
          <option key={l} value={l} />
        ))}
      </datalist>
    </CreateFormFrame>
  );
}
