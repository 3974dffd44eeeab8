import { describe, expect, it } from "vitest";
import { formatValue } from "./units";
import { formatDuration, formatTick } from "./time";

describe("values with units", () => {
  it("show percentages, bytes and rates with a prefix, counts whole", () => {
    expect(formatValue(37.5, "percent")).toBe("37.5%");
    expect(formatValue(100, "percent")).toBe("100%");
    expect(formatValue(0, "bytesPerSecond")).toBe("0 B/s");
    expect(formatValue(999, "bytes")).toBe("999 B");
    expect(formatValue(1_234_567, "bytesPerSecond")).toBe("1.23 MB/s");
    expect(formatValue(2.5e9, "bytes")).toBe("2.5 GB");
    expect(formatValue(1204, "count")).toBe("1,204");
    expect(formatValue(2.4, "count")).toBe("2");
    expect(formatValue(0.42, "number")).toBe("0.42");
  });

  it("show durations in the unit that reads best", () => {
    expect(formatValue(0, "seconds")).toBe("0 s");
    expect(formatValue(0.0123, "seconds")).toBe("12.3 ms");
    expect(formatValue(2.5, "seconds")).toBe("2.5 s");
    expect(formatValue(600, "seconds")).toBe("10 min");
    expect(formatValue(9000, "seconds")).toBe("2.5 h");
  });

  it("say a value is missing rather than 0", () => {
    expect(formatValue(null, "percent")).toBe("—");
    expect(formatValue(undefined, "count")).toBe("—");
  });
});

describe("chart times", () => {
  const at = new Date(2026, 11, 2, 14, 5, 30).getTime();
  it("show the clock, with seconds for close ticks and the day for long ranges", () => {
    expect(formatTick(at, 5 * 60_000, 3600_000)).toMatch(/^14:05$/);
    expect(formatTick(at, 10_000, 600_000)).toMatch(/^14:05:30$/);
    expect(formatTick(at, 6 * 3600_000, 7 * 24 * 3600_000)).toMatch(/2.*14:05|14:05.*2/);
  });

  it("say how long something has lasted", () => {
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(3 * 60_000 + 5_000)).toBe("3 min");
    expect(formatDuration(65 * 60_000)).toBe("1 h 5 min");
    expect(formatDuration(2 * 3600_000)).toBe("2 h");
  });
});
