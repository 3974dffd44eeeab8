import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DiagnosesPage } from "./DiagnosesPage";
import { renderWithApi } from "../../test/render";
import { diagnosis } from "./fixtures";

const page = (nodes: ReturnType<typeof diagnosis>[]) => ({
  data: { diagnoses: { totalCount: nodes.length, pageInfo: { hasNextPage: false, endCursor: null }, nodes } },
});

describe("DiagnosesPage", () => {
  it("lists diagnoses newest first with their findings, filtered by status and target from the URL", async () => {
    const filters: unknown[] = [];
    renderWithApi(<DiagnosesPage />, {
      path: "/diagnoses",
      route: "/diagnoses?target=cluster-1",
      handlers: {
        Diagnoses: (v) => {
          filters.push(v.filter);
          return page([
            diagnosis({ id: "old", createdAt: "2026-12-03T09:00:00Z" }),
            diagnosis({ id: "new", status: "FAILED", report: null, error: "boom", createdAt: "2026-12-03T10:00:00Z" }),
          ]);
        },
        Targets: () => ({ data: { clusters: { nodes: [{ id: "cluster-1", name: "shop", status: "ACTIVE" }] }, droplets: { nodes: [{ id: "d1", name: "web-1", status: "RUNNING" }] } } }),
        EntityName: () => ({ data: { droplet: null, cluster: { id: "cluster-1", name: "shop" }, job: null, healthCheck: null } }),
      },
    });
    const rows = await screen.findAllByTestId(/^diagnosis-row-/);
    expect(rows.map((r) => r.dataset.testid)).toEqual(["diagnosis-row-new", "diagnosis-row-old"]);
    expect(filters[0]).toEqual({ status: null, targetType: null, targetId: "cluster-1" });
    const old = within(rows[1]);
    expect(old.getAllByTestId("severity").map((b) => b.textContent)).toEqual(["CRITICAL", "WARNING", "INFO"]);
    expect(old.getAllByRole("link")[0]).toHaveAttribute("href", "/diagnoses/old");
    expect(await screen.findByRole("option", { name: "cluster shop" })).toBeInTheDocument();

    await userEvent.setup().selectOptions(screen.getByLabelText("Status"), "COMPLETED");
    await waitFor(() => expect(filters.at(-1)).toEqual({ status: "COMPLETED", targetType: null, targetId: "cluster-1" }));
  });
});
