// "Load more" for a Relay connection whose first page comes from `useQuery`: later pages are
// fetched on demand and appended; they are dropped when the first page or filter changes.
// A list read backwards (its newest page first, `last`) loads older pages before its start
// instead; `nodes` stays in list order (oldest first) either way.
import { useCallback, useEffect, useState } from "react";

export interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage?: boolean; endCursor?: string | null; hasPreviousPage?: boolean; startCursor?: string | null };
}

export function useLoadMore<T>(
  first: Page<T> | undefined,
  fetchPage: (cursor: string) => Promise<Page<T> | undefined>,
  backwards = false,
) {
  const [more, setMore] = useState<Page<T>[]>([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => setMore([]), [first]);
  const last = more.length ? more[more.length - 1] : first;
  const loadMore = useCallback(async () => {
    const cursor = backwards ? last?.pageInfo.startCursor : last?.pageInfo.endCursor;
    if (!cursor) return;
    setLoading(true);
    const page = await fetchPage(cursor);
    setLoading(false);
    if (page) setMore((m) => [...m, page]);
  }, [last, fetchPage, backwards]);
  const loaded = more.flatMap((p) => p.nodes);
  const older = [...more].reverse().flatMap((p) => p.nodes);
  return {
    nodes: backwards ? [...older, ...(first?.nodes ?? [])] : [...(first?.nodes ?? []), ...loaded],
    hasMore: !!(backwards ? last?.pageInfo.hasPreviousPage : last?.pageInfo.hasNextPage),
    loadMore,
    loading,
  };
}
