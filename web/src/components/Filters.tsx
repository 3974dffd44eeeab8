// List filters kept in the URL's query string, so a filtered list can be linked and reloaded.
import type { InputHTMLAttributes, ReactNode } from "react";
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
export function FilterInput({ id, label, onText, ...props }: Omit<InputHTMLAttributes<HTMLInputElement>, "onChange" | "value"> & {
  value: string;
  id: string;
  label: string;
  onText: (value: string) => void;
}) {
  return (
    <Filter id={id} label={label}>
      <input id={id} className="input" {...props} onChange={(e) => onText(e.target.value)} />
    </Filter>
  );
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
