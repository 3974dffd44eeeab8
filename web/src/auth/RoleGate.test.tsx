// Role gating as each role sees it: the navigation, the header, and command controls.
import { describe, expect, it } from "vitest";
import { cleanup, screen } from "@testing-library/react";
import { Route, Routes } from "react-router";
import { Layout } from "../components/Layout";
import { ClustersPage } from "../pages/clusters/ClustersPage";
import { DropletDetailPage } from "../pages/droplets/DropletDetailPage";
import { RateLimitsPage } from "../pages/ratelimits/RateLimitsPage";
import { fixedAuth, meAs, renderWithApi } from "../test/render";
import { catalog, cluster, droplet, job } from "../test/fixtures";
import type { Role } from "../gql/graphql";

const as = (role: Role) => fixedAuth(meAs(role, { via: "SESSION", actor: "alice" }));
const connection = (typename: string, nodes: unknown[]) => ({ __typename: typename, totalCount: nodes.length, pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null }, nodes });

function shell(role: Role | "local") {
  cleanup();
  renderWithApi(
    <Routes>
      <Route element={<Layout />}>
        <Route path="/" element={<p>page</p>} />
      </Route>
    </Routes>,
    { path: "*", route: "/", auth: role === "local" ? fixedAuth() : as(role) },
  );
  const nav = screen.getByRole("navigation", { name: "Main" });
  return [...nav.querySelectorAll("a")].map((a) => a.textContent);
}

describe("the shell by role", () => {
  it("shows Users to admins only, and API tokens and Rate limits to every role", () => {
    expect(shell("VIEWER")).not.toContain("Users");
    expect(shell("VIEWER")).toEqual(expect.arrayContaining(["Clusters", "API tokens", "Rate limits"]));
    expect(shell("OPERATOR")).not.toContain("Users");
    expect(shell("ADMIN")).toContain("Users");
  });

  it("names the actor and role, the expiry on hover, and offers sign out or sign in", () => {
    shell("OPERATOR");
    expect(screen.getByTestId("session")).toHaveTextContent("alice · OPERATOR");
    expect(screen.getByTestId("session").title).toMatch(/^Signed in with a session; it expires /);
    expect(screen.getByRole("button", { name: "Sign out" })).toBeInTheDocument();
  });

  it("says local mode when nobody is signed in, with a link to sign in", () => {
    shell("local");
    expect(screen.getByTestId("session")).toHaveTextContent("local · ADMIN (local mode)");
    expect(screen.getByRole("link", { name: "Sign in" })).toHaveAttribute("href", "/login");
    expect(screen.queryByRole("button", { name: "Sign out" })).not.toBeInTheDocument();
  });
});

describe("command controls by role", () => {
  const clusters = (role: Role) =>
    renderWithApi(<ClustersPage />, {
      path: "/clusters",
      route: "/clusters",
      auth: as(role),
      handlers: { Clusters: () => ({ data: { clusters: connection("ClusterConnection", [cluster()]) } }) },
    });

  it("a viewer is not offered New cluster, and is told the page is read-only and why", async () => {
    clusters("VIEWER");
    expect(await screen.findByText("prod")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "New cluster" })).not.toBeInTheDocument();
    expect(screen.getByTestId("read-only")).toHaveAttribute("title", "Needs the OPERATOR role (you are VIEWER).");
  });

  it("an operator is offered New cluster", async () => {
    clusters("OPERATOR");
    expect(await screen.findByRole("button", { name: "New cluster" })).toBeInTheDocument();
    expect(screen.queryByTestId("read-only")).not.toBeInTheDocument();
  });

  const dropletPage = (role: Role) => {
    const d = droplet({ status: "RUNNING", ip: "10.0.0.2", job: job({ status: "COMPLETED", progress: 100 }) });
    return renderWithApi(<DropletDetailPage />, {
      path: "/droplets/:id",
      route: "/droplets/droplet-1",
      auth: as(role),
      handlers: {
        Catalog: () => ({ data: catalog }),
        Droplet: () => ({ data: { droplet: { ...d, jobs: connection("JobConnection", [d.job]) } } }),
      },
    });
  };

  it("a viewer sees a droplet without power, destroy, resize or inject load", async () => {
    dropletPage("VIEWER");
    expect(await screen.findByTestId("droplet-status")).toHaveTextContent("RUNNING");
    for (const name of ["Power off", "Destroy", "Resize", "Inject load"]) expect(screen.queryByRole("button", { name })).not.toBeInTheDocument();
    expect(screen.queryByRole("form", { name: "Resize droplet" })).not.toBeInTheDocument();
    expect(screen.getByTestId("read-only")).toBeInTheDocument();
  });

  it("an operator sees the droplet's commands", async () => {
    dropletPage("OPERATOR");
    expect(await screen.findByRole("button", { name: "Power off" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Destroy" })).toBeInTheDocument();
    expect(screen.getByRole("form", { name: "Resize droplet" })).toBeInTheDocument();
  });

  it("rate-limit rules are managed by admins only", async () => {
    const rule = { __typename: "RateLimitRule", id: "r1", name: "jobs", scope: "GLOBAL", scopeId: null, refillRate: 2, capacity: 20, status: "ACTIVE", version: 1, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z" };
    const handlers = { RateLimitRules: () => ({ data: { rateLimitRules: connection("RateLimitRuleConnection", [rule]) } }) };
    const operator = renderWithApi(<RateLimitsPage />, { path: "/", auth: as("OPERATOR"), handlers });
    expect(await screen.findByText("2 / s")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /New rule|Edit|Delete/ })).not.toBeInTheDocument();
    operator.unmount();
    renderWithApi(<RateLimitsPage />, { path: "/", auth: as("ADMIN"), handlers });
    expect(await screen.findByRole("button", { name: "Edit" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "New rule" })).toBeInTheDocument();
  });
});
