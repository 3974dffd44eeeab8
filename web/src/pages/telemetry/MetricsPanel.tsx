// Live charts of a droplet's or a cluster's metrics over 15 min / 1 h / 24 h / 7 d, the
// newest values as figures, and the load an operator injected (with a form to inject more).
//
// The server picks the resolution (raw samples, minute or hour rollups) that fits the range;
// the charts are refetched when a droplet's new sample arrives on `dropletMetrics` (a cluster's
// every few seconds), so they grow without a reload and always show what the store holds.
//
// `?metric=CPU&from=…&to=…` (an evidence link of a diagnosis) shows that fixed window
// instead, the cited metric's chart marked, until a range is chosen again.
import { useEffect, useRef, useState, type ReactNode } from "react";
import { useSearchParams } from "react-router";
import { useQuery } from "urql";
import { RangePicker, rangeMs, type RangeValue } from "../../components/RangePicker";
import { TimeChart, pointsFrom, type ChartSeries } from "../../components/TimeChart";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatValue, type Unit } from "../../format/units";
import { formatExact } from "../../format/time";
import { useEach } from "../../live/useEach";
import type { SeriesFieldsFragment } from "../../gql/graphql";
import { ClusterMetricsQuery, DropletMetricsQuery, DropletSamples } from "./operations";
import { InjectLoadForm } from "./InjectLoadForm";

/** The console's unit for the API's unit name. */
export function unitOf(api: string): Unit {
  switch (api) {
    case "percent":
      return "percent";
    case "bytes/s":
      return "bytesPerSecond";
    case "items":
      return "count";
    default:
      return "number";
  }
}

const COLORS = { cpu: "#0284c7", memory: "#7c3aed", disk: "#d97706", in: "#059669", out: "#db2777", load: "#475569", max: "#dc2626" };

function line(label: string, color: string, s: SeriesFieldsFragment | null | undefined): ChartSeries {
  return { label, color, unit: unitOf(s?.unit ?? ""), points: pointsFrom(s?.points ?? []) };
}

/** The chart window for `range` ending now (re-computed on every fetch). */
function windowOf(range: RangeValue, now: number) {
  return { from: now - rangeMs(range), to: now };
}

/** Refetches `refetch` at most every `minMs`, on demand. */
function useThrottled(refetch: () => void, minMs: number) {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  return () => {
    if (timer.current) return;
    const wait = Math.max(0, last.current + minMs - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      last.current = Date.now();
      refetch();
    }, wait);
  };
}

function Figure({ label, value, unit }: { label: string; value: number | null | undefined; unit: Unit }) {
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2">
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div className="text-lg font-semibold tabular-nums" data-testid={`figure-${label.toLowerCase().replace(/\s+/g, "-")}`}>
        {formatValue(value ?? null, unit)}
      </div>
    </div>
  );
}

/** A fixed window from the URL (`metric`, `from`, `to`), if it asks for a valid one. */
export interface CitedWindow {
  metric: string;
  from: string;
  to: string;
}

export function citedWindow(params: URLSearchParams): CitedWindow | null {
  const from = params.get("from");
  const to = params.get("to");
  if (!from || !to) return null;
  const f = Date.parse(from);
  const t = Date.parse(to);
  if (Number.isNaN(f) || Number.isNaN(t) || t <= f) return null;
  return { metric: (params.get("metric") ?? "").toUpperCase(), from: new Date(f).toISOString(), to: new Date(t).toISOString() };
}

/** The URL's fixed window and how to leave it (back to a range ending now). */
function useCitedWindow() {
  const [params, setParams] = useSearchParams();
  const cited = citedWindow(params);
  const key = cited ? `${cited.metric}@${cited.from}..${cited.to}` : "";
  const section = useRef<HTMLElement>(null);
  // Opened from a link: bring the charts into view.
  useEffect(() => {
    if (key) section.current?.scrollIntoView?.({ block: "start" });
  }, [key]);
  const leave = () => {
    const next = new URLSearchParams(params);
    for (const k of ["metric", "from", "to", "aggregate"]) next.delete(k);
    setParams(next, { replace: true });
  };
  return { cited, leave, section };
}

