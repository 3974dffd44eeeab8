// Lists from a query kept current by a subscription; jobs by the `jobs` subscription.
import { useMemo, useState } from "react";
import type { AnyVariables, TypedDocumentNode } from "urql";
import { JobsLive } from "../graphql/fragments";
import type { JobFieldsFragment, JobFilter } from "../gql/graphql";
import { mergeLive, upsert, type Versioned } from "./merge";
import { useEach } from "./useEach";

/** Every object a subscription delivers, newest version of each. */
export function useLiveUpdates<T extends Versioned, Data, Vars extends AnyVariables>(subscription: TypedDocumentNode<Data, Vars>, variables: Vars, pick: (data: Data) => T) {
  const [updates, setUpdates] = useState(new Map<string, T>());
  useEach(subscription, variables, (data) => setUpdates((m) => upsert(m, pick(data))));
  return updates;
}

/** Jobs from a query with the `jobs` subscription's newer versions (and new jobs that pass `accept`). */
export function useLiveJobs(base: readonly JobFieldsFragment[], filter: JobFilter | null, accept?: (j: JobFieldsFragment) => boolean): JobFieldsFragment[] {
  const updates = useLiveUpdates(JobsLive, { filter }, (d) => d.jobs);
  return useMemo(() => mergeLive(base, updates, accept), [base, updates]);
}
