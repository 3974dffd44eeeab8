// A modal confirmation whose weight fits the risk: an explanation, optionally the object's
// name typed out before the (danger) button enables. Escape or "Cancel" closes it.
import { useEffect, useId, useRef, useState, type ReactNode } from "react";

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  typeToConfirm,
  ready = true,
  cancelLabel = "Cancel",
  onConfirm,
  onClose,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  /** The text the user must type to enable the button (e.g. the droplet's name). */
  typeToConfirm?: string;
  /** False keeps the button disabled (a field in `children` is not filled in yet). */
  ready?: boolean;
  /** The closing button's label; null leaves only the confirming one (an acknowledgement). */
  cancelLabel?: string | null;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const id = useId();
  const [typed, setTyped] = useState("");
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    first.current?.focus();
    return () => previous?.focus?.();
  }, []);
  const ok = ready && (!typeToConfirm || typed === typeToConfirm);
  return (
    <div className="fixed inset-0 z-40 flex items-center justify-center bg-black/40 p-4" onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <form
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        className="card w-full max-w-md space-y-3 shadow-xl"
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) onConfirm();
        }}
      >
        <h2 id={`${id}-title`} className="text-lg font-semibold">
          {title}
        </h2>
        <div className="space-y-2 text-sm text-slate-700">{children}</div>
        {typeToConfirm && (
          <div>
            <label className="label" htmlFor={`${id}-type`}>
              Type <span className="font-mono font-semibold">{typeToConfirm}</span> to confirm
            </label>
            <input
              id={`${id}-type`}
              ref={first}
              className="input"
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
          </div>
        )}
        <div className="flex justify-end gap-2">
          {cancelLabel !== null && (
            <button type="button" className="btn-secondary" onClick={onClose} ref={typeToConfirm ? undefined : first}>
              {cancelLabel}
            </button>
          )}
          <button type="submit" className={danger ? "btn-danger-solid" : "btn-primary"} disabled={!ok} ref={cancelLabel === null && !typeToConfirm ? first : undefined}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
