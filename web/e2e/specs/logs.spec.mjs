// Activity logs as a user sees them: every role's records, filtered by service and level and
// searched by text (kept in the URL); the live tail shows the line of a cluster created over
// the API while the page is open, and pauses; a line's request leads to its audit events and
// those lead back; a LogQL query searches, and one the server refuses is explained inline.
import { eventually, expect } from "../harness.mjs";

/** What the lines shown say about themselves. */
const linesOf = (page) =>
  page
    .getByRole("list", { name: "Log lines" })
    .getByTestId("log-line")
    .evaluateAll((lis) =>
      lis.map((li) => ({
        id: Number(li.getAttribute("data-id")),
        level: li.getAttribute("data-level"),
        service: li.getAttribute("data-service"),
        message: li.querySelector('[data-testid="log-message"]').textContent,
      })),
    );

const createCluster = async (server, name) =>
  (await server.gql(`mutation($name: String!) { createCluster(input: {name: $name, region: "fra1"}) { cluster { id } } }`, { name })).createCluster.cluster.id;

export default async function logs(t) {
  // A cluster (an api line), and a droplet whose image never boots: the worker warns at each
  // failed attempt (and errs when it gives up).
  const seeded = await createCluster(t.server, "e2e-logs");
  await t.server.gql(`mutation { createDroplet(input: {name: "bad-1", region: "fra1", size: "s-1vcpu-1gb", image: "broken-boot-x64"}) { droplet { id } } }`);
  await eventually("the worker's warning in the log", async () => {
    const { logs } = await t.server.gql(`{ logs(filter: {services: ["worker"], minLevel: WARN}) { nodes { id } } }`);
    return logs.nodes.length > 0;
  });
  const page = await t.newPage();
  const list = page.getByRole("list", { name: "Log lines" });

  await t.step("the log shows every role's lines, newest first, filtered by service and level", async () => {
    await page.goto(t.baseUrl + "/logs");
    await page.getByRole("heading", { name: "Logs", level: 1 }).waitFor();
    await list.getByText(`createCluster: ClusterCreated on Cluster ${seeded}`).waitFor();
    const all = await linesOf(page);
    expect(new Set(all.map((l) => l.service)).size >= 3, `lines of several services: ${[...new Set(all.map((l) => l.service))]}`);
    expect(all.every((l, i) => i === 0 || all[i - 1].id > l.id), "newest first");
    await t.shot(page, "all");

    await page.getByTestId("service-picker").getByText("worker", { exact: true }).click();
    await page.waitForURL(/services=worker/);
    await eventually("only worker lines", async () => {
      const shown = await linesOf(page);
      return shown.length > 0 && shown.every((l) => l.service === "worker");
    });
    await page.getByLabel("Level").selectOption("WARN");
    await page.waitForURL(/minLevel=WARN/);
    await eventually("only the worker's warnings and errors", async () => {
      const shown = await linesOf(page);
      return shown.length > 0 && shown.every((l) => l.service === "worker" && (l.level === "WARN" || l.level === "ERROR"));
    });
    const warning = list.locator('[data-level="WARN"]').first();
    await warning.getByText(/job attempt failed, to be retried: image broken-boot-x64 failed to boot/).waitFor();
    expect((await warning.getByTestId("log-level").evaluate((el) => getComputedStyle(el).backgroundColor)) !== "rgba(0, 0, 0, 0)", "the level badge is coloured");
    // Expanded, the line has its fields; its job and droplet link to their pages.
    await warning.getByTestId("log-message").click();
    const details = warning.getByTestId("log-details");
    await details.getByText("command::worker::runner").waitFor();
    await details.getByRole("link", { name: "job page" }).first().waitFor();
    await details.getByRole("link", { name: "droplet page" }).first().waitFor();
    await t.shot(page, "worker-warnings");
    // Reloaded, the page keeps the filters (they are in the URL).
    await page.reload();
    expect(await page.getByRole("checkbox", { name: "worker" }).isChecked(), "worker is still chosen");
    expect((await page.getByLabel("Level").inputValue()) === "WARN", "the level is still WARN");
  });

  await t.step("text search finds the lines whose message contains it", async () => {
    await page.goto(t.baseUrl + "/logs");
    await list.getByTestId("log-line").first().waitFor();
    await page.getByLabel("Message contains").fill("clustercreated");
    await page.waitForURL(/text=clustercreated/);
    await eventually("only lines about created clusters", async () => {
      const shown = await linesOf(page);
      return shown.length === 1 && /ClusterCreated on Cluster/.test(shown[0].message);
    });
    await t.shot(page, "text");
  });

  let liveId;
  await t.step("the live tail shows the line of a cluster created meanwhile, and pauses", async () => {
    await page.goto(t.baseUrl + "/logs?services=api&text=ClusterCreated");
    await list.getByTestId("log-line").first().waitFor();
    await page.getByRole("button", { name: "Live tail", exact: true }).click();
    await page.getByText("Following live").waitFor();
    await page.waitForURL(/live=1/);
    liveId = await createCluster(t.server, "e2e-live");
    const line = list.getByTestId("log-line").filter({ hasText: `createCluster: ClusterCreated on Cluster ${liveId}` });
    await line.waitFor();
    expect((await linesOf(page))[0].message.includes(liveId), "the new line is on top");
    expect((await line.getAttribute("data-service")) === "api", "an api line");
    await t.shot(page, "live");

    await page.getByRole("button", { name: "Pause", exact: true }).click();
    await page.getByText("Paused", { exact: true }).waitFor();
    const paused = await createCluster(t.server, "e2e-paused");
    await page.getByTestId("pending").getByText("1 new line").waitFor();
    expect((await list.getByText(paused).count()) === 0, "a paused tail shows no new line");
    await t.shot(page, "paused");
    await page.getByRole("button", { name: "Resume", exact: true }).click();
    await list.getByText(`ClusterCreated on Cluster ${paused}`).waitFor();
    await page.getByText("Following live").waitFor();
  });

  await t.step("a line's request leads to its audit events, and they lead back", async () => {
    const line = list.getByTestId("log-line").filter({ hasText: `ClusterCreated on Cluster ${liveId}` });
    await line.getByTestId("log-message").click();
    // The line's correlation id, as its details show it, is the one the server stored.
    const correlationId = (await line.getByTestId("log-details").getByTitle("Show only the records of this request").innerText()).trim();
    const { logs: stored } = await t.server.gql(`query($id: String!) { logs(filter: {resourceId: $id, text: "ClusterCreated"}) { nodes { correlationId } } }`, { id: liveId });
    expect(correlationId && correlationId === stored.nodes[0].correlationId, `the line's correlation id ${correlationId} is the stored one`);
    await t.shot(page, "expanded");
    await line.getByRole("link", { name: "Audit events" }).click();
    await page.waitForURL(new RegExp(`/audit\\?correlationId=${correlationId}`));
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    expect((await page.getByLabel("Correlation id").inputValue()) === correlationId, "the audit page shows the correlation id filter");
    const events = page.getByRole("list", { name: "Events" });
    await events.locator('[data-event-type="ClusterCreated"]').getByText("created cluster e2e-live").waitFor();
    expect((await events.getByTestId("event").count()) === 1, "only the request's event");
    await t.shot(page, "audit");

    await events.locator('[data-event-type="ClusterCreated"] summary').click();
    await events.getByRole("link", { name: "Logs", exact: true }).click();
    await page.waitForURL(new RegExp(`/logs\\?correlationId=${correlationId}`));
    await page.getByRole("heading", { name: "Logs", level: 1 }).waitFor();
    expect((await page.getByLabel("Correlation id").inputValue()) === correlationId, "the logs page shows the correlation id filter");
    await list.getByText(`createCluster: ClusterCreated on Cluster ${liveId}`).waitFor();
    await list.getByText("mutation createCluster ok").waitFor();
    const { logs } = await t.server.gql(`query($c: String!) { logs(filter: {correlationId: $c}) { nodes { id } } }`, { c: correlationId });
    const shown = await linesOf(page);
    expect(JSON.stringify(shown.map((l) => l.id)) === JSON.stringify(logs.nodes.map((n) => Number(n.id))), `shown ${shown.map((l) => l.id)}, the server has ${logs.nodes.map((n) => n.id)}`);
    await t.shot(page, "of-request");
  });

  await t.step("a LogQL query searches; one the server refuses is explained inline", async () => {
    await page.goto(t.baseUrl + "/logs");
    await list.getByTestId("log-line").first().waitFor();
    await page.getByText("LogQL", { exact: true }).click();
    const box = page.getByRole("textbox", { name: "LogQL query" });
    await box.fill('{service="api"} |= "clustercreated"');
    await box.press("Enter");
    await page.waitForURL(/mode=logql&query=/);
    await eventually("only the api's lines about created clusters", async () => {
      const shown = await linesOf(page);
      return shown.length === 3 && shown.every((l) => l.service === "api" && /ClusterCreated on Cluster/.test(l.message));
    });
    await t.shot(page, "logql");
    await page.problems.during([/BAD_USER_INPUT in Logs: query:/], async () => {
      await box.fill('{service="api"');
      await box.press("Enter");
      await page.getByTestId("logql-error").getByText(/^query: .* at column \d+/).waitFor();
    });
    expect((await box.getAttribute("aria-invalid")) === "true", "the box is marked invalid");
    expect((await page.getByRole("list", { name: "Log lines" }).count()) === 0, "no lines under a refused query");
    await t.shot(page, "logql-error");
  });

  await t.step("on a phone the lines wrap within the screen", async () => {
    const phone = await t.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(t.baseUrl + "/logs?services=worker&minLevel=WARN");
    await phone.getByRole("list", { name: "Log lines" }).getByTestId("log-line").first().waitFor();
    await phone.getByRole("list", { name: "Log lines" }).getByTestId("log-message").first().click();
    await phone.getByTestId("log-details").waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    await t.shot(phone, "phone");
    await phone.context().close();
  });
}
