// Numbers with their unit, one way everywhere (chart axes, legends, figures): "37.5%",
// "1.2 MB/s", "1,204", "2.5 s".

/**
 * What a number measures. `percent` is 0–100 (a CPU at 37.5% is 37.5); `bytes` and
 * `bytesPerSecond` scale by 1000 (kB, MB, …); `count` is a whole number of things; `seconds`
 * a duration; `number` anything else (a load average).
 */
export type Unit = "percent" | "bytes" | "bytesPerSecond" | "count" | "seconds" | "number";

/** The unit's name, for axis and legend labels ("%", "B/s", …; "" for a plain count). */
export const UNIT_SUFFIX: Record<Unit, string> = {
  percent: "%",
  bytes: "B",
  bytesPerSecond: "B/s",
  count: "",
  seconds: "s",
  number: "",
};

const BYTE_PREFIXES = ["", "k", "M", "G", "T", "P"];

/** At most `digits` significant digits, no trailing zeros: 1.50 → "1.5", 1234 → "1,234". */
function significant(v: number, digits = 3): string {
  const abs = Math.abs(v);
  const decimals = abs === 0 || abs >= 10 ** (digits - 1) ? 0 : Math.min(digits - 1 - Math.floor(Math.log10(abs)), 6);
  return v.toLocaleString("en-US", { maximumFractionDigits: Math.max(decimals, 0) });
}

function bytes(v: number, suffix: string): string {
  let i = 0;
  let n = v;
  while (Math.abs(n) >= 1000 && i < BYTE_PREFIXES.length - 1) {
    n /= 1000;
    i += 1;
  }
  return `${significant(n)} ${BYTE_PREFIXES[i]}${suffix}`;
}

function seconds(v: number): string {
  const abs = Math.abs(v);
  if (abs === 0) return "0 s";
  if (abs < 1) return `${significant(v * 1000)} ms`;
  if (abs < 120) return `${significant(v)} s`;
  if (abs < 7200) return `${significant(v / 60)} min`;
  return `${significant(v / 3600)} h`;
}

/** `v` with its unit; "—" for a missing value. */
export function formatValue(v: number | null | undefined, unit: Unit): string {
  if (v == null || Number.isNaN(v)) return "—";
  switch (unit) {
    case "percent":
      return `${significant(v)}%`;
    case "bytes":
      return bytes(v, "B");
    case "bytesPerSecond":
      return bytes(v, "B/s");
    case "count":
      return Math.round(v).toLocaleString("en-US");
    case "seconds":
      return seconds(v);
    case "number":
      return significant(v);
  }
}
