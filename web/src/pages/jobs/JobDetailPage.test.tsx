import { describe, expect, it } from "vitest";
import { screen } from "@testing-library/react";
import { JobDetailPage } from "./JobDetailPage";
import { renderWithApi } from "../../test/render";
import { job } from "../../test/fixtures";

const detail = (overrides: Parameters<typeof job>[0]) => ({
  data: { job: { ...job(overrides), worker: null, leaseExpiresAt: null, result: null, timeline: [] } },
});

describe("JobDetailPage", () => {
  it("says why Cancel and Retry are unavailable", async () => {
    renderWithApi(<JobDetailPage />, {
      path: "/jobs/:id",
      route: "/jobs/job-1",
      handlers: { Job: () => detail({ status: "COMPLETED", progress: 100 }) },
    });
    const cancel = await screen.findByRole("button", { name: "Cancel job" });
    expect(cancel).toBeDisabled();
    expect(cancel).toHaveAttribute("title", "The job is COMPLETED; only queued or running jobs can be cancelled.");
    expect(screen.getByRole("button", { name: "Retry" })).toHaveAttribute("title", expect.stringContaining("only failed or cancelled"));
    expect(screen.getByTestId("unavailable-reason")).toHaveTextContent("Cancel: The job is COMPLETED");
  });

  it("shows a retry's time in the console's format, not the server's raw UTC", async () => {
    renderWithApi(<JobDetailPage />, {
      path: "/jobs/:id",
      route: "/jobs/job-1",
      handlers: {
        Job: () =>
          detail({ status: "QUEUED", error: "boom", message: "attempt 1 failed: boom; retrying at 2026-12-01 20:51:47.810753971 UTC" }),
      },
    });
    await screen.findByRole("button", { name: "Cancel job" });
    expect(document.body.textContent).not.toMatch(/810753971/);
  });
});
