// Creates or edits a health check. Every field is checked as it is typed (after the first
// submit); a field the server refuses (BAD_USER_INPUT names it) shows the server's sentence
// until it is edited, and gets the focus.
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery, type CombinedError } from "urql";
import { CreateHealthCheckMutation, UpdateHealthCheckMutation } from "./operations";
import { EMPTY_DRAFT, INTERNAL_TARGETS, KINDS, createInput, draftOf, problems, refusedField, updateInput, type Draft, type FieldKey } from "./validation";
import { Field } from "../../components/Field";
import { Select } from "../../components/Select";
import { CreateFormFrame } from "../../components/CreateForm";
import { codedErrors, type CodedError } from "../../components/ErrorNotice";
import { TargetsQuery } from "../../graphql/targets";
import type { HealthCheckFieldsFragment, HealthCheckKind } from "../../gql/graphql";

const TARGET_HINTS: Record<HealthCheckKind, string> = {
  HTTP: "An http(s) URL, e.g. https://api.example.com/health",
  TCP: "host:port, e.g. db.internal:5432",
  INTERNAL: `One of ${INTERNAL_TARGETS.join(", ")}`,
};
const CONDITION_HINTS: Record<HealthCheckKind, string> = {
  HTTP: "One a line, e.g. [STATUS] == 200 and [RESPONSE_TIME] < 500",
  TCP: "One a line, e.g. [CONNECTED] == true",
  INTERNAL: "One a line, e.g. [VALUE] < 100",
};

/** The draft, its problems, the server's word on a field, and a submit handler around `send`. */
function useHealthCheckForm(initial: Draft, error: CombinedError | undefined) {
  const [draft, setDraft] = useState(initial);
  const [sent, setSent] = useState<Draft | null>(null);
  const [touched, setTouched] = useState(false);
  const inputs = useRef<Partial<Record<FieldKey, HTMLElement | null>>>({});
  const local = problems(draft);
  const all = error ? codedErrors(error) : [];
  const refusal = all.map((e) => ({ e, r: refusedField(e) })).find((x) => x.r);
  // The server's word on a field holds until that field is edited.
  const server = refusal?.r && sent && draft[refusal.r.field] === sent[refusal.r.field] ? { ...refusal.r, error: refusal.e } : null;
  const rest: CodedError[] = all.filter((e) => e !== refusal?.e);

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const focus = (key: FieldKey | undefined) => key && inputs.current[key]?.focus();

  const submit =
    <T,>(send: (d: Draft) => Promise<{ done: T | null | undefined; error?: CombinedError }>, done: (t: T) => void) =>
    async (e: FormEvent) => {
      e.preventDefault();
      setTouched(true);
      const first = (Object.keys(local) as FieldKey[])[0];
      if (first) return focus(first);
      setSent(draft);
      const r = await send(draft);
      if (r.done) {
        setTouched(false);
        done(r.done);
      } else if (r.error) {
        const refused = codedErrors(r.error).map(refusedField).find(Boolean);
        focus(refused?.field ?? "name");
      }
    };

  /** Props for one field: its sentence (the server's, or the local check's after a submit). */
  const field = (key: FieldKey) => ({
    problem: server?.field === key ? server.sentence : touched ? (local[key] ?? null) : null,
    serverError: server?.field === key ? server.error : null,
  });
  const ref = (key: FieldKey) => (el: HTMLElement | null) => {
    inputs.current[key] = el;
  };
  return { draft, set, field, ref, rest, submit };
}

type Form = ReturnType<typeof useHealthCheckForm>;

/** What a check can watch over: active clusters and droplets not destroyed (and its current link). */
function useWatchChoices(current: string) {
  const [targets] = useQuery({ query: TargetsQuery });
  const choices = [
    ...(targets.data?.clusters.nodes ?? []).filter((c) => c.status === "ACTIVE").map((c) => ({ value: `cluster:${c.id}`, label: `cluster ${c.name}` })),
    ...(targets.data?.droplets.nodes ?? []).filter((d) => d.status !== "DESTROYED").map((d) => ({ value: `droplet:${d.id}`, label: `droplet ${d.name}` })),
  ];
  if (current && !choices.some((c) => c.value === current)) choices.unshift({ value: current, label: current.replace(":", " ") });
  return choices;
}

