// Live charts of a droplet's or a cluster's metrics over 15 min / 1 h / 24 h / 7 d, the
// newest values as figures, and the load an operator injected (with a form to inject more).
//
// The server picks the resolution (raw samples, minute or hour rollups) that fits the range;
// the charts are refetched when a droplet's new sample arrives on `dropletMetrics` (a cluster's
// every few seconds), so they grow without a reload and always show what the store holds.
import { useEffect, useRef, useState } from "react";
import { useQuery } from "urql";
import { RangePicker, rangeMs, type RangeValue } from "../../components/RangePicker";
import { TimeChart, pointsFrom, type ChartSeries } from "../../components/TimeChart";
import { ErrorNotice } from "../../components/ErrorNotice";
import { formatValue, type Unit } from "../../format/units";
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

function Header({ range, setRange, resolution }: { range: RangeValue; setRange: (r: RangeValue) => void; resolution?: string }) {
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
  const [{ data, error }, refetch] = useQuery({ query: DropletMetricsQuery, variables: { id, range: { last: range } } });
  const [now, setNow] = useState(() => Date.now());
  const again = useThrottled(() => {
    setNow(Date.now());
    refetch({ requestPolicy: "network-only" });
  }, 2000);
  const d = data?.droplet;
  useEach(DropletSamples, { id }, again, d?.status === "RUNNING");
  if (error && !data) return <ErrorNotice error={error} />;
  const window = windowOf(range, now);
  const running = d?.status === "RUNNING";
  const empty = running ? "No samples in this range yet; the first arrives within the reporting interval." : "The droplet reports metrics while it is RUNNING.";
  return (
    <section className="space-y-3" aria-label="Metrics" data-testid="droplet-metrics">
      <Header range={range} setRange={setRange} resolution={d?.cpu.resolution} />
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-5">
        <Figure label="CPU" value={d?.cpu.latest?.v} unit="percent" />
        <Figure label="Memory" value={d?.memory.latest?.v} unit="percent" />
        <Figure label="Disk" value={d?.disk.latest?.v} unit="percent" />
        <Figure label="Network in" value={d?.networkIn.latest?.v} unit="bytesPerSecond" />
        <Figure label="Network out" value={d?.networkOut.latest?.v} unit="bytesPerSecond" />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <TimeChart
          title="CPU, memory and disk"
          range={window}
          empty={empty}
          series={[line("CPU", COLORS.cpu, d?.cpu), line("Memory", COLORS.memory, d?.memory), line("Disk", COLORS.disk, d?.disk)]}
        />
        <TimeChart title="Network" range={window} empty={empty} series={[line("In", COLORS.in, d?.networkIn), line("Out", COLORS.out, d?.networkOut)]} />
        <TimeChart title="Load average (1 min)" range={window} empty={empty} series={[line("Load", COLORS.load, d?.load1)]} />
      </div>
      <InjectLoadForm target={{ type: "DROPLET", id, name }} load={d?.injectedLoad ?? null} disabled={d?.status === "DESTROYED" || d?.status === "DESTROYING"} onInjected={again} />
    </section>
  );
}

/** A cluster's average and maximum CPU and memory over its running droplets, and its queue. */
export function ClusterMetrics({ id, name }: { id: string; name: string }) {
  const [range, setRange] = useState<RangeValue>("1h");
  const [{ data, error }, refetch] = useQuery({ query: ClusterMetricsQuery, variables: { id, range: { last: range } } });
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
      refetch({ requestPolicy: "network-only" });
    }, 5000);
    return () => clearInterval(timer);
  }, [refetch]);
  const c = data?.cluster;
  if (error && !data) return <ErrorNotice error={error} />;
  const window = windowOf(range, now);
  const empty = "No samples in this range yet: a cluster reports while it has RUNNING droplets.";
  return (
    <section className="space-y-3" aria-label="Metrics" data-testid="cluster-metrics">
      <Header range={range} setRange={setRange} resolution={c?.cpuAvg.resolution} />
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-5">
        <Figure label="CPU avg" value={c?.cpuAvg.latest?.v} unit="percent" />
        <Figure label="CPU max" value={c?.cpuMax.latest?.v} unit="percent" />
        <Figure label="Memory avg" value={c?.memoryAvg.latest?.v} unit="percent" />
        <Figure label="Memory max" value={c?.memoryMax.latest?.v} unit="percent" />
        <Figure label="Queue" value={c?.queue.latest?.v} unit="count" />
      </div>
      <div className="grid gap-3 lg:grid-cols-2">
        <TimeChart title="CPU (average and maximum of its droplets)" range={window} empty={empty} series={[line("Average", COLORS.cpu, c?.cpuAvg), line("Maximum", COLORS.max, c?.cpuMax)]} />
        <TimeChart title="Memory (average and maximum of its droplets)" range={window} empty={empty} series={[line("Average", COLORS.memory, c?.memoryAvg), line("Maximum", COLORS.max, c?.memoryMax)]} />
        <TimeChart title="Work queue" range={window} empty="No samples in this range yet." series={[line("Items", COLORS.load, c?.queue)]} />
      </div>
      <InjectLoadForm target={{ type: "CLUSTER", id, name }} load={c?.injectedLoad ?? null} disabled={c?.status === "DELETED"} onInjected={() => refetch({ requestPolicy: "network-only" })} />
    </section>
  );
}
