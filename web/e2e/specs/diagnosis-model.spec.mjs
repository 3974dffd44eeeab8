// A diagnosis explained by a model: a local OpenAI-protocol server streams its answer slowly;
// the diagnosis page shows its prose (not the JSON around it) as it arrives, put back together from the job's progress
// (each message is only the tail of the text so far), and once COMPLETED the report made by
// the model, with its summary.
import http from "node:http";
import { eventually, expect, seedRunningDroplet, SEED } from "../harness.mjs";

const SUMMARY =
  "The cluster runs one droplet and nothing in the evidence points at a problem: no health check fails, " +
  "no job failed, CPU and memory stay well below their thresholds and the disk is far from full. " +
  "If the shop feels slow, look at the application itself, or ask again with the question narrowed " +
  "to the endpoint and the time it happened; the built-in checks found nothing to change here.";
const ANSWER = JSON.stringify({ summary: SUMMARY, findings: [] });

/** Streams ANSWER as chat-completion chunks, a few characters every 60 ms. */
const model = http.createServer((req, res) => {
  req.resume();
  req.on("end", async () => {
    if (req.url !== "/v1/chat/completions") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (let i = 0; i < ANSWER.length; i += 6) {
      const chunk = { id: "c1", object: "chat.completion.chunk", created: 1, model: "e2e-model", choices: [{ index: 0, delta: { content: ANSWER.slice(i, i + 6) }, finish_reason: null }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await new Promise((r) => setTimeout(r, 60));
    }
    const done = { id: "c1", object: "chat.completion.chunk", created: 1, model: "e2e-model", choices: [{ index: 0, delta: {}, finish_reason: "stop" }], usage: { prompt_tokens: 900, completion_tokens: 120, total_tokens: 1020 } };
    res.end(`data: ${JSON.stringify(done)}\n\ndata: [DONE]\n\n`);
  });
});
await new Promise((r) => model.listen(0, "127.0.0.1", r));
model.unref();

export const env = {
  CLUSTERGENIE_LLM_BASE_URL: `http://127.0.0.1:${model.address().port}/v1`,
  CLUSTERGENIE_LLM_MODEL: "e2e-model",
  CLUSTERGENIE_LLM_TIMEOUT_SECONDS: "60",
};

export default async function diagnosisModel(t) {
  const { clusterId } = await seedRunningDroplet(t.server);
  const page = await t.newPage();

  await t.step("the model's answer streams into the diagnosis page, then its report replaces it", async () => {
    await page.goto(`${t.baseUrl}/clusters/${clusterId}`);
    await page.getByRole("button", { name: "Diagnose", exact: true }).click();
    await page.getByRole("dialog").getByLabel(/Question/).fill("Why is the shop slow?");
    await page.getByRole("dialog").getByRole("button", { name: "Run diagnosis" }).click();
    await page.getByRole("heading", { name: `Diagnosis of cluster ${SEED.cluster}`, level: 1 }).waitFor();
    const panel = page.getByTestId("streamed-text");
    // Past the 300 characters one progress message carries: the page has joined tails.
    let last = "";
    const seen = await eventually("streamed text beyond one message", async () => {
      const text = await panel.innerText().catch(() => "");
      if (text) last = text;
      if (!text && last) throw new Error(`the text stopped at ${last.length} characters: ${last}`);
      return text.length > 340 ? text : null;
    });
    // The answer's prose, not its JSON: the summary so far.
    expect(SUMMARY.startsWith(seen.trim()), `the streamed text is the summary so far, without gaps or repeats:\n${seen}`);
    await page.getByTestId("progress-message").getByText("explain: the model is writing").waitFor();
    await t.shot(page, "01-streaming");
    await page.getByTestId("diagnosis-status").getByText("COMPLETED").waitFor({ timeout: 60_000 });
    await page.getByTestId("report-backend").getByText("Model e2e-model (OpenAI-compatible)").waitFor();
    await page.getByTestId("report-summary").getByText(SUMMARY).waitFor();
    expect((await panel.count()) === 0, "the streamed text gives way to the report");
    await t.shot(page, "02-model-report");
  });
}
