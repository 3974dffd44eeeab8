// The audit log: events with their actors as sentences, newest first, filtered by type and
// followed live; the history page steps through a droplet's states.
import { SEED, eventually, expect, seedRunningDroplet } from "../harness.mjs";

export default async function audit(t) {
  const { dropletId } = await seedRunningDroplet(t.server);
  await t.server.gql(`mutation($id: ID!) { powerDroplet(id: $id, on: false) { position } }`, { id: dropletId });
  await eventually("web-1 STOPPED", async () => (await t.server.gql(`query($id: ID!) { droplet(id: $id) { status } }`, { id: dropletId })).droplet.status === "STOPPED");
  const page = await t.newPage();
  const events = page.getByRole("list", { name: "Events" });

  await t.step("the audit log has the events with their actors, newest first", async () => {
    await page.goto(t.baseUrl + "/audit");
    await page.getByRole("heading", { name: "Audit log", level: 1 }).waitFor();
    await events.locator('[data-event-type="ClusterCreated"]').getByTestId("event-actor").getByText("local", { exact: true }).waitFor();
    await events.locator('[data-event-type="DropletCreated"]').getByTestId("event-actor").getByText("local", { exact: true }).waitFor();
    await events.getByTestId("event-actor").getByText("system:worker").first().waitFor();
    await events.locator('[data-event-type="DropletPoweredOff"]').getByText("powered off web-1").waitFor();
    // Everything but progress, exactly as the server's log has it, newest first.
    const { events: log } = await t.server.gql(`{ events(first: 100, filter: {excludeEventTypes: ["JobProgressed"]}) { nodes { position } } }`);
    const expected = log.nodes.map((e) => e.position).reverse();
    const shown = await events.getByTestId("event").evaluateAll((rows) => rows.map((r) => Number(r.getAttribute("data-position"))));
    expect(JSON.stringify(shown) === JSON.stringify(expected), `shown ${shown.join(",")}, the log has ${expected.join(",")}`);
    expect((await events.locator('[data-event-type="JobProgressed"]').count()) === 0, "progress events are shown by default");
    await events.locator('[data-event-type="DropletCreated"] summary').click();
    await events.locator('[data-event-type="DropletCreated"]').getByText('"web-1"').first().waitFor();
    await t.shot(page, "10-audit");
  });

  await t.step("the audit log filters by type and follows new events live", async () => {
    await page.getByLabel("Event type").selectOption("DropletCreated");
    await page.getByText("1 of 1 events loaded").waitFor();
    await page.getByText("Following live").waitFor();
    expect((await events.getByTestId("event").count()) === 1, "the filter let other events through");
    // A droplet created elsewhere (over the API) appears without a reload.
    await t.server.gql(`mutation { createDroplet(input: {name: "api-1", region: "ams3", size: "s-1vcpu-1gb", image: "debian-12-x64"}) { position } }`);
    await events.locator('[data-event-type="DropletCreated"]').nth(1).waitFor();
    await events.locator('[data-event-type="DropletCreated"]').first().getByText("created droplet api-1").waitFor();
    const types = await events.getByTestId("event").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-event-type")));
    expect(types.every((x) => x === "DropletCreated"), `the live tail ignored the filter: ${types.join(",")}`);
    await t.shot(page, "10b-audit-filtered");
  });

  await t.step("history shows the droplet's state as of each event", async () => {
    await page.goto(`${t.baseUrl}/droplets?name=${SEED.droplet}`);
    await page.getByRole("link", { name: SEED.droplet }).click();
    await page.getByRole("link", { name: "History" }).click();
    await page.getByRole("heading", { name: "History of droplet web-1" }).waitFor();
    await page.getByText(/State as of event \d+ of \d+/).waitFor();
    await page.getByText('"STOPPED"').first().waitFor();
    const slider = page.getByLabel(/State as of event/);
    await slider.focus();
    await page.keyboard.press("Home");
    await page.getByText(/State as of event 1 of/).waitFor();
    await page.getByText('"PROVISIONING"').first().waitFor();
    await page.getByTestId("chosen-version").getByText("created droplet web-1").waitFor();
    await page.keyboard.press("ArrowRight");
    await page.getByText(/State as of event 2 of/).waitFor();
    const changes = page.getByRole("table", { name: "Changes" });
    await changes.waitFor();
    expect((await changes.getByTestId("change").count()) > 0, "the second event changed nothing");
    await t.shot(page, "12-history");
  });
}
