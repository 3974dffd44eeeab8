// End-to-end test of the console against the real server: create a cluster and a droplet,
// watch provisioning finish live, find the events in the audit log, and see a CONFLICT.
// Screenshots of every page go to e2e/artifacts/ (git-ignored).
import path from "node:path";
import { artifacts, start } from "./harness.mjs";

// Generous: jobs take ~2 s here; these only bound a hung run.
const TIMEOUT = 30_000;

const results = [];
let env = null;

async function main() {
  env = await start();
  const { baseUrl, browser } = env;
  console.log(`e2e: server at ${baseUrl}`);
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
  page.on("dialog", (d) => d.accept());
  const nav = (name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
  const shot = (name, p = page) => p.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });

  const step = async (name, fn) => {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`  ok   ${name} (${Date.now() - started} ms)`);
    } catch (e) {
      results.push({ name, ok: false });
      console.log(`  FAIL ${name}: ${e instanceof Error ? e.message : e}`);
      await shot(`failed-${results.length}`).catch(() => {});
      throw e;
    }
  };

  await step("overview loads and connects live", async () => {
    await page.goto(baseUrl + "/");
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByTestId("connection").getByText("Live").waitFor();
    await page.getByText("No job is running.").waitFor();
    await shot("01-overview-empty");
  });

  await step("create a cluster", async () => {
    await nav("Clusters").click();
    await page.getByText("No clusters yet").waitFor();
    await page.getByRole("button", { name: "New cluster" }).click();
    const form = page.getByRole("form", { name: "Create cluster" });
    await form.getByLabel("Name").fill("e2e-prod");
    await form.getByLabel("Region").selectOption("fra1");
    await form.getByLabel("Labels").fill("team=ops");
    await form.getByRole("button", { name: "Create cluster" }).click();
    await page.getByRole("link", { name: "e2e-prod" }).waitFor();
    await shot("02-clusters");
  });

  await step("a duplicate cluster name shows CONFLICT", async () => {
    const form = page.getByRole("form", { name: "Create cluster" });
    await form.getByLabel("Name").fill("e2e-prod");
    await form.getByRole("button", { name: "Create cluster" }).click();
    const alert = form.getByRole("alert");
    await alert.getByText("CONFLICT").waitFor();
    await alert.getByText("A cluster with that name exists already.").waitFor();
    await shot("03-cluster-conflict");
  });

  await step("create a droplet and watch it provision without a reload", async () => {
    await nav("Droplets").click();
    await page.evaluate(() => ((window).__e2eNoReload = true));
    await page.getByRole("button", { name: "New droplet" }).click();
    const form = page.getByRole("form", { name: "Create droplet" });
    await form.getByLabel("Name").fill("web-1");
    await form.getByLabel("Cluster").selectOption({ label: "e2e-prod (fra1)" });
    await form.getByLabel("Size").selectOption("s-2vcpu-4gb");
    await form.getByRole("button", { name: "Create droplet" }).click();
    const row = page.getByTestId("droplet-row-web-1");
    await row.waitFor();
    await shot("04-droplet-provisioning");
    const bar = row.getByRole("progressbar");
    await page.waitForFunction(
      (el) => el?.getAttribute("aria-valuenow") === "100",
      await bar.elementHandle(),
      { timeout: TIMEOUT },
    );
    await row.getByTestId("status").getByText("RUNNING").waitFor();
    if (!(await page.evaluate(() => (window).__e2eNoReload === true))) throw new Error("the page reloaded");
    await shot("05-droplets-running");
  });

  await step("a duplicate droplet name shows CONFLICT", async () => {
    const form = page.getByRole("form", { name: "Create droplet" });
    await form.getByLabel("Name").fill("web-1");
    await form.getByRole("button", { name: "Create droplet" }).click();
    await form.getByRole("alert").getByText("CONFLICT").waitFor();
  });

  await step("droplet detail shows status, IP and its job", async () => {
    await page.getByRole("link", { name: "web-1" }).click();
    await page.getByTestId("droplet-status").getByText("RUNNING").waitFor();
    const ip = (await page.getByTestId("droplet-ip").textContent())?.trim();
    if (!ip || ip === "—") throw new Error(`no IP shown (${ip})`);
    await page.getByRole("link", { name: "PROVISION" }).waitFor();
    await shot("06-droplet-detail");
  });

  await step("job detail shows the stage timeline", async () => {
    await page.getByRole("link", { name: "PROVISION" }).click();
    await page.getByRole("heading", { name: "PROVISION job" }).waitFor();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    await page.getByText("COMPLETED").first().waitFor();
    await shot("07-job-detail");
    await nav("Jobs").click();
    await page.getByRole("heading", { name: "Jobs" }).waitFor();
    await shot("08-jobs");
  });

  await step("deleting a cluster with droplets is refused and explained", async () => {
    await nav("Clusters").click();
    await page.getByRole("link", { name: "e2e-prod" }).click();
    await page.getByTestId("droplet-row-web-1").waitFor();
    await page.getByRole("button", { name: "Delete cluster" }).click();
    const alert = page.getByRole("alert");
    await alert.getByText("FAILED_PRECONDITION").waitFor();
    await alert.getByText("The cluster still has 1 live droplet; destroy it first.").waitFor();
    await shot("09-cluster-detail-refused");
  });

  await step("the audit log has the events with their actors", async () => {
    await nav("Audit").click();
    const events = page.getByRole("list", { name: "Events" });
    await events.locator('[data-event-type="ClusterCreated"]').getByTestId("event-actor").getByText("anonymous").waitFor();
    await events.locator('[data-event-type="DropletCreated"]').getByTestId("event-actor").getByText("anonymous").waitFor();
    await events.getByTestId("event-actor").getByText("system:worker").first().waitFor();
    await events.locator('[data-event-type="DropletCreated"] summary').click();
    await events.locator('[data-event-type="DropletCreated"]').getByText('"web-1"').first().waitFor();
    await shot("10-audit");
  });

  await step("the audit log filters by type and follows new events live", async () => {
    await page.getByLabel("Event type").fill("DropletCreated");
    const events = page.getByRole("list", { name: "Events" });
    await page.getByText("1 of 1 events loaded").waitFor();
    await page.getByText("Following live").waitFor();
    // A droplet created elsewhere (over the API) appears without a reload.
    const r = await fetch(`${env.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation { createDroplet(input: {name: "api-1", region: "ams3", size: "s-1vcpu-1gb", image: "debian-12-x64"}) { position } }`,
      }),
    });
    if (!r.ok) throw new Error(`createDroplet over HTTP: ${r.status}`);
    await events.locator('[data-event-type="DropletCreated"]').nth(1).waitFor();
    await page.getByLabel("Event type").fill("");
  });

  await step("after the server restarts, the audit tail reconnects and misses nothing", async () => {
    const events = page.getByRole("list", { name: "Events" });
    await page.getByText("Following live").waitFor();
    const before = await events.getByTestId("event").count();
    await env.restartServer();
    // Created as soon as the server is back, possibly before the page has reconnected:
    // the tail resumes from its last cursor, so the event still arrives, once.
    const r = await fetch(`${env.serverUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation { createCluster(input: {name: "after-restart", region: "lon1"}) { position } }`,
      }),
    });
    if (!r.ok) throw new Error(`createCluster over HTTP: ${r.status}`);
    await page.getByTestId("connection").getByText("Live").waitFor();
    await page.waitForFunction(
      () => [...document.querySelectorAll('[data-event-type="ClusterCreated"]')].length === 2,
      null,
      { timeout: TIMEOUT },
    );
    const positions = await events.getByTestId("event").evaluateAll((rows) => rows.map((r) => r.textContent?.match(/#(\d+)/)?.[1]));
    if (new Set(positions).size !== positions.length) throw new Error(`duplicate events: ${positions.join(",")}`);
    if (positions.length <= before) throw new Error("no new events after the restart");
    if (!(await page.evaluate(() => (window).__e2eNoReload === true))) throw new Error("the page reloaded");
    await shot("11-audit-after-restart");
  });

  await step("history shows the droplet's state as of each event", async () => {
    await page.goto(baseUrl + "/droplets?name=web-1");
    await page.getByRole("link", { name: "web-1" }).click();
    await page.getByRole("link", { name: "History" }).click();
    await page.getByRole("heading", { name: "Droplet history" }).waitFor();
    await page.getByText(/State as of event \d+ of \d+/).waitFor();
    await page.getByText('"RUNNING"').first().waitFor();
    const slider = page.getByLabel(/State as of event/);
    await slider.focus();
    await page.keyboard.press("Home");
    await page.getByText(/State as of event 1 of/).waitFor();
    await page.getByText('"PROVISIONING"').first().waitFor();
    await shot("12-history");
  });

  await step("overview shows counts and the latest activity", async () => {
    await nav("Overview").click();
    await page.getByRole("list", { name: "Latest activity" }).locator('[data-event-type="DropletCreated"]').first().waitFor();
    await page.getByTestId("stat-running").getByText(/^[12]$/).waitFor();
    await shot("13-overview");
  });

  await step("pages fit a phone screen", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const p = await phone.newPage();
    for (const [name, route] of [["overview", "/"], ["droplets", "/droplets"], ["audit", "/audit"]]) {
      await p.goto(baseUrl + route);
      await p.getByRole("heading", { level: 1 }).waitFor();
      await p.waitForLoadState("networkidle").catch(() => {});
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      if (overflow > 1) throw new Error(`${route} is ${overflow}px wider than the phone`);
      await shot(`14-phone-${name}`, p);
    }
    await phone.close();
  });

  if (consoleErrors.length) console.log(`e2e: browser console errors:\n  ${consoleErrors.join("\n  ")}`);
}

let failed = false;
const stopAll = async () => {
  const e = env;
  env = null;
  await e?.stop();
};
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await stopAll();
    process.exit(130);
  });
}
try {
  await main();
} catch (e) {
  failed = true;
  if (!results.some((r) => !r.ok)) console.error(e);
} finally {
  await stopAll();
}
const passed = results.filter((r) => r.ok).length;
const failures = results.length - passed + (failed && results.every((r) => r.ok) ? 1 : 0);
console.log(`e2e: screenshots in ${artifacts}`);
console.log(`${passed} passed, ${failures} failed`);
process.exit(failures > 0 ? 1 : 0);
