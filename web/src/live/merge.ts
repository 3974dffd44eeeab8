// Overlays live updates (from subscriptions) on a list read by a query.

export interface Versioned {
  id: string;
  version: number;
}

/** Folds one update into the map, keeping the newest version of each object. */
export function upsert<T extends Versioned>(map: Map<string, T>, item: T): Map<string, T> {
  const prev = map.get(item.id);
  if (prev && prev.version > item.version) return map;
  const next = new Map(map);
  next.set(item.id, item);
  return next;
}

/**
 * The query's items with newer live versions swapped in, then live items the query did not
 * have (created since) that pass `accept`, in arrival order.
 */
export function mergeLive<T extends Versioned>(
  base: readonly T[],
  updates: Map<string, T>,
  accept: (item: T) => boolean = () => true,
): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of base) {
    seen.add(item.id);
    const u = updates.get(item.id);
    const latest = u && u.version >= item.version ? u : item;
    if (accept(latest)) out.push(latest);
  }
  for (const [id, u] of updates) if (!seen.has(id) && accept(u)) out.push(u);
  return out;
}
