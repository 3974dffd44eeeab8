// A list page's query: the first page from `useQuery`, refetched after a reconnect, and
// "Load more" pages fetched with the same variables after the last cursor — or, for a list
// read from its newest end (variables with `last`), before the first one.
import { useCallback } from "react";
import { useClient, useQuery, type AnyVariables, type TypedDocumentNode, type UseQueryArgs } from "urql";
import { useLoadMore, type Page } from "./useLoadMore";
import { useRefetchOnReconnect } from "./connection";

/** A Relay connection as the list queries select it. */
export interface Connection<T> extends Page<T> {
  totalCount: number;
}

export function usePagedQuery<Data, Vars extends AnyVariables & { after?: string | null; before?: string | null; last?: number | null }, T>(
  query: TypedDocumentNode<Data, Vars>,
  variables: Vars,
  connection: (data: Data) => Connection<T>,
) {
  const [{ data, fetching, error }, refetch] = useQuery({ query, variables } as UseQueryArgs<Vars, Data>);
  const reload = () => refetch({ requestPolicy: "network-only" });
  useRefetchOnReconnect(reload);
  const client = useClient();
  const key = JSON.stringify(variables);
  const backwards = variables.last != null;
  const pages = useLoadMore(
    data ? connection(data) : undefined,
    useCallback(
      (cursor: string) =>
        client
          .query(query, { ...JSON.parse(key), ...(backwards ? { before: cursor } : { after: cursor }) }, { requestPolicy: "network-only" })
          .toPromise()
          .then((r) => (r.data ? connection(r.data) : undefined)),
      // `connection` only picks a field: a new function each render is the same choice.
      [client, query, key, backwards],
    ),
    backwards,
  );
  const total = data ? connection(data).totalCount : undefined;
  return {
    data,
    fetching,
    error,
    reload,
    nodes: pages.nodes,
    /** Props for `LoadMore`. */
    more: { hasMore: pages.hasMore, loading: pages.loading, onClick: pages.loadMore, shown: pages.nodes.length, total },
  };
}