function Fields({ form }: { form: Form }) {
  const { draft, set, field, ref } = form;
  const watchChoices = useWatchChoices(draft.watches);
  const number = (key: "intervalSeconds" | "timeoutMs" | "failureThreshold" | "successThreshold", label: string, hint: string, placeholder: string) => (
    <Field label={label} hint={hint} {...field(key)}>
      <input ref={ref(key)} className="input" inputMode="numeric" value={draft[key]} placeholder={placeholder} onChange={(e) => set(key, e.target.value)} autoComplete="off" />
    </Field>
  );
  return (
    <>
      <Field label="Name" hint="Shown to operators, e.g. Public API" {...field("name")}>
        <input ref={ref("name")} className="input" value={draft.name} onChange={(e) => set("name", e.target.value)} autoComplete="off" required />
      </Field>
      <Field label="Kind" {...field("kind")}>
        <Select value={draft.kind} onChoose={(v) => set("kind", v as HealthCheckKind)} choices={KINDS} />
      </Field>
      <Field label="Target" hint={TARGET_HINTS[draft.kind]} {...field("target")}>
        <input ref={ref("target")} className="input font-mono" value={draft.target} onChange={(e) => set("target", e.target.value)} autoComplete="off" spellCheck={false} required />
      </Field>
      {number("intervalSeconds", "Interval (seconds)", "Between runs, 1–86400", "60")}
      {number("timeoutMs", "Timeout (ms)", "At most the interval", "10000 or the interval")}
      <div className="flex items-end pb-6">
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set("enabled", e.target.checked)} />
          Enabled (runs on its interval)
        </label>
      </div>
      <Field label="Watches over" hint="Diagnoses of it (and of its cluster or droplets) cite this check" {...field("watches")}>
        <Select ref={ref("watches")} value={draft.watches} onChoose={(v) => set("watches", v)} choices={watchChoices} any="Nothing in particular" />
      </Field>
      {number("failureThreshold", "Failure threshold", "Failed runs in a row that make it UNHEALTHY", "3")}
      {number("successThreshold", "Success threshold", "Successful runs in a row that make it HEALTHY", "2")}
      <div className="sm:col-span-3">
        <Field label="Conditions" hint={CONDITION_HINTS[draft.kind]} {...field("conditions")}>
          <textarea
            ref={ref("conditions")}
            className="input font-mono"
            rows={3}
            value={draft.conditions}
            onChange={(e) => set("conditions", e.target.value)}
            spellCheck={false}
            placeholder={CONDITION_HINTS[draft.kind].replace(/^One a line, e.g. /, "").replace(" and ", "\n")}
          />
        </Field>
      </div>
    </>
  );
}

export function CreateHealthCheckForm({ onCreated }: { onCreated: (c: HealthCheckFieldsFragment) => void }) {
  const [result, create] = useMutation(CreateHealthCheckMutation);
  const form = useHealthCheckForm(EMPTY_DRAFT, result.error);
  const submit = form.submit(
    (d) => create({ input: createInput(d) }).then((r) => ({ done: r.data?.createHealthCheck.healthCheck, error: r.error })),
    onCreated,
  );
  return (
    <CreateFormFrame what="health check" onSubmit={submit} sending={result.fetching} errors={[form.rest]} grid="sm:grid-cols-3">
      <Fields form={form} />
    </CreateFormFrame>
  );
}

export function EditHealthCheckForm({ check, onSaved, onCancel }: { check: HealthCheckFieldsFragment; onSaved: (c: HealthCheckFieldsFragment) => void; onCancel: () => void }) {
  const [result, update] = useMutation(UpdateHealthCheckMutation);
  const form = useHealthCheckForm(draftOf(check), result.error);
  const submit = form.submit(
    (d) => {
      const input = updateInput(d, check);
      // Nothing changed: nothing to record.
      if (Object.keys(input).length === 0) return Promise.resolve({ done: check });
      return update({ id: check.id, input, expectedVersion: check.version }).then((r) => ({ done: r.data?.updateHealthCheck.healthCheck, error: r.error }));
    },
    onSaved,
  );
  return (
    <CreateFormFrame
      what="health check"
      labels={{ title: "Edit health check", submit: "Save changes", sending: "Saving…" }}
      onCancel={onCancel}
      onSubmit={submit}
      sending={result.fetching}
      errors={[form.rest]}
      grid="sm:grid-cols-3"
    >
      <Fields form={form} />
    </CreateFormFrame>
  );
}
