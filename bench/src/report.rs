//! The benchmark report: one struct, rendered as Markdown and JSON.

use crate::append::AppendResult;
use crate::hostile::HostileResult;
use crate::kafka::{KafkaResult, TARGET_P99_MS};
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
    pub kafka: Option<KafkaResult>,
    /// Why the Kafka path was not measured, when it was not.
    pub kafka_skipped: Option<String>,
    /// `/health` and `createCluster` under each attack.
    pub hostile: Vec<HostileResult>,
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
            kafka: None,
            kafka_skipped: None,
            hostile: Vec::new(),
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
                let _ = writeln!(s, "| {} | {name} | {:.0} | {:.1}× of {reference:.0} | {:.2} | {:.2} | {:.2} | {} |", h.backend, r.requests_per_sec, r.requests_per_sec / reference, r.p50_ms, r.p99_ms, r.p999_ms, r.errors + r.bad_answers);
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
        if let Some(k) = &self.kafka {
            kafka_markdown(&mut s, k);
        } else if let Some(why) = &self.kafka_skipped {
            let _ = writeln!(s, "\nKafka path not measured: {why}.");
        }
        hostile_markdown(&mut s, &self.hostile);
        s
    }
}

fn hostile_markdown(s: &mut String, rows: &[HostileResult]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "\n### Hostile load: `/health` and a `createCluster` round trip while each attack runs\n"
    );
    let _ = writeln!(
        s,
        "| backend | attack | attack requests | answers | /health ok / failed | /health p50 / p99 ms | createCluster ok / failed | createCluster p50 / p99 ms | /health back after s |\n|---|---|---:|---|---:|---:|---:|---:|---:|"
    );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} / {} | {:.1} / {:.1} | {} / {} | {:.1} / {:.1} | {} |",
            r.backend,
            r.attack,
            r.attack_requests,
            r.attack_answers,
            r.health_ok,
            r.health_failed,
            r.health_p50_ms,
            r.health_p99_ms,
            r.create_ok,
            r.create_failed,
            r.create_p50_ms,
            r.create_p99_ms,
            r.recovery_seconds
                .map(|s| format!("{s:.1}"))
                .unwrap_or_else(|| "> 120".into())
        );
    }
}

