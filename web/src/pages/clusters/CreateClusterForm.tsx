// Creates a cluster: name (DNS label), region from the catalog, optional labels. A name the
// server refuses is shown on the name field, which gets the focus.
import { useRef, useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { CreateClusterMutation } from "./operations";
import { nameProblem, parseLabels } from "./validation";
import { Field } from "../../components/Field";
import { ErrorNotice, splitByField } from "../../components/ErrorNotice";
import { useCatalog } from "../../graphql/catalog";
import type { ClusterFieldsFragment } from "../../gql/graphql";

export function CreateClusterForm({ onCreated }: { onCreated: (c: ClusterFieldsFragment) => void }) {
  const catalog = useCatalog();
  const [result, create] = useMutation(CreateClusterMutation);
  const [name, setName] = useState("");
  const [sentName, setSentName] = useState("");
  const [region, setRegion] = useState("");
  const [labelText, setLabelText] = useState("");
  const [touched, setTouched] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  const regions = catalog.catalog?.regions ?? [];
  const chosenRegion = region || regions[0]?.slug || "";
  const parsed = parseLabels(labelText);
  const problems = {
    name: nameProblem(name),
    region: chosenRegion ? null : "Choose a region.",
    labels: "problem" in parsed ? parsed.problem : null,
  };
  const valid = !problems.name && !problems.region && !problems.labels;
  const { byField, rest } = splitByField(result.error, { CONFLICT: "name" });
  // The server's word on the name holds until the name is edited.
  const serverNameError = byField.name && name === sentName ? byField.name : null;
  const nameSentence = serverNameError
    ? `A cluster named ${sentName} exists already; pick another name.`
    : touched
      ? problems.name
      : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!valid || "problem" in parsed) {
      if (problems.name) nameInput.current?.focus();
      return;
    }
    setSentName(name);
    const r = await create({ input: { name, region: chosenRegion, labels: parsed.labels } });
    const cluster = r.data?.createCluster.cluster;
    if (cluster) {
      setName("");
      setLabelText("");
      setTouched(false);
      onCreated(cluster);
    } else if (r.error) {
      nameInput.current?.focus();
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create cluster" className="card space-y-3">
      <h2 className="text-lg font-semibold">New cluster</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Name" problem={nameSentence} serverError={serverNameError} hint="A DNS label, e.g. prod-eu">
          <input ref={nameInput} className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required />
        </Field>
        <Field label="Region" problem={touched ? problems.region : null}>
          <select className="input" value={chosenRegion} onChange={(e) => setRegion(e.target.value)} required>
            {regions.map((r) => (
              <option key={r.slug} value={r.slug}>
                {r.name} ({r.slug})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Labels" problem={touched ? problems.labels : null} hint="Optional: team=ops, env=prod">
          <input className="input" value={labelText} onChange={(e) => setLabelText(e.target.value)} autoComplete="off" />
        </Field>
      </div>
      <ErrorNotice error={catalog.error} />
      <ErrorNotice error={rest} />
      <button type="submit" className="btn-primary" disabled={result.fetching}>
        {result.fetching ? "Creating…" : "Create cluster"}
      </button>
    </form>
  );
}
