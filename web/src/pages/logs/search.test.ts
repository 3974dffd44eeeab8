import { describe, expect, it } from "vitest";
import { readParams, reachesNow, searchOf, writeParams, type LogParams } from "./search";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const read = (qs: string) => readParams(new URLSearchParams(qs));
/** The query string `changes` make of `qs`, as `useUrlFilters().set` writes it. */
function apply(qs: string, changes: Partial<LogParams>): string {
  const next = new URLSearchParams(qs);
  for (const [k, v] of Object.entries(writeParams(changes))) {
    if (v) next.set(k, v);
    else next.delete(k);
  }
  return next.toString();
}

describe("the logs page's URL", () => {
  it("means every record, newest first, when it says nothing", () => {
    expect(searchOf(read(""), NOW)).toEqual({
      filter: { services: null, minLevel: null, since: null, until: null, text: null, resourceId: null, correlationId: null, traceId: null },
      query: null,
    });
    expect(read("").live).toBe(false);
  });

  it("maps every filter to the API's LogFilter", () => {
    const p = read("services=api,worker&minLevel=warn&range=1h&text=%20time%20out%20&resourceId=d-1&correlationId=c-1&traceId=t-1&live=1");
    expect(p).toMatchObject({ services: ["api", "worker"], minLevel: "WARN", range: "1h", live: true });
    expect(searchOf(p, NOW)).toEqual({
      filter: {
        services: ["api", "worker"],
        minLevel: "WARN",
        since: "2026-01-01T11:00:00.000Z",
        until: null,
        text: "time out",
        resourceId: "d-1",
        correlationId: "c-1",
        traceId: "t-1",
      },
      query: null,
    });
  });

  it("ends a preset range at the time given, and takes a custom since/until in local time", () => {
    expect(searchOf(read("range=15m"), NOW).filter?.since).toBe("2026-01-01T11:45:00.000Z");
    expect(searchOf(read("range=7d"), NOW).filter?.since).toBe("2025-12-25T12:00:00.000Z");
    const custom = read("since=2026-01-01T09:00&until=2026-01-01T10:30");
    expect(custom.range).toBe("custom");
    const f = searchOf(custom, NOW).filter!;
    expect(f.since).toBe(new Date("2026-01-01T09:00").toISOString());
    expect(f.until).toBe(new Date("2026-01-01T10:30").toISOString());
    // A preset wins over stray since/until.
    expect(searchOf(read("range=1h&since=2026-01-01T09:00"), NOW).filter?.since).toBe("2026-01-01T11:00:00.000Z");
  });

  it("ignores a level or range it does not know, and an unparsable time", () => {
    expect(read("minLevel=LOUD&range=2y")).toMatchObject({ minLevel: null, range: null });
    expect(searchOf(read("range=custom&since=yesterday"), NOW).filter).toMatchObject({ since: null, until: null });
  });

  it("sends the LogQL query instead of the filter in LogQL mode", () => {
    const q = '{service="api"} |= "timeout"';
    expect(searchOf(read(`mode=logql&query=${encodeURIComponent(q)}&services=api`), NOW)).toEqual({ filter: null, query: q });
    expect(searchOf(read("mode=logql&query=%20%20"), NOW)).toEqual({ filter: null, query: null });
    // Leaving LogQL mode keeps the query in the URL for coming back.
    expect(apply(`mode=logql&query=x`, { logql: false })).toBe("query=x");
  });

  it("writes changes back, dropping empty values and a custom range's times with a preset", () => {
    expect(apply("", { services: ["api", "worker", "api"], minLevel: "ERROR", live: true })).toBe("services=api%2Cworker&minLevel=ERROR&live=1");
    expect(apply("services=api&text=x", { services: [], text: "  " })).toBe("");
    expect(apply("range=custom&since=2026-01-01T09:00&until=2026-01-01T10:00", { range: "6h" })).toBe("range=6h");
    expect(apply("range=6h", { range: null })).toBe("");
    expect(apply("", { logql: true, query: "{}" })).toBe("mode=logql&query=%7B%7D");
    // What the page reads is what it wrote.
    const written = apply("", { services: ["relay"], minLevel: "DEBUG", range: "24h", text: "lag", resourceId: "r", correlationId: "c", traceId: "t" });
    expect(read(written)).toMatchObject({ services: ["relay"], minLevel: "DEBUG", range: "24h", text: "lag", resourceId: "r", correlationId: "c", traceId: "t" });
  });

  it("only tails a search whose range reaches now", () => {
    expect(reachesNow(searchOf(read("range=1h"), Date.now()))).toBe(true);
    expect(reachesNow(searchOf(read("since=2020-01-01T00:00&until=2020-01-02T00:00"), Date.now()))).toBe(false);
    expect(reachesNow({ filter: null, query: "{}" })).toBe(true);
  });
});
