// A scaling policy set from the cluster's page: the form refuses a cost cap that cannot pay
// for the minimum before sending, the server refuses a second policy on the same metric
// (CONFLICT, shown), the policy is paused and resumed, and its link opens its history with
// who set it and how.
import { expect } from "../harness.mjs";

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
    await page.getByText(/created scaling policy queue for cluster shop: queue depth per droplet at 50, 2–8 droplets, at most \$0\.30 \/ h/).first().waitFor();
    await page.getByText(/paused scaling policy/).first().waitFor();
    await page.getByText(/resumed scaling policy/).first().waitFor();
    await t.shot(page, "03-history");
  });
}
