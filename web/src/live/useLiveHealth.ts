// Health checks kept current: each check's new runs from the `healthCheckResults`
// subscription (one per check shown), and the check itself read again, once the read model
// has it, after each of its events (a change of health, an edit, a deletion).
import { useEffect, useRef, useState } from "react";
import { useClient, type AnyVariables, type TypedDocumentNode } from "urql";
import { HealthCheckResultsLive } from "../graphql/fragments";
import type { HealthCheckResultFieldsFragment, UptimeFieldsFragment } from "../gql/graphql";
import { useEventTail } from "./eventTail";
import { upsert, type Versioned } from "./merge";

export type Run = HealthCheckResultFieldsFragment;

/** Runs kept per check from the subscription (the pages show at most this many). */
const KEEP = 50;

/** The runs each of `ids` reported since it was first shown, newest first. */
export function useLiveRuns(ids: readonly string[]): Map<string, Run[]> {
  const client = useClient();
  const [runs, setRuns] = useState(new Map<string, Run[]>());
  const active = useRef(new Map<string, { unsubscribe: () => void }>());
  const key = [...new Set(ids)].sort().join(",");
  // Subscribes the checks that appeared and ends those that went; the others keep theirs (a
  // new subscription only reports runs from its start on).
  useEffect(() => {
    const wanted = new Set(key ? key.split(",") : []);
    for (const [id, sub] of active.current) {
      if (!wanted.has(id)) {
        sub.unsubscribe();
        active.current.delete(id);
      }
    }
    for (const id of wanted) {
      if (active.current.has(id)) continue;
      const sub = client.subscription(HealthCheckResultsLive, { id }).subscribe((r) => {
        const run = r.data?.healthCheckResults;
        if (run) setRuns((m) => new Map(m).set(id, [run, ...(m.get(id) ?? [])].slice(0, KEEP)));
      });
      active.current.set(id, sub);
    }
  }, [client, key]);
  useEffect(() => {
    const subs = active.current;
    return () => {
      subs.forEach((s) => s.unsubscribe());
      subs.clear();
    };
  }, [client]);
  return runs;
}

/** The runs of `base` (a query's, newest first) and of `live`, without repeats, newest first. */
export function mergeRuns(base: readonly Run[], live: readonly Run[] | undefined, limit: number): Run[] {
  const byTime = new Map<string, Run>();
  for (const r of [...(live ?? []), ...base]) if (!byTime.has(r.at)) byTime.set(r.at, r);
  return [...byTime.values()].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, limit);
}

/** The runs of `live` newer than the query's newest run (which its counts do not include). */
export function freshRuns(base: readonly Run[], live: readonly Run[] | undefined): Run[] {
  const newest = base.length ? Date.parse(base[0].at) : -Infinity;
  const seen = new Set<string>();
  return (live ?? []).filter((r) => Date.parse(r.at) > newest && !seen.has(r.at) && seen.add(r.at));
}

/** `uptime` as the query read it, plus the runs that arrived since. */
export function withFreshRuns(uptime: UptimeFieldsFragment, base: readonly Run[], live: readonly Run[] | undefined): UptimeFieldsFragment {
  const fresh = freshRuns(base, live);
  if (fresh.length === 0) return uptime;
  const runs = uptime.runs + fresh.length;
  const successes = uptime.successes + fresh.filter((r) => r.success).length;
  return { ...uptime, runs, successes, ratio: successes / runs };
}

/**
 * Each check `query` reads again after one of its events (only `aggregateId`'s, when given),
 * with `minPosition` so the answer includes the event; newest version of each.
 */
export function useHealthCheckUpdates<T extends Versioned, Data, Vars extends AnyVariables>(
  query: TypedDocumentNode<Data, Vars>,
  pick: (data: Data) => T | null | undefined,
  aggregateId?: string,
): Map<string, T> {
  const client = useClient();
  const [updates, setUpdates] = useState(new Map<string, T>());
  const latest = useRef(pick);
  latest.current = pick;
  useEventTail({
    after: null,
    filter: { aggregateType: "HealthCheck", aggregateId: aggregateId ?? null },
    onEvent: (e) => {
      client
        .query(query, { id: e.aggregateId, minPosition: e.position } as unknown as Vars, { requestPolicy: "network-only" })
        .toPromise()
        .then((r) => {
          const item = r.data && latest.current(r.data);
          if (item) setUpdates((m) => upsert(m, item));
        });
    },
  });
  return updates;
}
