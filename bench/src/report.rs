//! The benchmark report: one struct, rendered as Markdown and JSON.

use crate::append::AppendResult;
use crate::live::LiveResult;
use crate::rebuild::RebuildResult;
use crate::wrk::LoadResult;
use serde::Serialize;
use std::fmt::Write;

/// Reference figures of the earlier REST design (wrk, 100 connections).
pub const REST_HEALTH_RPS: f64 = 2450.0;
/// Reference: list droplets.
pub const REST_LIST_RPS: f64 = 1850.0;
/// Reference: create droplet.
pub const REST_CREATE_RPS: f64 = 890.0;
/// Reference: heap in MB.
pub const REST_HEAP_MB: f64 = 45.0;

/// HTTP load figures of one backend.
#[derive(Debug, Serialize)]
pub struct Http {
    pub backend: String,
    pub health: LoadResult,
    pub list_droplets: LoadResult,
    pub create_droplet: LoadResult,
}

/// Server memory of one backend.
#[derive(Debug, Serialize)]
pub struct Memory {
    pub backend: String,
    pub idle_kib: u64,
    pub peak_under_load_kib: u64,
    pub after_load_kib: u64,
}

/// One point of the scale curve.
#[derive(Debug, Serialize)]
pub struct Scale {
    pub backend: String,
    pub events: u64,
    pub droplets: u64,
    pub rebuild: RebuildResult,
    pub query_p50_ms: f64,
    pub query_p99_ms: f64,
    pub append_p50_ms: f64,
    pub append_p99_ms: f64,
}

/// Everything one run measured.
#[derive(Debug, Serialize)]
pub struct Report {
    pub date: String,
    pub machine: String,
    pub commit: String,
    pub quick: bool,
    pub append: Vec<AppendResult>,
    pub http: Vec<Http>,
    pub live: Vec<LiveResult>,
    pub memory: Vec<Memory>,
    pub scale: Vec<Scale>,
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map(|kib| format!("{:.0} GiB", kib as f64 / 1048576.0))
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {mem} RAM, {}", std::env::consts::OS)
}

fn commit() -> String {
    std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

impl Report {
    /// An empty report stamped with the date, machine and commit.
    pub fn new(quick: bool) -> Self {
        Self {
            date: chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
            machine: machine(),
            commit: commit(),
            quick,
            append: vec![],
            http: vec![],
            live: vec![],
            memory: vec![],
            scale: vec![],
        }
    }

    /// The report as Markdown tables.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Run {} on {}, commit {}{}.\n",
            self.date,
            self.machine,
            self.commit,
            if self.quick {
                " (--quick: figures are not meaningful)"
            } else {
                ""
            }
        );
        let _ = writeln!(
            s,
            "### Event append vs raw INSERT (same table, same concurrency)\n"
        );
        let _ = writeln!(s, "| backend | writers | createCluster commands/s | raw INSERT/s | raw ÷ command |\n|---|---:|---:|---:|---:|");
        for a in &self.append {
            let _ = writeln!(
                s,
                "| {} | {} | {:.0} | {:.0} | {:.2}× |",
                a.backend, a.writers, a.command_per_sec, a.raw_insert_per_sec, a.ratio
            );
        }
        let _ = writeln!(
            s,
            "\n### HTTP (wrk; 100 connections for reads, 64 for createDroplet)\n"
        );
        let _ = writeln!(s, "| backend | request | req/s | vs earlier REST design | p50 ms | p99 ms | p99.9 ms | errors |\n|---|---|---:|---:|---:|---:|---:|---:|");
        for h in &self.http {
            for (name, r, reference) in [
                ("GET /health", h.health, REST_HEALTH_RPS),
                ("droplets(first: 20)", h.list_droplets, REST_LIST_RPS),
                ("createDroplet", h.create_droplet, REST_CREATE_RPS),
            ] {
                let _ = writeln!(s, "| {} | {name} | {:.0} | {:.1}× of {reference:.0} | {:.2} | {:.2} | {:.2} | {} |", h.backend, r.requests_per_sec, r.requests_per_sec / reference, r.p50_ms, r.p99_ms, r.p999_ms, r.errors);
            }
        }
        let _ = writeln!(
            s,
            "\n### Live delivery (mutation sent → `events` subscription message received)\n"
        );
        let _ = writeln!(s, "| backend | subscribers | deliveries | p50 ms | p99 ms | server KiB per subscriber |\n|---|---:|---:|---:|---:|---:|");
        for l in &self.live {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2} | {:.2} | {:.1} |",
                l.backend, l.subscribers, l.delivered, l.p50_ms, l.p99_ms, l.kib_per_subscriber
            );
        }
        let _ = writeln!(
            s,
            "\n### Memory of the server process (RSS; earlier design: {REST_HEAP_MB:.0} MB heap)\n"
        );
        let _ = writeln!(s, "| backend | idle MiB | peak under HTTP load MiB | 2 s after load MiB |\n|---|---:|---:|---:|");
        for m in &self.memory {
            let _ = writeln!(
                s,
                "| {} | {:.1} | {:.1} | {:.1} |",
                m.backend,
                m.idle_kib as f64 / 1024.0,
                m.peak_under_load_kib as f64 / 1024.0,
                m.after_load_kib as f64 / 1024.0
            );
        }
        let _ = writeln!(
            s,
            "\n### Rebuild and scale curve (10 generated events per droplet)\n"
        );
        let _ = writeln!(s, "| backend | events | droplets | rebuild s | rebuild events/s | droplets(first: 20) p50 / p99 ms | createCluster p50 / p99 ms |\n|---|---:|---:|---:|---:|---:|---:|");
        for c in &self.scale {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2} | {:.0} | {:.2} / {:.2} | {:.2} / {:.2} |",
                c.backend,
                c.events,
                c.droplets,
                c.rebuild.rebuild_seconds,
                c.rebuild.events_per_sec,
                c.query_p50_ms,
                c.query_p99_ms,
                c.append_p50_ms,
                c.append_p99_ms
            );
        }
        let _ = writeln!(
            s,
            "\nThe Kafka path is not measured yet: distributed mode has not landed."
        );
        s
    }
}
