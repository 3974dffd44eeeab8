// A time-series chart on uPlot: one or more series over a time axis, each with its unit (the
// y axes read "37.5%", "1.2 MB/s", "4"; a second unit gets an axis on the right), a legend
// that shows the values at the hovered time (the latest values otherwise), the width of its
// container (followed with a ResizeObserver), and an empty state. New points are drawn into
// the same chart (`setData`); only a change of the series themselves builds a new one.
//
// Feed it `{t: epoch ms, v}` points; `pointsFrom` converts the API's `{t: DateTime, v}`.
import { useEffect, useId, useMemo, useRef, useState, type ReactNode, type RefObject } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatValue, type Unit } from "../format/units";
import { formatExact, formatTick } from "../format/time";

/** One sample: when (ms since the epoch) and the value, `null` for a gap. */
export interface ChartPoint {
  t: number;
  v: number | null;
}

/** One line of a chart. */
export interface ChartSeries {
  label: string;
  unit: Unit;
  /** Any CSS colour the canvas understands ("#0284c7"). */
  color: string;
  points: readonly ChartPoint[];
  /**
   * A level that holds until its next point (a droplet count, a target): drawn as steps,
   * and read at every time between its first and last point, not only at its own.
   */
  step?: boolean;
}

/** Points from the API's `{t v}` samples, whose `t` is a DateTime string. */
export function pointsFrom(points: readonly { t: string; v: number | null }[]): ChartPoint[] {
  return points.map((p) => ({ t: Date.parse(p.t), v: p.v }));
}

/**
 * The series on one time axis, as uPlot wants them: every series' times merged and sorted,
 * in seconds, then each series' value at each of those times (null where it has none).
 */
export function align(series: readonly ChartSeries[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const values = series.map((s) => {
    const column: (number | null)[] = new Array(times.length).fill(null);
    for (const p of s.points) column[at.get(p.t)!] = p.v;
    if (s.step && s.points.length > 0) {
      // Between its own points a level holds; an explicit null (a gap) stays one.
      const own = new Set(s.points.map((p) => at.get(p.t)!));
      const last = Math.max(...own);
      for (let i = Math.min(...own) + 1; i <= last; i++) if (!own.has(i)) column[i] = column[i - 1];
    }
    return column;
  });
  return [times.map((t) => t / 1000), ...values];
}

/** The newest non-null value of a series, if any. */
function latest(points: readonly ChartPoint[]): ChartPoint | null {
  for (let i = points.length - 1; i >= 0; i--) if (points[i].v != null) return points[i];
  return null;
}

/** A theme colour from the console's palette (it flips in dark mode). */
function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** Whole-number steps for counts: never "0.5 jobs". */
const COUNT_INCRS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];

/** A y axis wide enough for its longest value. */
function axisSize(self: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = self.axes[axisIdx];
  if (cycleNum > 1) return (axis as { _size?: number })._size ?? 50;
  const longest = (values ?? []).reduce((a, v) => (v.length > a.length ? v : a), "");
  let size = (axis.ticks?.size ?? 4) + (axis.gap ?? 5) + 8;
  if (longest) {
    self.ctx.font = (axis.font as unknown as string[] | undefined)?.[0] ?? self.ctx.font;
    size += self.ctx.measureText(longest).width / (window.devicePixelRatio || 1);
  }
  return Math.ceil(size);
}

function options(series: readonly ChartSeries[], width: number, height: number, range: RefObject<Range | undefined>, onCursor: (idx: number | null) => void): uPlot.Options {
  const units = [...new Set(series.map((s) => s.unit))].slice(0, 2);
  const text = () => themeColor("--color-slate-600", "#475569");
  const grid = () => themeColor("--color-slate-200", "#e2e8f0");
  return {
    width,
    height,
    legend: { show: false },
    cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 7 } },
    scales: {
      x: {
        time: true,
        range: (_u, min, max) => {
          const r = range.current;
          return r ? [r.from / 1000, r.to / 1000] : [min, max];
        },
      },
      ...Object.fromEntries(
        units.map((unit) => [
          unit,
          {
            range: (_u: uPlot, _min: number | null, max: number | null): uPlot.Range.MinMax => {
              const top = max ?? 0;
              if (unit === "percent") return [0, Math.max(100, top)];
              return [0, top > 0 ? top * 1.1 : 1];
            },
          },
        ]),
      ),
    },
    axes: [
      {
        stroke: text,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        values: (u, splits, _axisIdx, _space, incr) => {
          const span = ((u.scales.x.max ?? 0) - (u.scales.x.min ?? 0)) * 1000;
          return splits.map((s) => formatTick(s * 1000, incr * 1000, span));
        },
      },
      ...units.map(
        (unit, i): uPlot.Axis => ({
          scale: unit,
          side: i === 0 ? 3 : 1,
          stroke: text,
          grid: { show: i === 0, stroke: grid, width: 1 },
          ticks: { stroke: grid, width: 1 },
          size: axisSize,
          incrs: unit === "count" ? COUNT_INCRS : undefined,
          values: (_u, splits) => splits.map((v) => formatValue(v, unit)),
        }),
      ),
    ],
    series: [
      {},
      ...series.map(
        (s): uPlot.Series => ({
          label: s.label,
          scale: units.includes(s.unit) ? s.unit : units[0],
          stroke: s.color,
          width: 2,
          // Points show where samples are sparse (a single sample is a dot, not nothing).
          spanGaps: false,
          ...(s.step ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
        }),
      ),
    ],
    hooks: { setCursor: [(u) => onCursor(u.cursor.idx ?? null)] },
  };
}

