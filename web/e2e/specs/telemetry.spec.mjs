// Droplet telemetry as a user sees it: a cluster with three droplets; on a droplet's page the
// charts render points and grow without a reload; injecting CPU load from the form makes the
// CPU figure climb; the range picker moves to 7 days (hourly rollups, reaching the present);
// the cluster page shows its average and maximum; the injection is in the audit log.
import { eventually, expect } from "../harness.mjs";

/** The number of points drawn in the chart titled `title`. */
async function pointsIn(page, title) {
  const chart = page.getByTestId("time-chart").filter({ has: page.getByText(title, { exact: true }) });
  const n = await chart.getAttribute("data-points");
  return Number(n ?? 0);
}

export default async function telemetry(t) {
  const page = await t.newPage();
  const { createCluster } = await t.server.gql(`mutation { createCluster(input: {name: "tele", region: "fra1"}) { cluster { id } } }`);
  const clusterId = createCluster.cluster.id;
  const droplets = [];
  for (const name of ["tele-1", "tele-2", "tele-3"]) {
    const { createDroplet } = await t.server.gql(
      `mutation($c: ID!, $n: String!) { createDroplet(input: {name: $n, region: "fra1", size: "s-1vcpu-1gb", image: "debian-12-x64", clusterId: $c}) { droplet { id } } }`,
      { c: clusterId, n: name },
    );
    droplets.push(createDroplet.droplet.id);
  }
  for (const id of droplets) {
    await eventually(`droplet ${id} running`, async () => {
      const { droplet } = await t.server.gql(`query($id: ID!) { droplet(id: $id) { status } }`, { id });
      return droplet.status === "RUNNING";
    });
  }

  await t.step("a droplet's charts render points and grow live", async () => {
    await page.goto(`${t.baseUrl}/droplets/${droplets[0]}`);
    await page.getByTestId("connection").getByText("Live").waitFor();
    await page.getByRole("heading", { name: "Metrics" }).waitFor();
    const first = await eventually("CPU points", async () => {
      const n = await pointsIn(page, "CPU, memory and disk");
      return n >= 2 ? n : 0;
    });
    await eventually("the chart to grow without a reload", async () => (await pointsIn(page, "CPU, memory and disk")) > first);
    expect((await pointsIn(page, "Network")) >= 2, "the network chart has points");
    await page.getByTestId("figure-cpu").filter({ hasText: "%" }).waitFor();
    await t.shot(page, "telemetry-droplet");
  });

  await t.step("injected CPU load makes the CPU climb", async () => {
    const form = page.getByRole("form", { name: "Inject load" });
    await form.getByLabel("CPU (pp)").fill("85");
    await form.getByLabel("Minutes").fill("2");
    await form.getByRole("button", { name: "Inject load" }).click();
    await page.getByTestId("active-load").filter({ hasText: "Active: CPU +85 pp until" }).waitFor();
    await eventually("CPU at 85% or more", async () => {
      const text = await page.getByTestId("figure-cpu").innerText();
      return parseFloat(text) >= 85;
    });
    await t.shot(page, "telemetry-droplet-loaded");
  });

  await t.step("seven days read hourly rollups and still reach now", async () => {
    const group = page.getByRole("group", { name: "Metrics time range" });
    await group.getByText("7d", { exact: true }).click();
    await group.getByRole("radio", { name: "7 days", checked: true }).waitFor();
    await page.getByText("hourly rollups").waitFor();
    await eventually("points in the 7-day chart", async () => (await pointsIn(page, "CPU, memory and disk")) >= 1);
  });

  await t.step("the cluster page shows its average and maximum", async () => {
    await page.goto(`${t.baseUrl}/clusters/${clusterId}`);
    await page.getByTestId("cluster-metrics").waitFor();
    await eventually("cluster CPU points", async () => (await pointsIn(page, "CPU (average and maximum of its droplets)")) >= 2);
    const avg = parseFloat(await page.getByTestId("figure-cpu-avg").innerText());
    const max = parseFloat(await page.getByTestId("figure-cpu-max").innerText());
    expect(Number.isFinite(avg) && Number.isFinite(max) && max >= avg, `max ${max} ≥ avg ${avg}`);
    await t.shot(page, "telemetry-cluster");
  });

  await t.step("the injection is in the audit log", async () => {
    const { events } = await t.server.gql(`{ events(last: 5, filter: {eventType: "DropletLoadInjected"}) { nodes { aggregateId } } }`);
    expect(events.nodes.some((e) => e.aggregateId === droplets[0]), "a DropletLoadInjected event for the droplet");
  });
}
