// Names instead of id prefixes: looks an id up once (cache-first) as a droplet, cluster, job
// or health check, and renders a link to the object's page that reads "web-3" or "Provision web-4".
import { Link } from "react-router";
import { useQuery } from "urql";
import { graphql } from "../gql";
import { LIST_PAGES } from "../components/DetailPage";
import type { AggregateType } from "../gql/graphql";

export const EntityNameQuery = graphql(`
  query EntityName($id: ID!) {
    droplet(id: $id) {
      id
      name
    }
    cluster(id: $id) {
      id
      name
    }
    job(id: $id) {
      id
      type
      targetType
      targetId
    }
    healthCheck(id: $id) {
      id
      name
    }
  }
`);

/** "PROVISION" → "Provision". */
export function titleCase(word: string): string {
  return word.charAt(0) + word.slice(1).toLowerCase();
}

const short = (id: string) => id.slice(0, 8);

/** The name of the droplet, cluster or health check `id` (undefined while unknown). */
export function useEntityName(id: string | null | undefined): string | undefined {
  const [r] = useQuery({ query: EntityNameQuery, variables: { id: id ?? "" }, pause: !id, requestPolicy: "cache-first" });
  return r.data?.droplet?.name ?? r.data?.cluster?.name ?? r.data?.healthCheck?.name ?? undefined;
}

/** An object's page: below its list page (a droplet's for an unknown type). */
export function pathOf(type: string, id: string): string {
  return `${(LIST_PAGES[type as AggregateType] ?? LIST_PAGES.Droplet).to}/${id}`;
}

/** A link to a droplet, cluster or health check by name (its id prefix until the name is known). */
export function ObjectLink({ type, id, known, className = "link" }: { type: string; id: string; known?: string | null; className?: string }) {
  const looked = useEntityName(known ? null : id);
  const name = known ?? looked;
  return (
    <Link className={className} to={pathOf(type, id)} title={`${type} ${id}`}>
      {name ?? <span className="font-mono text-xs">{short(id)}</span>}
    </Link>
  );
}

/** A job as "Provision web-4", linking to the job; the target name links to the target. */
export function JobName({ jobId, type, targetType, targetId }: { jobId: string; type?: string; targetType?: string; targetId?: string }) {
  const [r] = useQuery({ query: EntityNameQuery, variables: { id: jobId }, pause: !!type, requestPolicy: "cache-first" });
  const job = type ? { type, targetType: targetType ?? "Droplet", targetId: targetId ?? "" } : r.data?.job;
  const target = useEntityName(job?.targetId || null);
  if (!job) return <Link className="link font-mono text-xs" to={`/jobs/${jobId}`}>job {short(jobId)}</Link>;
  return (
    <Link className="link" to={`/jobs/${jobId}`} title={`Job ${jobId}`}>
      {titleCase(job.type)} {target ?? (job.targetId ? short(job.targetId) : "")}
    </Link>
  );
}
