// A scaling policy set from the cluster's page: the form refuses a cost cap that cannot pay
// for the minimum before sending, the server refuses a second policy on the same metric
// (CONFLICT, shown), the policy is paused and resumed, its page links its history with who
// set it and how; then a queue injected on the cluster makes the autoscaler add droplets up
// to the policy's maximum, and the policy's page shows the decision, why, what its SCALE job
// created, the chart, and a preview that records nothing.
import { expect } from "../harness.mjs";

// Evaluations every 2 s rather than 15: the spec waits for the autoscaler's decisions.
export const env = { CLUSTERGENIE_AUTOSCALER_INTERVAL_SECONDS: "2" };

export default async function scaling(t) {
  const { createCluster } = await t.server.gql(`mutation { createCluster(input: {name: "shop", region: "fra1"}) { cluster { id } } }`);
  const clusterId = createCluster.cluster.id;
  const page = await t.newPage();
  const section = page.getByRole("region", { name: "Scaling policies" });

  await t.step("a policy is created from the cluster's page", async () => {
    await page.goto(`${t.baseUrl}/clusters/${clusterId}`);
    await section.getByText("No scaling policy").waitFor();
    await section.getByRole("button", { name: "New policy" }).click();
    const form = page.getByRole("form", { name: "Create scaling policy" });
    await form.getByLabel("Cost limit ($/h)").fill("0.01");
    await form.getByRole("button", { name: "Create scaling policy" }).click();
    await form.getByText(/Does not pay for the minimum: 2 × the template cost/).waitFor();
    await form.getByLabel("Cost limit ($/h)").fill("0.30");
    await form.getByRole("button", { name: "Create scaling policy" }).click();
    await page.getByTestId("toast").getByText("Policy queue created").waitFor();
    const row = section.getByTestId("policy-row-queue");
    await row.getByText("2–8 droplets").waitFor();
    const text = await row.innerText();
    expect(text.includes("Queue depth per droplet at 50 per droplet") && text.includes("$0.30 / h") && text.includes("ACTIVE"), `the row reads ${JSON.stringify(text)}`);
    await t.shot(page, "01-policy");
  });

  await t.step("a second policy on the same metric is refused, naming the first", async () => {
    await section.getByRole("button", { name: "New policy" }).click();
    const form = page.getByRole("form", { name: "Create scaling policy" });
    await form.getByLabel("Name").fill("queue-2");
    await page.problems.during([/^CONFLICT in CreateScalingPolicy:/], async () => {
      await form.getByRole("button", { name: "Create scaling policy" }).click();
      await form.getByRole("alert").getByText(/^the cluster already has a QUEUE_DEPTH policy, queue \(/).first().waitFor();
    });
    await t.shot(page, "02-conflict");
    await section.getByRole("button", { name: "Close form" }).click();
    expect((await section.getByTestId(/^policy-row-/).count()) === 1, "the refused policy appeared in the list");
  });

  await t.step("pause and resume, then the policy's history says who set it", async () => {
    const row = section.getByTestId("policy-row-queue");
    await row.getByRole("button", { name: "Pause" }).click();
    await row.getByText("PAUSED").waitFor();
    await row.getByRole("button", { name: "Resume" }).click();
    await row.getByText("ACTIVE").waitFor();
    await row.getByRole("link", { name: "queue" }).click();
    await page.getByRole("heading", { name: "Scaling policy queue" }).waitFor();
    await page.getByRole("link", { name: "History" }).click();
    await page.getByText(/created scaling policy queue for cluster shop: queue depth per droplet at 50, 2–8 droplets, at most \$0\.30 \/ h/).first().waitFor();
    await page.getByText(/paused scaling policy/).first().waitFor();
    await page.getByText(/resumed scaling policy/).first().waitFor();
    await t.shot(page, "03-history");
  });

  await t.step("under a deep queue the autoscaler adds droplets up to the maximum, and the policy's page says why", async () => {
    await t.server.gql(`mutation($i: InjectLoadInput!) { injectLoad(input: $i) { position } }`, {
      i: { targetType: "CLUSTER", targetId: clusterId, queueDepth: 2000, durationSeconds: 600 },
    });
    await page.goBack();
    await page.getByRole("heading", { name: "Scaling policy queue" }).waitFor();
    const capped = page.getByRole("row").filter({ hasText: /desired \d+ capped by max 8/ });
    // The policy's first decision (0 → 2, its minimum) started its 60 s cooldown, which
    // may still hold when the load arrives on a fast machine: wait it out.
    await capped.first().waitFor({ timeout: 150_000 });
    await capped.first().getByText(/created shop-/).waitFor({ timeout: 90_000 });
    const text = await capped.first().innerText();
    expect(/→ 8/.test(text) && text.includes("held at the policy's maximum") && text.includes("system:autoscaler"), `the decision reads ${JSON.stringify(text)}`);
    await page.getByTestId("last-evaluation").getByText(/droplets 8/).waitFor({ timeout: 30_000 });
    await page.getByTestId("scaling-chart").locator("canvas").nth(1).waitFor();
    await t.shot(page, "04-decisions");
  });

  await t.step("a preview says what the policy would decide now and records nothing", async () => {
    const before = await page.getByTestId(/^decision-/).count();
    await page.getByRole("button", { name: "Preview decision" }).click();
    const preview = page.getByTestId("preview");
    await preview.getByText(/Preview: nothing recorded · droplets 8/).waitFor();
    await t.shot(page, "05-preview");
    const { scalingPolicies } = await t.server.gql(`{ scalingPolicies(filter: {clusterId: "${clusterId}"}) { nodes { decisions { totalCount } } } }`);
    expect(scalingPolicies.nodes[0].decisions.totalCount === before, `the preview recorded a decision (${before} shown, ${scalingPolicies.nodes[0].decisions.totalCount} stored)`);
    const { cluster } = await t.server.gql(`{ cluster(id: "${clusterId}") { droplets(first: 20) { nodes { name status } } } }`);
    const live = cluster.droplets.nodes.filter((d) => d.status !== "DESTROYED");
    expect(live.length === 8, `the cluster has ${live.length} droplets: ${JSON.stringify(cluster.droplets.nodes)}`);
  });
}