fn kafka_markdown(s: &mut String, k: &KafkaResult) {
    let r = &k.relay;
    let _ = writeln!(
        s,
        "\n### Kafka path: relay publish rate (Postgres, {}; {} events, mean value {:.0} bytes, {} headers)\n",
        k.broker, r.events, r.message_bytes, r.headers_per_message
    );
    let _ = writeln!(
        s,
        "| publisher | events | seconds | events/s | vs plain producer (all in flight) |\n|---|---:|---:|---:|---:|"
    );
    let vs = |rate: f64| rate / r.reference_all_in_flight_per_sec.max(1e-9);
    let _ = writeln!(
        s,
        "| `clustergenie relay`, spawn → checkpoint at the last event | {} | {:.2} | {:.0} | {:.2}× |",
        r.events,
        r.relay_total_seconds,
        r.relay_total_per_sec,
        vs(r.relay_total_per_sec)
    );
    if r.relay_steady_events > 0 {
        let _ = writeln!(
            s,
            "| `clustergenie relay`, first checkpoint → last (steady) | {} | {:.2} | {:.0} | {:.2}× |",
            r.relay_steady_events,
            r.relay_steady_seconds,
            r.relay_steady_per_sec,
            vs(r.relay_steady_per_sec)
        );
    }
    let _ = writeln!(
        s,
        "| plain rdkafka FutureProducer, all in flight (reference) | {} | {:.2} | {:.0} | 1.00× |",
        r.events,
        r.events as f64 / r.reference_all_in_flight_per_sec.max(1e-9),
        r.reference_all_in_flight_per_sec
    );
    let _ = writeln!(
        s,
        "| same producer, batches of {} awaited in turn (the relay's batch size) | {} | {:.2} | {:.0} | {:.2}× |",
        r.batch_size,
        r.events,
        r.events as f64 / r.reference_batched_per_sec.max(1e-9),
        r.reference_batched_per_sec,
        vs(r.reference_batched_per_sec)
    );
    let _ = writeln!(
        s,
        "| same, each envelope encoded just before its send (the relay's loop without Postgres) | {} | {:.2} | {:.0} | {:.2}× |",
        r.events,
        r.events as f64 / r.reference_encode_in_loop_per_sec.max(1e-9),
        r.reference_encode_in_loop_per_sec,
        vs(r.reference_encode_in_loop_per_sec)
    );
    let _ = writeln!(
        s,
        "| the relay's work without the broker: read the log in batches of {}, encode envelopes | {} | {:.2} | {:.0} | — |",
        r.batch_size,
        r.events,
        r.read_and_encode_seconds,
        r.events as f64 / r.read_and_encode_seconds.max(1e-9)
    );
    let l = &k.lag;
    let _ = writeln!(
        s,
        "\n### Kafka path: commit → projected ({} createCluster/s for {} s through `clustergenie api`; {} acknowledged, {} failed)\n",
        l.rate_per_sec, l.seconds, l.mutations, l.failed_mutations
    );
    let _ = writeln!(
        s,
        "| measure | p50 ms | p99 ms | note |\n|---|---:|---:|---|"
    );
    let _ = writeln!(
        s,
        "| recorded → in `audit_log`, measured directly | {:.2} | {:.2} | audit log polled every {} ms (±{} ms); max {:.2} ms |",
        l.direct_p50_ms,
        l.direct_p99_ms,
        l.poll_ms,
        l.poll_ms / 2,
        l.direct_max_ms
    );
    let _ = writeln!(
        s,
        "| `clustergenie_projector_delay_seconds` | {:.2} | {:.2} | estimated from buckets like histogram_quantile; {:.1}% within {TARGET_P99_MS:.0} ms (exact) |",
        l.projector_hist_p50_ms,
        l.projector_hist_p99_ms,
        l.projector_within_50ms * 100.0
    );
    let _ = writeln!(
        s,
        "| `clustergenie_relay_publish_delay_seconds` (recorded → broker ack) | {:.2} | {:.2} | estimated from buckets like histogram_quantile |",
        l.relay_hist_p50_ms, l.relay_hist_p99_ms
    );
    let _ = writeln!(
        s,
        "| mutation round trip (answers once its event is projected) | {:.2} | {:.2} | HTTP, client side |",
        l.mutation_p50_ms, l.mutation_p99_ms
    );
    for t in &k.broker_round_trips {
        let _ = writeln!(
            s,
            "| reference: the broker alone, plain producer → consumer (`fetch.wait.max.ms={}`), {} | {:.2} | {:.2} | same rate, no Postgres; {} of {} received; send → ack p50 / p99 {:.2} / {:.2} ms |",
            t.fetch_wait_max_ms,
            if t.stored_before == 0 {
                "fresh broker".to_string()
            } else {
                format!("broker already storing {} messages", t.stored_before)
            },
            t.consume_p50_ms,
            t.consume_p99_ms,
            t.received,
            t.messages,
            t.ack_p50_ms,
            t.ack_p99_ms
        );
    }
    let _ = writeln!(
        s,
        "\nSPEC target: p99 delivery under {TARGET_P99_MS:.0} ms through Kafka — direct p99 {:.1} ms: {}.",
        l.direct_p99_ms,
        if l.direct_p99_ms < TARGET_P99_MS {
            "met"
        } else {
            "not met"
        }
    );
    let _ = writeln!(s, "\n### Kafka path: memory of the role processes (RSS)\n");
    let _ = writeln!(
        s,
        "| role | during | idle MiB | peak MiB | 2 s after MiB |\n|---|---|---:|---:|---:|"
    );
    for m in &k.memory {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1} | {:.1} |",
            m.role,
            m.phase,
            m.idle_kib
                .map(|k| format!("{:.1}", k as f64 / 1024.0))
                .unwrap_or_else(|| "—".into()),
            m.peak_kib as f64 / 1024.0,
            m.after_kib as f64 / 1024.0
        );
    }
}
