// The empty console connects live; a cluster is created from the form; a name the server
// refuses is shown on the name field.
import { expect } from "../harness.mjs";

export default async function clusters(t) {
  const page = await t.newPage();
  const nav = (name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });

  await t.step("overview loads empty and connects live", async () => {
    await page.goto(t.baseUrl + "/");
    await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    await page.getByTestId("connection").getByText("Live").waitFor();
    await page.getByText("No job is running.").waitFor();
    for (const stat of ["stat-running", "stat-stopped"]) await page.getByTestId(stat).getByText(/^0$/).waitFor();
    await t.shot(page, "01-overview-empty");
  });

  await t.step("create a cluster", async () => {
    await nav("Clusters").click();
    await page.getByText("No clusters yet").waitFor();
    await page.getByRole("button", { name: "New cluster" }).click();
    const form = page.getByRole("form", { name: "Create cluster" });
    await form.getByLabel("Name").fill("e2e-prod");
    await form.getByLabel("Region").selectOption("fra1");
    await form.getByLabel("Labels").fill("team=ops");
    await form.getByRole("button", { name: "Create cluster" }).click();
    await page.getByRole("link", { name: "e2e-prod" }).waitFor();
    await page.getByTestId("toast").getByText("Cluster e2e-prod created").waitFor();
    const row = page.locator('[data-testid="cluster-row-e2e-prod"][data-highlight]');
    await row.waitFor();
    const cells = await row.getByRole("cell").allInnerTexts();
    expect(cells.includes("fra1") && cells.includes("ACTIVE") && cells.includes("team=ops"), `the new row reads ${JSON.stringify(cells)}`);
    expect((await form.count()) === 0, "the form stayed open after creating");
    await t.shot(page, "02-clusters");
  });

  await t.step("a duplicate cluster name is refused on the name field", async () => {
    await page.getByRole("button", { name: "New cluster" }).click();
    const form = page.getByRole("form", { name: "Create cluster" });
    const name = form.getByLabel("Name");
    await name.fill("e2e-prod");
    // The refusal is the point here: a CONFLICT answer is expected, and only for this request.
    await page.problems.during([/^CONFLICT in CreateCluster:/], async () => {
      await form.getByRole("button", { name: "Create cluster" }).click();
      await form.getByText("A cluster named e2e-prod exists already; pick another name.").waitFor();
    });
    expect((await name.getAttribute("aria-invalid")) === "true", "the name field is not marked invalid");
    expect(await name.evaluate((el) => el === document.activeElement), "focus did not move to the name field");
    const border = await name.evaluate((el) => getComputedStyle(el).borderTopColor);
    const normal = await form.getByLabel("Labels").evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(border !== normal, `the refused name has the normal border (${border})`);
    await form.getByText("Details").click();
    await form.getByTestId("error-code").getByText("CONFLICT").waitFor();
    await t.shot(page, "03-cluster-conflict");
    await page.getByRole("button", { name: "Close form" }).click();
    expect((await page.getByTestId(/^cluster-row-/).count()) === 1, "the refused cluster appeared in the list");
  });
}
