// Droplets from a query kept current by the `droplets` and `jobs` subscriptions: a droplet's
// own row changes on status changes, and its latest job's progress arrives as job updates.
import { useMemo, useState } from "react";
import { useEach } from "./useEach";
import { DropletsLive, JobsLive } from "../graphql/fragments";
import type { DropletFieldsFragment, DropletFilter, JobFieldsFragment } from "../gql/graphql";
import { mergeLive, upsert } from "./merge";

export function useLiveDroplets(
  base: readonly DropletFieldsFragment[],
  filter: DropletFilter | null,
  accept: (d: DropletFieldsFragment) => boolean = () => true,
): DropletFieldsFragment[] {
  const [droplets, setDroplets] = useState(new Map<string, DropletFieldsFragment>());
  const [jobs, setJobs] = useState(new Map<string, JobFieldsFragment>());
  useEach(DropletsLive, { filter }, (data) => setDroplets((m) => upsert(m, data.droplets)));
  useEach(JobsLive, { filter: null }, (data) => setJobs((m) => upsert(m, data.jobs)));
  return useMemo(
    () =>
      mergeLive(base, droplets, accept).map((d) => {
        const j = d.job && jobs.get(d.job.id);
        return j && d.job && j.version >= d.job.version ? { ...d, job: j } : d;
      }),
    [base, droplets, jobs],
  );
}
