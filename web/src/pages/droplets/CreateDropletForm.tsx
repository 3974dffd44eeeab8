// Creates a droplet; every choice (region, size, image) comes from the server's catalog.
// A name the server refuses is shown on the name field, which gets the focus.
import { useState } from "react";
import { useMutation, useQuery } from "urql";
import { ClusterChoicesQuery, CreateDropletMutation } from "./operations";
import { Field } from "../../components/Field";
import { Select } from "../../components/Select";
import { CreateFormFrame, NameField, useNameForm } from "../../components/CreateForm";
import { useCatalog } from "../../graphql/catalog";
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
  const form = useNameForm({
    error: result.error,
    nameCodes: { CONFLICT: "name", BAD_USER_INPUT: "name" },
    refusal: (e, sent) =>
      e.code === "CONFLICT"
        ? `A live droplet named ${sent} exists already; pick another name.`
        : "The server did not accept this droplet; check the name and choices.",
  });
  const [clusterId, setClusterId] = useState(initialClusterId);
  const [region, setRegion] = useState("");
  const [size, setSize] = useState("");
  const [image, setImage] = useState("");

  const clusterChoices = clusters.data?.clusters.nodes ?? [];
  const cluster = clusterChoices.find((x) => x.id === clusterId);
  // A droplet in a cluster lives in the cluster's region.
  const chosenRegion = cluster?.region ?? (region || catalog.regionChoices[0]?.value || "");
  const chosenSize = size || catalog.sizeChoices[0]?.value || "";
  const chosenImage = image || catalog.imageChoices[0]?.value || "";
  const submit = form.submit({
    invalid: !chosenRegion || !chosenSize || !chosenImage,
    send: () =>
      create({
        input: { name: form.name, region: chosenRegion, size: chosenSize, image: chosenImage, clusterId: clusterId || null },
      }).then((r) => ({ created: r.data?.createDroplet.droplet, error: r.error })),
    done: onCreated,
  });

  return (
    <CreateFormFrame
      what="droplet"
      onSubmit={submit}
      sending={result.fetching}
      ready={!!catalog.catalog}
      errors={[catalog.error, form.rest]}
      grid="sm:grid-cols-2 lg:grid-cols-3"
    >
      <NameField form={form} hint="A DNS label, e.g. web-1" />
      <Field label="Cluster" hint="Optional">
        <Select value={clusterId} onChoose={setClusterId} any="(none)" choices={clusterChoices.map((x) => ({ value: x.id, label: `${x.name} (${x.region})` }))} />
      </Field>
      <Field label="Region" hint={cluster ? "The cluster's region" : undefined}>
        <Select value={chosenRegion} onChoose={setRegion} choices={catalog.regionChoices} disabled={!!cluster} />
      </Field>
      <Field label="Size">
        <Select value={chosenSize} onChoose={setSize} choices={catalog.sizeChoices} />
      </Field>
      <Field label="Image">
        <Select value={chosenImage} onChoose={setImage} choices={catalog.imageChoices} />
      </Field>
    </CreateFormFrame>
  );
}
