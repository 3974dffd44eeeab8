// The logs page's lines for one search: the newest page, older pages on request ("Load
// older" continues after the oldest line's cursor), and, when live, the `logTail`
// subscription's records put on top. Paused, the tail goes on but its lines wait (counted)
// until resumed. At most KEEP lines are kept from the tail: the oldest go (and can be loaded
// again). Answers to a superseded search are dropped.
import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { useClient, type CombinedError } from "urql";
import { LogsQuery } from "./operations";
import { useLogTail, type LogTailMessage } from "../../live/logTail";
import type { LogRecord } from "./records";
import type { LogSearch } from "./search";

/** Records asked for per page (the API's largest page). */
export const PAGE = 100;
/** Lines kept while following live (and waiting while paused). */
export const KEEP = 2000;

export interface LogsState {
  /** The search the lines are for (its JSON). */
  key: string;
  /** Newest first. */
  lines: LogRecord[];
  /** Where older records continue, and whether there are any. */
  end: string | null;
  hasOlder: boolean;
  /** Whether the first page has arrived. */
  loaded: boolean;
  fetching: boolean;
  error: CombinedError | null;
  paused: boolean;
  /** Tail records that arrived while paused, newest first (at most KEEP), and how many came. */
  pending: LogRecord[];
  pendingCount: number;
  /** Records the server skipped because this page read too slowly. */
  dropped: number;
}

export type LogsAction =
  | { type: "start"; key: string }
  | { type: "fetching" }
  | { type: "page"; first: boolean; nodes: LogRecord[]; hasNextPage: boolean; endCursor: string | null | undefined }
  | { type: "failed"; error: CombinedError }
  | { type: "tail"; message: LogTailMessage }
  | { type: "pause" }
  | { type: "resume" };

export const initialLogs = (key: string): LogsState => ({
  key,
  lines: [],
  end: null,
  hasOlder: false,
  loaded: false,
  fetching: false,
  error: null,
  paused: false,
  pending: [],
  pendingCount: 0,
  dropped: 0,
});

/** `lines` (newest first) cut to KEEP; "Load older" then continues from the oldest kept. */
function keep(state: LogsState, lines: LogRecord[]): LogsState {
  if (lines.length <= KEEP) return { ...state, lines };
  const kept = lines.slice(0, KEEP);
  return { ...state, lines: kept, end: kept[kept.length - 1].cursor, hasOlder: true };
}

export function logsReducer(state: LogsState, action: LogsAction): LogsState {
  switch (action.type) {
    case "start":
      return { ...initialLogs(action.key), paused: state.paused, fetching: true };
    case "fetching":
      return { ...state, fetching: true };
    case "failed":
      return { ...state, fetching: false, error: action.error };
    case "page": {
      const seen = new Set(action.first ? [] : state.lines.map((l) => l.id));
      const older = action.nodes.filter((n) => !seen.has(n.id));
      return {
        ...state,
        lines: action.first ? older : [...state.lines, ...older],
        end: action.endCursor ?? (action.first ? null : state.end),
        hasOlder: action.hasNextPage,
        loaded: true,
        fetching: false,
        error: null,
      };
    }
    case "tail": {
      const { record, dropped } = action.message;
      const next = { ...state, dropped: state.dropped + dropped };
      // A record not newer than the newest shown or waiting is one already there (a tail
      // resumed from an older cursor, a message of the previous subscription): once is enough.
      const newest = state.pending[0] ?? state.lines[0];
      if (newest && Number(record.id) <= Number(newest.id)) return next;
      if (state.paused) {
        return { ...next, pending: [record, ...state.pending].slice(0, KEEP), pendingCount: state.pendingCount + 1 };
      }
      return keep(next, [record, ...state.lines]);
    }
    case "pause":
      return { ...state, paused: true };
    case "resume": {
      const next = { ...state, paused: false, pending: [], pendingCount: 0 };
      if (state.pendingCount > state.pending.length) {
        // More came than were kept: the kept ones, and older ones from where they end.
        const oldest = state.pending[state.pending.length - 1];
        return { ...next, lines: state.pending, end: oldest?.cursor ?? state.end, hasOlder: true };
      }
      return keep(next, [...state.pending, ...state.lines]);
    }
  }
}

export function useLogs(search: LogSearch, live: boolean) {
  const client = useClient();
  const key = JSON.stringify(search);
  const [state, dispatch] = useReducer(logsReducer, key, initialLogs);
  // Every search starts a new generation; answers of older ones are ignored.
  const generation = useRef(0);

  const fetchPage = useCallback(
    async (gen: number, after: string | null) => {
      const s = JSON.parse(key) as LogSearch;
      const r = await client.query(LogsQuery, { filter: s.filter, query: s.query, first: PAGE, after }, { requestPolicy: "network-only" }).toPromise();
      if (gen !== generation.current) return;
      const c = r.data?.logs;
      if (r.error || !c) {
        if (r.error) dispatch({ type: "failed", error: r.error });
        return;
      }
      dispatch({ type: "page", first: after === null, nodes: c.nodes, hasNextPage: c.pageInfo.hasNextPage, endCursor: c.pageInfo.endCursor });
    },
    [client, key],
  );

  useEffect(() => {
    const gen = ++generation.current;
    dispatch({ type: "start", key });
    void fetchPage(gen, null);
  }, [fetchPage, key]);

  const loadOlder = () => {
    if (!state.end || state.fetching) return;
    dispatch({ type: "fetching" });
    void fetchPage(generation.current, state.end);
  };

  // The newest line shown or waiting: where the tail starts (none: from now).
  const newest = useRef<LogRecord | null>(null);
  newest.current = state.pending[0] ?? state.lines[0] ?? null;
  const tailing = live && state.loaded && state.key === key;
  const [tailError, setTailError] = useState<string | null>(null);
  useEffect(() => setTailError(null), [key, live]);
  useLogTail({
    search,
    enabled: tailing,
    from: () => (newest.current ? { cursor: newest.current.cursor, id: newest.current.id } : null),
    onMessage: (message) => {
      setTailError(null);
      dispatch({ type: "tail", message });
    },
    onError: setTailError,
  });

  return {
    ...state,
    /** Whether the lines are for the search asked for (not the previous one's). */
    current: state.key === key,
    tailing,
    tailError: tailing ? tailError : null,
    loadOlder,
    pause: () => dispatch({ type: "pause" }),
    resume: () => dispatch({ type: "resume" }),
  };
}
