// The monitoring figures over time, as this page has seen them: the query polled every
// POLL_MS, each answer kept with the time it arrived, for KEEP_MS. The history lives in the
// page (the server keeps none of these figures); a failed poll is kept as a gap.
import { useEffect, useRef, useState } from "react";
import { useClient, type CombinedError } from "urql";
import { MonitoringQuery } from "./operations";
import type { MonitoringQuery as Figures } from "../../gql/graphql";

/** How often the page asks. */
export const POLL_MS = 2000;
/** How much history the page keeps (the longest chart range it offers). */
export const KEEP_MS = 3600_000;

/** One poll: when its answer arrived and the figures, `null` when it failed. */
export interface Sample {
  t: number;
  figures: Figures | null;
}

export interface Samples {
  samples: readonly Sample[];
  /** The newest figures, kept through failed polls. */
  latest: Figures | null;
  error: CombinedError | null;
  /** When the page started watching. */
  since: number;
  /** When the newest answer (or failure) arrived. */
  now: number;
}

export function useSamples(): Samples {
  const client = useClient();
  const [since] = useState(() => Date.now());
  const [state, setState] = useState<Omit<Samples, "since">>(() => ({ samples: [], latest: null, error: null, now: Date.now() }));
  const inFlight = useRef(false);

  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      if (inFlight.current) return; // a slow answer is not asked for twice
      inFlight.current = true;
      const r = await client.query(MonitoringQuery, {}, { requestPolicy: "network-only" }).toPromise();
      inFlight.current = false;
      if (stopped) return;
      const t = Date.now();
      const figures = r.data && !r.error ? r.data : null;
      setState((s) => ({
        samples: [...s.samples.filter((x) => x.t >= t - KEEP_MS), { t, figures }],
        latest: figures ?? s.latest,
        error: r.error ?? null,
        now: t,
      }));
    };
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [client]);

  return { ...state, since };
}
