import { describe, expect, it } from "vitest";
import { act, screen, within } from "@testing-library/react";
import { DiagnosisPage } from "./DiagnosisPage";
import { renderWithApi } from "../../test/render";
import { job } from "../../test/fixtures";
import { diagnosis, evidenceHistory } from "./fixtures";

const names = () => ({ data: { droplet: null, cluster: { id: "cluster-1", name: "shop" }, job: null, healthCheck: null } });
const progress = (over: Parameters<typeof job>[0], timeline: { stage: string; message: string }[] = []) => ({
  jobProgress: { ...job({ id: "job-d", type: "DIAGNOSE", targetType: "Diagnosis", targetId: "diag-1", ...over }), worker: "w1", leaseExpiresAt: null, result: null, timeline: timeline.map((t) => ({ at: "2026-12-03T10:30:00Z", status: "RUNNING", progress: 60, ...t })) },
});

describe("DiagnosisPage", () => {
  it("shows a completed report: how it was made, findings worst first with severity, evidence linked, each check", async () => {
    renderWithApi(<DiagnosisPage />, {
      path: "/diagnoses/:id",
      route: "/diagnoses/diag-1",
      handlers: { Diagnosis: () => ({ data: { diagnosis: diagnosis() } }), DiagnosisEvidence: () => evidenceHistory, EntityName: names },
    });
    await screen.findByRole("heading", { name: "Diagnosis of cluster shop", level: 1 });
    expect(screen.getByTestId("diagnosis-status")).toHaveTextContent("COMPLETED");
    expect(within(screen.getByTestId("diagnosis-target")).getByRole("link", { name: "shop" })).toHaveAttribute("href", "/clusters/cluster-1");
    expect(screen.getByTestId("diagnosis-question")).toHaveTextContent("why is the shop slow?");
    expect(screen.getByTestId("report-backend")).toHaveTextContent("Built-in analysis");
    expect(screen.getByTestId("report-note")).toHaveTextContent("the model did not answer in time");
    expect(screen.getByTestId("finding-counts")).toHaveTextContent("1 critical, 1 warning, 1 note");

    const findings = within(screen.getByRole("list", { name: "Findings" })).getAllByTestId("finding");
    expect(findings.map((f) => within(f).getByTestId("severity").textContent)).toEqual(["CRITICAL", "WARNING", "INFO"]);
    const [failed, , stopped] = findings;
    expect(within(failed).getByTestId("confidence")).toHaveTextContent("95% confident");
    const links = within(failed).getAllByTestId("evidence-link");
    expect(links[0]).toHaveAttribute("href", "/jobs/job-7");
    expect(links[1].getAttribute("href")).toMatch(/^\/droplets\/d1\?metric=CPU&from=.*#metrics$/);
    expect(links[1]).toHaveTextContent(/^web-1 CPU chart/);
    // The event's object is known from the evidence snapshot: its history at that event.
    expect(await within(stopped).findByRole("link", { name: "DropletPoweredOff #42" })).toHaveAttribute("href", "/audit/Droplet/d2?position=42");
    expect(within(stopped).getByTestId("recommendation")).toHaveTextContent("power on web-2 if it was not stopped on purpose");

    const checks = screen.getByRole("list", { name: "Check results" });
    expect(within(checks).getByTestId("check-RELIABILITY")).toHaveTextContent("FAIL");
    expect(within(checks).getByTestId("check-RELIABILITY")).toHaveTextContent("failed_jobs");
    expect(within(checks).getByTestId("check-SECURITY")).toHaveTextContent("PASS");
  });

  it("follows a running diagnosis' job, showing its progress and the model's text as it streams", async () => {
    const { subscriptions } = renderWithApi(<DiagnosisPage />, {
      path: "/diagnoses/:id",
      route: "/diagnoses/diag-1",
      handlers: { Diagnosis: () => ({ data: { diagnosis: diagnosis({ status: "RUNNING", report: null, durationMs: null, evidenceDigest: null }) } }), EntityName: names },
    });
    await screen.findByTestId("diagnosis-progress");
    act(() => subscriptions.push("JobProgress", progress({ status: "RUNNING", progress: 50, stage: "analyze", message: "analyzing 3 droplets", version: 6 })));
    await screen.findByText("analyze: analyzing 3 droplets");
    expect(screen.getByRole("progressbar", { name: "diagnosis progress" })).toHaveAttribute("aria-valuenow", "50");
    // As the server sends them: each message the tail of the text so far, the timeline
    // without them.
    let version = 7;
    for (const message of ["asking openai:gpt-4o-mini", "The droplet web-1 runs hot;", "web-1 runs hot; resize it"]) {
      act(() => subscriptions.push("JobProgress", progress({ status: "RUNNING", progress: 62, stage: "explain", message, version: version++ })));
    }
    expect(await screen.findByTestId("streamed-text")).toHaveTextContent("The droplet web-1 runs hot; resize it");
    expect(screen.queryByRole("list", { name: "Findings" })).not.toBeInTheDocument();
  });

  it("says why a diagnosis failed", async () => {
    renderWithApi(<DiagnosisPage />, {
      path: "/diagnoses/:id",
      route: "/diagnoses/diag-1",
      handlers: { Diagnosis: () => ({ data: { diagnosis: diagnosis({ status: "FAILED", report: null, error: "the evidence could not be read: database is locked" }) } }), EntityName: names },
    });
    expect(await screen.findByTestId("diagnosis-error")).toHaveTextContent("the evidence could not be read: database is locked");
    expect(screen.queryByTestId("diagnosis-progress")).not.toBeInTheDocument();
  });
});
