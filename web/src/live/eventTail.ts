// A resumable live tail of the audit log. The `events(after)` subscription replays from the
// stored log after a cursor, so after a reconnect we start again from the last cursor we saw;
// events are also de-duplicated by global position in case a replay overlaps.
import { useEffect, useRef } from "react";
import { print } from "graphql";
import type { Client as WsClient } from "graphql-ws";
import { EventTail } from "../graphql/fragments";
import type { EventFieldsFragment, EventFilter } from "../gql/graphql";
import { useConnection } from "./connection";

export interface TailOptions {
  /** Cursor to start after; `null` means only new events. */
  after: string | null;
  filter?: EventFilter;
  enabled?: boolean;
  onEvent: (event: EventFieldsFragment) => void;
  onError?: (message: string) => void;
}

/** Keeps the events with positions greater than every one seen, in order. */
export class TailCursor {
  lastPosition = -1;
  constructor(public cursor: string | null) {}
  accept(event: EventFieldsFragment): boolean {
    if (event.position <= this.lastPosition) return false;
    this.lastPosition = event.position;
    if (event.cursor) this.cursor = event.cursor;
    return true;
  }
}

/** Subscribes with `after = cursor.cursor` and restarts from the latest cursor on every reconnect. */
export function startTail(
  ws: WsClient,
  cursor: TailCursor,
  filter: EventFilter | undefined,
  onEvent: (e: EventFieldsFragment) => void,
  onError?: (message: string) => void,
): () => void {
  const query = print(EventTail);
  let dispose: (() => void) | null = null;
  const subscribe = () => {
    dispose?.();
    dispose = ws.subscribe<{ events: EventFieldsFragment }>(
      { query, variables: { after: cursor.cursor, filter: filter ?? null } },
      {
        next: (result) => {
          if (result.errors?.length) onError?.(result.errors.map((e) => e.message).join("; "));
          const e = result.data?.events;
          if (e && cursor.accept(e)) onEvent(e);
        },
        error: (err) => onError?.(err instanceof Error ? err.message : "subscription failed"),
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

/** React wrapper of [`startTail`]: (re)starts when `after` or the filter change. */
export function useEventTail({ after, filter, enabled = true, onEvent, onError }: TailOptions) {
  const { ws } = useConnection();
  const handlers = useRef({ onEvent, onError });
  handlers.current = { onEvent, onError };
  const filterKey = JSON.stringify(filter ?? {});
  useEffect(() => {
    if (!enabled) return;
    const cursor = new TailCursor(after);
    return startTail(
      ws,
      cursor,
      filter,
      (e) => handlers.current.onEvent(e),
      (m) => handlers.current.onError?.(m),
    );
  }, [ws, after, filterKey, enabled]);
}
