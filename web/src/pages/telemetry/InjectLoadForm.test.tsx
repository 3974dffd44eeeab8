import { describe, expect, it } from "vitest";
import { activeParts, loadProblems } from "./InjectLoadForm";
import { unitOf } from "./MetricsPanel";

describe("inject load form", () => {
  it("checks the bounds the server checks", () => {
    const ok = { cpu: "50", memory: "0", queue: "", minutes: "5" };
    expect(loadProblems(ok, false)).toEqual({ cpu: null, memory: null, queue: null, minutes: null, none: null });
    expect(loadProblems({ ...ok, cpu: "101" }, false).cpu).toMatch(/0 and 100/);
    expect(loadProblems({ ...ok, cpu: "abc" }, false).cpu).toMatch(/0 and 100/);
    expect(loadProblems({ ...ok, minutes: "0" }, false).minutes).toMatch(/1 to 1440/);
    expect(loadProblems({ ...ok, minutes: "1.5" }, false).minutes).toMatch(/Whole minutes/);
    expect(loadProblems({ ...ok, cpu: "0" }, false).none).toMatch(/CPU or memory/);
    expect(loadProblems({ ...ok, cpu: "0", queue: "400" }, true).none).toBeNull();
    expect(loadProblems({ ...ok, queue: "-1" }, true).queue).toMatch(/1,000,000/);
  });

  it("says only what an active load adds", () => {
    expect(activeParts({ cpu: 85, memory: 0 })).toBe("CPU +85 pp");
    expect(activeParts({ cpu: 0, memory: 10, queueDepth: 400 })).toBe("memory +10 pp, queue +400");
  });

  it("maps the API's units", () => {
    expect([unitOf("percent"), unitOf("bytes/s"), unitOf("items"), unitOf("load")]).toEqual(["percent", "bytesPerSecond", "count", "number"]);
  });
});
