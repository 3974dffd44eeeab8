// The server's rules for rate-limit rules (CreateRateLimitRuleInput), for immediate
// feedback; the server still decides.
import type { RateLimitScope } from "../../gql/graphql";

export const SCOPES: RateLimitScope[] = ["USER", "CLUSTER", "GLOBAL"];

/** The limiters the server has today; others may be named. */
export const LIMITERS = ["jobs", "diagnosis", "http"];

const LIMITER = /^[a-z0-9_-]{1,64}$/;

export function limiterProblem(name: string): string | null {
  return LIMITER.test(name) ? null : "1–64 of a-z, 0-9, '_' and '-', e.g. jobs.";
}

export function rateProblem(rate: string): string | null {
  const n = Number(rate);
  return rate.trim() !== "" && Number.isFinite(n) && n > 0 ? null : "Tokens per second, above 0 (0.5 is one every 2 s).";
}

export function capacityProblem(capacity: string): string | null {
  const n = Number(capacity);
  return Number.isInteger(n) && n >= 1 ? null : "A whole number, at least 1.";
}
