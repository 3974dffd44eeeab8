// One audit event as a sentence: "anonymous powered off web-1", with the objects as links.
import type { ReactNode } from "react";
import type { EventFieldsFragment } from "../gql/graphql";
import { JobName, ObjectLink, titleCase } from "../graphql/names";

/** Event types the console writes a sentence for, by aggregate (also the type filter's choices). */
export const EVENT_TYPES: Record<string, string[]> = {
  Cluster: ["ClusterCreated", "DropletAttached", "DropletDetached", "ClusterDeleted", "ClusterLoadInjected", "ClusterLoadCleared"],
  Droplet: [
    "DropletCreated",
    "DropletProvisioningRestarted",
    "DropletProvisioned",
    "DropletProvisioningFailed",
    "DropletOperationRequested",
    "DropletOperationAbandoned",
    "DropletResized",
    "DropletPoweredOn",
    "DropletPoweredOff",
    "DropletDestroying",
    "DropletDestroyed",
    "DropletLoadInjected",
    "DropletLoadCleared",
  ],
  Job: ["JobQueued", "JobStarted", "JobLeaseExpired", "JobProgressed", "JobCompleted", "JobAttemptFailed", "JobCancelled", "JobRequeued"],
  HealthCheck: ["HealthCheckCreated", "HealthCheckUpdated", "HealthCheckBecameUnhealthy", "HealthCheckRecovered", "HealthCheckDeleted"],
  User: ["UserCreated", "UserRoleChanged", "UserDisabled", "UserEnabled", "UserPasswordChanged"],
  ApiToken: ["ApiTokenCreated", "ApiTokenRevoked"],
  RateLimitRule: ["RateLimitRuleCreated", "RateLimitRuleUpdated", "RateLimitRuleDeleted"],
  Diagnosis: ["DiagnosisRequested", "DiagnosisEvidenceCollected", "DiagnosisCompleted", "DiagnosisFailed", "RecommendationApplied"],
  ScalingPolicy: ["ScalingPolicyCreated", "ScalingPolicyUpdated", "ScalingPolicyPaused", "ScalingPolicyResumed", "ScalingPolicyDeleted", "ScalingDecided", "ScalingCompleted", "ScalingAbandoned"],
};

/** Progress reports: many per job, hidden from the audit log unless asked for. */
export const PROGRESS_TYPES = ["JobProgressed"];

type Payload = Record<string, unknown>;
const REQUEST: Record<string, string> = { POWER: "switch the power of", RESIZE: "resize", DESTROY: "destroy" };
const str = (v: unknown) => (typeof v === "string" ? v : v == null ? "" : String(v));

const METRIC_TEXT: Record<string, string> = { CPU: "CPU", MEMORY: "memory", QUEUE_DEPTH: "queue depth per droplet" };

/** "queue depth per droplet at 50, 2–8 droplets, at most $0.30 / h": what a policy keeps. */
export function policyText(spec: Payload | undefined): string {
  if (!spec) return "";
  const metric = METRIC_TEXT[str(spec.metric)] ?? str(spec.metric).toLowerCase();
  const unit = spec.metric === "QUEUE_DEPTH" ? "" : " %";
  const range = spec.mode === "VERTICAL" ? `sizes ${str(spec.min_size)}–${str(spec.max_size)}` : `${str(spec.min_droplets)}–${str(spec.max_droplets)} droplets`;
  const cap = typeof spec.cost_limit_per_hour === "number" ? `, at most $${spec.cost_limit_per_hour.toFixed(2)} / h` : "";
  return `${metric} at ${str(spec.target)}${unit}, ${range}${cap}${spec.dry_run ? " (dry run)" : ""}`;
}

/** "CPU +60 pp, queue +400 for 5 min": what an injectLoad added. */
export function loadText(load: Payload | undefined): string {
  if (!load) return "load";
  const parts: string[] = [];
  if (Number(load.cpu) > 0) parts.push(`CPU +${str(load.cpu)} pp`);
  if (Number(load.memory) > 0) parts.push(`memory +${str(load.memory)} pp`);
  if (Number(load.queue_depth) > 0) parts.push(`queue +${str(load.queue_depth)}`);
  const seconds = Number(load.duration_seconds);
  const lasting = seconds >= 60 && seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;
  return `${parts.join(", ") || "load"} for ${lasting}`;
}

