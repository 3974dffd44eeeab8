// How far back a chart looks: 15 min, 1 h, 24 h or 7 d, as a row of buttons that is a radio
// group (native radio inputs: one Tab stop, arrow keys move the choice, the screen reader says
// "1 hour, radio button, 2 of 4, checked"). The values are what the API's `range: {last: …}` takes.

/** A range the API and the console both understand. */
export type RangeValue = "15m" | "1h" | "24h" | "7d";

/** Every range, shortest first: its value, its button's text and its accessible name. */
export const RANGES: readonly { value: RangeValue; label: string; name: string; ms: number }[] = [
  { value: "15m", label: "15m", name: "15 minutes", ms: 15 * 60_000 },
  { value: "1h", label: "1h", name: "1 hour", ms: 3600_000 },
  { value: "24h", label: "24h", name: "24 hours", ms: 24 * 3600_000 },
  { value: "7d", label: "7d", name: "7 days", ms: 7 * 24 * 3600_000 },
];

/** How long `range` is, in milliseconds. */
export function rangeMs(range: RangeValue): number {
  return RANGES.find((r) => r.value === range)!.ms;
}

export interface RangePickerProps {
  /** The range chosen; null when none of them is (a fixed window is shown). */
  value: RangeValue | null;
  onChange: (range: RangeValue) => void;
  /** The group's accessible name. */
  label?: string;
  /** The ranges offered (all four when absent). */
  options?: readonly RangeValue[];
  /** Unique on the page when there are several pickers. */
  name?: string;
}

export function RangePicker({ value, onChange, label = "Time range", options, name = "range" }: RangePickerProps) {
  const shown = RANGES.filter((r) => !options || options.includes(r.value));
  return (
    <fieldset className="inline-flex rounded-md border border-slate-300 bg-white p-0.5" data-testid="range-picker">
      <legend className="sr-only">{label}</legend>
      {shown.map((r) => (
        <label key={r.value} className="relative">
          <input
            type="radio"
            name={name}
            value={r.value}
            checked={r.value === value}
            onChange={() => onChange(r.value)}
            aria-label={r.name}
            className="peer sr-only"
          />
          <span
            aria-hidden="true"
            className="block cursor-pointer rounded px-2.5 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 peer-checked:bg-sky-700 peer-checked:text-white peer-focus-visible:outline-2 peer-focus-visible:outline-offset-1 peer-focus-visible:outline-sky-600"
          >
            {r.label}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
