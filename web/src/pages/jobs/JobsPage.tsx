// Jobs: newest loaded first, filtered by status and type, with live progress bars.
import { useCallback } from "react";
import { useSearchParams } from "react-router";
import { useClient, useQuery } from "urql";
import { JobsQuery } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { JobTable } from "../../components/JobTable";
import { Empty, Loading, PageHeader } from "../../components/Status";
import { useLiveJobs } from "../../live/useLiveJobs";
import { useLoadMore } from "../../live/useLoadMore";
import { LoadMore } from "../../components/LoadMore";
import { useRefetchOnReconnect } from "../../live/connection";
import type { JobFilter, JobStatus, JobType } from "../../gql/graphql";

const STATUSES: JobStatus[] = ["QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"];
const TYPES: JobType[] = ["PROVISION", "DESTROY", "RESIZE", "POWER", "SCALE", "DIAGNOSE"];

export function JobsPage() {
  const [params, setParams] = useSearchParams();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const filter: JobFilter = {
    status: (params.get("status") as JobStatus) || null,
    type: (params.get("type") as JobType) || null,
  };
  const [{ data, fetching, error }, refetch] = useQuery({ query: JobsQuery, variables: { first: 100, filter } });
  useRefetchOnReconnect(() => refetch({ requestPolicy: "network-only" }));
  const client = useClient();
  const filterKey = JSON.stringify(filter);
  const pages = useLoadMore(
    data?.jobs,
    useCallback(
      (after: string) =>
        client.query(JobsQuery, { first: 100, after, filter: JSON.parse(filterKey) }, { requestPolicy: "network-only" }).toPromise().then((r) => r.data?.jobs),
      [client, filterKey],
    ),
  );
  const jobs = useLiveJobs(
    pages.nodes,
    filter,
    (j) => (!filter.status || j.status === filter.status) && (!filter.type || j.type === filter.type),
  );

  return (
    <section>
      <PageHeader title="Jobs" />
      <fieldset className="mb-3 grid grid-cols-2 gap-3 sm:max-w-md">
        <legend className="sr-only">Filters</legend>
        <div>
          <label className="label" htmlFor="j-status">Status</label>
          <select id="j-status" className="input" value={filter.status ?? ""} onChange={(e) => set("status", e.target.value)}>
            <option value="">Any</option>
            {STATUSES.map((s) => <option key={s}>{s}</option>)}
          </select>
        </div>
        <div>
          <label className="label" htmlFor="j-type">Type</label>
          <select id="j-type" className="input" value={filter.type ?? ""} onChange={(e) => set("type", e.target.value)}>
            <option value="">Any</option>
            {TYPES.map((t) => <option key={t}>{t}</option>)}
          </select>
        </div>
      </fieldset>
      <ErrorNotice error={error} />
      {fetching && !data ? (
        <Loading what="jobs" />
      ) : !data ? null : jobs.length === 0 ? (
        <Empty>No jobs match. Creating a droplet starts one.</Empty>
      ) : (
        <JobTable jobs={[...jobs].reverse()} />
      )}
      <LoadMore hasMore={pages.hasMore} loading={pages.loading} onClick={pages.loadMore} shown={pages.nodes.length} total={data?.jobs.totalCount} />
    </section>
  );
}
