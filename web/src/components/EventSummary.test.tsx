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
