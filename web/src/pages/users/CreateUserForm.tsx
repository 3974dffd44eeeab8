// Creates a user: name, initial password and role. A name in use is shown on the name field.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { CreateUserMutation } from "./operations";
import { ROLES, passwordProblem, usernameProblem } from "./validation";
import { Field } from "../../components/Field";
import { Select } from "../../components/Select";
import { CreateFormFrame } from "../../components/CreateForm";
import { splitByField } from "../../components/ErrorNotice";
import type { Role, UserFieldsFragment } from "../../gql/graphql";

export function CreateUserForm({ onCreated }: { onCreated: (u: UserFieldsFragment) => void }) {
  const [result, create] = useMutation(CreateUserMutation);
  const [username, setUsername] = useState("");
  const [sentName, setSentName] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("VIEWER");
  const [touched, setTouched] = useState(false);
  const { byField, rest } = splitByField(result.error, { CONFLICT: "username" });
  const taken = byField.username && username === sentName ? byField.username : null;
  const nameProblem = taken ? `${sentName} is taken (user names ignore letter case); pick another.` : touched ? usernameProblem(username) : null;
  const pwProblem = touched ? passwordProblem(password) : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (usernameProblem(username) || passwordProblem(password)) return;
    setSentName(username);
    const r = await create({ input: { username, password, role } });
    const user = r.data?.createUser.user;
    if (user) {
      setUsername("");
      setPassword("");
      setTouched(false);
      onCreated(user);
    }
  }

  return (
    <CreateFormFrame what="user" onSubmit={submit} sending={result.fetching} errors={[rest]} grid="sm:grid-cols-3">
      <Field label="User name" problem={nameProblem} serverError={taken} hint="e.g. alice or alice@example.com">
        <input className="input" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" required />
      </Field>
      <Field label="Password" problem={pwProblem} hint="At least 8 characters">
        <input className="input" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />
      </Field>
      <Field label="Role">
        <Select value={role} onChoose={(v) => setRole(v as Role)} choices={ROLES} />
      </Field>
    </CreateFormFrame>
  );
}
