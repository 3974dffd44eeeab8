// A time shown relative to now ("2 min ago"), with the exact local time and zone on hover.
import { useEffect, useState } from "react";
import { formatExact, formatRelative } from "../format/time";

const listeners = new Set<(now: number) => void>();
let timer: ReturnType<typeof setInterval> | null = null;

/** The current time, re-rendering every 15 s so relative times stay true (one shared timer). */
export function useNow(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    listeners.add(setNow);
    if (!timer) timer = setInterval(() => listeners.forEach((l) => l(Date.now())), 15_000);
    return () => {
      listeners.delete(setNow);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = null;
      }
    };
  }, []);
  return now;
}

export function Time({ at, exact = false }: { at: string | null | undefined; exact?: boolean }) {
  const now = useNow();
  if (!at) return <span>—</span>;
  const full = formatExact(at);
  return (
    <time dateTime={at} title={full}>
      {exact ? full : formatRelative(at, now)}
    </time>
  );
}
