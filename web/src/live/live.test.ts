import { describe, expect, it, vi } from "vitest";
import type { Client as WsClient } from "graphql-ws";
import { mergeLive, upsert } from "./merge";
import { TailCursor, startTail } from "./eventTail";
import { event as dropletEvent } from "../test/fixtures";
import type { EventFieldsFragment } from "../gql/graphql";

const event = (position: number) => dropletEvent(position, { type: "DropletCreated", aggregateType: "Droplet", aggregateId: "d1", sequence: position, payload: {} });

describe("mergeLive", () => {
  it("swaps in newer versions, keeps newer over older, appends new matches", () => {
    let updates = new Map<string, { id: string; version: number; s: string }>();
    updates = upsert(updates, { id: "a", version: 3, s: "new" });
    updates = upsert(updates, { id: "a", version: 2, s: "stale" });
    updates = upsert(updates, { id: "c", version: 1, s: "created" });
    updates = upsert(updates, { id: "d", version: 1, s: "other" });
    const merged = mergeLive([{ id: "a", version: 1, s: "old" }, { id: "b", version: 1, s: "b" }], updates, (x) => x.s !== "other");
    expect(merged.map((x) => `${x.id}:${x.s}`)).toEqual(["a:new", "b:b", "c:created"]);
  });
});

describe("the audit tail", () => {
  it("drops events it has seen and remembers the last cursor", () => {
    const cursor = new TailCursor("c1");
    expect(cursor.accept(event(2))).toBe(true);
    expect(cursor.accept(event(2))).toBe(false);
    expect(cursor.accept(event(1))).toBe(false);
    expect(cursor.accept(event(3))).toBe(true);
    expect(cursor.cursor).toBe("c3");
  });

  it("resubscribes after a reconnect from the last cursor it saw", () => {
    const subscribed: { after: unknown; next: (r: { data: { events: EventFieldsFragment } }) => void }[] = [];
    let connected: ((s: unknown, p: unknown, wasRetry: boolean) => void) | null = null;
    const disposed = vi.fn();
    const ws = {
      subscribe: (payload: { variables: { after: unknown } }, sink: { next: never }) => {
        subscribed.push({ after: payload.variables.after, next: sink.next });
        return disposed;
      },
      on: (_event: string, listener: never) => {
        connected = listener;
        return () => {};
      },
    } as unknown as WsClient;
    const seen: number[] = [];
    const stop = startTail(ws, new TailCursor("c10"), undefined, (e) => seen.push(e.position));
    expect(subscribed[0].after).toBe("c10");
    subscribed[0].next({ data: { events: event(11) } });
    subscribed[0].next({ data: { events: event(12) } });

    connected!(null, null, true);
    expect(disposed).toHaveBeenCalledTimes(1);
    expect(subscribed[1].after).toBe("c12");
    // A replay overlapping what was seen is not shown twice.
    subscribed[1].next({ data: { events: event(12) } });
    subscribed[1].next({ data: { events: event(13) } });
    expect(seen).toEqual([11, 12, 13]);
    stop();
    expect(disposed).toHaveBeenCalledTimes(2);
  });
});
