// What is happening to a droplet right now, as the server recorded it: its latest job while
// that job is queued or running (the aggregate allows one at a time), described from the
// job's own parameters; and why a FAILED droplet failed, from that job's end.
import { useQuery } from "urql";
import { graphql } from "../../gql";
import type { DropletFieldsFragment, JobFieldsFragment } from "../../gql/graphql";
import { titleCase } from "../../graphql/names";
import { humanizeTimes } from "../../format/time";

export const JobParamsQuery = graphql(`
  query JobParams($jobId: ID!) {
    events(first: 1, filter: { aggregateType: Job, aggregateId: $jobId, eventType: "JobQueued" }) {
      nodes {
        position
        payload
      }
    }
  }
`);

const ACTIVE = ["QUEUED", "RUNNING"];

/** The droplet's job while it is queued or running, else null. */
export function pendingJob(d: DropletFieldsFragment): JobFieldsFragment | null {
  return d.job && ACTIVE.includes(d.job.status) ? d.job : null;
}

/** The operation of a queued job, from its `JobQueued` event's `params` (`{"Power": {"on": false}}`, `{"Resize": {"size": …}}`). */
export function describeOperation(jobType: string, params: unknown, sizeName: (slug: string) => string = (s) => s): string {
  const p = (params && typeof params === "object" ? params : {}) as Record<string, Record<string, unknown> | undefined>;
  switch (jobType) {
    case "PROVISION":
      return "Provisioning…";
    case "DESTROY":
      return "Destroying…";
    case "RESIZE":
      return typeof p.Resize?.size === "string" ? `Resizing to ${sizeName(p.Resize.size)}…` : "Resizing…";
    case "POWER":
      return p.Power?.on === true ? "Powering on…" : p.Power?.on === false ? "Powering off…" : "Changing power state…";
    default:
      return `${titleCase(jobType)} in progress…`;
  }
}

/** The running operation's description ("Powering off…"), or null when none runs. */
export function useOperation(d: DropletFieldsFragment | null | undefined, sizeName?: (slug: string) => string): { job: JobFieldsFragment; label: string } | null {
  const job = d ? pendingJob(d) : null;
  const needsParams = !!job && (job.type === "POWER" || job.type === "RESIZE");
  const [r] = useQuery({ query: JobParamsQuery, variables: { jobId: job?.id ?? "" }, pause: !needsParams, requestPolicy: "cache-first" });
  if (!job) return null;
  const payload = r.data?.events.nodes[0]?.payload as { params?: unknown } | undefined;
  return { job, label: describeOperation(job.type, payload?.params, sizeName) };
}

/** Why a FAILED droplet failed, from the job that ended it; null otherwise. */
export function failureReason(d: DropletFieldsFragment): string | null {
  if (d.status !== "FAILED") return null;
  const j = d.job;
  if (!j) return "Provisioning failed.";
  const what = `${titleCase(j.type)} job`;
  if (j.status === "CANCELLED") return `${what} was cancelled${j.message ? `: ${humanizeTimes(j.message)}` : ""}.`;
  if (j.error) return `${what} failed: ${humanizeTimes(j.error)}`;
  return `${what} ended with status ${j.status}.`;
}
