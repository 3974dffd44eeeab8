// A health check created from the form against a target this spec serves and switches between
// 200 and 503: it turns HEALTHY, UNHEALTHY and HEALTHY again without a reload, its uptime bar
// shows the failed and the passed runs, and the audit log has its changes of health.
import http from "node:http";
import { eventually, expect } from "../harness.mjs";

/** An HTTP server on 127.0.0.1 whose /health answers `status` (200 until switched). */
async function startTarget() {
  const target = { status: 200, requests: 0 };
  const server = http.createServer((req, res) => {
    target.requests += 1;
    res.writeHead(target.status, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: target.status === 200 ? "UP" : "DOWN" }));
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  target.url = `http://127.0.0.1:${server.address().port}/health`;
  target.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(resolve);
    });
  return target;
}

export default async function health(t) {
  const target = await startTarget();
  try {
    await steps(t, target);
  } finally {
    await target.stop();
  }
}

async function steps(t, target) {
  const page = await t.newPage();
  const nav = (name) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });
  const row = page.getByTestId("check-row-e2e-api");
  const state = page.getByTestId("health-state");
  let checkId = null;

  await t.step("the health page starts empty", async () => {
    await page.goto(t.baseUrl + "/");
    await page.getByTestId("connection").getByText("Live").waitFor();
    await nav("Health").click();
    await page.getByRole("heading", { name: "Health", level: 1 }).waitFor();
    await page.getByText("No health checks yet").waitFor();
  });

  await t.step("a condition the server refuses is shown on the conditions field", async () => {
    await page.getByRole("button", { name: "New health check" }).click();
    const form = page.getByRole("form", { name: "Create health check" });
    await form.getByLabel("Name").fill("e2e-api");
    await form.getByLabel("Kind").selectOption("HTTP");
    await form.getByLabel("Target").fill(target.url);
    await form.getByLabel("Interval (seconds)").fill("1");
    await form.getByLabel("Failure threshold").fill("2");
    await form.getByLabel("Success threshold").fill("2");
    const conditions = form.getByLabel("Conditions");
    await conditions.fill("[STATUS] === 200\n[RESPONSE_TIME] < 500");
    await page.problems.during([/^BAD_USER_INPUT in CreateHealthCheck: conditions:/], async () => {
      await form.getByRole("button", { name: "Create health check" }).click();
      await form.getByText(/^Condition "\[STATUS\] === 200": unknown operator `===`/).waitFor();
    });
    expect((await conditions.getAttribute("aria-invalid")) === "true", "the conditions field is not marked invalid");
    expect(await conditions.evaluate((el) => el === document.activeElement), "focus did not move to the conditions field");
    expect((await form.getByLabel("Name").getAttribute("aria-invalid")) === null, "the name field is marked invalid");
    await t.shot(page, "30-health-refused-condition");
  });

  await t.step("create an HTTP check from the form; it turns HEALTHY", async () => {
    const form = page.getByRole("form", { name: "Create health check" });
    await form.getByLabel("Conditions").fill("[STATUS] == 200\n[RESPONSE_TIME] < 500");
    await form.getByRole("button", { name: "Create health check" }).click();
    await page.getByTestId("toast").getByText("Health check e2e-api created").waitFor();
    expect((await form.count()) === 0, "the form stayed open after creating");
    await row.waitFor();
    await row.getByText("HEALTHY", { exact: true }).waitFor();
    await row.locator('[data-testid="run"][data-success="true"]').first().waitFor();
    const cells = await row.getByRole("cell").allInnerTexts();
    expect(cells.includes("HTTP") && cells.includes(target.url), `the new row reads ${JSON.stringify(cells)}`);
    expect(target.requests > 0, "the target was never asked");
    await t.shot(page, "31-health-list-healthy");
  });

  await t.step("its page turns UNHEALTHY live when the target answers 503", async () => {
    await row.getByRole("link", { name: "e2e-api" }).click();
    await page.getByRole("heading", { name: "Health check e2e-api", level: 1 }).waitFor();
    checkId = page.url().split("/health-checks/")[1];
    await state.getByText("HEALTHY", { exact: true }).waitFor();
    await page.evaluate(() => (window.__e2eNoReload = true));
    target.status = 503;
    await state.getByText("UNHEALTHY", { exact: true }).waitFor();
    // The latest run says which condition failed and what it saw.
    const latest = page.getByRole("table", { name: "Latest runs" }).getByTestId("run-row").first();
    await latest.locator('[data-testid="condition"][data-success="false"]').getByText("actual 503").waitFor();
    expect(await page.evaluate(() => window.__e2eNoReload === true), "the page reloaded");
    await t.shot(page, "32-health-unhealthy");
  });

  await t.step("it recovers when the target answers 200 again; the bar shows both", async () => {
    target.status = 200;
    await state.getByText("HEALTHY", { exact: true }).waitFor();
    const bar = page.getByTestId("uptime-bar");
    // The newest run is on the right and passed; failed runs are still in the bar.
    await bar.locator('[data-testid="run"]').last().and(bar.locator('[data-success="true"]')).waitFor();
    const blocks = await bar.getByTestId("run").evaluateAll((els) => els.map((el) => el.getAttribute("data-success")));
    expect(blocks.includes("true") && blocks.includes("false"), `the bar's blocks are ${blocks.join(",")}`);
    const colours = new Set(await bar.getByTestId("run").evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor)));
    expect(colours.size === 2, `the bar has the colours ${[...colours].join(", ")}`);
    const title = await bar.locator('[data-success="false"]').first().getAttribute("title");
    expect(/HTTP 503/.test(title ?? ""), `a failed block's tooltip reads ${title}`);
    const day = await page.getByTestId("uptime-24h").innerText();
    const share = Number(/(\d+(?:\.\d)?)%/.exec(day)?.[1]);
    expect(share > 0 && share < 100, `the day's uptime reads ${JSON.stringify(day)}`);
    expect(await page.evaluate(() => window.__e2eNoReload === true), "the page reloaded");
    await t.shot(page, "33-health-recovered");
  });

  await t.step("Run now adds a run", async () => {
    await page.getByRole("button", { name: "Run now" }).click();
    await page.getByTestId("toast").getByText(/^Run passed in /).waitFor();
  });

  await t.step("the list's bar shows the failed and the passed runs", async () => {
    await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Health" }).click();
    await row.getByText("HEALTHY", { exact: true }).waitFor();
    // The list's address reaches the console when loaded directly (the server's /health does not).
    await page.reload();
    await page.getByRole("heading", { name: "Health", level: 1 }).waitFor();
    await row.getByText("HEALTHY", { exact: true }).waitFor();
    await row.locator('[data-testid="run"][data-success="false"]').first().waitFor();
    await row.locator('[data-testid="run"][data-success="true"]').first().waitFor();
    await t.shot(page, "34-health-list-recovered");
  });

  await t.step("the audit log has its changes of health", async () => {
    const { events } = await t.server.gql(
      `query($id: ID!) { events(first: 100, filter: {aggregateType: HealthCheck, aggregateId: $id}) { nodes { type payload } } }`,
      { id: checkId },
    );
    const types = events.nodes.map((e) => e.type);
    const unhealthy = types.indexOf("HealthCheckBecameUnhealthy");
    const recovered = types.lastIndexOf("HealthCheckRecovered");
    expect(types[0] === "HealthCheckCreated" && unhealthy > 0 && recovered > unhealthy, `the check's events are ${types.join(", ")}`);
    expect(events.nodes[recovered].payload.from === "UNHEALTHY", `it recovered from ${JSON.stringify(events.nodes[recovered].payload)}`);
    await page.goto(`${t.baseUrl}/audit?aggregateType=HealthCheck`);
    const log = page.getByRole("list", { name: "Events" });
    await log.locator('[data-event-type="HealthCheckBecameUnhealthy"]').getByText(/marked e2e-api unhealthy after 2 failed runs/).waitFor();
    await log.locator('[data-event-type="HealthCheckRecovered"]').first().getByText(/marked e2e-api healthy after 2 passed runs \(was UNHEALTHY\)/).waitFor();
    await log.locator('[data-event-type="HealthCheckCreated"]').getByText("created health check e2e-api").waitFor();
    await t.shot(page, "35-health-audit");
  });

  await t.step("edit the check, then delete it", async () => {
    await page.goto(`${t.baseUrl}/health-checks/${checkId}`);
    await page.getByRole("button", { name: "Edit" }).click();
    const form = page.getByRole("form", { name: "Edit health check" });
    expect((await form.getByLabel("Target").inputValue()) === target.url, "the editor does not show the target");
    await form.getByLabel("Name").fill("e2e-api-2");
    await form.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("heading", { name: "Health check e2e-api-2", level: 1 }).waitFor();
    await page.getByTestId("toast").getByText("Health check e2e-api-2 saved").waitFor();
    await t.shot(page, "36-health-edited");
    await page.getByRole("button", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete health check" }).click();
    await page.getByRole("heading", { name: "Health", level: 1 }).waitFor();
    await page.getByText("No health checks yet").waitFor();
    await eventually("the check is deleted", async () => (await t.server.gql(`query($id: ID!) { healthCheck(id: $id) { status } }`, { id: checkId })).healthCheck?.status === "DELETED");
  });
}
