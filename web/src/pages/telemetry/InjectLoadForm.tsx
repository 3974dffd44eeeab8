// Inject simulated load on a droplet or a cluster (an audited event), and see what is active.
// The bounds are the server's (schema/src/metrics.rs, `load_limits`); it checks them again.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { Field } from "../../components/Field";
import { ErrorNotice } from "../../components/ErrorNotice";
import { useToast } from "../../components/Toasts";
import { ClearLoadMutation, InjectLoadMutation } from "./operations";
import { useAuth } from "../../auth/AuthContext";

export interface LoadTarget {
  type: "DROPLET" | "CLUSTER";
  id: string;
  name: string;
}

interface ActiveLoad {
  cpu: number;
  memory: number;
  queueDepth?: number;
  until: string;
  active: boolean;
}

/** What is wrong with each field, or null. */
export function loadProblems(v: { cpu: string; memory: string; queue: string; minutes: string }, cluster: boolean) {
  const num = (s: string) => (s.trim() === "" ? 0 : Number(s));
  const pct = (s: string) => {
    const n = num(s);
    return Number.isFinite(n) && n >= 0 && n <= 100 ? null : "Between 0 and 100 percentage points.";
  };
  const queue = num(v.queue);
  const minutes = Number(v.minutes);
  const problems = {
    cpu: pct(v.cpu),
    memory: pct(v.memory),
    queue: !cluster || (Number.isFinite(queue) && queue >= 0 && queue <= 1_000_000) ? null : "Between 0 and 1,000,000 items.",
    minutes: Number.isInteger(minutes) && minutes >= 1 && minutes <= 1440 ? null : "Whole minutes, 1 to 1440 (a day).",
    none: null as string | null,
  };
  if (!problems.cpu && !problems.memory && !problems.queue && num(v.cpu) === 0 && num(v.memory) === 0 && (!cluster || queue === 0)) {
    problems.none = cluster ? "Add some CPU, memory or queue items." : "Add some CPU or memory.";
  }
  return problems;
}

/** "CPU +85 pp, queue +400": the non-zero parts of an active load. */
export function activeParts(l: { cpu: number; memory: number; queueDepth?: number }): string {
  const parts = [l.cpu > 0 && `CPU +${l.cpu} pp`, l.memory > 0 && `memory +${l.memory} pp`, (l.queueDepth ?? 0) > 0 && `queue +${l.queueDepth}`];
  return parts.filter(Boolean).join(", ") || "none";
}

export function InjectLoadForm({ target, load, disabled, onInjected }: { target: LoadTarget; load: ActiveLoad | null; disabled?: boolean; onInjected?: () => void }) {
  const cluster = target.type === "CLUSTER";
  const [values, setValues] = useState({ cpu: "50", memory: "0", queue: cluster ? "0" : "", minutes: "5" });
  const [touched, setTouched] = useState(false);
  const [result, inject] = useMutation(InjectLoadMutation);
  const [clearing, clear] = useMutation(ClearLoadMutation);
  const toast = useToast();
  const auth = useAuth();
  const problems = loadProblems(values, cluster);
  const invalid = !!(problems.cpu || problems.memory || problems.queue || problems.minutes || problems.none);
  const set = (k: keyof typeof values) => (e: { target: { value: string } }) => setValues({ ...values, [k]: e.target.value });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (invalid) return;
    const num = (s: string) => (s.trim() === "" ? 0 : Number(s));
    const r = await inject({
      input: {
        targetType: target.type,
        targetId: target.id,
        cpu: num(values.cpu),
        memory: num(values.memory),
        ...(cluster ? { queueDepth: num(values.queue) } : {}),
        durationSeconds: Number(values.minutes) * 60,
      },
    });
    if (!r.error) {
      toast(`Injected load on ${target.name} for ${values.minutes} min`);
      onInjected?.();
    }
  };
  const end = async () => {
    const r = await clear({ targetType: target.type, targetId: target.id });
    if (!r.error) {
      toast(`Ended the load on ${target.name}`);
      onInjected?.();
    }
  };
  const shown = (p: string | null) => (touched ? p : null);
  const current = load && load.active ? load : null;
  // Injecting is an operator's command; a viewer still learns what load is active.
  if (!auth.can("OPERATOR")) {
    return current ? (
      <p className="text-sm text-slate-600" data-testid="active-load">
        Injected load active: {activeParts(current)} until {new Date(current.until).toLocaleTimeString()}
      </p>
    ) : null;
  }
  return (
    <form onSubmit={submit} className="space-y-2 rounded-md border border-slate-200 bg-white p-3" aria-label="Inject load" noValidate>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-semibold">Inject load</h3>
        <p className="text-sm text-slate-600" data-testid="active-load">
          {current
            ? `Active: ${activeParts(current)} until ${new Date(current.until).toLocaleTimeString()}`
            : "No load injected right now."}
        </p>
      </div>
      <p className="text-xs text-slate-500">
        Adds simulated load {cluster ? "to every droplet of the cluster and to its work queue" : "to this droplet"} for a while; it is recorded in the audit log. A new injection replaces the active one.
      </p>
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
        <Field label="CPU (pp)" problem={shown(problems.cpu)}>
          <input className="input" inputMode="decimal" value={values.cpu} onChange={set("cpu")} />
        </Field>
        <Field label="Memory (pp)" problem={shown(problems.memory)}>
          <input className="input" inputMode="decimal" value={values.memory} onChange={set("memory")} />
        </Field>
        {cluster && (
          <Field label="Queue items" problem={shown(problems.queue)}>
            <input className="input" inputMode="numeric" value={values.queue} onChange={set("queue")} />
          </Field>
        )}
        <Field label="Minutes" problem={shown(problems.minutes)}>
          <input className="input" inputMode="numeric" value={values.minutes} onChange={set("minutes")} />
        </Field>
      </div>
      {touched && problems.none && <p className="text-xs text-red-700">{problems.none}</p>}
      {result.error && <ErrorNotice error={result.error} />}
      {clearing.error && <ErrorNotice error={clearing.error} hints={{ FAILED_PRECONDITION: "The load had ended already." }} />}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-secondary" disabled={disabled || result.fetching}>
          {result.fetching ? "Injecting…" : "Inject load"}
        </button>
        {current && (
          <button type="button" className="btn-secondary" onClick={end} disabled={disabled || clearing.fetching}>
            {clearing.fetching ? "Ending…" : "End load now"}
          </button>
        )}
      </div>
    </form>
  );
}
