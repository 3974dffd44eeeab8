// The button under a list that has more pages.
export function LoadMore({ hasMore, loading, onClick, shown, total }: {
  hasMore: boolean;
  loading: boolean;
  onClick: () => void;
  shown: number;
  total: number | undefined;
}) {
  if (!hasMore) return null;
  return (
    <div className="mt-3 flex items-center gap-3">
      <button className="btn-secondary" onClick={onClick} disabled={loading}>
        {loading ? "Loading…" : "Load more"}
      </button>
      <span className="text-xs text-slate-500">
        {shown} of {total ?? "?"} shown
      </span>
    </div>
  );
}