/** The banner over charts showing a fixed window. */
function CitedBanner({ cited, onLeave }: { cited: CitedWindow; onLeave: () => void }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="cited-window">
      <p>
        Showing {cited.metric ? <strong>{cited.metric}</strong> : "the metrics"} from {formatExact(cited.from)} to {formatExact(cited.to)}, the window a diagnosis cited.
      </p>
      <button type="button" className="btn-secondary" onClick={onLeave}>
        Back to live
      </button>
    </div>
  );
}

/** A chart, marked when it shows the cited metric. */
function Marked({ on, children }: { on: boolean; children: ReactNode }) {
  return on ? (
    <div className="rounded-lg ring-2 ring-amber-400 ring-offset-2" data-testid="cited-chart">
      {children}
    </div>
  ) : (
    <>{children}</>
  );
}

function Header({ range, setRange, resolution }: { range: RangeValue | null; setRange: (r: RangeValue) => void; resolution?: string }) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <h2 className="text-lg font-semibold">Metrics</h2>
      <div className="flex items-center gap-3">
        {resolution && (
          <span className="text-xs text-slate-500" title="Where the points come from: every sample, or minute or hour rollups">
            {resolution === "RAW" ? "every sample" : resolution === "MINUTE" ? "minute rollups" : "hourly rollups"}
          </span>
        )}
        <RangePicker value={range} onChange={setRange} label="Metrics time range" name="metrics-range" />
      </div>
    </div>
  );
}

/** A droplet's CPU, memory, disk, network and load, live while it runs. */
export function DropletMetrics({ id, name }: { id: string; name: string }) {
  const [range, setRange] = useState<RangeValue>("1h");
  const { cited, leave, section } = useCitedWindow();
  const [{ data, error }, refetch] = useQuery({
    query: DropletMetricsQuery,
    variables: { id, range: cited ? { from: cited.from, to: cited.to } : { last: range } },
  });
  const [now, setNow] = useState(() => Date.now());
  const again = useThrottled(() => {
    setNow(Date.now());
    refetch({ requestPolicy: "network-only" });
  }, 2000);
  const d = data?.droplet;
  useEach(DropletSamples, { id }, again, d?.status === "RUNNING" && !cited);
  if (error && !data) return <ErrorNotice error={error} />;
  const window = cited ? { from: Date.parse(cited.from), to: Date.parse(cited.to) } : windowOf(range, now);
  const mark = (...metrics: string[]) => !!cited && metrics.includes(cited.metric);
  const choose = (r: RangeValue) => {
    leave();
    setRange(r);
  };
  const running = d?.status === "RUNNING";
  const empty = running ? "No samples in this range yet; the first arrives within the reporting interval." : "The droplet reports metrics while it is RUNNING.";
  return (
    <section className="scroll-mt-4 space-y-3" aria-label="Metrics" data-testid="droplet-metrics" id="metrics" ref={section}>
      <Header range={cited ? null : range} setRange={choose} resolution={d?.cpu.resolution} />
      {cited && <CitedBanner cited={cited} onLeave={leave} />}
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-5">
        <Figure label="CPU" value={d?.cpu.latest?.v} unit="percent" />
        <Figure label="Memory" value={d?.memory.latest?.v} unit="percent" />
        <Figure label="Disk" value={d?.disk.latest?.v} unit="percent" />
        <Figure label="Network in" value={d?.networkIn.latest?.v} unit="bytesPerSecond" />
        <Figure label="Network out" value={d?.networkOut.latest?.v} unit="bytesPerSecond" />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <Marked on={mark("CPU", "MEMORY", "DISK")}>
          <TimeChart
            title="CPU, memory and disk"
            range={window}
            empty={empty}
            series={[line("CPU", COLORS.cpu, d?.cpu), line("Memory", COLORS.memory, d?.memory), line("Disk", COLORS.disk, d?.disk)]}
          />
        </Marked>
        <Marked on={mark("NETWORK_IN", "NETWORK_OUT")}>
          <TimeChart title="Network" range={window} empty={empty} series={[line("In", COLORS.in, d?.networkIn), line("Out", COLORS.out, d?.networkOut)]} />
        </Marked>
        <Marked on={mark("LOAD1")}>
          <TimeChart title="Load average (1 min)" range={window} empty={empty} series={[line("Load", COLORS.load, d?.load1)]} />
        </Marked>
      </div>
      <InjectLoadForm target={{ type: "DROPLET", id, name }} load={d?.injectedLoad ?? null} disabled={d?.status === "DESTROYED" || d?.status === "DESTROYING"} onInjected={again} />
    </section>
  );
}

