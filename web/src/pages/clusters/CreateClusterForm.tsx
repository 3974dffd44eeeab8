// Creates a cluster: name (DNS label), region from the catalog, optional labels. A name the
// server refuses is shown on the name field, which gets the focus.
import { useState } from "react";
import { useMutation } from "urql";
import { CreateClusterMutation } from "./operations";
import { parseLabels } from "./validation";
import { Field } from "../../components/Field";
import { Select } from "../../components/Select";
import { CreateFormFrame, NameField, useNameForm } from "../../components/CreateForm";
import { useCatalog } from "../../graphql/catalog";
import type { ClusterFieldsFragment } from "../../gql/graphql";

export function CreateClusterForm({ onCreated }: { onCreated: (c: ClusterFieldsFragment) => void }) {
  const catalog = useCatalog();
  const [result, create] = useMutation(CreateClusterMutation);
  const form = useNameForm({
    error: result.error,
    nameCodes: { CONFLICT: "name" },
    refusal: (_, sent) => `A cluster named ${sent} exists already; pick another name.`,
  });
  const [region, setRegion] = useState("");
  const [labelText, setLabelText] = useState("");

  const regions = catalog.regionChoices;
  const chosenRegion = region || regions[0]?.value || "";
  const parsed = parseLabels(labelText);
  const regionProblem = chosenRegion ? null : "Choose a region.";
  const labelProblem = "problem" in parsed ? parsed.problem : null;
  const submit = form.submit({
    invalid: !!regionProblem || "problem" in parsed,
    send: () =>
      create({ input: { name: form.name, region: chosenRegion, labels: "problem" in parsed ? [] : parsed.labels } }).then((r) => ({
        created: r.data?.createCluster.cluster,
        error: r.error,
      })),
    done: (cluster: ClusterFieldsFragment) => {
      setLabelText("");
      onCreated(cluster);
    },
  });

  return (
    <CreateFormFrame what="cluster" onSubmit={submit} sending={result.fetching} errors={[catalog.error, form.rest]} grid="sm:grid-cols-3">
      <NameField form={form} hint="A DNS label, e.g. prod-eu" />
      <Field label="Region" problem={form.touched ? regionProblem : null}>
        <Select value={chosenRegion} onChoose={setRegion} choices={regions} required />
      </Field>
      <Field label="Labels" problem={form.touched ? labelProblem : null} hint="Optional: team=ops, env=prod">
        <input className="input" value={labelText} onChange={(e) => setLabelText(e.target.value)} autoComplete="off" />
      </Field>
    </CreateFormFrame>
  );
}
