// A labelled form control with its validation message wired up for screen readers. A server
// error that concerns the field shows here too, with its code behind "Details".
import { cloneElement, useId, type ReactElement } from "react";
import { ErrorDetails, type CodedError } from "./ErrorNotice";

export function Field({
  label,
  problem,
  serverError,
  hint,
  children,
}: {
  label: string;
  problem?: string | null;
  /** A server error about this field; `problem` is its sentence. */
  serverError?: CodedError | null;
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
        <div className="mt-1 text-xs text-red-700">
          <p id={`${id}-problem`} role={serverError ? "alert" : undefined}>
            {problem}
          </p>
          {serverError && <ErrorDetails error={serverError} />}
        </div>
      ) : hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
    </div>
  );
}
