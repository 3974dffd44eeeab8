import { describe, expect, it } from "vitest";
import { evidenceLink, indexSnapshot, parseMetricWindow, toLocalInput } from "./evidence";

const snapshot = {
  digest: "abc",
  snapshot: {
    droplets: [{ id: "d1", name: "web-1" }],
    health_checks: [{ id: "h1", name: "shop-api" }],
    events: [{ position: 42, aggregate_type: "Droplet", aggregate_id: "d1", event_type: "DropletPoweredOff", actor: "alice" }],
    logs: [{ id: 7, at: "2026-12-03T10:00:05Z", level: "WARN", message: "job attempt failed: image broken-boot-x64 failed to boot" }],
  },
};

describe("evidence references", () => {
  it("parses droplet and cluster metric windows, and refuses what is not one", () => {
    expect(parseMetricWindow("droplet:d1/CPU@2026-12-03T10:00:00Z..2026-12-03T10:30:00Z")).toEqual({
      type: "droplet",
      id: "d1",
      aggregate: null,
      metric: "CPU",
      from: "2026-12-03T10:00:00Z",
      to: "2026-12-03T10:30:00Z",
    });
    expect(parseMetricWindow("cluster:c1:AVG/MEMORY@2026-12-03T10:00:00Z..2026-12-03T10:30:00Z")).toMatchObject({ type: "cluster", id: "c1", aggregate: "AVG", metric: "MEMORY" });
    expect(parseMetricWindow("droplet:d1/CPU@yesterday..today")).toBeNull();
    expect(parseMetricWindow("d1/CPU")).toBeNull();
  });

  it("links a metric window to the chart of its droplet or cluster at that window", () => {
    const index = indexSnapshot(snapshot);
    const droplet = evidenceLink({ kind: "METRIC_WINDOW", ref: "droplet:d1/CPU@2026-12-03T10:00:00Z..2026-12-03T10:30:00Z" }, index)!;
    expect(droplet.to).toBe("/droplets/d1?metric=CPU&from=2026-12-03T10%3A00%3A00Z&to=2026-12-03T10%3A30%3A00Z#metrics");
    expect(droplet.label).toMatch(/^web-1 CPU chart, /);
    const cluster = evidenceLink({ kind: "METRIC_WINDOW", ref: "cluster:c1:AVG/CPU@2026-12-03T10:00:00Z..2026-12-03T10:30:00Z" })!;
    expect(cluster.to).toBe("/clusters/c1?metric=CPU&from=2026-12-03T10%3A00%3A00Z&to=2026-12-03T10%3A30%3A00Z&aggregate=AVG#metrics");
    expect(evidenceLink({ kind: "METRIC_WINDOW", ref: "nonsense" })).toBeNull();
  });

  it("links a job, a health result, an event and a log line to their pages", () => {
    const index = indexSnapshot(snapshot);
    expect(evidenceLink({ kind: "JOB", ref: "job-9" })?.to).toBe("/jobs/job-9");
    const health = evidenceLink({ kind: "HEALTH_RESULT", ref: "h1@2026-12-03T10:00:00Z" }, index)!;
    expect(health.to).toBe("/health-checks/h1");
    expect(health.label).toMatch(/^shop-api result at /);
    // The event's object comes from the snapshot: its history, at that event.
    expect(evidenceLink({ kind: "EVENT", ref: "42" }, index)).toEqual({ to: "/audit/Droplet/d1?position=42", label: "DropletPoweredOff #42" });
    expect(evidenceLink({ kind: "EVENT", ref: "43" }, index)?.to).toBe("/audit?progress=1");
    expect(evidenceLink({ kind: "EVENT", ref: "x" }, index)).toBeNull();
    // The log line: its second, its text.
    const log = evidenceLink({ kind: "LOG", ref: "7" }, index)!;
    const at = Date.parse("2026-12-03T10:00:05Z");
    const params = new URLSearchParams(log.to.split("?")[1]);
    expect(log.to.startsWith("/logs?")).toBe(true);
    expect(params.get("since")).toBe(toLocalInput(at - 1000));
    expect(params.get("until")).toBe(toLocalInput(at + 1000));
    expect(params.get("text")).toBe("job attempt failed: image broken-boot-x64 failed to boot");
    expect(evidenceLink({ kind: "LOG", ref: "8" }, index)?.to).toBe("/logs");
  });

  it("indexes a payload without a snapshot as empty", () => {
    const index = indexSnapshot(null);
    expect(index.events.size + index.logs.size + index.droplets.size).toBe(0);
  });
});
