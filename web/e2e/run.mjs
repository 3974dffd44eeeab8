// Runs the end-to-end specs (e2e/specs/*.spec.mjs, or only those named on the command line:
// `node e2e/run.mjs audit restart`), one after the other, each against a server of its own.
// Exits non-zero when any step fails. Screenshots and server logs go to e2e/artifacts/.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { artifacts, runSpec, stopAll } from "./harness.mjs";

const specDir = path.join(import.meta.dirname, "specs");
const all = fs.readdirSync(specDir).filter((f) => f.endsWith(".spec.mjs")).sort();
const wanted = process.argv.slice(2);
const chosen = wanted.length ? all.filter((f) => wanted.includes(f.replace(/\.spec\.mjs$/, ""))) : all;
if (wanted.length && chosen.length !== wanted.length) {
  console.error(`e2e: unknown spec in ${wanted.join(" ")}; there are ${all.map((f) => f.replace(/\.spec\.mjs$/, "")).join(", ")}`);
  process.exit(2);
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await stopAll();
    process.exit(130);
  });
}

fs.rmSync(artifacts, { recursive: true, force: true });
fs.mkdirSync(artifacts, { recursive: true });
const results = [];
for (const file of chosen) {
  const name = file.replace(/\.spec\.mjs$/, "");
  console.log(`e2e: ${name}`);
  const spec = await import(pathToFileURL(path.join(specDir, file)).href);
  // A spec may export `env`: variables its server starts with (CLUSTERGENIE_AUTH=required, …).
  results.push(...(await runSpec(name, spec.default, { env: spec.env ?? {} })));
}
const failed = results.filter((r) => !r.ok);
console.log(`e2e: screenshots in ${artifacts}`);
console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
for (const r of failed) console.log(`  failed: ${r.name}`);
process.exit(failed.length || results.length === 0 ? 1 : 0);