function what(e: EventFieldsFragment, p: Payload): ReactNode {
  const self =
    e.aggregateType === "Job" ? (
      <JobName jobId={e.aggregateId} />
    ) : (
      <ObjectLink type={e.aggregateType} id={e.aggregateId} known={e.type.endsWith("Created") ? str(p.name ?? p.username ?? (p.spec as Payload | undefined)?.name) || null : null} />
    );
  const droplet = (id: unknown) => <ObjectLink type="Droplet" id={str(id)} />;
  const reason = p.reason ? <span className="text-slate-500">: {str(p.reason)}</span> : null;
  switch (e.type) {
    case "ClusterCreated":
      return <>created cluster {self} in {str(p.region)}</>;
    case "DropletAttached":
      return <>added droplet {droplet(p.droplet_id)} to cluster {self}</>;
    case "DropletDetached":
      return <>removed droplet {droplet(p.droplet_id)} from cluster {self}</>;
    case "ClusterDeleted":
      return <>deleted cluster {self}</>;
    case "DropletCreated":
      return <>created droplet {self}</>;
    case "DropletProvisioningRestarted":
      return <>restarted provisioning of {self}</>;
    case "DropletProvisioned":
      return <>brought {self} up at <span className="font-mono">{str(p.ip)}</span></>;
    case "DropletProvisioningFailed":
      return <>failed to provision {self}{reason}</>;
    case "DropletOperationRequested":
      return <>asked to {REQUEST[str(p.job_type)] ?? `run a ${str(p.job_type).toLowerCase()} job on`} {self}</>;
    case "DropletOperationAbandoned":
      return <>gave up an operation on {self}{reason}</>;
    case "DropletResized":
      return <>resized {self} to {str(p.size)}</>;
    case "DropletPoweredOn":
      return <>powered on {self}</>;
    case "DropletPoweredOff":
      return <>powered off {self}</>;
    case "DropletDestroying":
      return <>started destroying {self}</>;
    case "DropletDestroyed":
      return <>destroyed {self}</>;
    case "DropletLoadInjected":
    case "ClusterLoadInjected":
      return <>injected {loadText(p.load as Payload | undefined)} on {self}</>;
    case "DropletLoadCleared":
    case "ClusterLoadCleared":
      return <>ended the injected load on {self}</>;
    case "JobQueued":
      return (
        <>
          queued <JobName jobId={e.aggregateId} type={str(p.job_type)} targetType={str(p.target_type)} targetId={str(p.target_id)} />
        </>
      );
    case "JobStarted":
      return <>started {self} (attempt {str(p.attempt)})</>;
    case "JobLeaseExpired":
      return <>lost the lease on {self}; it goes back to the queue</>;
    case "JobProgressed":
      return <>{self}: {str(p.stage)} {str(p.progress)}%</>;
    case "JobCompleted":
      return <>completed {self}</>;
    case "JobAttemptFailed":
      return <>{self} attempt {str(p.attempt)} failed<span className="text-slate-500">: {str(p.error)}</span></>;
    case "JobCancelled":
      return <>cancelled {self}{reason}</>;
    case "JobRequeued":
      return <>queued {self} again</>;
    case "HealthCheckCreated":
      return <>created health check {self}</>;
    case "HealthCheckUpdated":
      return <>changed health check {self}</>;
    case "HealthCheckBecameUnhealthy":
      return (
        <>
          marked {self} <span className="font-semibold text-red-800">unhealthy</span> after {str(p.failures)} failed runs
          {p.error ? <span className="text-slate-500">: {str(p.error)}</span> : null}
        </>
      );
    case "HealthCheckRecovered":
      return (
        <>
          marked {self} <span className="font-semibold text-emerald-800">healthy</span> after {str(p.successes)} passed runs
          {p.from ? <span className="text-slate-500"> (was {str(p.from)})</span> : null}
        </>
      );
    case "HealthCheckDeleted":
      return <>deleted health check {self}</>;
    case "UserCreated":
      return <>created user {self} as {str(p.role)}</>;
    case "UserRoleChanged":
      return <>changed the role of user {self} from {str(p.from)} to {str(p.to)}</>;
    case "UserDisabled":
      return <>disabled user {self}</>;
    case "UserEnabled":
      return <>enabled user {self}</>;
    case "UserPasswordChanged":
      return <>set a new password for user {self}</>;
    case "ApiTokenCreated":
      return <>issued API token {self}{p.expires_at ? "" : " (never expires)"}</>;
    case "ApiTokenRevoked":
      return <>revoked API token {self}</>;
    case "RateLimitRuleCreated":
      return <>created rate-limit rule {self} for {str(p.scope)}{p.scope_id ? ` ${str(p.scope_id).slice(0, 8)}` : ""}: {str(p.refill_rate)} / s, capacity {str(p.capacity)}</>;
    case "RateLimitRuleUpdated":
      return <>changed rate-limit rule {self} to {str(p.refill_rate)} / s, capacity {str(p.capacity)}</>;
    case "RateLimitRuleDeleted":
      return <>deleted rate-limit rule {self}</>;
    case "DiagnosisRequested":
      return <>asked for diagnosis {self} of {str(p.target_type).toLowerCase()} {str(p.target_id).slice(0, 8)}{p.question ? `: “${str(p.question)}”` : ""}</>;
    case "DiagnosisEvidenceCollected":
      return <>collected the evidence of diagnosis {self} <span className="text-slate-500">(digest {str(p.digest).slice(0, 12)})</span></>;
    case "DiagnosisCompleted":
      return <>completed diagnosis {self}</>;
    case "DiagnosisFailed":
      return <>could not complete diagnosis {self}: {str(p.error)}</>;
    case "RecommendationApplied":
      return (
        <>
          applied the recommendation of finding {str(p.finding_id)} of diagnosis {self}
          {p.job_id ? <> (job <ObjectLink type="Job" id={str(p.job_id)} />)</> : null}
        </>
      );
    case "ScalingPolicyCreated":
      return (
        <>
          created scaling policy {self} for cluster <ObjectLink type="Cluster" id={str(p.cluster_id)} />: {policyText(p.spec as Payload | undefined)}
        </>
      );
    case "ScalingPolicyUpdated":
      return <>changed scaling policy {self} to {policyText(p.spec as Payload | undefined)}</>;
    case "ScalingPolicyPaused":
      return <>paused scaling policy {self}</>;
    case "ScalingPolicyResumed":
      return <>resumed scaling policy {self}</>;
    case "ScalingPolicyDeleted":
      return <>deleted scaling policy {self}</>;
    case "ScalingDecided": {
      const d = (p.decision ?? {}) as Payload;
      const verb = d.dry_run ? "would scale" : "decided to scale";
      const sizes = d.sizes as Payload | undefined;
      const change = sizes ? `its droplets from ${str(sizes.current)} to ${str(sizes.desired)}` : `from ${str(d.current)} to ${str(d.desired)} droplets`;
      return (
        <>
          {verb} by policy {self} {change}: {str(d.reason)}
          {p.job_id ? <> (job <ObjectLink type="Job" id={str(p.job_id)} />)</> : null}
        </>
      );
    }
    case "ScalingCompleted": {
      const o = (p.outcome ?? {}) as Payload;
      const names = (k: string) => ((o[k] as string[] | undefined) ?? []).join(", ");
      const parts = [
        names("created") && `created ${names("created")}`,
        names("destroyed") && `destroyed ${names("destroyed")}`,
        names("resized") && `resized ${names("resized")}`,
        names("skipped") && `skipped ${names("skipped")}`,
      ].filter(Boolean);
      return (
        <>
          finished scaling by policy {self}: {parts.join("; ") || "nothing to do"}
        </>
      );
    }
    case "ScalingAbandoned":
      return <>abandoned scaling by policy {self}: {str(p.reason)}</>;
    default:
      return <>{e.type} on {e.aggregateType.toLowerCase()} {self}</>;
  }
}

export function EventSummary({ event }: { event: EventFieldsFragment }) {
  const p = (event.payload && typeof event.payload === "object" ? event.payload : {}) as Payload;
  return (
    <span data-testid="event-summary">
      <span className="font-medium" data-testid="event-actor">
        {event.actor}
      </span>{" "}
      {what(event, p)}
    </span>
  );
}

export { titleCase };
