// A diagnosis as an operator runs it: a cluster with a droplet that never boots (FAILED), one
// on an end-of-life image and one powered off; Diagnose on the cluster page (all checks, a
// question) opens the diagnosis, which runs live and completes with a report; its findings
// carry severity badges and evidence links that land on the cited job and event; applying the
// stopped droplet's recommendation starts the POWER job, and the finding says Applied with a
// link to it; the cluster page and the Diagnoses list have the diagnosis.
import { eventually, expect } from "../harness.mjs";

// Retries of the droplet that never boots come quickly, so it is FAILED within seconds.
export const env = { CLUSTERGENIE_JOB_RETRY_BACKOFF_SECONDS: "0.2" };

const dropletStatus = async (server, id) => (await server.gql(`query($id: ID!) { droplet(id: $id) { status } }`, { id })).droplet?.status;

export default async function diagnosis(t) {
  const { createCluster } = await t.server.gql(`mutation { createCluster(input: {name: "shop", region: "fra1"}) { cluster { id } } }`);
  const clusterId = createCluster.cluster.id;
  const ids = {};
  for (const [name, image] of [["web-1", "debian-12-x64"], ["old-1", "fedora-40-x64"], ["bad-1", "broken-boot-x64"]]) {
    const { createDroplet } = await t.server.gql(
      `mutation($c: ID!, $n: String!, $i: String!) { createDroplet(input: {name: $n, region: "fra1", size: "s-1vcpu-1gb", image: $i, clusterId: $c}) { droplet { id } } }`,
      { c: clusterId, n: name, i: image },
    );
    ids[name] = createDroplet.droplet.id;
  }
  await eventually("web-1 and old-1 RUNNING, bad-1 FAILED", async () => {
    const [a, b, c] = await Promise.all([dropletStatus(t.server, ids["web-1"]), dropletStatus(t.server, ids["old-1"]), dropletStatus(t.server, ids["bad-1"])]);
    return a === "RUNNING" && b === "RUNNING" && c === "FAILED";
  }, 60_000);
  await t.server.gql(`mutation($id: ID!) { powerDroplet(id: $id, on: false) { position } }`, { id: ids["web-1"] });
  await eventually("web-1 STOPPED", async () => (await dropletStatus(t.server, ids["web-1"])) === "STOPPED");

  const page = await t.newPage();
  let diagnosisUrl = "";

  await t.step("Diagnose on the cluster page asks with every check and a question, and opens the diagnosis", async () => {
    await page.goto(`${t.baseUrl}/clusters/${clusterId}`);
    await page.getByRole("heading", { name: "Cluster shop", level: 1 }).waitFor();
    await page.getByTestId("recent-diagnoses").getByText("No diagnoses yet.").waitFor();
    await page.getByRole("button", { name: "Diagnose", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Diagnose cluster shop" });
    const boxes = dialog.getByRole("checkbox");
    expect((await boxes.count()) === 5, "five checks offered");
    for (let i = 0; i < 5; i++) expect(await boxes.nth(i).isChecked(), `check ${i} is chosen by default`);
    await dialog.getByLabel(/Question/).fill("Why does the shop serve nothing from bad-1?");
    await t.shot(page, "01-diagnose-form");
    await dialog.getByRole("button", { name: "Run diagnosis" }).click();
    await page.waitForURL(/\/diagnoses\/[0-9a-f-]{36}$/);
    diagnosisUrl = page.url();
    await page.getByRole("heading", { name: "Diagnosis of cluster shop", level: 1 }).waitFor();
    await page.getByTestId("diagnosis-question").getByText("Why does the shop serve nothing from bad-1?").waitFor();
  });

  await t.step("it completes live with a report: severity badges, worst first, check results", async () => {
    await page.getByTestId("diagnosis-status").getByText("COMPLETED").waitFor();
    await page.getByTestId("report-backend").getByText("Built-in analysis").waitFor();
    const findings = page.getByRole("list", { name: "Findings" }).getByTestId("finding");
    await findings.first().waitFor();
    const severities = await findings.getByTestId("severity").allInnerTexts();
    expect(severities[0] === "CRITICAL", `the worst finding comes first: ${severities}`);
    const rank = { CRITICAL: 0, WARNING: 1, INFO: 2 };
    expect(severities.every((s, i) => i === 0 || rank[severities[i - 1]] <= rank[s]), `findings worst first: ${severities}`);
    for (const title of ["droplet bad-1 is FAILED", "droplet old-1 runs Fedora 40, past its end of life", "droplet web-1 is STOPPED"]) {
      await findings.filter({ hasText: title }).first().waitFor();
    }
    await page.getByRole("list", { name: "Check results" }).getByTestId("check-RELIABILITY").getByTestId("check-status").getByText("FAIL").waitFor();
    await t.shot(page, "02-diagnosis-report");
  });

  await t.step("evidence links land on the cited job and on the event in the droplet's history", async () => {
    const failed = page.getByTestId("finding").filter({ hasText: "droplet bad-1 is FAILED" }).first();
    await failed.getByTestId("evidence-link").first().click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: "Provision bad-1", level: 1 }).waitFor();
    await page.getByTestId("job-error").waitFor();
    await page.goBack();
    const stopped = page.getByTestId("finding").filter({ hasText: "droplet web-1 is STOPPED" }).first();
    const event = stopped.getByTestId("evidence-link").filter({ hasText: /DropletPoweredOff #\d+/ });
    await event.waitFor();
    const position = (await event.innerText()).match(/#(\d+)/)[1];
    await event.click();
    await page.waitForURL(new RegExp(`/audit/Droplet/${ids["web-1"]}\\?position=${position}$`));
    await page.getByRole("heading", { name: "History of droplet web-1", level: 1 }).waitFor();
    await page.getByText("What this event changed").waitFor();
    await t.shot(page, "03-evidence-event");
    await page.goto(diagnosisUrl);
  });

  await t.step("the cluster page and the Diagnoses list have the diagnosis", async () => {
    await page.goto(`${t.baseUrl}/clusters/${clusterId}`);
    const recent = page.getByTestId("recent-diagnoses");
    await recent.getByTestId("status").filter({ visible: true }).getByText("COMPLETED").waitFor();
    await recent.getByTestId("finding-summary").getByText("CRITICAL").waitFor();
    await t.shot(page, "05-cluster-recent-diagnoses");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Diagnoses", exact: true }).click();
    await page.getByRole("heading", { name: "Diagnoses", level: 1 }).waitFor();
    const rows = page.getByTestId(/^diagnosis-row-/);
    await rows.first().getByRole("link", { name: "shop" }).waitFor();
    await page.getByLabel("Status").selectOption("FAILED");
    await page.getByText("No diagnoses match.").waitFor();
    await page.getByLabel("Status").selectOption("COMPLETED");
    await rows.first().waitFor();
    await t.shot(page, "06-diagnoses-list");
    await rows.first().getByRole("link").first().click();
    await page.waitForURL(diagnosisUrl);
  });

  await t.step("a metric window's link opens the droplet's chart at that window, until back to live", async () => {
    // As a METRIC_WINDOW evidence link reads (sustained CPU needs minutes of load to be found).
    const to = new Date(Math.floor(Date.now() / 1000) * 1000);
    const from = new Date(to.getTime() - 30 * 60_000);
    const query = new URLSearchParams({ metric: "CPU", from: from.toISOString().replace(".000", ""), to: to.toISOString().replace(".000", "") });
    await page.goto(`${t.baseUrl}/droplets/${ids["old-1"]}?${query}#metrics`);
    const banner = page.getByTestId("cited-window");
    await banner.getByText(/Showing CPU from .* the window a diagnosis cited/).waitFor();
    await page.getByTestId("cited-chart").getByText("CPU, memory and disk", { exact: true }).waitFor();
    expect(!(await page.getByRole("group", { name: "Metrics time range" }).getByRole("radio", { name: "1 hour" }).isChecked()), "no range is chosen while a window is shown");
    await t.shot(page, "07-cited-metric-window");
    await banner.getByRole("button", { name: "Back to live" }).click();
    await page.waitForURL((u) => !u.search.includes("from="));
    // The live range is drawn after the URL changes; wait for it rather than reading it once.
    await page.getByRole("group", { name: "Metrics time range" }).getByRole("radio", { name: "1 hour", checked: true }).waitFor();
  });

  await t.step("a droplet's page offers Diagnose too", async () => {
    await page.goto(`${t.baseUrl}/droplets/${ids["old-1"]}`);
    await page.getByRole("heading", { name: "Droplet old-1", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Diagnose", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: "Diagnose droplet old-1" });
    await dialog.getByRole("button", { name: "Run diagnosis" }).click();
    await page.getByRole("heading", { name: "Diagnosis of droplet old-1", level: 1 }).waitFor();
    await page.getByTestId("diagnosis-status").getByText("COMPLETED").waitFor();
    await page.getByTestId("finding").filter({ hasText: "past its end of life" }).getByTestId("severity").getByText("WARNING").waitFor();
  });

  await t.step("Apply on the stopped droplet's finding starts the POWER job and shows Applied", async () => {
    await page.goto(diagnosisUrl);
    const stopped = page.getByTestId("finding").filter({ hasText: "droplet web-1 is STOPPED" }).first();
    await stopped.getByRole("button", { name: /^Apply/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText(/Power on web-1/).first().waitFor();
    await dialog.getByRole("button", { name: "Apply" }).click();
    const applied = stopped.getByTestId("applied");
    await applied.waitFor();
    await t.shot(page, "04-recommendation-applied");
    await applied.getByRole("link").click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: "Power web-1", level: 1 }).waitFor();
    await eventually("web-1 RUNNING again", async () => (await dropletStatus(t.server, ids["web-1"])) === "RUNNING");
    // Applied survives a reload: the finding id is in the diagnosis' appliedFindings.
    await page.goto(diagnosisUrl);
    await page.getByTestId("finding").filter({ hasText: "droplet web-1 is STOPPED" }).first().getByTestId("applied").waitFor();
  });
}
