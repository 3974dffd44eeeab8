// GraphiQL at /graphql against the real server, offline: any request to another origin fails
// the test. The docs explorer shows the schema, a query runs, a live subscription receives
// data. Also graphql-js' standard introspection query: its answer, built into a client
// schema, prints as schema/clustergenie.graphql. Screenshots go to e2e/artifacts/.
import fs from "node:fs";
import path from "node:path";
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from "graphql";
import { artifacts, repoDir, start } from "./harness.mjs";

const TIMEOUT = 30_000;
const results = [];
let env = null;

async function main() {
  env = await start();
  const { baseUrl, browser } = env;
  const origin = new URL(baseUrl).origin;
  console.log(`e2e graphiql: server at ${baseUrl}`);

  const step = async (name, fn) => {
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`  ok   ${name}`);
    } catch (e) {
      results.push({ name, ok: false });
      console.log(`  FAIL ${name}: ${e instanceof Error ? e.message : e}`);
      await env.page?.screenshot({ path: path.join(artifacts, `graphiql-failed-${results.length}.png`) }).catch(() => {});
      throw e;
    }
  };

  await step("standard introspection builds the checked-in schema", async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      inputValueDeprecation: true,
    });
    const r = await fetch(`${baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const body = await r.json();
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    const served = printSchema(lexicographicSortSchema(buildClientSchema(body.data)));
    const sdl = fs.readFileSync(path.join(repoDir, "schema", "clustergenie.graphql"), "utf8");
    const checkedIn = printSchema(lexicographicSortSchema(buildSchema(sdl)));
    if (served !== checkedIn) {
      fs.writeFileSync(path.join(artifacts, "introspected.graphql"), served);
      throw new Error("the introspected schema differs from schema/clustergenie.graphql (see e2e/artifacts/introspected.graphql)");
    }
  });

  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  context.setDefaultTimeout(TIMEOUT);
  const foreign = [];
  // Every request of the page: one to another origin fails the test (and is not sent).
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:") || new URL(url).origin === origin) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  env.page = page;
  const webSockets = [];
  let subscribed = null;
  const subscribedNow = new Promise((r) => (subscribed = r));
  page.on("websocket", (ws) => {
    webSockets.push(ws.url());
    ws.on("framesent", (f) => String(f.payload).includes('"subscribe"') && subscribed());
  });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const shot = (name) => page.screenshot({ path: path.join(artifacts, `graphiql-${name}.png`) });
  const editor = () => page.locator(".graphiql-query-editor .CodeMirror");
  // Named operations: GraphiQL takes in an edit after a debounce, and titles the tab with the
  // operation's name once it has.
  const setQuery = async (name, text) => {
    await editor().click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(text);
    await page.getByRole("tab", { name }).waitFor();
  };
  const response = () => page.locator(".graphiql-response .CodeMirror");
  const responseText = () => response().evaluate((el) => el.CodeMirror.getValue());

  await step("GraphiQL loads from the binary alone, with the README's tabs", async () => {
    await page.goto(`${baseUrl}/graphql`);
    await page.locator(".graphiql-container").waitFor();
    await page.getByRole("tab").first().waitFor();
    const tabs = await page.getByRole("tab").count();
    if (tabs < 6) throw new Error(`expected the README's 6 example tabs, got ${tabs}`);
    for (const name of ["CreateCluster", "CreateDroplet", "JobProgress", "Droplets", "AuditLog", "History"]) {
      await page.getByRole("tab", { name }).waitFor();
    }
    // The header editor, for the bearer token.
    await page.getByRole("button", { name: "Headers" }).click();
    await page.locator(".graphiql-editor-tool .CodeMirror").last().evaluate((el) => el.CodeMirror.setValue('{"x-correlation-id": "graphiql-e2e"}'));
    await shot("01-loaded");
  });

  await step("the docs explorer shows the schema", async () => {
    await page.getByRole("button", { name: /Show Documentation Explorer/i }).click();
    const docs = page.locator(".graphiql-doc-explorer");
    await docs.getByText("QueryRoot").first().click();
    await docs.getByText("droplets", { exact: true }).first().waitFor();
    await docs.getByText("Droplets, oldest first.").waitFor();
    await shot("02-docs");
  });

  await step("a query runs", async () => {
    // A new tab of its own (a README tab keeps its operation name).
    await page.getByRole("button", { name: "New tab" }).click();
    await setQuery("Regions", "query Regions { catalog { regions { slug name } } }");
    await page.getByRole("button", { name: /Execute query/i }).click();
    await page.waitForFunction(() => {
      const cm = document.querySelector(".graphiql-response .CodeMirror");
      return cm?.CodeMirror.getValue().includes('"fra1"');
    }, null, { timeout: TIMEOUT });
    await shot("03-query");
  });

  await step("a live subscription receives events", async () => {
    await setQuery("Live", "subscription Live { events { position type aggregateType actor } }");
    await page.getByRole("button", { name: /Execute query/i }).click();
    // The subscription is live once its subscribe message went out; then cause an event.
    await subscribedNow;
    const r = await fetch(`${baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `mutation { createCluster(input: {name: "from-graphiql", region: "fra1"}) { position } }` }),
    });
    if (!r.ok) throw new Error(`createCluster: ${r.status}`);
    await page.waitForFunction(() => {
      const cm = document.querySelector(".graphiql-response .CodeMirror");
      return cm?.CodeMirror.getValue().includes('"ClusterCreated"');
    }, null, { timeout: TIMEOUT });
    await shot("04-subscription");
  });

  await step("nothing was requested from another origin", async () => {
    if (foreign.length) throw new Error(`requests left the machine: ${foreign.join(", ")}`);
    const wrong = webSockets.filter((u) => new URL(u).host !== new URL(origin).host);
    if (wrong.length) throw new Error(`WebSockets to another host: ${wrong.join(", ")}`);
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
  });
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  if (!results.some((r) => !r.ok)) console.error(e);
} finally {
  await env?.stop();
}
const passed = results.filter((r) => r.ok).length;
const failures = results.length - passed + (failed && results.every((r) => r.ok) ? 1 : 0);
console.log(`e2e graphiql: screenshots in ${artifacts}`);
console.log(`${passed} passed, ${failures} failed`);
process.exit(failures > 0 ? 1 : 0);
