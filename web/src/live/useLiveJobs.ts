// Jobs from a query kept current by the `jobs` subscription.
import { useMemo, useState } from "react";
import { JobsLive } from "../graphql/fragments";
import type { JobFieldsFragment, JobFilter } from "../gql/graphql";
import { mergeLive, upsert } from "./merge";
import { useEach } from "./useEach";

export function useLiveJobs(
  base: readonly JobFieldsFragment[],
  filter: JobFilter | null,
  accept: (j: JobFieldsFragment) => boolean = () => true,
): JobFieldsFragment[] {
  const [updates, setUpdates] = useState(new Map<string, JobFieldsFragment>());
  useEach(JobsLive, { filter }, (data) => setUpdates((m) => upsert(m, data.jobs)));
  return useMemo(() => mergeLive(base, updates, accept), [base, updates]);
}
