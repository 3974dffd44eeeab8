import { describe, expect, it } from "vitest";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { DiagnoseButton } from "./DiagnoseButton";
import { fixedAuth, meAs, renderWithApi } from "../../test/render";

const ui = (
  <Routes>
    <Route path="/clusters/:id" element={<DiagnoseButton targetType="CLUSTER" targetId="cluster-1" name="shop" />} />
    <Route path="/diagnoses/:id" element={<p>diagnosis page</p>} />
  </Routes>
);

describe("DiagnoseButton", () => {
  it("is not offered to a viewer", async () => {
    renderWithApi(ui, { path: "*", route: "/clusters/cluster-1", auth: fixedAuth(meAs("VIEWER")) });
    expect(screen.queryByRole("button", { name: "Diagnose" })).not.toBeInTheDocument();
  });

  it("asks with the checks chosen, the question and an idempotency key, then opens the diagnosis", async () => {
    const sent: Record<string, unknown>[] = [];
    renderWithApi(ui, {
      path: "*",
      route: "/clusters/cluster-1",
      handlers: {
        Diagnose: (v) => {
          sent.push(v.input as Record<string, unknown>);
          return { data: { diagnose: { diagnosis: { id: "diag-9", status: "QUEUED" }, job: { id: "job-9" }, position: 12, projected: true } } };
        },
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Diagnose" }));
    const dialog = screen.getByRole("dialog", { name: "Diagnose cluster shop" });
    const boxes = within(dialog).getAllByRole("checkbox");
    expect(boxes).toHaveLength(5);
    expect(boxes.every((b) => (b as HTMLInputElement).checked)).toBe(true);
    await user.click(within(dialog).getByRole("checkbox", { name: /Security/ }));
    await user.type(within(dialog).getByLabelText(/Question/), "why is the shop slow?");
    await user.click(within(dialog).getByRole("button", { name: "Run diagnosis" }));
    await screen.findByText("diagnosis page");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      targetType: "CLUSTER",
      targetId: "cluster-1",
      checks: ["CONNECTIVITY", "PERFORMANCE", "CAPACITY", "RELIABILITY"],
      question: "why is the shop slow?",
    });
    expect(typeof sent[0].idempotencyKey).toBe("string");
    expect((sent[0].idempotencyKey as string).length).toBeGreaterThan(8);
  });

  it("needs a check, and says when a rate-limited request may be sent again", async () => {
    renderWithApi(ui, {
      path: "*",
      route: "/clusters/cluster-1",
      handlers: {
        Diagnose: () => ({ data: null, errors: [{ message: "rate limited: diagnosis", extensions: { code: "RATE_LIMITED", retryAfterSeconds: 30 } }] }) as never,
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Diagnose" }));
    const dialog = screen.getByRole("dialog");
    for (const box of within(dialog).getAllByRole("checkbox")) await user.click(box);
    expect(within(dialog).getByText("Choose at least one check.")).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Run diagnosis" })).toBeDisabled();
    await user.click(within(dialog).getByRole("checkbox", { name: /Reliability/ }));
    await user.click(within(dialog).getByRole("button", { name: "Run diagnosis" }));
    const notice = await within(dialog).findByTestId("rate-limited");
    expect(notice).toHaveTextContent("Try again in 30 s");
    expect(within(dialog).getByRole("button", { name: "Try again in 30 s" })).toBeDisabled();
  });

  it("shows other errors with their message", async () => {
    renderWithApi(ui, {
      path: "*",
      route: "/clusters/cluster-1",
      handlers: { Diagnose: () => ({ data: null, errors: [{ message: "cluster cluster-1 not found", extensions: { code: "NOT_FOUND" } }] }) as never },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("button", { name: "Diagnose" }));
    await user.click(screen.getByRole("button", { name: "Run diagnosis" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("The cluster does not exist (any more).");
    expect(alert).toHaveTextContent("cluster cluster-1 not found");
  });
});
