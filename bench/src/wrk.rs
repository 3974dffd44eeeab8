//! HTTP load with wrk (Debian package `wrk`), driven by small Lua scripts.

use anyhow::{bail, Context};
use serde::Serialize;
use std::process::Command;

/// What one wrk run measured.
#[derive(Debug, Clone, Copy, Serialize, Default)]
pub struct LoadResult {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub requests: u64,
    /// Socket errors: connect, read, write, timeout.
    pub errors: u64,
    /// Answers with a status other than 2xx, or a GraphQL answer carrying `errors`.
    pub bad_answers: u64,
}

impl LoadResult {
    /// Fails when any request of the run failed: a load figure over error answers measures
    /// the error path, not the one it is named after.
    pub fn ensure_clean(self, what: &str) -> anyhow::Result<Self> {
        if self.errors > 0 || self.bad_answers > 0 {
            bail!(
                "{what}: {} of {} requests failed ({} socket errors, {} non-2xx or GraphQL `errors` answers)",
                self.errors + self.bad_answers,
                self.requests,
                self.errors,
                self.bad_answers
            );
        }
        Ok(self)
    }
}

/// Every script: numbers its threads (`tid`), counts bad answers per thread, and prints one
/// result line that [`run`] parses.
const COMMON: &str = r#"
local threads = {}
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
bad = 0
response = function(status, headers, body)
  if status < 200 or status > 299 or (body and string.find(body, '"errors"', 1, true)) then
    bad = bad + 1
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local b = 0
  for _, t in ipairs(threads) do b = b + (t:get("bad") or 0) end
  io.write(string.format("WRKJSON %d %d %d %d %d %d %d %d\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), b))
end
"#;

/// A GET with no body.
pub fn get_script() -> String {
    COMMON.to_string()
}

/// A POST of a fixed GraphQL body.
pub fn post_script(body: &str) -> String {
    format!(
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [==[{body}]==]\n{COMMON}"
    )
}

/// A POST of `createDroplet` with a unique name per request.
pub fn create_droplet_script() -> String {
    format!(
        r#"
{COMMON}
local counter = 0
request = function()
  counter = counter + 1
  local body = '{{"query":"mutation($i: CreateDropletInput!){{createDroplet(input:$i){{position}}}}","variables":{{"i":{{"name":"w' .. tid .. 'r' .. counter .. 'x' .. os.time() % 100000 .. '","region":"nyc1","size":"s-1vcpu-1gb","image":"debian-12-x64"}}}}}}'
  return wrk.format("POST", "/graphql", {{["Content-Type"] = "application/json"}}, body)
end
"#
    )
}

/// Runs wrk against `url` and parses its result line.
pub fn run(url: &str, connections: u32, seconds: u32, script: &str) -> anyhow::Result<LoadResult> {
    let path = std::env::temp_dir().join(format!("cg-wrk-{}.lua", uuid::Uuid::new_v4()));
    std::fs::write(&path, script)?;
    let out = Command::new("wrk")
        .args([
            "-t",
            "2",
            "-c",
            &connections.to_string(),
            "-d",
            &format!("{seconds}s"),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(&path)
        .arg(url)
        .output()
        .context("wrk is needed for HTTP benchmarks: apt-get install wrk")?;
    let _ = std::fs::remove_file(&path);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(line) = stdout.lines().find(|l| l.starts_with("WRKJSON ")) else {
        bail!(
            "wrk printed no result: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let n: Vec<f64> = line
        .split_whitespace()
        .skip(1)
        .filter_map(|x| x.parse().ok())
        .collect();
    if n.len() < 8 {
        bail!("cannot parse wrk output: {line}");
    }
    let secs = n[1] / 1e6;
    Ok(LoadResult {
        requests_per_sec: n[0] / secs.max(1e-9),
        requests: n[0] as u64,
        errors: n[2] as u64,
        // wrk's own count (status > 399) is inside ours, which also sees 1xx/3xx and
        // GraphQL errors.
        bad_answers: n[7].max(n[3]) as u64,
        p50_ms: n[4] / 1000.0,
        p99_ms: n[5] / 1000.0,
        p999_ms: n[6] / 1000.0,
    })
}
