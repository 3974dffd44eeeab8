// A list page's body: the query's error, "Loading…" until the first page, the empty state,
// the rows, and "Load more" when there are more pages.
import type { ReactNode } from "react";
import type { CombinedError } from "urql";
import { ErrorNotice } from "./ErrorNotice";
import { LoadMore } from "./LoadMore";
import { Empty, Loading } from "./Status";

export function PagedList({ list, what, count, empty, children }: {
  list: { data: unknown; fetching: boolean; error?: CombinedError; more: Parameters<typeof LoadMore>[0] };
  /** "clusters", for "Loading clusters…". */
  what: string;
  /** How many rows are shown (after live updates and local filters). */
  count: number;
  empty: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <ErrorNotice error={list.error} />
      {list.fetching && !list.data ? <Loading what={what} /> : !list.data ? null : count === 0 ? <Empty>{empty}</Empty> : children}
      <LoadMore {...list.more} />
    </>
  );
}
