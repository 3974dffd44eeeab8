import { describe, expect, it } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { DiagnosisPage } from "./DiagnosisPage";
import { fixedAuth, meAs, renderWithApi } from "../../test/render";
import { job } from "../../test/fixtures";
import { diagnosis, evidenceHistory } from "./fixtures";

const names = () => ({ data: { droplet: null, cluster: { id: "cluster-1", name: "shop" }, job: null, healthCheck: null } });
const stoppedFinding = () => screen.findAllByTestId("finding").then((all) => all.find((f) => f.dataset.findingId === "droplet-stopped:d2")!);

describe("applying a recommendation", () => {
  it("asks first, runs applyRecommendation and then shows Applied with the started job", async () => {
    const applied: unknown[] = [];
    renderWithApi(<DiagnosisPage />, {
      path: "/diagnoses/:id",
      route: "/diagnoses/diag-1",
      handlers: {
        Diagnosis: () => ({ data: { diagnosis: diagnosis() } }),
        DiagnosisEvidence: () => ({
          data: { history: { events: [{ position: 41, type: "DiagnosisEvidenceCollected", payload: { snapshot: { droplets: [{ id: "d2", name: "web-2" }], events: [], logs: [] } } }] } },
        }),
        EntityName: names,
        ApplyRecommendation: (v) => {
          applied.push(v);
          return {
            data: {
              applyRecommendation: {
                diagnosis: { ...diagnosis({ appliedFindings: ["droplet-stopped:d2"] }) },
                job: job({ id: "job-power", type: "POWER", status: "QUEUED", targetId: "d2" }),
                position: 50,
                projected: true,
              },
            },
          };
        },
      },
    });
    const user = userEvent.setup();
    const finding = await stoppedFinding();
    // Only findings whose recommendation has a command offer Apply.
    const buttons = await screen.findAllByRole("button", { name: /^Apply:/ });
    expect(buttons).toHaveLength(2);
    await user.click(await within(finding).findByRole("button", { name: "Apply: Power on web-2" }));
    const dialog = screen.getByRole("dialog", { name: "Power on web-2?" });
    expect(dialog).toHaveTextContent("The droplet is powered on.");
    await user.click(within(dialog).getByRole("button", { name: "Apply" }));
    const done = await within(finding).findByTestId("applied");
    expect(applied).toEqual([{ diagnosisId: "diag-1", findingId: "droplet-stopped:d2" }]);
    expect(within(done).getByRole("link", { name: "Power job" })).toHaveAttribute("href", "/jobs/job-power");
  });

  it("shows Applied for a finding applied before, and no Apply to a viewer", async () => {
    renderWithApi(<DiagnosisPage />, {
      path: "/diagnoses/:id",
      route: "/diagnoses/diag-1",
      auth: fixedAuth(meAs("VIEWER")),
      handlers: {
        Diagnosis: () => ({
          data: {
            diagnosis: diagnosis({
              appliedFindings: ["droplet-stopped:d2"],
              appliedRecommendations: [{ findingId: "droplet-stopped:d2", jobId: "job-power", job: { id: "job-power", type: "POWER", status: "COMPLETED" } }],
            }),
          },
        }),
        DiagnosisEvidence: () => evidenceHistory,
        EntityName: names,
      },
    });
    const finding = await stoppedFinding();
    const applied = await within(finding).findByTestId("applied");
    expect(applied).toHaveTextContent("Applied");
    // The diagnosis names the job its recommendation started.
    expect(within(applied).getByRole("link", { name: "Power job" })).toHaveAttribute("href", "/jobs/job-power");
    expect(screen.queryByRole("button", { name: /^Apply/ })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Diagnose again" })).not.toBeInTheDocument();
  });

  it("says why applying failed", async () => {
    renderWithApi(<DiagnosisPage />, {
      path: "/diagnoses/:id",
      route: "/diagnoses/diag-1",
      handlers: {
        Diagnosis: () => ({ data: { diagnosis: diagnosis() } }),
        DiagnosisEvidence: () => evidenceHistory,
        EntityName: names,
        ApplyRecommendation: () => ({ data: null, errors: [{ message: "finding droplet-stopped:d2 has no action", extensions: { code: "FAILED_PRECONDITION" } }] }) as never,
      },
    });
    const user = userEvent.setup();
    const finding = await stoppedFinding();
    await user.click(await within(finding).findByRole("button", { name: /^Apply:/ }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Apply" }));
    expect(await within(finding).findByRole("alert")).toHaveTextContent("This recommendation cannot be applied now");
  });
});
