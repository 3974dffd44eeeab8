// Creates a droplet; every choice (region, size, image) comes from the server's catalog.
// A name the server refuses is shown on the name field, which gets the focus.
import { useRef, useState, type FormEvent } from "react";
import { useMutation, useQuery } from "urql";
import { ClusterChoicesQuery, CreateDropletMutation } from "./operations";
import { nameProblem } from "../clusters/validation";
import { Field } from "../../components/Field";
import { ErrorNotice, splitByField } from "../../components/ErrorNotice";
import { price, sizeSummary, useCatalog } from "../../graphql/catalog";
import { useRefetchOnReconnect } from "../../live/connection";
import type { DropletFieldsFragment } from "../../gql/graphql";

export function CreateDropletForm({
  initialClusterId = "",
  onCreated,
}: {
  initialClusterId?: string;
  onCreated: (d: DropletFieldsFragment) => void;
}) {
  const catalog = useCatalog();
  const [clusters, refetchClusters] = useQuery({ query: ClusterChoicesQuery });
  useRefetchOnReconnect(() => refetchClusters({ requestPolicy: "network-only" }));
  const [result, create] = useMutation(CreateDropletMutation);
  const [name, setName] = useState("");
  const [sentName, setSentName] = useState("");
  const [clusterId, setClusterId] = useState(initialClusterId);
  const [region, setRegion] = useState("");
  const [size, setSize] = useState("");
  const [image, setImage] = useState("");
  const [touched, setTouched] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  const c = catalog.catalog;
  const clusterChoices = clusters.data?.clusters.nodes ?? [];
  const cluster = clusterChoices.find((x) => x.id === clusterId);
  // A droplet in a cluster lives in the cluster's region.
  const chosenRegion = cluster?.region ?? (region || c?.regions[0]?.slug || "");
  const chosenSize = size || c?.sizes[0]?.slug || "";
  const chosenImage = image || c?.images[0]?.slug || "";
  const problem = nameProblem(name);
  const { byField, rest } = splitByField(result.error, { CONFLICT: "name", BAD_USER_INPUT: "name" });
  // The server's word on the name holds until the name is edited.
  const serverNameError = byField.name && name === sentName ? byField.name : null;
  const nameSentence = serverNameError
    ? serverNameError.code === "CONFLICT"
      ? `A live droplet named ${sentName} exists already; pick another name.`
      : "The server did not accept this droplet; check the name and choices."
    : touched
      ? problem
      : null;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (problem || !chosenRegion || !chosenSize || !chosenImage) {
      nameInput.current?.focus();
      return;
    }
    setSentName(name);
    const r = await create({
      input: { name, region: chosenRegion, size: chosenSize, image: chosenImage, clusterId: clusterId || null },
    });
    const droplet = r.data?.createDroplet.droplet;
    if (droplet) {
      setName("");
      setTouched(false);
      onCreated(droplet);
    } else if (r.error) {
      nameInput.current?.focus();
    }
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create droplet" className="card space-y-3">
      <h2 className="text-lg font-semibold">New droplet</h2>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
        <Field label="Name" problem={nameSentence} serverError={serverNameError} hint="A DNS label, e.g. web-1">
          <input ref={nameInput} className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" required />
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
                {sizeSummary(s)} — {price(s)}
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
      <ErrorNotice error={rest} />
      <button type="submit" className="btn-primary" disabled={result.fetching || !c}>
        {result.fetching ? "Creating…" : "Create droplet"}
      </button>
    </form>
  );
}
