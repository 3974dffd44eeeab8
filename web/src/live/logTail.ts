// A resumable live tail of the activity log. `logTail(after)` replays the stored records after
// a cursor, so after a reconnect it starts again from the last cursor seen; records are also
// de-duplicated by id (the order they were stored in) in case a replay overlaps.
import { useEffect, useRef } from "react";
import { print } from "graphql";
import type { Client as WsClient } from "graphql-ws";
import { LogTail } from "../pages/logs/operations";
import type { LogTailSubscription } from "../gql/graphql";
import type { LogSearch } from "../pages/logs/search";
import { useConnection } from "./connection";

export type LogTailMessage = LogTailSubscription["logTail"];

/** Keeps the messages whose record was stored after every one seen. */
export class LogTailCursor {
  lastId: number;
  constructor(
    public cursor: string | null,
    lastId: string | null = null,
  ) {
    this.lastId = lastId === null ? -1 : Number(lastId);
  }
  accept(m: LogTailMessage): boolean {
    const id = Number(m.record.id);
    if (id <= this.lastId) return false;
    this.lastId = id;
    this.cursor = m.cursor;
    return true;
  }
}

/** Subscribes after `cursor.cursor` and restarts from the latest cursor on every reconnect. */
export function startLogTail(
  ws: WsClient,
  cursor: LogTailCursor,
  search: LogSearch,
  onMessage: (m: LogTailMessage) => void,
  onError?: (message: string) => void,
): () => void {
  const query = print(LogTail);
  let dispose: (() => void) | null = null;
  const subscribe = () => {
    dispose?.();
    dispose = ws.subscribe<LogTailSubscription>(
      { query, variables: { filter: search.filter, query: search.query, after: cursor.cursor } },
      {
        next: (result) => {
          if (result.errors?.length) onError?.(result.errors.map((e) => e.message).join("; "));
          const m = result.data?.logTail;
          if (m && cursor.accept(m)) onMessage(m);
        },
        error: (err) => onError?.(err instanceof Error ? err.message : Array.isArray(err) ? err.map((e) => e.message).join("; ") : "the live tail stopped"),
        complete: () => {},
      },
    );
  };
  subscribe();
  const off = ws.on("connected", (_socket, _payload, wasRetry) => {
    if (wasRetry) subscribe();
  });
  return () => {
    off();
    dispose?.();
  };
}

export interface LogTailOptions {
  search: LogSearch;
  enabled: boolean;
  /** Where to start, read when the tail (re)starts: the newest record shown, or null for "from now". */
  from: () => { cursor: string; id: string } | null;
  onMessage: (m: LogTailMessage) => void;
  onError?: (message: string) => void;
}

/** React wrapper of [`startLogTail`]: (re)starts when the search changes or it is enabled. */
export function useLogTail({ search, enabled, from, onMessage, onError }: LogTailOptions) {
  const { ws } = useConnection();
  const latest = useRef({ from, onMessage, onError });
  latest.current = { from, onMessage, onError };
  const key = JSON.stringify(search);
  useEffect(() => {
    if (!enabled) return;
    const start = latest.current.from();
    return startLogTail(
      ws,
      new LogTailCursor(start?.cursor ?? null, start?.id ?? null),
      JSON.parse(key) as LogSearch,
      (m) => latest.current.onMessage(m),
      (e) => latest.current.onError?.(e),
    );
  }, [ws, key, enabled]);
}
