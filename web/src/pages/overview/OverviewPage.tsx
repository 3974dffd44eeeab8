// Overview: counts, the jobs running now with live progress, and the live audit tail.
import { useEffect, useMemo, useRef, useState } from "react";
import { Link } from "react-router";
import { useClient, useQuery } from "urql";
import { OverviewQuery, RecentEventsQuery } from "./operations";
import { ErrorNotice } from "../../components/ErrorNotice";
import { EventRow } from "../../components/EventRow";
import { JobTable } from "../../components/JobTable";
import { Empty, Loading, PageHeader } from "../../components/Status";
import { useEventTail } from "../../live/eventTail";
import { useLiveJobs } from "../../live/useLiveJobs";
import { useConnection, useRefetchOnReconnect } from "../../live/connection";
import type { EventFieldsFragment } from "../../gql/graphql";
import { PROGRESS_TYPES } from "../../components/EventSummary";

const RECENT = 15;
const RECENT_WINDOW_MS = 60 * 60 * 1000;

function Stat({ label, value, to }: { label: string; value: number | undefined; to: string }) {
  return (
    <Link to={to} className="card block hover:border-sky-400" data-testid={`stat-${label.toLowerCase()}`}>
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className="text-2xl font-semibold tabular-nums">{value ?? "…"}</div>
    </Link>
  );
}

export function OverviewPage() {
  const client = useClient();
  const [{ data, error }, refetch] = useQuery({ query: OverviewQuery });
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(reload);

  const active = useLiveJobs(
    [...(data?.runningJobs.nodes ?? []), ...(data?.queuedJobs.nodes ?? [])],
    null,
    (j) => j.status === "RUNNING" || j.status === "QUEUED",
  );

  // Recent activity: the last hour's events (newest RECENT), then the live tail after them.
  const [recent, setRecent] = useState<EventFieldsFragment[]>([]);
  const [start, setStart] = useState<{ after: string | null } | null>(null);
  const [recentError, setRecentError] = useState<string | null>(null);
  const { reconnects } = useConnection();
  useEffect(() => {
    const since = new Date(Date.now() - RECENT_WINDOW_MS).toISOString();
    client
      .query(RecentEventsQuery, { since, last: RECENT, exclude: PROGRESS_TYPES }, { requestPolicy: "network-only" })
      .toPromise()
      .then((r) => {
        const c = r.data?.events;
        setRecent(c ? c.nodes : []);
        setStart({ after: c?.pageInfo.endCursor ?? null });
        setRecentError(null);
      });
  }, [client, reconnects]);

  // Counts change with every droplet and cluster event; refresh them at most twice a second.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const scheduleReload = () => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      reload();
    }, 500);
  };
  useEffect(() => () => void (pending.current && clearTimeout(pending.current)), []);

  useEventTail({
    after: start?.after ?? null,
    filter: { excludeEventTypes: PROGRESS_TYPES },
    enabled: start !== null,
    onEvent: (e) => {
      setRecentError(null);
      setRecent((prev) => [...prev, e].slice(-RECENT));
      if (e.aggregateType !== "Job") scheduleReload();
    },
    onError: setRecentError,
  });
  const newestFirst = useMemo(() => [...recent].reverse(), [recent]);

  const droplets = data
    ? {
        PROVISIONING: data.provisioning.totalCount,
        RUNNING: data.running.totalCount,
        STOPPED: data.stopped.totalCount,
        FAILED: data.failed.totalCount,
        DESTROYING: data.destroying.totalCount,
        DESTROYED: data.destroyed.totalCount,
      }
    : undefined;

  return (
    <section className="space-y-6">
      <PageHeader title="Overview" />
      <ErrorNotice error={error} />
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
        <Stat label="Clusters" value={data?.clusters.totalCount} to="/clusters" />
        {(["PROVISIONING", "RUNNING", "STOPPED", "FAILED", "DESTROYING", "DESTROYED"] as const).map((s) => (
          <Stat key={s} label={s.charAt(0) + s.slice(1).toLowerCase()} value={droplets?.[s]} to={`/droplets?status=${s}`} />
        ))}
      </div>
      <div>
        <h2 className="mb-2 text-lg font-semibold">Jobs in progress</h2>
        {!data ? (error ? null : <Loading what="jobs" />) : active.length === 0 ? <Empty>No job is running.</Empty> : <JobTable jobs={active} />}
      </div>
      <div>
        <h2 className="mb-2 text-lg font-semibold">
          Latest activity{" "}
          <Link className="link text-sm font-normal" to="/audit">
            (audit log)
          </Link>
        </h2>
        {recentError && <ErrorNotice error={[{ code: "UNAVAILABLE", message: recentError }]} />}
        {start === null ? (
          <Loading what="activity" />
        ) : recent.length === 0 ? (
          <Empty>Nothing has happened in the last hour; new events appear here live.</Empty>
        ) : (
          <ul className="card p-0" aria-label="Latest activity">
            {newestFirst.map((e) => (
              <EventRow key={e.position} event={e} />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
