import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { ProgressBar } from "./Status";
import { Time } from "./Time";
import { formatExact } from "../format/time";

describe("ProgressBar", () => {
  it("is blue while running and not blue once failed or cancelled", () => {
    const bar = (status: string) => {
      const { container, unmount } = render(<ProgressBar value={40} status={status} label={status} />);
      const fill = container.querySelector('[role="progressbar"] > div')!.className;
      unmount();
      return fill;
    };
    expect(bar("RUNNING")).toContain("bg-sky-600");
    expect(bar("FAILED")).toContain("bg-red-600");
    expect(bar("CANCELLED")).toContain("bg-amber-500");
    expect(bar("COMPLETED")).toContain("bg-emerald-600");
  });
});

describe("Time", () => {
  it("shows a relative time with the exact time and zone on hover", () => {
    const at = new Date(Date.now() - 120_000).toISOString();
    render(<Time at={at} />);
    const t = screen.getByText("2 min. ago");
    expect(t).toHaveAttribute("title", formatExact(at));
    expect(t).toHaveAttribute("dateTime", at);
  });
});
