// What every end-to-end spec shares: the real `clustergenie` binary on a free port with a data
// directory of its own (removed afterwards), Debian's Chromium through playwright-core (never a
// downloaded browser), pages whose console errors, uncaught exceptions and failed GraphQL
// requests fail the spec, screenshots into e2e/artifacts/, and a small GraphQL client.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

export const webDir = path.resolve(import.meta.dirname, "..");
export const repoDir = path.resolve(webDir, "..");
export const artifacts = path.join(webDir, "e2e", "artifacts");

/** Bounds a hung wait; jobs take ~2 s here. */
export const TIMEOUT = 30_000;

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Throws with `message` unless `condition` holds. */
export function expect(condition, message) {
  if (!condition) throw new Error(message);
}

/** Resolves once `check()` returns a truthy value, which it returns; throws after `timeoutMs`. */
export async function eventually(what, check, timeoutMs = TIMEOUT) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000}s${last ? ` (${last.message ?? last})` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

let built = null;
/** `CLUSTERGENIE_BIN`, or `target/debug/clustergenie` after one (normally no-op) `cargo build`. */
function binary() {
  if (process.env.CLUSTERGENIE_BIN) return process.env.CLUSTERGENIE_BIN;
  if (built) return built;
  console.log("e2e: cargo build --locked --bin clustergenie");
  const build = spawnSync("cargo", ["build", "--locked", "--bin", "clustergenie"], { cwd: repoDir, stdio: "inherit" });
  if (build.status !== 0) throw new Error(`cargo build failed (${build.status ?? build.signal})`);
  const target = process.env.CARGO_TARGET_DIR ?? path.join(repoDir, "target");
  built = path.join(target, "debug", "clustergenie");
  return built;
}

async function waitForHealth(url, child, logName) {
  await eventually(`${url} healthy`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`exited with ${child.exitCode ?? child.signalCode}; see e2e/artifacts/${logName}`);
    }
    return (await fetch(`${url}/health`).catch(() => null))?.ok;
  }, 60_000);
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once("exit", r));
}

async function terminate(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = exited(child);
  child.kill("SIGTERM");
  const timeout = new Promise((r) => setTimeout(() => r("timeout"), 10_000));
  if ((await Promise.race([gone, timeout])) === "timeout") {
    child.kill("SIGKILL");
    await gone;
  }
}

/**
 * POSTs a GraphQL operation (with `token` as `Authorization: Bearer`, if given); returns
 * `data`, throws on an HTTP failure or any GraphQL error.
 */
export async function gql(url, query, variables = {}, { token } = {}) {
  const r = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  if (!r.ok) throw new Error(`GraphQL over HTTP: ${r.status} ${await r.text()}`);
  const body = await r.json();
  if (body.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

/**
 * Starts the server for one spec, with `env` added to its environment (a spec's exported
 * `env`, e.g. `CLUSTERGENIE_AUTH`). `kill()` stops it hard (SIGKILL: no shutdown code runs),
 * `start()` brings it back on the same address and data; `stop()` ends it and removes its data.
 */
export async function startServer(spec, env = {}) {
  const bin = binary();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `clustergenie-e2e-${spec}-`));
  const logName = `${spec}-server.log`;
  const log = fs.openSync(path.join(artifacts, logName), "a");
  const url = `http://127.0.0.1:${port}`;
  let child = null;
  const start = async () => {
    child = spawn(bin, ["serve"], {
      cwd: dataDir,
      env: {
        ...process.env,
        CLUSTERGENIE_LISTEN: `127.0.0.1:${port}`,
        CLUSTERGENIE_DATA_DIR: dataDir,
        CLUSTERGENIE_PROVISION_SECONDS: "2",
        CLUSTERGENIE_HEALTHCHECK_DEFAULTS: "false",
        // Charts grow by a sample a second, so the telemetry spec sees them grow quickly.
        CLUSTERGENIE_METRICS_INTERVAL_SECONDS: "1",
        CLUSTERGENIE_LOG_FORMAT: "json",
        ...env,
      },
      stdio: ["ignore", log, log],
    });
    await waitForHealth(url, child, logName);
  };
  const kill = async () => {
    const gone = exited(child);
    child.kill("SIGKILL");
    await gone;
  };
  const stop = async () => {
    if (child) await terminate(child);
    fs.closeSync(log);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await start();
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, dataDir, start, kill, stop, gql: (query, variables, options) => gql(url, query, variables, options) };
}

/** `vite preview` of the current web/dist proxying the API to `apiUrl` (E2E_VITE_PREVIEW=1). */
async function startPreview(apiUrl) {
  const port = await freePort();
  const vite = path.join(webDir, "node_modules", "vite", "bin", "vite.js");
  const child = spawn(process.execPath, [vite, "preview", "--port", String(port), "--strictPort"], {
    cwd: webDir,
    env: { ...process.env, CLUSTERGENIE_API: apiUrl },
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child, "(vite preview)");
  return { url, stop: () => terminate(child) };
}

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
}

