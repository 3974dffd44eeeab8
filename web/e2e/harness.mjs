// Starts the real `clustergenie` binary on a free port with a fresh data directory, and
// Debian's Chromium through playwright-core (never a downloaded browser). Both are stopped
// by `stop()`, which the runner calls in `finally` and on signals.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

export const webDir = path.resolve(import.meta.dirname, "..");
export const repoDir = path.resolve(webDir, "..");
export const artifacts = path.join(webDir, "e2e", "artifacts");

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

/** `CLUSTERGENIE_BIN`, or `target/debug/clustergenie` after a (normally no-op) `cargo build`. */
function binary() {
  if (process.env.CLUSTERGENIE_BIN) return process.env.CLUSTERGENIE_BIN;
  console.log("e2e: cargo build --locked --bin clustergenie");
  const build = spawnSync("cargo", ["build", "--locked", "--bin", "clustergenie"], { cwd: repoDir, stdio: "inherit" });
  if (build.status !== 0) throw new Error(`cargo build failed (${build.status ?? build.signal})`);
  const target = process.env.CARGO_TARGET_DIR ?? path.join(repoDir, "target");
  return path.join(target, "debug", "clustergenie");
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`clustergenie exited with ${child.exitCode}; see e2e/artifacts/server.log`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`clustergenie did not become healthy within ${timeoutMs / 1000}s`);
}

async function terminate(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", () => r(true)));
  child.kill("SIGTERM");
  const timeout = new Promise((r) => setTimeout(() => r(false), 10_000));
  if (!(await Promise.race([exited, timeout]))) {
    child.kill("SIGKILL");
    await exited;
  }
}

export async function start() {
  fs.rmSync(artifacts, { recursive: true, force: true });
  fs.mkdirSync(artifacts, { recursive: true });
  const bin = binary();
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "clustergenie-e2e-"));
  const log = fs.openSync(path.join(artifacts, "server.log"), "w");
  const launch = () =>
    spawn(bin, ["serve"], {
      cwd: dataDir,
      env: {
        ...process.env,
        CLUSTERGENIE_LISTEN: `127.0.0.1:${port}`,
        CLUSTERGENIE_DATA_DIR: dataDir,
        CLUSTERGENIE_PROVISION_SECONDS: "2",
        CLUSTERGENIE_LOG_FORMAT: "json",
      },
      stdio: ["ignore", log, log],
    });
  let server = launch();
  const serverUrl = `http://127.0.0.1:${port}`;
  let baseUrl = serverUrl;
  let browser = null;
  let preview = null;
  const stop = async () => {
    await browser?.close().catch(() => {});
    browser = null;
    preview?.kill("SIGTERM");
    await terminate(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(serverUrl, server, 60_000);
    if (process.env.E2E_VITE_PREVIEW === "1") {
      // For iterating on the UI without rebuilding the binary: the current web/dist,
      // served by `vite preview`, proxying the API to the binary.
      const previewPort = await freePort();
      const vite = path.join(webDir, "node_modules", "vite", "bin", "vite.js");
      preview = spawn(process.execPath, [vite, "preview", "--port", String(previewPort), "--strictPort"], {
        cwd: webDir,
        env: { ...process.env, CLUSTERGENIE_API: serverUrl },
        stdio: "ignore",
      });
      baseUrl = `http://127.0.0.1:${previewPort}`;
      await waitForHealth(baseUrl, preview, 30_000);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  } catch (e) {
    await stop();
    throw e;
  }
  /** Stops the server (the data stays). */
  const stopServer = () => terminate(server);
  /** Starts it again on the same address with the same data. */
  const startServer = async () => {
    server = launch();
    await waitForHealth(serverUrl, server, 60_000);
  };
  const restartServer = async () => {
    await stopServer();
    await startServer();
  };
  return { baseUrl, serverUrl, browser, stop, stopServer, startServer, restartServer };
}
