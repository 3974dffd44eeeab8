// The monitoring page against the real server: the embedded worker pool's figures (4 runners,
// no relay), a burst of droplets that keeps the runners busy and queues the rest, the jobs
// counted by status once they finish, and the charts drawn on a canvas with a legend that
// follows the mouse.
import { eventually, expect } from "../harness.mjs";

const BURST = 8;

export default async function monitoring(t) {
  const page = await t.newPage();
  const figure = (id) => page.getByTestId(`figure-${id}-value`);
  const poolChart = page.getByRole("figure", { name: "Runners, busy and queued jobs" });

  await t.step("the page is in the navigation and shows the worker pool", async () => {
    await page.goto(t.baseUrl + "/");
    await page.getByTestId("connection").getByText("Live").waitFor();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Monitoring", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Monitoring" }).waitFor();
    expect((await page.title()) === "Monitoring · ClusterGenie", `tab title is ${await page.title()}`);
    await figure("workers").getByText(/^1$/).waitFor();
    await figure("runners").getByText(/^4$/).waitFor();
    await figure("queue").getByText(/^0$/).waitFor();
    await figure("projector-events").getByText(/^0$/).waitFor();
    await page.getByTestId("figure-relay").getByText(/No relay/).waitFor();
    await page.getByTestId("watching").getByText(/^Watching for \d+ s/).waitFor();
  });

  await t.step(`${BURST} droplets keep the runners busy, then count as completed jobs`, async () => {
    for (let i = 1; i <= BURST; i++) {
      await t.server.gql(`mutation($input: CreateDropletInput!) { createDroplet(input: $input) { job { id } } }`, {
        input: { name: `burst-${i}`, region: "nyc1", size: "s-1vcpu-1gb", image: "debian-12-x64" },
      });
    }
    // The page asks every 2 s; jobs take 2 s, so the burst lasts about two polls.
    await eventually("runners busy on the page", async () => Number(await figure("busy").innerText()) > 0);
    await page.getByTestId("jobs-COMPLETED").getByText(new RegExp(`^COMPLETED${BURST}$`)).waitFor();
    await figure("busy").getByText(/^0$/).waitFor();
    await t.shot(page, "40-monitoring");
  });

  await t.step("the charts are drawn on a canvas, as wide as the page, with the values under the mouse", async () => {
    const canvas = poolChart.locator("canvas");
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    expect(box && box.width > 800 && box.height > 100, `the chart's canvas is ${JSON.stringify(box)}`);
    const at = poolChart.getByTestId("time-chart-at");
    expect((await at.innerText()) === "Latest", `the legend shows ${await at.innerText()} before hovering`);
    const over = await poolChart.locator(".u-over").boundingBox();
    await page.mouse.move(over.x + over.width * 0.98, over.y + over.height / 2);
    await eventually("the legend to follow the mouse", async () => (await at.innerText()) !== "Latest");
    const busy = await poolChart.getByTestId("legend-item").filter({ hasText: "Busy" }).innerText();
    expect(/^Busy\s*\d+$/.test(busy), `the legend reads ${busy}`);
    await t.shot(page, "41-monitoring-hover");
    await page.mouse.move(0, 0);
    await eventually("the legend to show the latest values again", async () => (await at.innerText()) === "Latest");
  });

  await t.step("the chart range is a radio group", async () => {
    const group = page.getByRole("group", { name: "Chart range" });
    await group.getByRole("radio", { name: "15 minutes" }).isChecked().then((c) => expect(c, "15 minutes is not chosen first"));
    await group.getByText("1h", { exact: true }).click();
    await group.getByRole("radio", { name: "1 hour", checked: true }).waitFor();
    await page.keyboard.press("ArrowLeft");
    await group.getByRole("radio", { name: "15 minutes", checked: true }).waitFor();
  });
}
