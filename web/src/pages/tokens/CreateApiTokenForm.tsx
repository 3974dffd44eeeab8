// Issues an API token for the signed-in user: a name and the days until it expires (empty:
// never). The secret comes back once, for `onCreated` to show.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { CreateApiTokenMutation } from "./operations";
import { Field } from "../../components/Field";
import { CreateFormFrame } from "../../components/CreateForm";
import type { ApiTokenFieldsFragment } from "../../gql/graphql";

/** Why `name` cannot name a token, or null. */
export function tokenNameProblem(name: string): string | null {
  if (!name.trim()) return "A name is required, e.g. ci-deploy.";
  if (name.length > 64) return "At most 64 characters.";
  return null;
}

/** Why `days` is not 1–3650 whole days (empty is fine: never expires), or null. */
export function expiryProblem(days: string): string | null {
  if (days.trim() === "") return null;
  const n = Number(days);
  return Number.isInteger(n) && n >= 1 && n <= 3650 ? null : "Whole days, 1 to 3650; empty for never.";
}

export function CreateApiTokenForm({ onCreated }: { onCreated: (token: ApiTokenFieldsFragment | null, name: string, secret: string) => void }) {
  const [result, create] = useMutation(CreateApiTokenMutation);
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [touched, setTouched] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (tokenNameProblem(name) || expiryProblem(days)) return;
    const r = await create({ input: { name: name.trim(), expiresInDays: days.trim() ? Number(days) : null } });
    const created = r.data?.createApiToken;
    if (created) {
      setName("");
      setTouched(false);
      onCreated(created.apiToken ?? null, name.trim(), created.secret);
    }
  }

  return (
    <CreateFormFrame what="API token" onSubmit={submit} sending={result.fetching} errors={[result.error]} grid="sm:grid-cols-2">
      <Field label="Name" problem={touched ? tokenNameProblem(name) : null} hint="What it is for, e.g. ci-deploy">
        <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required />
      </Field>
      <Field label="Expires in days" problem={touched ? expiryProblem(days) : null} hint="1–3650; empty: never expires">
        <input className="input" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} autoComplete="off" />
      </Field>
    </CreateFormFrame>
  );
}
