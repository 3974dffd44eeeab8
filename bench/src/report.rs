//! The benchmark report: one struct, rendered as Markdown (`markdown`, the Kafka tables in
//! `kafka`) and JSON.

mod kafka;
mod markdown;

use crate::append::AppendResult;
use crate::hostile::HostileResult;
use crate::kafka::KafkaResult;
use crate::live::LiveResult;
use crate::logs::LogsResult;
use crate::rebuild::RebuildResult;
use crate::telemetry::TelemetryResult;
use crate::wrk::LoadResult;
use serde::Serialize;

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
    pub kafka: Option<KafkaResult>,
    /// Why the Kafka path was not measured, when it was not.
    pub kafka_skipped: Option<String>,
    /// `/health` and `createCluster` under each attack.
    pub hostile: Vec<HostileResult>,
    /// The simulator's ingest, the 7-day chart query and the health-check scheduler.
    pub telemetry: Vec<TelemetryResult>,
    /// Activity logs: append rate, the cost of storing logs on the list query, search latency.
    pub logs: LogsResult,
}

/// Cores, CPU model, memory and OS of this machine.
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

/// The checked-out commit, short.
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
            kafka: None,
            kafka_skipped: None,
            hostile: Vec::new(),
            telemetry: Vec::new(),
            logs: LogsResult::default(),
        }
    }
}