/** A cluster's average and maximum CPU and memory over its running droplets, and its queue. */
export function ClusterMetrics({ id, name }: { id: string; name: string }) {
  const [range, setRange] = useState<RangeValue>("1h");
  const { cited, leave, section } = useCitedWindow();
  const [{ data, error }, refetch] = useQuery({
    query: ClusterMetricsQuery,
    variables: { id, range: cited ? { from: cited.from, to: cited.to } : { last: range } },
  });
  const [now, setNow] = useState(() => Date.now());
  const fixed = !!cited;
  useEffect(() => {
    if (fixed) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      refetch({ requestPolicy: "network-only" });
    }, 5000);
    return () => clearInterval(timer);
  }, [refetch, fixed]);
  const c = data?.cluster;
  if (error && !data) return <ErrorNotice error={error} />;
  const window = cited ? { from: Date.parse(cited.from), to: Date.parse(cited.to) } : windowOf(range, now);
  const mark = (...metrics: string[]) => !!cited && metrics.includes(cited.metric);
  const choose = (r: RangeValue) => {
    leave();
    setRange(r);
  };
  const empty = "No samples in this range yet: a cluster reports while it has RUNNING droplets.";
  return (
    <section className="scroll-mt-4 space-y-3" aria-label="Metrics" data-testid="cluster-metrics" id="metrics" ref={section}>
      <Header range={cited ? null : range} setRange={choose} resolution={c?.cpuAvg.resolution} />
      {cited && <CitedBanner cited={cited} onLeave={leave} />}
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-5">
        <Figure label="CPU avg" value={c?.cpuAvg.latest?.v} unit="percent" />
        <Figure label="CPU max" value={c?.cpuMax.latest?.v} unit="percent" />
        <Figure label="Memory avg" value={c?.memoryAvg.latest?.v} unit="percent" />
        <Figure label="Memory max" value={c?.memoryMax.latest?.v} unit="percent" />
        <Figure label="Queue" value={c?.queue.latest?.v} unit="count" />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <Marked on={mark("CPU")}>
          <TimeChart title="CPU (average and maximum of its droplets)" range={window} empty={empty} series={[line("Average", COLORS.cpu, c?.cpuAvg), line("Maximum", COLORS.max, c?.cpuMax)]} />
        </Marked>
        <Marked on={mark("MEMORY")}>
          <TimeChart title="Memory (average and maximum of its droplets)" range={window} empty={empty} series={[line("Average", COLORS.memory, c?.memoryAvg), line("Maximum", COLORS.max, c?.memoryMax)]} />
        </Marked>
        <Marked on={mark("QUEUE_DEPTH")}>
          <TimeChart title="Work queue" range={window} empty="No samples in this range yet." series={[line("Items", COLORS.load, c?.queue)]} />
        </Marked>
      </div>
      <InjectLoadForm target={{ type: "CLUSTER", id, name }} load={c?.injectedLoad ?? null} disabled={c?.status === "DELETED"} onInjected={() => refetch({ requestPolicy: "network-only" })} />
    </section>
  );
}
