// One scaling policy: what it keeps, a chart of its metric against its target with the
// droplet count, its latest evaluation (why it did or did not act), its decisions with their
// reasons and SCALE jobs, and the operator's actions: preview a decision (records nothing),
// evaluate now, pause/resume, delete.
//
// The page follows the policy's events (a decision, a job's end) and reads it again every few
// seconds: evaluations that change nothing are not events, and the chart moves on.
import { useEffect, useRef, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { useMutation, useQuery } from "urql";
import { EvaluateScalingPolicyMutation, ScalingMetricQuery, ScalingPolicyPageQuery } from "./operations";
import { usePolicyChange, type PolicyChange } from "./usePolicyChange";
import { cappedText, changeNoun, changeText, dropletSteps, outcomeText, resultText, targetLine } from "./decisions";
import { rangeText, targetText } from "./ScalingPolicies";
import { metricLabel } from "./validation";
import { DetailPage } from "../../components/DetailPage";
import { DataTable, type Column } from "../../components/DataTable";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Facts } from "../../components/Facts";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { RangePicker, rangeMs, type RangeValue } from "../../components/RangePicker";
import { TimeChart, pointsFrom, type ChartSeries } from "../../components/TimeChart";
import { Empty, Loading, StatusBadge, Time } from "../../components/Status";
import { useToast } from "../../components/Toasts";
import { IfRole } from "../../auth/RoleGate";
import { useEventTail } from "../../live/eventTail";
import { useRefetchOnReconnect } from "../../live/connection";
import { unitOf } from "../telemetry/MetricsPanel";
import type { ScalingDecisionRecordFieldsFragment as DecisionRecord, ScalingEvaluationFieldsFragment as Evaluation } from "../../gql/graphql";

/** How often the page reads the policy again (its evaluations, the metric). */
const REFRESH_MS = 5000;
/** Decisions listed (and drawn). */
const DECISIONS = 50;

const COLORS = { metric: "#0284c7", target: "#dc2626", droplets: "#475569" };

const seconds = (s: number) => (s % 60 === 0 && s > 0 ? `${s / 60} min` : `${s} s`);

function EvaluationCard({ evaluation, title, testId }: { evaluation: Evaluation; title: string; testId: string }) {
  const d = evaluation.decision;
  const capped = cappedText(d.cappedBy);
  return (
    <div className="card space-y-1" data-testid={testId}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 className="font-semibold">{title}</h3>
        <span className="text-xs text-slate-500">
          <Time at={d.at} />
        </span>
      </div>
      <p className="text-sm font-medium" data-testid="evaluation-outcome">
        {outcomeText(evaluation.outcome)} · {changeNoun(d)} {changeText(d)}
      </p>
      <p className="text-sm text-slate-700" data-testid="evaluation-reason">
        {d.reason}
      </p>
      {capped && <p className="text-xs text-slate-500">Desired count {capped}.</p>}
      {evaluation.note && <p className="text-xs text-amber-800">{evaluation.note}</p>}
      {evaluation.job && (
        <p className="text-xs">
          <Link className="link" to={`/jobs/${evaluation.job.id}`}>
            SCALE job
          </Link>{" "}
          <StatusBadge status={evaluation.job.status} />
        </p>
      )}
    </div>
  );
}

const DECISION_COLUMNS: Column<DecisionRecord>[] = [
  { header: "When", cellClassName: "whitespace-nowrap", cell: (r) => <Time at={r.decision.at} /> },
  { header: "Change", cellClassName: "tabular-nums whitespace-nowrap font-medium", cell: (r) => `${changeNoun(r.decision)} ${changeText(r.decision)}${r.decision.dryRun ? " (dry run)" : ""}` },
  {
    header: "Why",
    cellClassName: "max-w-md text-sm",
    cell: (r) => (
      <>
        <span>{r.decision.reason}</span>
        {r.decision.cappedBy && <span className="block text-xs text-slate-500">{cappedText(r.decision.cappedBy)}</span>}
      </>
    ),
  },
  { header: "Planned", className: "hidden lg:table-cell", cellClassName: "font-mono text-xs", cell: (r) => r.planned.join(", ") || "—" },
  {
    header: "Result",
    cellClassName: "text-sm",
    cell: (r) => (
      <span className="flex flex-wrap items-center gap-1">
        {r.job && (
          <Link className="link" to={`/jobs/${r.job.id}`} title="The SCALE job">
            <StatusBadge status={r.job.status} />
          </Link>
        )}
        <span>{resultText(r)}</span>
      </span>
    ),
  },
  { header: "By", className: "hidden md:table-cell", cellClassName: "text-xs", cell: (r) => r.actor },
];

