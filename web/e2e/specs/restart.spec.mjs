// The server is killed hard (SIGKILL: no graceful shutdown) under an open audit log and
// started again on the same data. The page keeps what it showed while the server is down,
// reconnects, and then shows exactly the server's log: no gap, no duplicate.
import { expect } from "../harness.mjs";

/** Positions the page shows, oldest first. */
const shownPositions = (events) =>
  events.getByTestId("event").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-position"))).reverse());

/** Every position in the server's log (no job runs here, so nothing is hidden by the page's filter). */
async function logPositions(server) {
  const { events } = await server.gql(`{ events(first: 100) { totalCount nodes { position type } } }`);
  expect(events.totalCount === events.nodes.length, `the log has ${events.totalCount} events, more than one page`);
  expect(!events.nodes.some((e) => e.type === "JobProgressed"), "a progress event is in the log; the page hides those");
  return events.nodes.map((e) => e.position);
}

const createCluster = (server, name) => server.gql(`mutation($name: String!) { createCluster(input: {name: $name, region: "lon1"}) { position } }`, { name });

export default async function restart(t) {
  for (const name of ["before-1", "before-2"]) await createCluster(t.server, name);
  const page = await t.newPage();
  const events = page.getByRole("list", { name: "Events" });

  await t.step("the audit log follows the server's log", async () => {
    await page.goto(t.baseUrl + "/audit");
    await page.getByText("Following live").waitFor();
    await page.evaluate(() => (window.__e2eNoReload = true));
    await createCluster(t.server, "while-up");
    await events.locator('[data-event-type="ClusterCreated"]').getByText("created cluster while-up").waitFor();
    const log = await logPositions(t.server);
    expect(JSON.stringify(await shownPositions(events)) === JSON.stringify(log), "the page and the log differ before the restart");
  });

  await t.step("after a hard kill and a restart on the same data, the tail resumes with no gap and no duplicate", async () => {
    const before = await shownPositions(events);
    // While the server is down the page's socket and refetches fail: expected, for this window only.
    await page.problems.during([/WebSocket|ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|net::ERR_|Failed to fetch|Failed to load resource/], async () => {
      await t.server.kill();
      await page.getByTestId("connection-lost").getByText("Connection lost — data may be stale.").waitFor();
      expect(JSON.stringify(await shownPositions(events)) === JSON.stringify(before), "the list changed while the server was down");
      await t.shot(page, "11-audit-offline");
      await t.server.start();
      // Written as soon as the server is back, most likely before the page has reconnected:
      // the tail must resume from its last cursor and pick these up, each once.
      for (const name of ["after-1", "after-2", "after-3"]) await createCluster(t.server, name);
      await page.getByTestId("connection").getByText("Live").waitFor();
    });
    // Created once the page is live again: when it shows, everything before it must show too
    // (the tail delivers in log order).
    await createCluster(t.server, "after-reconnect");
    await events.locator('[data-event-type="ClusterCreated"]').getByText("created cluster after-reconnect").waitFor();
    const log = await logPositions(t.server);
    const shown = await shownPositions(events);
    expect(new Set(shown).size === shown.length, `duplicate events on the page: ${shown.join(",")}`);
    expect(JSON.stringify(shown) === JSON.stringify(log), `the page shows ${shown.join(",")}, the server's log has ${log.join(",")}`);
    expect(log.length === before.length + 4, `the log grew by ${log.length - before.length}, not 4`);
    expect(await page.evaluate(() => window.__e2eNoReload === true), "the page reloaded");
    await t.shot(page, "11-audit-after-restart");
  });
}