/** The time window a chart shows, in ms since the epoch. */
export interface Range {
  from: number;
  to: number;
}

export interface TimeChartProps {
  /** What the chart shows: its caption and accessible name. */
  title: string;
  series: readonly ChartSeries[];
  /** Plot height in CSS pixels. */
  height?: number;
  /** The time window shown; the data's own extent when absent. */
  range?: Range;
  /** Said instead of the chart while no series has a point. */
  empty?: ReactNode;
}

export function TimeChart({ title, series, height = 180, range, empty = "No data in this range yet." }: TimeChartProps) {
  const captionId = useId();
  const plotRef = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const rangeRef = useRef(range);
  rangeRef.current = range;
  const [hover, setHover] = useState<number | null>(null);

  const data = useMemo(() => align(series), [series]);
  const latestProps = useRef({ series, data });
  latestProps.current = { series, data };
  /** What the chart last drew, so an unchanged render draws nothing. */
  const drawn = useRef<{ data: uPlot.AlignedData; from?: number; to?: number } | null>(null);
  const hasData = series.some((s) => s.points.some((p) => p.v != null));
  // The chart is built again only when its series change, not their points.
  const shape = series.map((s) => `${s.label}\u0000${s.unit}\u0000${s.color}\u0000${s.step ? 1 : 0}`).join("\u0001");

  useEffect(() => {
    const el = plotRef.current;
    if (!el || !hasData) return;
    const { series, data } = latestProps.current;
    const u = new uPlot(options(series, Math.max(el.clientWidth, 100), height, rangeRef, setHover), data, el);
    chart.current = u;
    drawn.current = { data, from: rangeRef.current?.from, to: rangeRef.current?.to };
    const resize = new ResizeObserver((entries) => {
      const width = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (width > 0 && width !== u.width) u.setSize({ width, height });
    });
    resize.observe(el);
    // Axis and grid colours follow the colour scheme.
    const scheme = window.matchMedia("(prefers-color-scheme: dark)");
    const redraw = () => u.redraw(false, true);
    scheme.addEventListener?.("change", redraw);
    return () => {
      scheme.removeEventListener?.("change", redraw);
      resize.disconnect();
      u.destroy();
      chart.current = null;
      drawn.current = null;
      setHover(null);
    };
  }, [shape, hasData, height]);

  const from = range?.from;
  const to = range?.to;
  useEffect(() => {
    const u = chart.current;
    const last = drawn.current;
    if (!u || (last && last.data === data && last.from === from && last.to === to)) return;
    u.setData(data);
    drawn.current = { data, from, to };
  }, [data, from, to]);

  const at = hover != null ? data[0][hover] : null;
  const values = series.map((s, i) => {
    if (at != null) return { ...s, value: (data[i + 1][hover!] as number | null | undefined) ?? null };
    return { ...s, value: latest(s.points)?.v ?? null };
  });
  // How many values are drawn, across the series (for tests and tools: the canvas hides them).
  const pointCount = series.reduce((n, s) => n + s.points.filter((p) => p.v != null).length, 0);
  const summary = `${title}: ${values.map((s) => `${s.label} ${formatValue(s.value, s.unit)}`).join(", ")}`;

  return (
    <figure className="card min-w-0" aria-labelledby={captionId} data-testid="time-chart" data-points={pointCount}>
      <figcaption id={captionId} className="mb-2 text-sm font-semibold">
        {title}
      </figcaption>
      {hasData ? (
        <div ref={plotRef} role="img" aria-label={summary} className="w-full overflow-hidden" data-testid="time-chart-plot" />
      ) : (
        <p className="flex items-center justify-center rounded-md border border-dashed border-slate-300 text-sm text-slate-500" style={{ height }} data-testid="time-chart-empty">
          {empty}
        </p>
      )}
      <div className="mt-2 flex flex-wrap items-baseline gap-x-4 gap-y-1 text-xs" data-testid="time-chart-legend">
        <span className="text-slate-500" data-testid="time-chart-at">
          {at != null ? formatExact(new Date(at * 1000)) : "Latest"}
        </span>
        {values.map((s) => (
          <span key={s.label} className="flex items-baseline gap-1.5" data-testid="legend-item">
            <span aria-hidden="true" className="inline-block h-2 w-3 rounded-sm" style={{ backgroundColor: s.color }} />
            <span className="text-slate-600">{s.label}</span>
            <span className="font-semibold tabular-nums" data-testid="legend-value">
              {formatValue(s.value, s.unit)}
            </span>
          </span>
        ))}
      </div>
    </figure>
  );
}
