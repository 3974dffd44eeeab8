// A styled <select> from a list of choices; other props (id, aria-*) pass through, so it
// works inside `Field`, which wires up its label.
import type { ComponentProps } from "react";

/** A choice: its value, and what the list shows (the value itself when omitted). */
export type Choice = string | { value: string; label: string };

export function Select({
  choices,
  onChoose,
  any,
  ...props
}: Omit<ComponentProps<"select">, "onChange"> & {
  choices: readonly Choice[];
  onChoose: (value: string) => void;
  /** A first choice with the empty value ("Any", "(none)"). */
  any?: string;
}) {
  return (
    <select className="input" {...props} onChange={(e) => onChoose(e.target.value)}>
      {any !== undefined && <option value="">{any}</option>}
      {choices.map((c) =>
        typeof c === "string" ? (
          <option key={c}>{c}</option>
        ) : (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ),
      )}
    </select>
  );
}
