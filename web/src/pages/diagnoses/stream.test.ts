import { describe, expect, it } from "vitest";
import { accumulate, GAP, streamedText } from "./stream";

describe("the model's streamed text", () => {
  it("appends what is new in each overlapping tail", () => {
    const whole = "The droplet web-1 runs hot on CPU: 97% for the whole window. Resize it.";
    // Tails of 20 characters as the text grows by 15.
    let text = "";
    for (let end = 15; end <= whole.length + 14; end += 15) {
      const upTo = Math.min(end, whole.length);
      text = accumulate(text, whole.slice(Math.max(0, upTo - 20), upTo));
    }
    expect(text).toBe(whole);
  });

  it("keeps the text when a tail repeats, and marks a gap when two tails do not overlap", () => {
    expect(accumulate("abcdef", "def")).toBe("abcdef");
    expect(accumulate("abcdef", "xyz")).toBe(`abcdef${GAP}xyz`);
  });

  it("reads only the explain stage, without its announcement", () => {
    expect(
      streamedText([
        { stage: "collect", message: "collecting the evidence" },
        { stage: "explain", message: "asking openai:gpt-4o-mini" },
        { stage: "explain", message: '{"summary": "web-1' },
        { stage: "explain", message: '{"summary": "web-1 is hot"' },
      ]),
    ).toBe('{"summary": "web-1 is hot"');
  });
});
