// "Load more" for a Relay connection whose first page comes from `useQuery`: later pages are
// fetched on demand and appended; they are dropped when the first page or filter changes.
import { useCallback, useEffect, useState } from "react";

export interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

export function useLoadMore<T>(first: Page<T> | undefined, fetchPage: (after: string) => Promise<Page<T> | undefined>) {
  const [more, setMore] = useState<Page<T>[]>([]);
  const [loading, setLoading] = useState(false);
  useEffect(() => setMore([]), [first]);
  const last = more.length ? more[more.length - 1] : first;
  const loadMore = useCallback(async () => {
    const after = last?.pageInfo.endCursor;
    if (!after) return;
    setLoading(true);
    const page = await fetchPage(after);
    setLoading(false);
    if (page) setMore((m) => [...m, page]);
  }, [last, fetchPage]);
  return {
    nodes: [...(first?.nodes ?? []), ...more.flatMap((p) => p.nodes)],
    hasMore: !!last?.pageInfo.hasNextPage,
    loadMore,
    loading,
  };
}
