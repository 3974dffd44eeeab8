// Creates a droplet; every choice (region, size, image) comes from the server's catalog.
import { useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { CatalogQuery } from "../../graphql/fragments";
import { ClusterChoicesQuery, CreateDropletMutation } from "./operations";
import { nameProblem } from "../clusters/validation";
import { Field } from "../../components/Field";
import { ErrorNotice } from "../../components/ErrorNotice";
import type { DropletFieldsFragment } from "../../gql/graphql";

export function CreateDropletForm({
  initialClusterId = "",
  onCreated,
}: {
  initialClusterId?: string;
  onCreated: (d: DropletFieldsFragment) => void;
}) {
  const [catalog] = useQuery({ query: CatalogQuery });
  const [clusters] = useQuery({ query: ClusterChoicesQuery });
  const [result, create] = useMutation(CreateDropletMutation);
  const [name, setName] = useState("");
  const [clusterId, setClusterId] = useState(initialClusterId);
  const [region, setRegion] = useState("");
  const [size, setSize] = useState("");
  const [image, setImage] = useState("");
  const [touched, setTouched] = useState(false);

  const c = catalog.data?.catalog;
  const clusterChoices = clusters.data?.clusters.nodes ?? [];
  const cluster = clusterChoices.find((x) => x.id === clusterId);
  // A droplet in a cluster lives in the cluster's region.
  const chosenRegion = cluster?.region ?? (region || c?.regions[0]?.slug || "");
  const chosenSize = size || c?.sizes[0]?.slug || "";
  const chosenImage = image || c?.images[0]?.slug || "";
  const problem = nameProblem(name);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (problem || !chosenRegion || !chosenSize || !chosenImage) return;
    const r = await create({
      input: { name, region: chosenRegion, size: chosenSize, image: chosenImage, clusterId: clusterId || null },
    });
    const droplet = r.data?.createDroplet.droplet;
    if (droplet) {
      setName("");
      setTouched(false);
      onCreated(droplet);
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create droplet" className="card space-y-3">
      <h2 className="text-lg font-semibold">New droplet</h2>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-5">
        <Field label="Name" problem={touched ? problem : null} hint="A DNS label, e.g. web-1">
          <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required />
        </Field>
        <Field label="Cluster" hint="Optional">
          <select className="input" value={clusterId} onChange={(e) => setClusterId(e.target.value)}>
            <option value="">(none)</option>
            {clusterChoices.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name} ({x.region})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Region" hint={cluster ? "The cluster's region" : undefined}>
          <select className="input" value={chosenRegion} onChange={(e) => setRegion(e.target.value)} disabled={!!cluster}>
            {c?.regions.map((r) => (
              <option key={r.slug} value={r.slug}>
                {r.name} ({r.slug})
              </option>
            ))}
          </select>
        </Field>
        <Field label="Size">
          <select className="input" value={chosenSize} onChange={(e) => setSize(e.target.value)}>
            {c?.sizes.map((s) => (
              <option key={s.slug} value={s.slug}>
                {s.slug} — {s.vcpus} vCPU, {s.memoryMb / 1024} GB, ${s.priceMonthly}/mo
              </option>
            ))}
          </select>
        </Field>
        <Field label="Image">
          <select className="input" value={chosenImage} onChange={(e) => setImage(e.target.value)}>
            {c?.images.map((i) => (
              <option key={i.slug} value={i.slug}>
                {i.name}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <ErrorNotice error={catalog.error} />
      <ErrorNotice error={result.error} hints={{ CONFLICT: "A live droplet with that name exists already." }} />
      <button type="submit" className="btn-primary" disabled={result.fetching || !c}>
        {result.fetching ? "Creating…" : "Create droplet"}
      </button>
    </form>
  );
}
