import { describe, expect, it } from "vitest";
import { screen } from "@testing-library/react";
import { EventSummary } from "./EventSummary";
import { renderWithApi } from "../test/render";
import { event } from "../test/fixtures";

const sentence = (overrides: Parameters<typeof event>[1]) => {
  const view = renderWithApi(<EventSummary event={event(1, overrides)} />);
  const text = screen.getByTestId("event-summary").textContent;
  view.unmount();
  return text;
};

describe("access events as sentences", () => {
  it("names users, tokens and rate-limit rules and what changed", () => {
    expect(sentence({ type: "UserCreated", aggregateType: "User", actor: "admin", payload: { username: "oscar", role: "OPERATOR" } })).toBe("admin created user oscar as OPERATOR");
    expect(sentence({ type: "UserRoleChanged", aggregateType: "User", aggregateId: "0123456789", actor: "admin", payload: { from: "VIEWER", to: "ADMIN" } })).toBe(
      "admin changed the role of user 01234567 from VIEWER to ADMIN",
    );
    expect(sentence({ type: "ApiTokenCreated", aggregateType: "ApiToken", actor: "admin", payload: { name: "ci-deploy", user_id: "u", expires_at: null } })).toBe(
      "admin issued API token ci-deploy (never expires)",
    );
    expect(sentence({ type: "RateLimitRuleCreated", aggregateType: "RateLimitRule", actor: "admin", payload: { name: "jobs", scope: "GLOBAL", scope_id: null, refill_rate: 2, capacity: 20 } })).toBe(
      "admin created rate-limit rule jobs for GLOBAL: 2 / s, capacity 20",
    );
  });
});

describe("scaling-policy events as sentences", () => {
  const spec = { name: "queue", mode: "HORIZONTAL", metric: "QUEUE_DEPTH", target: 50, min_droplets: 2, max_droplets: 8, cost_limit_per_hour: 0.3, dry_run: false };
  it("says what the policy keeps, its range and its cost cap", () => {
    expect(sentence({ type: "ScalingPolicyCreated", aggregateType: "ScalingPolicy", actor: "oscar", payload: { cluster_id: "c1234567890", spec } })).toBe(
      "oscar created scaling policy queue for cluster c1234567: queue depth per droplet at 50, 2–8 droplets, at most $0.30 / h",
    );
    expect(
      sentence({ type: "ScalingPolicyUpdated", aggregateType: "ScalingPolicy", aggregateId: "p123456789", actor: "oscar", payload: { spec: { ...spec, mode: "VERTICAL", metric: "CPU", target: 70, min_size: "s-1vcpu-1gb", max_size: "s-2vcpu-4gb", cost_limit_per_hour: null, dry_run: true } } }),
    ).toBe("oscar changed scaling policy p1234567 to CPU at 70 %, sizes s-1vcpu-1gb–s-2vcpu-4gb (dry run)");
    expect(sentence({ type: "ScalingPolicyPaused", aggregateType: "ScalingPolicy", aggregateId: "p123456789", actor: "oscar", payload: {} })).toBe("oscar paused scaling policy p1234567");
  });
});

describe("scaling decisions as sentences", () => {
  it("says from what to what, why, and what the SCALE job did", () => {
    const decision = { current: 4, desired: 8, reason: "desired 9 capped by max 8", dry_run: false };
    expect(sentence({ type: "ScalingDecided", aggregateType: "ScalingPolicy", aggregateId: "p123456789", actor: "system:autoscaler", payload: { decision, job_id: "j1234567890" } })).toBe(
      "system:autoscaler decided to scale by policy p1234567 from 4 to 8 droplets: desired 9 capped by max 8 (job j1234567)",
    );
    expect(sentence({ type: "ScalingDecided", aggregateType: "ScalingPolicy", aggregateId: "p123456789", actor: "system:autoscaler", payload: { decision: { ...decision, dry_run: true }, job_id: null } })).toBe(
      "system:autoscaler would scale by policy p1234567 from 4 to 8 droplets: desired 9 capped by max 8",
    );
    expect(sentence({ type: "ScalingCompleted", aggregateType: "ScalingPolicy", aggregateId: "p123456789", actor: "system:worker", payload: { outcome: { created: ["shop-5", "shop-6"], destroyed: [], skipped: [] } } })).toBe(
      "system:worker finished scaling by policy p1234567: created shop-5, shop-6",
    );
  });

  it("says what a vertical decision resizes", () => {
    const decision = { current: 2, desired: 2, sizes: { current: "s-1vcpu-1gb", desired: "s-1vcpu-2gb" }, reason: "CPU 93 % against target 50 %: one size up, s-1vcpu-2gb", dry_run: false };
    expect(sentence({ type: "ScalingDecided", aggregateType: "ScalingPolicy", aggregateId: "p123456789", actor: "system:autoscaler", payload: { decision, job_id: null } })).toBe(
      "system:autoscaler decided to scale by policy p1234567 its droplets from s-1vcpu-1gb to s-1vcpu-2gb: CPU 93 % against target 50 %: one size up, s-1vcpu-2gb",
    );
    expect(sentence({ type: "ScalingCompleted", aggregateType: "ScalingPolicy", aggregateId: "p123456789", actor: "system:worker", payload: { outcome: { created: [], destroyed: [], resized: ["calc-1", "calc-2"], skipped: [] } } })).toBe(
      "system:worker finished scaling by policy p1234567: resized calc-1, calc-2",
    );
  });

  it("says an operator ended an injected load early", () => {
    expect(sentence({ type: "ClusterLoadCleared", aggregateType: "Cluster", aggregateId: "c123456789", actor: "alice", payload: {} })).toBe("alice ended the injected load on c1234567");
  });
});
