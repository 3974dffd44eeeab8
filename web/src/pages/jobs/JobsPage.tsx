// Jobs: newest loaded first, filtered by status and type, with live progress bars.
import { JobsQuery } from "./operations";
import { FilterBar, FilterSelect, useUrlFilters } from "../../components/Filters";
import { JobTable } from "../../components/JobTable";
import { PagedList } from "../../components/PagedList";
import { PageHeader } from "../../components/Status";
import { useLiveJobs } from "../../live/useLiveJobs";
import { usePagedQuery } from "../../live/usePagedQuery";
import type { JobFilter, JobStatus, JobType } from "../../gql/graphql";

const STATUSES: JobStatus[] = ["QUEUED", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"];
const TYPES: JobType[] = ["PROVISION", "DESTROY", "RESIZE", "POWER", "SCALE", "DIAGNOSE"];

export function JobsPage() {
  const { params, set } = useUrlFilters();
  const filter: JobFilter = {
    status: (params.get("status") as JobStatus) || null,
    type: (params.get("type") as JobType) || null,
  };
  // The newest page first; "Load more" reads older ones.
  const list = usePagedQuery(JobsQuery, { last: 100, filter }, (d) => d.jobs);
  const jobs = useLiveJobs(
    list.nodes,
    filter,
    (j) => (!filter.status || j.status === filter.status) && (!filter.type || j.type === filter.type),
  );

  return (
    <section>
      <PageHeader title="Jobs" />
      <FilterBar className="grid-cols-2 sm:max-w-md">
        <FilterSelect id="j-status" label="Status" value={filter.status ?? ""} onChoose={(v) => set({ status: v })} choices={STATUSES} />
        <FilterSelect id="j-type" label="Type" value={filter.type ?? ""} onChoose={(v) => set({ type: v })} choices={TYPES} />
      </FilterBar>
      <PagedList list={list} what="jobs" count={jobs.length} empty="No jobs match. Creating a droplet starts one.">
        <JobTable jobs={[...jobs].reverse()} />
      </PagedList>
    </section>
  );
}
