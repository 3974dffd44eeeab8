// The audit log's pages for one filter and order: newest first reads backwards from the end
// (`last`/`before`) and follows new events live at any length; oldest first reads forwards
// and follows live once at the end. Answers to a superseded filter or order are dropped.
import { useCallback, useEffect, useRef, useState } from "react";
import { useClient, type CombinedError } from "urql";
import { EventsQuery } from "./operations";
import { useEventTail } from "../../live/eventTail";
import type { EventFieldsFragment, EventFilter } from "../../gql/graphql";

export const PAGE = 50;

interface Cursors {
  /** Cursor of the oldest loaded event, and whether older ones exist. */
  start: string | null;
  hasOlder: boolean;
  /** Cursor of the newest loaded event, and whether newer ones exist (oldest first only). */
  end: string | null;
  hasNewer: boolean;
}

export function useAuditLog(filter: EventFilter, newestFirst: boolean) {
  const client = useClient();
  const filterKey = JSON.stringify(filter);
  const [events, setEvents] = useState<EventFieldsFragment[]>([]);
  const [total, setTotal] = useState(0);
  const [cursors, setCursors] = useState<Cursors | null>(null);
  const [fetching, setFetching] = useState(false);
  const [error, setError] = useState<CombinedError | null>(null);
  // Every filter/order change starts a new generation; answers of older ones are ignored.
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (gen: number, cursor: string | null) => {
      setFetching(true);
      const variables = newestFirst
        ? { last: PAGE, before: cursor, filter: JSON.parse(filterKey) }
        : { first: PAGE, after: cursor, filter: JSON.parse(filterKey) };
      const r = await client.query(EventsQuery, variables, { requestPolicy: "network-only" }).toPromise();
      if (gen !== generation.current) return;
      setFetching(false);
      setError(r.error ?? null);
      const c = r.data?.events;
      if (!c) return;
      setTotal(c.totalCount);
      const nodes = c.nodes;
      const first = cursor === null;
      setEvents((prev) => {
        const base = first ? [] : prev;
        const fresh = nodes.filter((e) => !base.some((p) => p.position === e.position));
        return newestFirst ? [...fresh, ...base] : [...base, ...fresh];
      });
      setCursors((prev) => {
        const info = c.pageInfo;
        if (newestFirst) {
          return {
            start: info.startCursor ?? prev?.start ?? null,
            hasOlder: info.hasPreviousPage,
            end: first ? (info.endCursor ?? null) : (prev?.end ?? null),
            hasNewer: false,
          };
        }
        return {
          start: first ? (info.startCursor ?? null) : (prev?.start ?? null),
          hasOlder: false,
          end: info.endCursor ?? prev?.end ?? cursor,
          hasNewer: info.hasNextPage,
        };
      });
    },
    [client, filterKey, newestFirst],
  );

  useEffect(() => {
    const gen = ++generation.current;
    setEvents([]);
    setCursors(null);
    setError(null);
    fetchPage(gen, null);
  }, [fetchPage]);

  const loadMore = () => {
    if (!cursors) return;
    fetchPage(generation.current, newestFirst ? cursors.start : cursors.end);
  };
  const hasMore = !!cursors && (newestFirst ? cursors.hasOlder : cursors.hasNewer);

  // An until-bounded log does not grow; otherwise newest first always follows live.
  const tailing = cursors !== null && !filter.until && (newestFirst || !cursors.hasNewer);
  const [tailError, setTailError] = useState<string | null>(null);
  // Newest first keeps `end` at the newest event of the first page; oldest first only moves
  // it while pages remain, when the tail is off. Either way the tail starts right after it.
  useEventTail({
    after: cursors?.end ?? null,
    filter,
    enabled: tailing,
    onEvent: (e) => {
      setTailError(null);
      setTotal((t) => t + 1);
      setEvents((prev) => (prev.some((p) => p.position === e.position) ? prev : [...prev, e]));
    },
    onError: setTailError,
  });

  return { events, total, fetching, error, tailError, loaded: cursors !== null, hasMore, loadMore, tailing };
}
