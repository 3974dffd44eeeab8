// GraphiQL at /graphql against the real server, offline: any request to another origin fails
// the spec. The docs explorer shows the schema, a query runs, a live subscription receives
// data. Also graphql-js' standard introspection query: its answer, built into a client
// schema, prints as schema/clustergenie.graphql.
import fs from "node:fs";
import path from "node:path";
import { buildClientSchema, buildSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema } from "graphql";
import { TIMEOUT, artifacts, expect, repoDir } from "../harness.mjs";

/** Resolves once GraphiQL's response editor contains `text`. */
const responseContains = (page, text) =>
  page.waitForFunction((t) => document.querySelector(".graphiql-response .CodeMirror")?.CodeMirror.getValue().includes(t), text, { timeout: TIMEOUT });

export default async function graphiql(t) {
  const origin = new URL(t.baseUrl).origin;

  await t.step("standard introspection builds the checked-in schema", async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, inputValueDeprecation: true });
    const served = printSchema(lexicographicSortSchema(buildClientSchema(await t.server.gql(query))));
    const sdl = fs.readFileSync(path.join(repoDir, "schema", "clustergenie.graphql"), "utf8");
    if (served !== printSchema(lexicographicSortSchema(buildSchema(sdl)))) {
      fs.writeFileSync(path.join(artifacts, "introspected.graphql"), served);
      throw new Error("the introspected schema differs from schema/clustergenie.graphql (see e2e/artifacts/introspected.graphql)");
    }
  });

  const page = await t.newPage({ viewport: { width: 1400, height: 900 } });
  const foreign = [];
  // Every request of the page: one to another origin fails the spec (and is not sent).
  await page.context().route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith("data:") || new URL(url).origin === origin) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  const webSockets = [];
  let subscribed = null;
  const subscribedNow = new Promise((r) => (subscribed = r));
  page.on("websocket", (ws) => {
    webSockets.push(ws.url());
    ws.on("framesent", (f) => String(f.payload).includes('"subscribe"') && subscribed());
  });
  // Named operations: GraphiQL takes in an edit after a debounce, and titles the tab with the
  // operation's name once it has.
  const setQuery = async (name, text) => {
    await page.locator(".graphiql-query-editor .CodeMirror").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.insertText(text);
    await page.getByRole("tab", { name }).waitFor();
  };

  await t.step("GraphiQL loads from the binary alone, with the README's tabs", async () => {
    await page.goto(`${t.baseUrl}/graphql`);
    await page.locator(".graphiql-container").waitFor();
    await page.getByRole("tab").first().waitFor();
    const tabs = await page.getByRole("tab").count();
    expect(tabs >= 6, `expected the README's 6 example tabs, got ${tabs}`);
    for (const name of ["CreateCluster", "CreateDroplet", "JobProgress", "Droplets", "AuditLog", "History"]) {
      await page.getByRole("tab", { name }).waitFor();
    }
    // The header editor, for the bearer token.
    await page.getByRole("button", { name: "Headers" }).click();
    await page.locator(".graphiql-editor-tool .CodeMirror").last().evaluate((el) => el.CodeMirror.setValue('{"x-correlation-id": "graphiql-e2e"}'));
    await t.shot(page, "01-loaded");
  });

  await t.step("the docs explorer shows the schema", async () => {
    await page.getByRole("button", { name: /Show Documentation Explorer/i }).click();
    const docs = page.locator(".graphiql-doc-explorer");
    await docs.getByText("QueryRoot").first().click();
    await docs.getByText("droplets", { exact: true }).first().waitFor();
    await docs.getByText("Droplets, oldest first.").waitFor();
    await t.shot(page, "02-docs");
  });

  await t.step("a query runs", async () => {
    // A new tab of its own (a README tab keeps its operation name).
    await page.getByRole("button", { name: "New tab" }).click();
    await setQuery("Regions", "query Regions { catalog { regions { slug name } } }");
    await page.getByRole("button", { name: /Execute query/i }).click();
    await responseContains(page, '"fra1"');
    await t.shot(page, "03-query");
  });

  await t.step("a live subscription receives events", async () => {
    await setQuery("Live", "subscription Live { events { position type aggregateType actor } }");
    await page.getByRole("button", { name: /Execute query/i }).click();
    // The subscription is live once its subscribe message went out; then cause an event.
    await subscribedNow;
    await t.server.gql(`mutation { createCluster(input: {name: "from-graphiql", region: "fra1"}) { position } }`);
    await responseContains(page, '"ClusterCreated"');
    await t.shot(page, "04-subscription");
  });

  await t.step("nothing was requested from another origin", async () => {
    expect(!foreign.length, `requests left the machine: ${foreign.join(", ")}`);
    const wrong = webSockets.filter((u) => new URL(u).host !== new URL(origin).host);
    expect(!wrong.length, `WebSockets to another host: ${wrong.join(", ")}`);
  });
}
