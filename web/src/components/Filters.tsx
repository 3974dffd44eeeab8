// List filters kept in the URL's query string, so a filtered list can be linked and reloaded.
import { useEffect, useRef, useState, type InputHTMLAttributes, type ReactNode } from "react";
import { useSearchParams } from "react-router";
import { Select, type Choice } from "./Select";

/** The query string and a setter that drops empty values and replaces the history entry. */
export function useUrlFilters() {
  const [params, setParams] = useSearchParams();
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };
  return { params, set };
}

/** A labelled filter control. */
function Filter({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  return (
    <div>
      <label className="label" htmlFor={id}>
        {label}
      </label>
      {children}
    </div>
  );
}

/** A filter choosing one of `choices`, or "Any" (unless `any` is null). */
export function FilterSelect({ id, label, value, onChoose, choices, any = "Any" }: {
  id: string;
  label: string;
  value: string;
  onChoose: (value: string) => void;
  choices: readonly Choice[];
  any?: string | null;
}) {
  return (
    <Filter id={id} label={label}>
      <Select id={id} value={value} onChoose={onChoose} choices={choices} any={any ?? undefined} />
    </Filter>
  );
}

/** A free-text (or date) filter. */
export function FilterInput({ id, label, onText, className, ...props }: Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> & {
  value: string;
  id: string;
  label: string;
  onText: (value: string) => void;
}) {
  return (
    <Filter id={id} label={label}>
      <input id={id} className={className ? `input ${className}` : "input"} {...props} onChange={(e) => onText(e.target.value)} />
    </Filter>
  );
}

/** How long a debounced filter waits after the last keystroke. */
export const DEBOUNCE_MS = 300;

/**
 * A free-text filter that reports its text once typing pauses (`delayMs`), so a search does
 * not run for every keystroke; a new `value` from outside (a link, a cleared filter) replaces
 * the text typed.
 */
export function DebouncedFilterInput({ value, onText, delayMs = DEBOUNCE_MS, ...props }: Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> & {
  value: string;
  id: string;
  label: string;
  onText: (value: string) => void;
  delayMs?: number;
}) {
  const [text, setText] = useState(value);
  // The value last reported or received: typing back to it reports nothing.
  const settled = useRef(value);
  const report = useRef(onText);
  report.current = onText;
  useEffect(() => {
    if (value !== settled.current) {
      settled.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    if (text === settled.current) return;
    const timer = setTimeout(() => {
      settled.current = text;
      report.current(text);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [text, delayMs]);
  return <FilterInput {...props} value={text} onText={setText} />;
}

/** The filters' fieldset (its legend is for screen readers). */
export function FilterBar({ className, children }: { className: string; children: ReactNode }) {
  return (
    <fieldset className={`mb-3 grid gap-3 ${className}`}>
      <legend className="sr-only">Filters</legend>
      {children}
    </fieldset>
  );
}

/** A checkbox under the filters ("Show destroyed droplets"). */
export function FilterCheckbox({ label, checked, disabled, onCheck }: { label: string; checked: boolean; disabled?: boolean; onCheck: (checked: boolean) => void }) {
  return (
    <label className="mb-3 flex items-center gap-2 text-sm">
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onCheck(e.target.checked)} />
      {label}
    </label>
  );
}
