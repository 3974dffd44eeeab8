import { describe, expect, it } from "vitest";
import { KEEP, initialLogs, logsReducer, type LogsState } from "./useLogs";
import { logRecord, logTailMessage } from "../../test/fixtures";

const tail = (id: number, dropped = 0) => ({ type: "tail" as const, message: logTailMessage(logRecord(id), dropped).data.logTail });
const ids = (s: LogsState) => s.lines.map((l) => Number(l.id));
const loaded = (newest: number, count: number, hasNextPage = false): LogsState =>
  logsReducer(initialLogs("k"), {
    type: "page",
    first: true,
    nodes: Array.from({ length: count }, (_, i) => logRecord(newest - i)),
    hasNextPage,
    endCursor: `l${newest - count + 1}`,
  });

describe("the logs page's lines", () => {
  it("puts tail records on top, newest first, and counts what the server dropped", () => {
    let s = loaded(10, 3);
    s = logsReducer(s, tail(11));
    s = logsReducer(s, tail(14, 2));
    expect(ids(s)).toEqual([14, 11, 10, 9, 8]);
    expect(s.dropped).toBe(2);
  });

  it("shows a tail record once, however often it comes", () => {
    let s = loaded(10, 3);
    s = logsReducer(s, tail(11));
    s = logsReducer(s, tail(11));
    s = logsReducer(s, tail(9));
    expect(ids(s)).toEqual([11, 10, 9, 8]);
    s = logsReducer(logsReducer(s, { type: "pause" }), tail(12));
    s = logsReducer(s, tail(12));
    expect(s.pendingCount).toBe(1);
  });

  it("appends older pages without repeating lines", () => {
    let s = loaded(10, 3, true);
    s = logsReducer(s, { type: "page", first: false, nodes: [logRecord(8), logRecord(7)], hasNextPage: false, endCursor: "l7" });
    expect(ids(s)).toEqual([10, 9, 8, 7]);
    expect(s).toMatchObject({ end: "l7", hasOlder: false });
  });

  it("holds tail lines while paused, counted, and shows them on resume", () => {
    let s = logsReducer(loaded(10, 2), { type: "pause" });
    s = logsReducer(s, tail(11));
    s = logsReducer(s, tail(12));
    expect(ids(s)).toEqual([10, 9]);
    expect(s.pendingCount).toBe(2);
    s = logsReducer(s, { type: "resume" });
    expect(ids(s)).toEqual([12, 11, 10, 9]);
    expect(s).toMatchObject({ paused: false, pendingCount: 0, pending: [] });
  });

  it(`keeps the newest ${KEEP} lines; older ones load again from the oldest kept`, () => {
    let s = loaded(KEEP, KEEP);
    expect(s.hasOlder).toBe(false);
    s = logsReducer(s, tail(KEEP + 1));
    s = logsReducer(s, tail(KEEP + 2));
    expect(s.lines).toHaveLength(KEEP);
    expect(ids(s).slice(0, 3)).toEqual([KEEP + 2, KEEP + 1, KEEP]);
    expect(s).toMatchObject({ hasOlder: true, end: "l3" });
  });

  it("after a pause longer than it keeps, resumes with the newest and loads older ones from there", () => {
    let s = logsReducer(loaded(5, 5), { type: "pause" });
    for (let id = 6; id <= KEEP + 10; id++) s = logsReducer(s, tail(id));
    expect(s.pendingCount).toBe(KEEP + 5);
    expect(s.pending).toHaveLength(KEEP);
    s = logsReducer(s, { type: "resume" });
    expect(s.lines).toHaveLength(KEEP);
    expect(ids(s)[0]).toBe(KEEP + 10);
    // The oldest kept is 11: "Load older" continues after it (6–10 and the first page).
    expect(s).toMatchObject({ end: "l11", hasOlder: true });
  });

  it("starts over for a new search, keeping the pause", () => {
    let s = logsReducer(logsReducer(loaded(3, 3), { type: "pause" }), tail(4, 1));
    s = logsReducer(s, { type: "start", key: "other" });
    expect(s).toMatchObject({ key: "other", lines: [], pendingCount: 0, dropped: 0, loaded: false, paused: true });
  });
});
