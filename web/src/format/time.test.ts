import { describe, expect, it } from "vitest";
import { formatExact, formatRelative, humanizeTimes } from "./time";

describe("times", () => {
  const now = Date.parse("2026-12-01T20:53:47Z");
  it("are relative to now", () => {
    expect(formatRelative("2026-12-01T20:51:47Z", now)).toBe("2 min. ago");
    expect(formatRelative("2026-12-01T20:53:45Z", now)).toBe("just now");
    expect(formatRelative("2026-12-01T20:54:17Z", now)).toBe("in 30 sec.");
  });

  it("show the exact local time with its zone, without nanoseconds", () => {
    const s = formatExact("2026-12-01T20:51:47.810753971Z");
    expect(s).toMatch(/20:51:47/);
    expect(s).toMatch(/UTC|GMT/);
    expect(s).not.toMatch(/810/);
  });

  it("rewrite the server's raw times inside messages in the same format", () => {
    const text = humanizeTimes("attempt 1 failed: boom; retrying at 2026-12-01 20:51:47.810753971 UTC");
    expect(text).toBe(`attempt 1 failed: boom; retrying at ${formatExact("2026-12-01T20:51:47.810Z")}`);
    expect(text).not.toMatch(/810753971/);
  });
});