export function ScalingPolicyPage() {
  const { id = "" } = useParams();
  const navigate = useNavigate();
  const toast = useToast();
  const [range, setRange] = useState<RangeValue>("15m");
  const [{ data, fetching, error }, refetch] = useQuery({ query: ScalingPolicyPageQuery, variables: { id, first: DECISIONS } });
  const policy = data?.scalingPolicy;
  const [metricRead, refetchMetric] = useQuery({
    query: ScalingMetricQuery,
    variables: { clusterId: policy?.clusterId ?? "", metric: policy?.metric ?? "CPU", range: { last: range } },
    pause: !policy,
  });
  const [evaluated, evaluate] = useMutation(EvaluateScalingPolicyMutation);
  const policyChange = usePolicyChange();
  const [actionError, setActionError] = useState<typeof evaluated.error>(undefined);
  const [preview, setPreview] = useState<Evaluation | null>(null);
  const [confirming, setConfirming] = useState(false);
  const reload = useRef(() => {});
  reload.current = () => {
    refetch({ requestPolicy: "network-only" });
    if (policy) refetchMetric({ requestPolicy: "network-only" });
  };
  useRefetchOnReconnect(() => reload.current());
  useEventTail({ after: null, filter: { aggregateType: "ScalingPolicy", aggregateId: id }, onEvent: () => reload.current() });
  useEffect(() => {
    const timer = setInterval(() => reload.current(), REFRESH_MS);
    return () => clearInterval(timer);
  }, []);

  if (fetching && !data) return <Loading what="scaling policy" />;
  if (error && !data) return <ErrorNotice error={error} />;
  if (!policy) return <Empty>No scaling policy with id {id}.</Empty>;
  const deleted = policy.status === "DELETED";
  const busy = evaluated.fetching || policyChange.busy;
  const cluster = policy.cluster;
  const decisions = policy.decisions.nodes;
  const last = policy.lastEvaluation;

  const now = Date.now();
  const window = { from: now - rangeMs(range), to: now };
  // Nothing is known of the count before the policy existed.
  const droplets = dropletSteps(decisions, last?.decision, Math.max(window.from, Date.parse(policy.createdAt)), window.to);
  const series = metricRead.data?.cluster?.metrics ?? null;
  const queue = policy.metric === "QUEUE_DEPTH";
  const metricUnit = unitOf(series?.unit ?? (queue ? "items" : "percent"));
  const against: ChartSeries[] = [
    { label: queue ? "Queue depth (whole cluster)" : `${metricLabel(policy.metric)} (average)`, unit: metricUnit, color: COLORS.metric, points: pointsFrom(series?.points ?? []) },
    {
      label: queue ? "Target × droplets" : "Target",
      unit: metricUnit,
      color: COLORS.target,
      step: true,
      points: targetLine(policy.metric, policy.target, droplets, window.from, window.to),
    },
  ];
  const count: ChartSeries[] = [{ label: "Droplets", unit: "count", color: COLORS.droplets, step: true, points: droplets }];
  const chartTitle = queue ? "Queue depth against target × droplets" : `${metricLabel(policy.metric)} against its target`;

  async function run(dryRun: boolean) {
    const r = await evaluate({ id, dryRun });
    setActionError(r.error);
    const e = r.data?.evaluateScalingPolicy.evaluation;
    if (!e) return;
    if (dryRun) setPreview(e);
    else {
      setPreview(null);
      toast(`${outcomeText(e.outcome)} (${changeNoun(e.decision)} ${changeText(e.decision)})`);
      reload.current();
    }
  }

  async function change(verb: PolicyChange) {
    setConfirming(false);
    const failed = await policyChange.change(id, verb);
    setActionError(failed);
    if (failed) return;
    toast(`Policy ${policy!.name} ${verb}`);
    if (verb === "deleted") navigate(cluster ? `/clusters/${cluster.id}` : "/clusters");
    else reload.current();
  }

  const actions = !deleted && (
    <IfRole role="OPERATOR" note>
      <button className="btn-secondary" onClick={() => run(true)} disabled={busy} title="What the autoscaler would decide now; records nothing">
        Preview decision
      </button>
      <button className="btn-primary" onClick={() => run(false)} disabled={busy || policy.status !== "ACTIVE"} title="Evaluate now and act as the autoscaler would">
        Evaluate now
      </button>
      {policy.status === "ACTIVE" ? (
        <button className="btn-secondary" onClick={() => change("paused")} disabled={busy}>
          Pause
        </button>
      ) : (
        <button className="btn-secondary" onClick={() => change("resumed")} disabled={busy}>
          Resume
        </button>
      )}
      <button className="btn-danger" onClick={() => setConfirming(true)} disabled={busy}>
        Delete
      </button>
    </IfRole>
  );

  const crumbs = cluster ? [{ to: "/clusters", label: "Clusters" }, { to: `/clusters/${cluster.id}`, label: cluster.name }] : undefined;

  return (
    <DetailPage title={`Scaling policy ${policy.name}`} of={{ type: "ScalingPolicy", id: policy.id }} crumbs={crumbs} actions={actions}>
      {deleted && <p className="rounded-md border border-slate-300 bg-slate-50 px-3 py-2 text-sm text-slate-700">This policy was deleted; it acts no more.</p>}
      {policy.status === "PAUSED" && <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">Paused: the autoscaler does not evaluate it; a preview still shows what it would decide.</p>}
      {policy.dryRun && !deleted && <p className="rounded-md border border-sky-300 bg-sky-50 px-3 py-2 text-sm text-sky-900">Dry run: its decisions are recorded and never carried out.</p>}
      <ErrorNotice
        error={actionError}
        hints={{ CONFLICT: "The policy changed meanwhile; look at it again.", FAILED_PRECONDITION: "The autoscaler cannot evaluate this policy." }}
      />
      <Facts
        facts={[
          { label: "Keeps", value: `${metricLabel(policy.metric)} at ${targetText(policy)} (±${Math.round(policy.tolerance * 100)} %)`, testId: "policy-keeps" },
          { label: "Range", value: rangeText(policy) },
          { label: "Status", value: <StatusBadge status={policy.status} /> },
          { label: "Cost cap", value: policy.costLimitPerHour == null ? "none" : `$${policy.costLimitPerHour.toFixed(2)} / h` },
          { label: "New droplets", value: policy.template ? `${policy.template.size} · ${policy.template.image} ($${policy.template.hourlyPrice.toFixed(4)} / h)` : "—" },
          { label: "Window", value: `mean over ${seconds(policy.windowSeconds)}` },
          { label: "Cooldown", value: seconds(policy.cooldownSeconds) },
          {
            label: "Stabilization",
            value: `up ${seconds(policy.scaleUp.stabilizationWindowSeconds)}, down ${seconds(policy.scaleDown.stabilizationWindowSeconds)}`,
          },
          { label: "Cluster", value: cluster ? <Link className="link" to={`/clusters/${cluster.id}`}>{cluster.name}</Link> : policy.clusterId },
          { label: "Updated", value: <Time at={policy.updatedAt} /> },
        ]}
      />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{chartTitle}</h2>
        <RangePicker value={range} onChange={setRange} label="Chart time range" name="scaling-range" />
      </div>
      <div className="card space-y-3" data-testid="scaling-chart">
        <TimeChart title={chartTitle} range={window} series={against} height={200} empty="No samples of the metric in this range yet." />
        <TimeChart title="Droplets" range={window} series={count} height={120} empty="Not evaluated in this range yet." />
        <p className="text-xs text-slate-500">
          Droplets as the autoscaler counted them at its decisions and its latest evaluation
          {series ? `; the metric at ${series.resolution.toLowerCase()} resolution` : ""}.
        </p>
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        {last ? <EvaluationCard evaluation={last} title="Latest evaluation" testId="last-evaluation" /> : <Empty>Not evaluated yet{policy.status === "ACTIVE" ? "; the autoscaler looks at it every interval" : ""}.</Empty>}
        {preview && <EvaluationCard evaluation={preview} title="Preview (nothing recorded)" testId="preview" />}
      </div>
      <h2 className="text-lg font-semibold">
        Decisions <span className="text-sm font-normal text-slate-500">({decisions.length < policy.decisions.totalCount ? `latest ${decisions.length} of ${policy.decisions.totalCount}` : policy.decisions.totalCount})</span>
      </h2>
      {decisions.length === 0 ? (
        <Empty>No decision yet: the cluster has stayed where the policy wants it.</Empty>
      ) : (
        <DataTable rows={decisions} columns={DECISION_COLUMNS} rowKey={(r) => String(r.position)} caption={`${decisions.length} decisions, newest first`} rowProps={(r) => ({ "data-testid": `decision-${r.position}` })} />
      )}
      {confirming && (
        <ConfirmDialog title={`Delete policy ${policy.name}?`} confirmLabel="Delete policy" danger onClose={() => setConfirming(false)} onConfirm={() => void change("deleted")}>
          <p>The cluster keeps its droplets; another policy may then watch the same metric.</p>
        </ConfirmDialog>
      )}
    </DetailPage>
  );
}
