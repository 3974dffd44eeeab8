// Creates a horizontal scaling policy for one cluster: what it watches and its target, the
// droplet range, an optional cost cap (checked against the template's price), the template
// new droplets are made from, dry run and paused. Vertical policies and step limits are set
// through the API.
import { useState, type FormEvent } from "react";
import { useMutation } from "urql";
import { CreateScalingPolicyMutation } from "./operations";
import { HOURS_PER_MONTH, METRICS, costProblem, dropletsProblem, rangeProblem, targetProblem } from "./validation";
import { Field } from "../../components/Field";
import { Select } from "../../components/Select";
import { CreateFormFrame } from "../../components/CreateForm";
import { useCatalog } from "../../graphql/catalog";
import type { ScalingMetric, ScalingPolicyFieldsFragment } from "../../gql/graphql";

export function PolicyForm({ clusterId, onDone }: { clusterId: string; onDone: (p: ScalingPolicyFieldsFragment) => void }) {
  const catalog = useCatalog();
  const [created, create] = useMutation(CreateScalingPolicyMutation);
  const [name, setName] = useState("queue");
  const [metric, setMetric] = useState<ScalingMetric>("QUEUE_DEPTH");
  const [target, setTarget] = useState("50");
  const [min, setMin] = useState("2");
  const [max, setMax] = useState("8");
  const [cost, setCost] = useState("");
  const [size, setSize] = useState("");
  const [image, setImage] = useState("");
  const [dryRun, setDryRun] = useState(false);
  const [enabled, setEnabled] = useState(true);
  const [touched, setTouched] = useState(false);
  const chosenSize = size || catalog.catalog?.sizes[0]?.slug || "";
  const chosenImage = image || catalog.catalog?.images[0]?.slug || "";
  const monthly = catalog.size(chosenSize)?.priceMonthly;
  const hourly = monthly === undefined ? undefined : monthly / HOURS_PER_MONTH;
  const problems = {
    name: name.trim() ? null : "A name, e.g. queue.",
    target: targetProblem(metric, target),
    min: dropletsProblem(min),
    max: dropletsProblem(max) ?? rangeProblem(min, max),
    cost: costProblem(cost, min, hourly),
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    setTouched(true);
    if (Object.values(problems).some(Boolean)) return;
    const input = {
      clusterId,
      name: name.trim(),
      metric,
      target: Number(target),
      minDroplets: Number(min),
      maxDroplets: Number(max),
      costLimitPerHour: cost.trim() ? Number(cost) : null,
      template: { size: chosenSize, image: chosenImage },
      dryRun,
      enabled,
    };
    const p = (await create({ input })).data?.createScalingPolicy.scalingPolicy;
    if (p) onDone(p);
  }

  const show = (p: string | null) => (touched ? p : null);
  return (
    <CreateFormFrame what="scaling policy" onSubmit={submit} sending={created.fetching} errors={[created.error]} verbatim grid="sm:grid-cols-4">
      <Field label="Name" problem={show(problems.name)}>
        <input className="input" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Metric">
        <Select value={metric} onChoose={(v) => setMetric(v as ScalingMetric)} choices={METRICS} />
      </Field>
      <Field label="Target" problem={show(problems.target)} hint={metric === "QUEUE_DEPTH" ? "Waiting jobs per droplet" : "Average percent"}>
        <input className="input" inputMode="decimal" value={target} onChange={(e) => setTarget(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Cost limit ($/h)" problem={show(problems.cost)} hint={hourly === undefined ? "Empty: no limit" : `Empty: no limit; a droplet costs $${hourly.toFixed(4)}/h`}>
        <input className="input" inputMode="decimal" value={cost} onChange={(e) => setCost(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Min droplets" problem={show(problems.min)}>
        <input className="input" inputMode="numeric" value={min} onChange={(e) => setMin(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Max droplets" problem={show(problems.max)}>
        <input className="input" inputMode="numeric" value={max} onChange={(e) => setMax(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="New droplets' size">
        <Select value={chosenSize} onChoose={setSize} choices={catalog.sizeChoices} />
      </Field>
      <Field label="New droplets' image">
        <Select value={chosenImage} onChoose={setImage} choices={catalog.imageChoices} />
      </Field>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run (decide, do not act)
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={!enabled} onChange={(e) => setEnabled(!e.target.checked)} /> Create paused
      </label>
    </CreateFormFrame>
  );
}
