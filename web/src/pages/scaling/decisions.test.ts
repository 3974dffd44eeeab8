import { describe, expect, it } from "vitest";
import { changeNoun, changeText, dropletSteps, dropletsAfter, resultText, targetLine } from "./decisions";
import type { ScalingDecisionFieldsFragment, ScalingDecisionRecordFieldsFragment } from "../../gql/graphql";

const T0 = Date.parse("2026-12-06T10:00:00Z");
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

const decision = (s: number, current: number, desired: number, o: Partial<ScalingDecisionFieldsFragment> = {}): ScalingDecisionFieldsFragment => ({
  at: iso(s),
  current,
  desired,
  metricValue: 80,
  target: 50,
  reason: "r",
  cappedBy: null,
  dryRun: false,
  currentSize: null,
  desiredSize: null,
  ...o,
});
const record = (d: ScalingDecisionFieldsFragment, o: Partial<ScalingDecisionRecordFieldsFragment> = {}): ScalingDecisionRecordFieldsFragment => ({
  position: 1,
  actor: "system:autoscaler",
  decision: d,
  planned: [],
  job: null,
  result: null,
  abandoned: null,
  ...o,
});

describe("the droplet count a policy's chart draws", () => {
  it("counts what the job did, what it planned while it runs, nothing for a dry run or an abandoned job", () => {
    expect(dropletsAfter(record(decision(0, 4, 8), { result: { created: ["a", "b", "c"], destroyed: [], resized: [], skipped: ["d: taken"] } }))).toBe(7);
    expect(dropletsAfter(record(decision(0, 4, 8), { job: { id: "j", status: "RUNNING", progress: 40 } }))).toBe(8);
    expect(dropletsAfter(record(decision(0, 4, 8, { dryRun: true })))).toBe(4);
    expect(dropletsAfter(record(decision(0, 4, 8), { abandoned: "provider down" }))).toBe(4);
  });

  it("steps at each decision inside the window, from the level before it, to the latest evaluation and on to the window's end", () => {
    const from = T0;
    const to = T0 + 600_000;
    // Newest first, as the API lists them; one decision before the window.
    const records = [
      record(decision(300, 8, 2), { result: { created: [], destroyed: ["w-8", "w-7", "w-6", "w-5", "w-4", "w-3"], resized: [], skipped: [] } }),
      record(decision(60, 4, 8), { result: { created: ["w-5", "w-6", "w-7", "w-8"], destroyed: [], resized: [], skipped: [] } }),
      record(decision(-100, 2, 4), { result: { created: ["w-3", "w-4"], destroyed: [], resized: [], skipped: [] } }),
    ];
    expect(dropletSteps(records, decision(500, 2, 2), from, to)).toEqual([
      { t: from, v: 4 },
      { t: T0 + 60_000, v: 4 },
      { t: T0 + 60_001, v: 8 },
      { t: T0 + 300_000, v: 8 },
      { t: T0 + 300_001, v: 2 },
      { t: T0 + 500_000, v: 2 },
      { t: T0 + 500_001, v: 2 },
      { t: to, v: 2 },
    ]);
  });

  it("draws the latest count across the window when nothing was decided in it, and nothing before any evaluation", () => {
    expect(dropletSteps([record(decision(-100, 2, 4))], null, T0, T0 + 1000)).toEqual([
      { t: T0, v: 4 },
      { t: T0 + 1000, v: 4 },
    ]);
    expect(dropletSteps([], null, T0, T0 + 1000)).toEqual([]);
  });

  it("compares a whole queue with target × droplets, a percent with the flat target", () => {
    const droplets = [{ t: 1, v: 4 }, { t: 2, v: 8 }];
    expect(targetLine("QUEUE_DEPTH", 50, droplets, 0, 3)).toEqual([{ t: 1, v: 200 }, { t: 2, v: 400 }]);
    expect(targetLine("CPU", 70, droplets, 0, 3)).toEqual([{ t: 0, v: 70 }, { t: 3, v: 70 }]);
  });

  it("names what a decision changes: the count, or a vertical policy's size", () => {
    expect([changeNoun(decision(0, 4, 8)), changeText(decision(0, 4, 8))]).toEqual(["droplets", "4 → 8"]);
    const vertical = decision(0, 2, 2, { currentSize: "s-1vcpu-1gb", desiredSize: "s-1vcpu-2gb" });
    expect([changeNoun(vertical), changeText(vertical)]).toEqual(["size", "s-1vcpu-1gb → s-1vcpu-2gb"]);
    expect(resultText(record(vertical, { result: { created: [], destroyed: [], resized: ["c-1", "c-2"], skipped: [] } }))).toBe("resized c-1, c-2");
  });

  it("says what a decision's job did", () => {
    expect(resultText(record(decision(0, 4, 6), { result: { created: ["w-5", "w-6"], destroyed: [], resized: [], skipped: [] } }))).toBe("created w-5, w-6");
    expect(resultText(record(decision(0, 6, 4), { result: { created: [], destroyed: ["w-6"], resized: [], skipped: ["w-5: a job is pending on it"] } }))).toBe("destroyed w-6; skipped w-5: a job is pending on it");
    expect(resultText(record(decision(0, 4, 6), { job: { id: "j", status: "RUNNING", progress: 50 } }))).toBe("running (50 %)");
    expect(resultText(record(decision(0, 4, 6), { abandoned: "the provider refused" }))).toBe("abandoned: the provider refused");
    expect(resultText(record(decision(0, 4, 6, { dryRun: true })))).toBe("dry run: nothing done");
  });
});
