// What the create forms share: a name field whose refusal by the server shows on the field
// (until the name is edited) and takes the focus, the submit flow, and the form's frame.
import { useRef, useState, type FormEvent, type ReactNode } from "react";
import type { CombinedError } from "urql";
import { Field } from "./Field";
import { ErrorNotice, splitByField, type CodedError } from "./ErrorNotice";
import { nameProblem } from "../pages/clusters/validation";

/** The form's name, the server's word on it, and a submit handler around `send`. */
export function useNameForm({ error, nameCodes, refusal }: {
  /** The create mutation's error. */
  error: CombinedError | undefined;
  /** Error codes that are about the name. */
  nameCodes: Partial<Record<string, "name">>;
  /** The sentence for a refused name. */
  refusal: (error: CodedError, sentName: string) => string;
}) {
  const [name, setName] = useState("");
  const [sentName, setSentName] = useState("");
  const [touched, setTouched] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const problem = nameProblem(name);
  const { byField, rest } = splitByField(error, nameCodes);
  // The server's word on the name holds until the name is edited.
  const serverError = byField.name && name === sentName ? byField.name : null;
  const sentence = serverError ? refusal(serverError, sentName) : touched ? problem : null;

  /** Validates, sends, and on success resets the name and calls `done` with what was created. */
  const submit =
    <T,>({ invalid, send, done }: { invalid: boolean; send: () => Promise<{ created: T | null | undefined; error?: unknown }>; done: (created: T) => void }) =>
    async (e: FormEvent) => {
      e.preventDefault();
      setTouched(true);
      if (problem || invalid) {
        if (problem) nameInput.current?.focus();
        return;
      }
      setSentName(name);
      const r = await send();
      if (r.created) {
        setName("");
        setTouched(false);
        done(r.created);
      } else if (r.error) {
        nameInput.current?.focus();
      }
    };
  return { name, setName, touched, nameInput, serverError, sentence, rest, submit };
}

/** The name field of a `useNameForm`. */
export function NameField({ form, hint }: { form: ReturnType<typeof useNameForm>; hint: string }) {
  return (
    <Field label="Name" problem={form.sentence} serverError={form.serverError} hint={hint}>
      <input ref={form.nameInput} className="input" value={form.name} onChange={(e) => form.setName(e.target.value)} autoComplete="off" required />
    </Field>
  );
}

/** What an edit form says instead of "New …", "Create …" and "Creating…". */
export interface FrameLabels {
  title: string;
  submit: string;
  sending: string;
}

/**
 * The create form's frame: title, fields, errors that concern no field, and the submit button
 * (an edit form passes its own `labels` and an `onCancel`).
 */
export function CreateFormFrame({ what, onSubmit, sending, ready = true, errors, verbatim, grid, labels, onCancel, children }: {
  what: string;
  onSubmit: (e: FormEvent) => void;
  sending: boolean;
  ready?: boolean;
  errors: (CombinedError | CodedError[] | undefined | null)[];
  /** Show the server's messages themselves (see `ErrorNotice`). */
  verbatim?: boolean;
  grid: string;
  labels?: FrameLabels;
  onCancel?: () => void;
  children: ReactNode;
}) {
  const l = labels ?? { title: `New ${what}`, submit: `Create ${what}`, sending: "Creating…" };
  return (
    <form onSubmit={onSubmit} noValidate aria-label={labels ? l.title : `Create ${what}`} className="card space-y-3">
      <h2 className="text-lg font-semibold">{l.title}</h2>
      <div className={`grid gap-3 ${grid}`}>{children}</div>
      {errors.map((error, i) => (
        <ErrorNotice key={i} error={error} verbatim={verbatim} />
      ))}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={sending || !ready}>
          {sending ? l.sending : l.submit}
        </button>
        {onCancel && (
          <button type="button" className="btn-secondary" onClick={onCancel}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