/** Saves a full-page screenshot as e2e/artifacts/NAME.png. */
export function shot(page, name) {
  return page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

/**
 * Records what must not happen on a page: console errors, uncaught exceptions, GraphQL
 * requests that fail or answer with an HTTP error. `during(patterns, fn)` tolerates matching
 * problems while `fn` runs (a server that is down on purpose); `assertClean()` throws on the rest.
 */
export function watchProblems(page) {
  const problems = [];
  let tolerated = [];
  // The tolerance in force when the problem happened (a response body is read later).
  const note = (kind, text, allowed = tolerated) => {
    if (allowed.some((p) => p.test(text))) return;
    problems.push(`${kind}: ${text}`);
  };
  const isGraphql = (url) => new URL(url).pathname === "/graphql";
  page.on("console", (m) => m.type() === "error" && note("console error", `${m.text()} (${m.location().url})`));
  page.on("pageerror", (e) => note("uncaught exception", e.message));
  page.on("requestfailed", (r) => {
    // ERR_ABORTED: the page dropped the request itself (it navigated away, a query was torn down).
    if (isGraphql(r.url()) && r.failure()?.errorText !== "net::ERR_ABORTED") note("GraphQL request failed", `${r.failure()?.errorText} ${r.postData() ?? ""}`);
  });
  page.on("response", (r) => {
    if (!isGraphql(r.url()) || r.request().method() !== "POST") return;
    const allowed = tolerated;
    const operation = r.request().postDataJSON()?.operationName ?? "(unnamed)";
    if (r.status() >= 400) return note("GraphQL request failed", `HTTP ${r.status()} ${operation}`, allowed);
    r.json()
      .then((body) => {
        for (const e of body.errors ?? []) note("GraphQL error", `${e.extensions?.code ?? "no code"} in ${operation}: ${e.message}`, allowed);
      })
      .catch(() => {}); // the page navigated away before the body arrived
  });
  return {
    problems,
    /** Runs `fn` with problems matching one of `patterns` expected (not reported). */
    async during(patterns, fn) {
      tolerated = patterns;
      try {
        return await fn();
      } finally {
        tolerated = [];
      }
    },
    assertClean() {
      if (problems.length) throw new Error(`the page reported problems:\n    ${problems.splice(0).join("\n    ")}`);
    },
  };
}

/** Stops what the running specs started (for a runner interrupted by a signal). */
export async function stopAll() {
  for (const cleanup of [...running]) await cleanup();
}
const running = new Set();

/**
 * Runs one spec: a server of its own, a browser, and `fn(t)` with `t.step(name, body)`,
 * `t.newPage(options)` (watched for problems, checked after every step), `t.shot(page, name)`
 * and `t.server` (started with `env` added to its environment). Returns the steps' results;
 * everything is stopped and removed afterwards.
 */
export async function runSpec(name, fn, { env = {} } = {}) {
  const results = [];
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    await preview?.stop();
    await server?.stop();
    server = preview = browser = null;
  };
  running.add(cleanup);
  const watched = [];
  let server = null;
  let preview = null;
  let browser = null;
  try {
    server = await startServer(name, env);
    preview = process.env.E2E_VITE_PREVIEW === "1" ? await startPreview(server.url) : null;
    browser = await launchBrowser();
    const baseUrl = preview?.url ?? server.url;
    const t = {
      server,
      baseUrl,
      browser,
      shot: (page, shotName) => shot(page, `${name}-${shotName}`),
      async newPage(options = {}) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
        context.setDefaultTimeout(TIMEOUT);
        const page = await context.newPage();
        const watch = watchProblems(page);
        watched.push(watch);
        page.problems = watch;
        return page;
      },
      async step(stepName, body) {
        const started = Date.now();
        try {
          await body();
          for (const w of watched) w.assertClean();
          results.push({ name: `${name}: ${stepName}`, ok: true });
          console.log(`  ok   ${name}: ${stepName} (${Date.now() - started} ms)`);
        } catch (e) {
          results.push({ name: `${name}: ${stepName}`, ok: false });
          console.log(`  FAIL ${name}: ${stepName}: ${e instanceof Error ? e.message : e}`);
          for (const [i, context] of browser.contexts().entries()) {
            for (const [j, page] of context.pages().entries()) await shot(page, `${name}-failed-${results.length}-${i}-${j}`).catch(() => {});
          }
          throw e;
        }
      },
    };
    await fn(t);
  } catch (e) {
    if (!results.some((r) => !r.ok)) {
      console.log(`  FAIL ${name}: ${e instanceof Error ? e.stack : e}`);
      results.push({ name, ok: false });
    }
  } finally {
    await cleanup();
    running.delete(cleanup);
  }
  return results;
}

/** The names a seeded world uses; specs refer to them. */
export const SEED = { cluster: "e2e-prod", region: "fra1", droplet: "web-1", size: "s-2vcpu-4gb" };

/** Over the API: a cluster and a droplet in it, waited for until the droplet is RUNNING. */
export async function seedRunningDroplet(server) {
  const { createCluster } = await server.gql(
    `mutation($name: String!, $region: String!) { createCluster(input: {name: $name, region: $region, labels: [{key: "team", value: "ops"}]}) { cluster { id } } }`,
    { name: SEED.cluster, region: SEED.region },
  );
  const clusterId = createCluster.cluster.id;
  const { createDroplet } = await server.gql(
    `mutation($input: CreateDropletInput!) { createDroplet(input: $input) { droplet { id } job { id } } }`,
    { input: { name: SEED.droplet, region: SEED.region, size: SEED.size, image: "debian-12-x64", clusterId } },
  );
  const dropletId = createDroplet.droplet.id;
  await eventually(`${SEED.droplet} RUNNING`, async () => {
    const { droplet } = await server.gql(`query($id: ID!) { droplet(id: $id) { status } }`, { id: dropletId });
    return droplet?.status === "RUNNING";
  });
  return { clusterId, dropletId, jobId: createDroplet.job.id };
}
