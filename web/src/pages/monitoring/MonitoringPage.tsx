// Monitoring: the job workers (runners, busy, queue, jobs by status) and how far the read
// models and the Kafka relay are behind the event store, as figures and as charts of what
// this page has seen since it was opened (polled every 2 s; the history is the page's own).
import { useMemo, useState } from "react";
import { Link } from "react-router";
import { useSamples, KEEP_MS, POLL_MS, type Sample } from "./useSamples";
import { ErrorNotice } from "../../components/ErrorNotice";
import { RangePicker, rangeMs, type RangeValue } from "../../components/RangePicker";
import { TimeChart, type ChartSeries } from "../../components/TimeChart";
import { Loading, PageHeader, StatusBadge } from "../../components/Status";
import { formatValue, type Unit } from "../../format/units";
import { formatDuration, formatExact } from "../../format/time";
import type { MonitoringQuery as Figures } from "../../gql/graphql";

/** The chart ranges the page offers: no more than the history it keeps. */
const RANGES: RangeValue[] = ["15m", "1h"];
/** The shortest time span a chart shows. */
const MIN_SPAN_MS = 60_000;

const COLORS = { runners: "#64748b", busy: "#0284c7", queue: "#d97706", events: "#7c3aed", seconds: "#059669", relay: "#db2777" };

/** One figure on a card: its name, its value with its unit, and what it means. */
function Figure({ label, value, unit, hint, testId }: { label: string; value: number | null | undefined; unit: Unit; hint?: string; testId: string }) {
  return (
    <div className="card" data-testid={testId}>
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums" data-testid={`${testId}-value`}>
        {value === undefined ? "…" : formatValue(value, unit)}
      </dd>
      {hint && <dd className="text-xs text-slate-500">{hint}</dd>}
    </div>
  );
}

/** One series of the samples: `pick` of each poll's figures, a gap where a poll failed. */
function series(samples: readonly Sample[], label: string, unit: Unit, color: string, pick: (f: Figures) => number | null | undefined): ChartSeries {
  return { label, unit, color, points: samples.map((s) => ({ t: s.t, v: s.figures ? (pick(s.figures) ?? null) : null })) };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function MonitoringPage() {
  const [range, setRange] = useState<RangeValue>("15m");
  const { samples, latest, error, since, now } = useSamples();
  const pool = latest?.workerPool;
  const pipeline = latest?.pipeline;
  const hasRelay = samples.some((s) => s.figures?.pipeline.relayLagEvents != null);

  // The range asked for, or what the page has seen when it has watched for less (at least a
  // minute), so the first minutes are not a sliver at the right edge.
  const shownRange = { from: Math.min(Math.max(since, now - rangeMs(range)), now - MIN_SPAN_MS), to: now };
  const shown = useMemo(() => samples.filter((s) => s.t >= now - rangeMs(range)), [samples, now, range]);
  const poolSeries = useMemo(
    () => [
      series(shown, "Runners", "count", COLORS.runners, (f) => f.workerPool.runners),
      series(shown, "Busy", "count", COLORS.busy, (f) => f.workerPool.busy),
      series(shown, "Queue length", "count", COLORS.queue, (f) => f.workerPool.queueLength),
    ],
    [shown],
  );
  const lagSeries = useMemo(
    () => [
      series(shown, "Events behind", "count", COLORS.events, (f) => f.pipeline.projectorLagEvents),
      series(shown, "Oldest waiting", "seconds", COLORS.seconds, (f) => f.pipeline.projectorLagSeconds),
    ],
    [shown],
  );
  const relaySeries = useMemo(() => [series(shown, "Events not published", "count", COLORS.relay, (f) => f.pipeline.relayLagEvents)], [shown]);

  return (
    <section className="space-y-6">
      <PageHeader title="Monitoring">
        <RangePicker value={range} onChange={setRange} options={RANGES} label="Chart range" />
      </PageHeader>
      <p className="text-sm text-slate-600" data-testid="watching">
        Watching for {formatDuration(now - since)}, since {formatExact(new Date(since))}: the figures are asked for every {POLL_MS / 1000} s, and the
        charts show what this page has seen since it opened (kept in this browser tab only, up to the last {formatDuration(KEEP_MS)}).
      </p>
      <ErrorNotice error={error} />
      {!latest ? (
        error ? null : (
          <Loading what="monitoring figures" />
        )
      ) : (
        <>
          <section aria-labelledby="worker-pool" className="space-y-3">
            <h2 id="worker-pool" className="text-lg font-semibold">
              Worker pool
            </h2>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4">
              <Figure label="Workers" value={pool?.workers} unit="count" hint="processes with a fresh heartbeat" testId="figure-workers" />
              <Figure label="Runners" value={pool?.runners} unit="count" hint="jobs they can run at once" testId="figure-runners" />
              <Figure label="Busy" value={pool?.busy} unit="count" hint="runners running a job" testId="figure-busy" />
              <Figure label="Queue length" value={pool?.queueLength} unit="count" hint="jobs waiting for a runner" testId="figure-queue" />
            </dl>
            <div>
              <h3 className="mb-1 text-sm font-semibold text-slate-700">Jobs by status</h3>
              <ul className="flex flex-wrap gap-x-4 gap-y-2 text-sm" aria-label="Jobs by status">
                {pool?.jobsByStatus.map((c) => (
                  <li key={c.status} className="flex items-center gap-1.5" data-testid={`jobs-${c.status}`}>
                    <Link to={`/jobs?status=${c.status}`} className="link flex items-center gap-1.5" aria-label={`${plural(c.count, "job")} ${c.status.toLowerCase()}`}>
                      <StatusBadge status={c.status} />
                      <span className="tabular-nums">{formatValue(c.count, "count")}</span>
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
            <TimeChart title="Runners, busy and queued jobs" series={poolSeries} range={shownRange} empty="The first figures arrive in a moment." />
          </section>

          <section aria-labelledby="pipeline" className="space-y-3">
            <h2 id="pipeline" className="text-lg font-semibold">
              Pipeline
            </h2>
            <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
              <Figure label="Projector lag" value={pipeline?.projectorLagEvents} unit="count" hint="events not in the read models yet" testId="figure-projector-events" />
              <Figure label="Oldest waiting event" value={pipeline?.projectorLagSeconds} unit="seconds" hint="how long it has waited" testId="figure-projector-seconds" />
              {pipeline?.relayLagEvents != null ? (
                <Figure label="Relay lag" value={pipeline.relayLagEvents} unit="count" hint="events not published to Kafka yet" testId="figure-relay" />
              ) : (
                <div className="card" data-testid="figure-relay">
                  <dt className="text-xs uppercase tracking-wide text-slate-500">Relay lag</dt>
                  <dd className="text-sm text-slate-600">No relay: in embedded mode the projector and the worker read the event store itself.</dd>
                </div>
              )}
            </dl>
            <TimeChart title="Read models behind the event store" series={lagSeries} range={shownRange} empty="The first figures arrive in a moment." />
            {hasRelay && <TimeChart title="Kafka relay behind the event store" series={relaySeries} range={shownRange} />}
          </section>
        </>
      )}
    </section>
  );
}
