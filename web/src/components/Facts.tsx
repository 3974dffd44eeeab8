// A detail page's facts: a grid of labelled values (status, region, created, …).
import type { ReactNode } from "react";

/** One labelled value; `wide` spans the whole row (ids). */
export interface Fact {
  label: string;
  value: ReactNode;
  testId?: string;
  valueClassName?: string;
  wide?: boolean;
}

export function Facts({ facts, className = "card" }: { facts: Fact[]; className?: string }) {
  return (
    <dl className={`${className} grid grid-cols-2 gap-3 text-sm sm:grid-cols-4`.trim()}>
      {facts.map((f) => (
        <div key={f.label} className={f.wide ? "col-span-2 sm:col-span-4" : undefined}>
          <dt className="text-slate-500">{f.label}</dt>
          <dd className={f.valueClassName} data-testid={f.testId}>
            {f.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
