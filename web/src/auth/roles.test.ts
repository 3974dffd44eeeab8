import { describe, expect, it } from "vitest";
import { CombinedError } from "urql";
import { allows, needsRole } from "./roles";
import { loginPath, safeNext } from "./session";
import { refusesCredentials } from "../graphql/client";

describe("roles", () => {
  it("each role may do what the ones below it may, and no role nothing", () => {
    expect(allows("VIEWER", "VIEWER")).toBe(true);
    expect(allows("VIEWER", "OPERATOR")).toBe(false);
    expect(allows("OPERATOR", "OPERATOR")).toBe(true);
    expect(allows("OPERATOR", "ADMIN")).toBe(false);
    expect(allows("ADMIN", "OPERATOR")).toBe(true);
    expect(allows(null, "VIEWER")).toBe(false);
    expect(needsRole("OPERATOR", "VIEWER")).toBe("Needs the OPERATOR role (you are VIEWER).");
  });
});

describe("where the login page sends back to", () => {
  it("only to a path of the console, never another site or the login page", () => {
    expect(safeNext("/clusters?name=x")).toBe("/clusters?name=x");
    for (const bad of [null, "", "//evil.example", "/\\evil.example", "https://evil.example", "javascript:alert(1)", "/login", "/login?next=/x"]) {
      expect(safeNext(bad)).toBe("/");
    }
    expect(loginPath("/audit?type=x")).toBe("/login?next=%2Faudit%3Ftype%3Dx");
    expect(loginPath("/")).toBe("/login");
  });
});

describe("a refused session", () => {
  it("is an HTTP 401 or UNAUTHENTICATED without a path, not one field's refusal", () => {
    const gql = (path?: string[]) => new CombinedError({ graphQLErrors: [{ message: "no", path, extensions: { code: "UNAUTHENTICATED" } }] });
    expect(refusesCredentials(gql())).toBe(true);
    expect(refusesCredentials(gql(["login"]))).toBe(false);
    expect(refusesCredentials(new CombinedError({ networkError: new Error("401"), response: { status: 401 } }))).toBe(true);
    expect(refusesCredentials(new CombinedError({ networkError: new Error("down"), response: { status: 503 } }))).toBe(false);
  });
});
