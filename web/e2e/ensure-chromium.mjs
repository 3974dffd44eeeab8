// Runs before `npm run e2e`: the end-to-end tests drive Debian's Chromium, never a browser
// downloaded by a tool. On a fresh Debian machine (as root) it is installed from apt; anywhere
// else a missing browser stops the run with one clear line.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";

const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(path)) {
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (!root || !existsSync("/usr/bin/apt-get")) {
    console.error(`e2e: no browser at ${path}; install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH`);
    process.exit(1);
  }
  console.error(`e2e: ${path} is missing; installing Debian's chromium with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-q", "chromium"], { stdio: "inherit", env });
}
