// One way to show a time everywhere: relative ("2 min ago") with the exact local time and
// its zone on hover, e.g. "1 Dec 2026, 21:51:47 GMT+1".

const exact = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
});
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto", style: "short" });

/** The exact local time with its time zone. */
export function formatExact(at: string | Date): string {
  const d = typeof at === "string" ? new Date(at) : at;
  return Number.isNaN(d.getTime()) ? String(at) : exact.format(d);
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "just now", "2 min ago", "in 5 sec", relative to `now`. */
export function formatRelative(at: string | Date, now: number = Date.now()): string {
  const d = typeof at === "string" ? new Date(at) : at;
  const seconds = Math.round((d.getTime() - now) / 1000);
  if (Math.abs(seconds) < 5) return "just now";
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === "second") return relative.format(Math.trunc(seconds / size), unit);
  }
  return relative.format(seconds, "second");
}

// Times the server writes into messages: RFC 3339, or Rust's `2026-12-01 20:51:47.810753971 UTC`.
const EMBEDDED = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?: ?UTC|Z|[+-]\d{2}:\d{2})/g;

/** Rewrites times embedded in a server message in the console's one format. */
export function humanizeTimes(text: string): string {
  return text.replace(EMBEDDED, (m) => {
    const iso = m.replace(" UTC", "Z").replace("UTC", "Z").replace(" ", "T").replace(/(\.\d{3})\d+/, "$1");
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? m : formatExact(d);
  });
}

const clock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const clockSeconds = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
const dayClock = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/**
 * A time axis tick in local time: "14:05", "14:05:30" when ticks are under a minute apart,
 * "2 Dec, 14:00" when the axis spans more than a day.
 */
export function formatTick(ms: number, stepMs: number, spanMs: number): string {
  if (spanMs > 24 * 3600 * 1000) return dayClock.format(ms);
  return stepMs < 60 * 1000 ? clockSeconds.format(ms) : clock.format(ms);
}

/** "3 min", "1 h 5 min", "45 s": how long something has lasted. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}
