import { describe, expect, it } from "vitest";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router";
import { Layout } from "./Layout";
import { PageHeader } from "./Status";
import { renderWithApi } from "../test/render";

describe("the shell", () => {
  it("offers a skip link first, and each page names the tab and shows breadcrumbs", async () => {
    renderWithApi(
      <Routes>
        <Route element={<Layout />}>
          <Route path="/droplets/x" element={<PageHeader title="Droplet web-1" crumbs={[{ to: "/droplets", label: "Droplets" }]} />} />
        </Route>
      </Routes>,
      { path: "*", route: "/droplets/x" },
    );
    await userEvent.tab();
    const skip = screen.getByRole("link", { name: "Skip to content" });
    expect(skip).toHaveFocus();
    expect(skip).toHaveAttribute("href", "#main");
    expect(document.getElementById("main")).toBeInTheDocument();
    expect(document.title).toBe("Droplet web-1 · ClusterGenie");
    const crumbs = screen.getByRole("navigation", { name: "Breadcrumb" });
    expect(crumbs).toHaveTextContent("Droplets/Droplet web-1");
  });
});
