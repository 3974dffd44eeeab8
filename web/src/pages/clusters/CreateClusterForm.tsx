// Creates a cluster: name (DNS label), region from the catalog, optional labels.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { CatalogQuery } from "../../graphql/fragments";
import { CreateClusterMutation } from "./operations";
import { nameProblem, parseLabels } from "./validation";
import { Field } from "../../components/Field";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { ClusterFieldsFragment } from "../../gql/graphql";

export function CreateClusterForm({ onCreated }: { onCreated: (c: ClusterFieldsFragment) => void }) {
  const [catalog] = useQuery({ query: CatalogQuery });
  const [result, create] = useMutation(CreateClusterMutation);
  const [name, setName] = useState("");
  const [region, setRegion] = useState("");
  const [labelText, setLabelText] = useState("");
  const [touched, setTouched] = useState(false);

  const regions = catalog.data?.catalog.regions ?? [];
  const chosenRegion = region || regions[0]?.slug || "";
  const parsed = parseLabels(labelText);
  const problems = {
    name: nameProblem(name),
    region: chosenRegion ? null : "Choose a region.",
    labels: "problem" in parsed ? parsed.problem : null,
  };
  const valid = !problems.name && !problems.region && !problems.labels;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (!valid || "problem" in parsed) return;
    const r = await create({ input: { name, region: chosenRegion, labels: parsed.labels } });
    const cluster = r.data?.createCluster.cluster;
    if (cluster) {
      setName("");
      setLabelText("");
      setTouched(false);
      onCreated(cluster);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create cluster" className="card space-y-3">
      <h2 className="text-lg font-semibold">New cluster</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Name" problem={touched ? problems.name : null} hint="A DNS label, e.g. prod-eu">
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required />
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
      <ErrorNotice error={result.error} hints={{ CONFLICT: "A cluster with that name exists already." }} />
      <button type="submit" className="btn-primary" disabled={result.fetching}>
        {result.fetching ? "Creating…" : "Create cluster"}
      </button>
    </form>
  );
}
