import { describe, expect, it } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { JobsPage } from "./JobsPage";
import { renderWithApi } from "../../test/render";
import { job } from "../../test/fixtures";

const page = (ids: string[], older: boolean) => ({
  data: {
    jobs: {
      totalCount: 4,
      pageInfo: { hasNextPage: false, endCursor: `c${ids.at(-1)}`, hasPreviousPage: older, startCursor: `c${ids[0]}` },
      nodes: ids.map((id) => job({ id })),
    },
  },
});

describe("JobsPage", () => {
  it("reads the newest page first and loads older pages below it", async () => {
    const asked: Record<string, unknown>[] = [];
    renderWithApi(<JobsPage />, {
      path: "/jobs",
      route: "/jobs",
      handlers: {
        Jobs: (v) => {
          asked.push(v);
          return v.before === "c3" ? page(["1", "2"], false) : page(["3", "4"], true);
        },
      },
    });
    const rows = () => screen.getAllByTestId(/^job-row-/).map((r) => r.dataset.testid);
    await waitFor(() => expect(rows()).toEqual(["job-row-4", "job-row-3"]));
    expect(asked[0]).toMatchObject({ last: 100 });
    expect(asked[0].first).toBeUndefined();
    expect(screen.getByText("2 of 4 shown")).toBeInTheDocument();

    await userEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(rows()).toEqual(["job-row-4", "job-row-3", "job-row-2", "job-row-1"]));
    expect(asked.at(-1)).toMatchObject({ last: 100, before: "c3" });
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });
});
