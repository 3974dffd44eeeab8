// A labelled form control with its validation message wired up for screen readers.
import { cloneElement, useId, type ReactElement } from "react";

export function Field({
  label,
  problem,
  hint,
  children,
}: {
  label: string;
  problem?: string | null;
  hint?: string;
  children: ReactElement<Record<string, unknown>>;
}) {
  const id = useId();
  const describedBy = problem ? `${id}-problem` : hint ? `${id}-hint` : undefined;
  return (
    <div>
      <label htmlFor={id} className="label">
        {label}
      </label>
      {cloneElement(children, {
        id,
        "aria-invalid": problem ? true : undefined,
        "aria-describedby": describedBy,
      })}
      {problem ? (
        <p id={`${id}-problem`} className="mt-1 text-xs text-red-700">
          {problem}
        </p>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
