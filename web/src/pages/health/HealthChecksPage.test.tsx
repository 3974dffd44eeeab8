import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { UptimeBar } from "./HealthChecksPage";

describe("UptimeBar", () => {
  it("shows the latest runs oldest first, green for success and red for failure", () => {
    // The API answers newest first.
    const results = [
      { at: "2026-12-02T10:00:03Z", success: true, durationMs: 3.2, error: null },
      { at: "2026-12-02T10:00:02Z", success: false, durationMs: 800, error: "timed out after 800 ms" },
      { at: "2026-12-02T10:00:01Z", success: true, durationMs: 2.9, error: null },
    ];
    render(<UptimeBar results={results} />);
    const blocks = screen.getByLabelText("2 of 3 latest runs succeeded").children;
    expect([...blocks].map((b) => b.getAttribute("data-testid"))).toEqual(["run-success", "run-failure", "run-success"]);
    expect(blocks[1].getAttribute("title")).toContain("timed out after 800 ms");
  });

  it("says so when a check has not run yet", () => {
    render(<UptimeBar results={[]} />);
    expect(screen.getByText("no runs yet")).toBeTruthy();
  });
});
