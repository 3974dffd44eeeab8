// End-to-end test of the console against the real server: create a cluster and a droplet,
// watch provisioning finish live, find the events in the audit log, see a refused name on its
// field. Screenshots of every page, light and dark, desktop and phone width, go to
// e2e/artifacts/ (git-ignored).
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
    await page.getByTestId("toast").getByText("Cluster e2e-prod created").waitFor();
    await page.locator('[data-testid="cluster-row-e2e-prod"][data-highlight]').waitFor();
    if (await form.count()) throw new Error("the form stayed open after creating");
    await shot("02-clusters");
  });

  await step("a duplicate cluster name is refused on the name field", async () => {
    await page.getByRole("button", { name: "New cluster" }).click();
    const form = page.getByRole("form", { name: "Create cluster" });
    const name = form.getByLabel("Name");
    await name.fill("e2e-prod");
    await form.getByRole("button", { name: "Create cluster" }).click();
    await form.getByText("A cluster named e2e-prod exists already; pick another name.").waitFor();
    if ((await name.getAttribute("aria-invalid")) !== "true") throw new Error("the name field is not marked invalid");
    if (!(await name.evaluate((el) => el === document.activeElement))) throw new Error("focus did not move to the name field");
    const border = await name.evaluate((el) => getComputedStyle(el).borderTopColor);
    const normal = await form.getByLabel("Labels").evaluate((el) => getComputedStyle(el).borderTopColor);
    if (border === normal) throw new Error(`the refused name has the normal border (${border})`);
    await form.getByText("Details").click();
    await form.getByTestId("error-code").getByText("CONFLICT").waitFor();
    await shot("03-cluster-conflict");
    await page.getByRole("button", { name: "Close form" }).click();
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

  await step("a duplicate droplet name is refused on the name field", async () => {
    await page.getByRole("button", { name: "New droplet" }).click();
    const form = page.getByRole("form", { name: "Create droplet" });
    await form.getByLabel("Name").fill("web-1");
    await form.getByRole("button", { name: "Create droplet" }).click();
    await form.getByText("A live droplet named web-1 exists already; pick another name.").waitFor();
    await page.getByRole("button", { name: "Close form" }).click();
  });

  await step("droplet detail shows status, IP and its job", async () => {
    await page.getByRole("link", { name: "web-1" }).click();
    await page.getByTestId("droplet-status").getByText("RUNNING").waitFor();
    const ip = (await page.getByTestId("droplet-ip").textContent())?.trim();
    if (!ip || ip === "—") throw new Error(`no IP shown (${ip})`);
    await page.getByRole("link", { name: "Provision", exact: true }).waitFor();
    await shot("06-droplet-detail");
  });

  await step("job detail shows the stage timeline", async () => {
    await page.getByRole("link", { name: "Provision", exact: true }).click();
    await page.getByRole("heading", { name: "Provision web-1" }).waitFor();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    await page.getByText("COMPLETED").first().waitFor();
    await shot("07-job-detail");
    await nav("Jobs").click();
    await page.getByRole("heading", { name: "Jobs" }).waitFor();
    await shot("08-jobs");
  });

  await step("a cluster with live droplets says up front that it cannot be deleted, and why", async () => {
    await nav("Clusters").click();
    await page.getByRole("link", { name: "e2e-prod" }).click();
    await page.getByTestId("droplet-row-web-1").waitFor();
    const blocked = page.getByTestId("delete-blocked");
    await blocked.getByText("It still has 1 live droplet; destroy it first.", { exact: false }).waitFor();
    await blocked.getByRole("link", { name: "web-1" }).waitFor();
    if (!(await page.getByRole("button", { name: "Delete cluster" }).isDisabled())) throw new Error("Delete cluster is enabled");
    await shot("09-cluster-detail-refused");
  });

  await step("power off asks first, then the droplet stops", async () => {
    await page.getByTestId("droplet-row-web-1").getByRole("link", { name: "web-1" }).click();
    await page.getByRole("button", { name: "Power off" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("anything running on it is interrupted", { exact: false }).waitFor();
    await dialog.getByRole("button", { name: "Power off" }).click();
    await page.getByTestId("toast").getByText("Powering off web-1").waitFor();
    await page.getByTestId("droplet-status").getByText("STOPPED").waitFor();
    await page.getByRole("button", { name: "Power on" }).waitFor();
    // The console reads "Powering off…" from the job's JobQueued params: check that contract.
    const r = await fetch(`${env.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `{ events(last: 1, filter: {aggregateType: Job, eventType: "JobQueued"}) { nodes { payload } } }` }),
    });
    const params = (await r.json()).data.events.nodes[0].payload.params;
    if (params?.Power?.on !== false) throw new Error(`a power-off job's params are ${JSON.stringify(params)}`);
  });

  await step("resize warns of the reboot and shows the price; destroy wants the name", async () => {
    await page.getByLabel("Resize to").selectOption({ index: 1 });
    await page.getByRole("button", { name: "Resize", exact: true }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("it reboots").waitFor();
    await dialog.getByTestId("new-price").getByText(/^\$\d+(\.\d+)?\/mo$/).waitFor();
    await shot("09b-resize-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("button", { name: "Destroy" }).click();
    await dialog.getByText("This cannot be undone.").waitFor();
    if (!(await dialog.getByRole("button", { name: "Destroy droplet" }).isDisabled())) throw new Error("destroy is enabled before the name is typed");
    await dialog.getByLabel(/to confirm/).fill("web-1");
    await shot("09c-destroy-confirm");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await page.getByRole("heading", { name: "Droplet web-1" }).waitFor();
  });

  await step("the audit log has the events with their actors", async () => {
    await nav("Audit").click();
    const events = page.getByRole("list", { name: "Events" });
    await events.locator('[data-event-type="ClusterCreated"]').getByTestId("event-actor").getByText("anonymous").waitFor();
    await events.locator('[data-event-type="DropletCreated"]').getByTestId("event-actor").getByText("anonymous").waitFor();
    await events.getByTestId("event-actor").getByText("system:worker").first().waitFor();
    // Newest first: the first row is the newest event, and it reads as a sentence with names.
    const shown = await events.getByTestId("event").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-position"))));
    if (shown[0] !== Math.max(...shown)) throw new Error(`newest first starts at #${shown[0]}, not #${Math.max(...shown)}`);
    await events.locator('[data-event-type="DropletPoweredOff"]').getByText("powered off web-1").waitFor();
    if (await events.locator('[data-event-type="JobProgressed"]').count()) throw new Error("progress events are shown by default");
    await events.locator('[data-event-type="DropletCreated"] summary').click();
    await events.locator('[data-event-type="DropletCreated"]').getByText('"web-1"').first().waitFor();
    await shot("10-audit");
  });

  await step("the audit log filters by type and follows new events live", async () => {
    await page.getByLabel("Event type").selectOption("DropletCreated");
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
    await events.locator('[data-event-type="DropletCreated"]').first().getByText("created droplet api-1").waitFor();
    await page.getByLabel("Event type").selectOption("");
  });

  await step("after the server restarts, the audit tail reconnects and misses nothing", async () => {
    const events = page.getByRole("list", { name: "Events" });
    await page.getByText("Following live").waitFor();
    const before = await events.getByTestId("event").count();
    await env.stopServer();
    // While it is down: a banner says the data may be stale, and the list stays.
    await page.getByTestId("connection-lost").getByText("Connection lost — data may be stale.").waitFor();
    if ((await events.getByTestId("event").count()) !== before) throw new Error("the list changed while offline");
    await shot("11-audit-offline");
    await env.startServer();
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
    const positions = await events.getByTestId("event").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-position")));
    if (new Set(positions).size !== positions.length) throw new Error(`duplicate events: ${positions.join(",")}`);
    if (positions.length <= before) throw new Error("no new events after the restart");
    if (!(await page.evaluate(() => (window).__e2eNoReload === true))) throw new Error("the page reloaded");
    await shot("11-audit-after-restart");
  });

  await step("history shows the droplet's state as of each event", async () => {
    await page.goto(baseUrl + "/droplets?name=web-1");
    await page.getByRole("link", { name: "web-1" }).click();
    await page.getByRole("link", { name: "History" }).click();
    await page.getByRole("heading", { name: "History of droplet web-1" }).waitFor();
    await page.getByText(/State as of event \d+ of \d+/).waitFor();
    await page.getByText('"RUNNING"').first().waitFor();
    const slider = page.getByLabel(/State as of event/);
    await slider.focus();
    await page.keyboard.press("Home");
    await page.getByText(/State as of event 1 of/).waitFor();
    await page.getByText('"PROVISIONING"').first().waitFor();
    await page.getByTestId("chosen-version").getByText("created droplet web-1").waitFor();
    await page.keyboard.press("ArrowRight");
    await page.getByText(/State as of event 2 of/).waitFor();
    await page.getByRole("table", { name: "Changes" }).waitFor();
    await shot("12-history");
  });

  await step("overview shows counts and the latest activity", async () => {
    await nav("Overview").click();
    await page.getByRole("list", { name: "Latest activity" }).locator('[data-event-type="DropletCreated"]').first().waitFor();
    // web-1 was powered off; api-1 may still be provisioning after the restart.
    await page.getByTestId("stat-stopped").getByText(/^1$/).waitFor();
    await shot("13-overview");
  });

  await step("every page in light and dark mode, desktop and phone, fits its screen", async () => {
    const gql = async (query) => {
      const r = await fetch(`${env.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query }),
      });
      return (await r.json()).data;
    };
    const ids = await gql(`{ droplets(first: 1, filter: {name: "web-1"}) { nodes { id job { id } } } clusters(first: 1, filter: {name: "e2e-prod"}) { nodes { id } } }`);
    const droplet = ids.droplets.nodes[0];
    const cluster = ids.clusters.nodes[0].id;
    const pages = [
      ["overview", "/"],
      ["clusters", "/clusters"],
      ["cluster", `/clusters/${cluster}`],
      ["droplets", "/droplets"],
      ["droplet", `/droplets/${droplet.id}`],
      ["jobs", "/jobs"],
      ["job", `/jobs/${droplet.job.id}`],
      ["audit", "/audit"],
      ["history", `/audit/Droplet/${droplet.id}`],
      ["not-found", "/no-such-page"],
    ];
    for (const scheme of ["light", "dark"]) {
      for (const [device, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
        const ctx = await browser.newContext({ viewport, colorScheme: scheme, isMobile: device === "phone" });
        ctx.setDefaultTimeout(TIMEOUT);
        const p = await ctx.newPage();
        for (const [name, route] of pages) {
          await p.goto(baseUrl + route);
          await p.getByTestId("connection").getByText("Live").waitFor();
          await p.getByRole("heading", { level: 1 }).waitFor();
          await p.waitForFunction(() => !/Loading [a-z]+…/.test(document.body.innerText));
          const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          if (overflow > 1) throw new Error(`${route} is ${overflow}px wider than the ${device} screen (${scheme})`);
          await shot(`20-${name}-${device}-${scheme}`, p);
        }
        await ctx.close();
      }
    }
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
