// Every page, in light and dark mode, at desktop and phone width: it shows its heading and
// its content (not a loading or error state), uses the colour scheme asked for, and fits the
// screen. The overview counts what the server has.
import { SEED, eventually, expect, seedRunningDroplet } from "../harness.mjs";

/** Relative luminance (0 black … 1 white) of a CSS `rgb(…)`/`oklch(…)`-resolved colour, via a canvas. */
const luminance = (page, selector) =>
  page.evaluate((sel) => {
    const el = document.querySelector(sel);
    let colour = getComputedStyle(el).backgroundColor;
    for (let e = el; e && /rgba\(0, 0, 0, 0\)|transparent/.test(colour); e = e.parentElement) colour = getComputedStyle(e).backgroundColor;
    const ctx = document.createElement("canvas").getContext("2d");
    ctx.fillStyle = colour;
    ctx.fillRect(0, 0, 1, 1);
    const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  }, selector);

export default async function screens(t) {
  const { clusterId, dropletId, jobId } = await seedRunningDroplet(t.server);
  const { createHealthCheck } = await t.server.gql(
    `mutation { createHealthCheck(input: {name: "e2e-database", kind: INTERNAL, target: "database", intervalSeconds: 1}) { healthCheck { id } } }`,
  );
  const checkId = createHealthCheck.healthCheck.id;
  await t.server.gql(`mutation { createUser(input: {username: "e2e-operator", password: "e2e-operator-password", role: OPERATOR}) { position } }`);
  const { diagnose } = await t.server.gql(`mutation($id: ID!) { diagnose(input: {targetType: CLUSTER, targetId: $id, question: "anything wrong?"}) { diagnosis { id } } }`, { id: clusterId });
  const diagnosisId = diagnose.diagnosis.id;
  await eventually("the diagnosis COMPLETED", async () => (await t.server.gql(`query($id: ID!) { diagnosis(id: $id) { status } }`, { id: diagnosisId })).diagnosis?.status === "COMPLETED");

  await t.step("the overview counts what the server has and shows the latest activity", async () => {
    const page = await t.newPage();
    await page.goto(t.baseUrl + "/");
    await page.getByRole("list", { name: "Latest activity" }).locator('[data-event-type="DropletCreated"]').first().waitFor();
    await page.getByTestId("stat-running").getByText(/^1$/).waitFor();
    await page.getByTestId("stat-stopped").getByText(/^0$/).waitFor();
    await t.shot(page, "13-overview");
    await page.context().close();
  });

  // [name, route, text the page must show]
  const pages = [
    ["overview", "/", "Overview", () => "Latest activity"],
    ["clusters", "/clusters", "Clusters", () => SEED.cluster],
    ["cluster", `/clusters/${clusterId}`, `Cluster ${SEED.cluster}`, () => SEED.droplet],
    ["droplets", "/droplets", "Droplets", () => SEED.droplet],
    ["droplet", `/droplets/${dropletId}`, `Droplet ${SEED.droplet}`, () => "RUNNING"],
    ["jobs", "/jobs", "Jobs", () => "COMPLETED"],
    ["job", `/jobs/${jobId}`, `Provision ${SEED.droplet}`, () => "Timeline"],
    ["diagnoses", "/diagnoses", "Diagnoses", () => "COMPLETED"],
    ["diagnosis", `/diagnoses/${diagnosisId}`, `Diagnosis of cluster ${SEED.cluster}`, () => "Checks"],
    ["health", "/health-checks", "Health", () => "e2e-database"],
    ["health-check", `/health-checks/${checkId}`, "Health check e2e-database", () => "Last 24 hours"],
    ["monitoring", "/monitoring", "Monitoring", () => "Worker pool"],
    ["audit", "/audit", "Audit log", () => `created droplet ${SEED.droplet}`],
    ["history", `/audit/Droplet/${dropletId}`, `History of droplet ${SEED.droplet}`, () => "What this event changed"],
    ["logs", "/logs?text=ClusterCreated", "Logs", () => "createCluster: ClusterCreated on Cluster"],
    ["users", "/users", "Users", () => "e2e-operator"],
    ["api-tokens", "/api-tokens", "API tokens", () => "No API tokens"],
    ["rate-limits", "/rate-limits", "Rate limits", () => "Look up a bucket"],
    ["not-found", "/no-such-page", "Page not found", () => "Page not found"],
  ];
  for (const scheme of ["light", "dark"]) {
    for (const [device, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
      await t.step(`every page in ${scheme} mode at ${device} width shows its content and fits`, async () => {
        const page = await t.newPage({ viewport, colorScheme: scheme, isMobile: device === "phone" });
        for (const [name, route, heading, content] of pages) {
          await page.goto(t.baseUrl + route);
          await page.getByTestId("connection").getByText("Live").waitFor();
          await page.getByRole("heading", { level: 1, name: heading, exact: true }).waitFor();
          await page.getByRole("main").getByText(content(), { exact: false }).filter({ visible: true }).first().waitFor();
          await page.waitForFunction(() => !/Loading [a-z]+…/.test(document.body.innerText));
          expect((await page.getByRole("alert").count()) === 0, `${route} shows an alert: ${await page.getByRole("alert").allInnerTexts()}`);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          expect(overflow <= 1, `${route} is ${overflow}px wider than the ${device} screen (${scheme})`);
          const light = await luminance(page, "main");
          expect(scheme === "dark" ? light < 0.3 : light > 0.7, `${route} in ${scheme} mode has a background of luminance ${light.toFixed(2)}`);
          await t.shot(page, `20-${name}-${device}-${scheme}`);
        }
        await page.context().close();
      });
    }
  }
}
