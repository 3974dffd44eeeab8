// A droplet created from the form provisions live without a reload; its detail and job pages;
// a cluster with live droplets refuses deletion up front; power off, resize and destroy ask first.
import { SEED, TIMEOUT, expect } from "../harness.mjs";

export default async function droplets(t) {
  await t.server.gql(`mutation { createCluster(input: {name: "${SEED.cluster}", region: "${SEED.region}"}) { position } }`);
  const page = await t.newPage();
  const nav = (name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });

  await t.step("create a droplet and watch it provision without a reload", async () => {
    await page.goto(t.baseUrl + "/droplets");
    await page.getByText("No droplets match").waitFor();
    await page.evaluate(() => (window.__e2eNoReload = true));
    await page.getByRole("button", { name: "New droplet" }).click();
    const form = page.getByRole("form", { name: "Create droplet" });
    await form.getByLabel("Name").fill("web-1");
    await form.getByLabel("Cluster").selectOption({ label: "e2e-prod (fra1)" });
    expect(await form.getByLabel("Region").isDisabled(), "the region is choosable although the cluster fixes it");
    await form.getByLabel("Size").selectOption(SEED.size);
    await form.getByRole("button", { name: "Create droplet" }).click();
    const row = page.getByTestId("droplet-row-web-1");
    await row.waitFor();
    await page.getByTestId("toast").getByText("Droplet web-1 created; provisioning started").waitFor();
    await row.getByRole("link", { name: "e2e-prod" }).waitFor();
    const bar = row.getByRole("progressbar");
    await t.shot(page, "04-droplet-provisioning");
    await page.waitForFunction((el) => el?.getAttribute("aria-valuenow") === "100", await bar.elementHandle(), { timeout: TIMEOUT });
    await row.getByTestId("status").getByText("RUNNING").waitFor();
    expect(await page.evaluate(() => window.__e2eNoReload === true), "the page reloaded");
    const ip = await row.getByRole("cell").nth(3).innerText();
    expect(/^\d+\.\d+\.\d+\.\d+$/.test(ip.trim()), `the running droplet's IP cell reads ${ip}`);
    await t.shot(page, "05-droplets-running");
  });

  await t.step("a duplicate droplet name is refused on the name field", async () => {
    await page.getByRole("button", { name: "New droplet" }).click();
    const form = page.getByRole("form", { name: "Create droplet" });
    await form.getByLabel("Name").fill("web-1");
    await page.problems.during([/^CONFLICT in CreateDroplet:/], async () => {
      await form.getByRole("button", { name: "Create droplet" }).click();
      await form.getByText("A live droplet named web-1 exists already; pick another name.").waitFor();
    });
    expect((await form.getByLabel("Name").getAttribute("aria-invalid")) === "true", "the name field is not marked invalid");
    await page.getByRole("button", { name: "Close form" }).click();
  });

  await t.step("droplet detail shows status, IP, size and its job", async () => {
    await page.getByRole("link", { name: "web-1" }).click();
    await page.getByRole("heading", { name: "Droplet web-1", level: 1 }).waitFor();
    await page.getByTestId("droplet-status").getByText("RUNNING").waitFor();
    const ip = (await page.getByTestId("droplet-ip").textContent())?.trim();
    expect(ip && /^\d+\.\d+\.\d+\.\d+$/.test(ip), `no IP shown (${ip})`);
    await page.getByTestId("droplet-size").getByText(/2 vCPU/).waitFor();
    await page.getByRole("link", { name: "Provision", exact: true }).waitFor();
    await t.shot(page, "06-droplet-detail");
  });

  await t.step("job detail shows the stage timeline; the jobs list has the job", async () => {
    await page.getByRole("link", { name: "Provision", exact: true }).click();
    await page.getByRole("heading", { name: "Provision web-1" }).waitFor();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    const timeline = page.getByRole("list").filter({ hasText: "%" }).last();
    const entries = await timeline.getByRole("listitem").allInnerTexts();
    expect(entries.length >= 2 && entries.at(-1).includes("COMPLETED") && entries.at(-1).includes("100%"), `the timeline reads ${JSON.stringify(entries)}`);
    await t.shot(page, "07-job-detail");
    await nav("Jobs").click();
    await page.getByRole("heading", { name: "Jobs", level: 1 }).waitFor();
    const rows = page.getByTestId(/^job-row-/);
    await rows.first().getByText("COMPLETED").waitFor();
    expect((await rows.count()) === 1, `the jobs list has ${await rows.count()} rows, not 1`);
    await rows.first().getByRole("link", { name: "Provision" }).waitFor();
    await t.shot(page, "08-jobs");
  });

  await t.step("a cluster with live droplets says up front that it cannot be deleted, and why", async () => {
    await nav("Clusters").click();
    await page.getByRole("link", { name: "e2e-prod" }).click();
    await page.getByTestId("droplet-row-web-1").waitFor();
    const blocked = page.getByTestId("delete-blocked");
    await blocked.getByText("It still has 1 live droplet; destroy it first.", { exact: false }).waitFor();
    await blocked.getByRole("link", { name: "web-1" }).waitFor();
    expect(await page.getByRole("button", { name: "Delete cluster" }).isDisabled(), "Delete cluster is enabled");
    await t.shot(page, "09-cluster-detail-refused");
  });

  await t.step("power off asks first, then the droplet stops", async () => {
    await page.getByTestId("droplet-row-web-1").getByRole("link", { name: "web-1" }).click();
    await page.getByRole("button", { name: "Power off" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("anything running on it is interrupted", { exact: false }).waitFor();
    await dialog.getByRole("button", { name: "Power off" }).click();
    await page.getByTestId("toast").getByText("Powering off web-1").waitFor();
    await page.getByTestId("droplet-status").getByText("STOPPED").waitFor();
    await page.getByRole("button", { name: "Power on" }).waitFor();
    // The console reads "Powering off…" from the job's JobQueued params: check that contract.
    const data = await t.server.gql(`{ events(last: 1, filter: {aggregateType: Job, eventType: "JobQueued"}) { nodes { payload } } }`);
    const params = data.events.nodes[0].payload.params;
    expect(params?.Power?.on === false, `a power-off job's params are ${JSON.stringify(params)}`);
  });

  await t.step("resize warns of the reboot and shows the price; destroy wants the name", async () => {
    await page.getByLabel("Resize to").selectOption({ index: 1 });
    await page.getByRole("button", { name: "Resize", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("it reboots").waitFor();
    await dialog.getByTestId("new-price").getByText(/^\$\d+(\.\d+)?\/mo$/).waitFor();
    await t.shot(page, "09b-resize-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Destroy" }).click();
    await dialog.getByText("This cannot be undone.").waitFor();
    const destroy = dialog.getByRole("button", { name: "Destroy droplet" });
    expect(await destroy.isDisabled(), "destroy is enabled before the name is typed");
    await dialog.getByLabel(/to confirm/).fill("web-1");
    expect(!(await destroy.isDisabled()), "destroy stays disabled with the name typed");
    await t.shot(page, "09c-destroy-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("heading", { name: "Droplet web-1" }).waitFor();
    await page.getByTestId("droplet-status").getByText("STOPPED").waitFor();
  });
}
