// Droplets from a query kept current by the `droplets` and `jobs` subscriptions: a droplet's
// own row changes on status changes, and its latest job's progress arrives as job updates.
import { useMemo } from "react";
import { DropletsLive, JobsLive } from "../graphql/fragments";
import type { DropletFieldsFragment, DropletFilter } from "../gql/graphql";
import { mergeLive } from "./merge";
import { useLiveUpdates } from "./useLiveJobs";

export function useLiveDroplets(base: readonly DropletFieldsFragment[], filter: DropletFilter | null, accept?: (d: DropletFieldsFragment) => boolean): DropletFieldsFragment[] {
  const droplets = useLiveUpdates(DropletsLive, { filter }, (d) => d.droplets);
  const jobs = useLiveUpdates(JobsLive, { filter: null }, (d) => d.jobs);
  return useMemo(
    () =>
      mergeLive(base, droplets, accept).map((d) => {
        const j = d.job && jobs.get(d.job.id);
        return j && d.job && j.version >= d.job.version ? { ...d, job: j } : d;
      }),
    [base, droplets, jobs],
  );
}
