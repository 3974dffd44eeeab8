//! Activity logs (issue 16): how many records/s `ActivityLog::append` stores in batches of
//! 1,000, what storing them costs the list query over HTTP (`CLUSTERGENIE_LOG_STORE_LEVEL`
//! `off`, `info` — successful queries log at DEBUG, so this is the layer alone — and `debug`,
//! where every request stores a line), and search latency at 1 M and 10 M stored records on
//! Postgres ([`search`]).

pub mod search;

use crate::server::{Server, Storage};
use crate::wrk::LoadResult;
use hdrhistogram::Histogram;
use schema::logs::{LogLevel, SERVICES};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::activity_log::{ActivityLog, LogRecord};

/// Records per `append` (the capture layer's batch).
pub const BATCH_RECORDS: usize = 1_000;
/// The store levels the list query runs under; the first is the reference.
const LEVELS: [&str; 3] = ["off", "info", "debug"];

/// Sizes of one run.
pub struct LogsPlan {
    /// Batches appended at each writer count.
    pub batches: usize,
    /// Concurrent appenders measured (one per process in production).
    pub writers: Vec<usize>,
    /// Seconds of each wrk run, and how many runs per level (levels alternate; the median
    /// round is reported).
    pub seconds: u32,
    pub rounds: usize,
    /// Records in the table at each search measurement (a fresh fill each).
    pub search_records: Vec<i64>,
    /// Searches measured per kind and size.
    pub searches: usize,
}

/// `ActivityLog::append` at one writer count.
#[derive(Debug, Clone, Serialize)]
pub struct Ingest {
    pub backend: String,
    pub writers: usize,
    pub records: usize,
    /// Resource ids named (rows of `log_resources`).
    pub resource_links: usize,
    pub seconds: f64,
    pub records_per_sec: f64,
    pub batch_p50_ms: f64,
    pub batch_p99_ms: f64,
}

/// The list query under one store level.
#[derive(Debug, Clone, Serialize)]
pub struct ApiCost {
    pub backend: String,
    /// `CLUSTERGENIE_LOG_STORE_LEVEL`.
    pub level: String,
    /// Seconds of each wrk run.
    pub seconds: u32,
    /// The median round by req/s.
    pub load: LoadResult,
    /// req/s of every round, in the order they ran.
    pub rounds_per_sec: Vec<f64>,
    /// 1 − req/s ÷ the `off` level's req/s (0 for `off`).
    pub cost: f64,
    /// `clustergenie_log_records_stored_total` gained per second of the median round.
    pub stored_per_sec: f64,
    /// Records stored per request of the median round.
    pub stored_per_request: f64,
    /// `clustergenie_log_records_dropped_total` at the end of the median round.
    pub dropped: f64,
}

/// What the logs section measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LogsResult {
    pub ingest: Vec<Ingest>,
    pub api: Vec<ApiCost>,
    pub search: Vec<search::SearchSize>,
    /// Why search latency was not measured, when it was not.
    pub search_skipped: Option<String>,
}

/// A 64-bit mix (splitmix64's finaliser): the same made-up record for the same number.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn uuid_of(x: u64) -> String {
    uuid::Uuid::from_u64_pair(mix(x), mix(x ^ 0x5555)).to_string()
}

/// Record `i` as the capture layer would make it: an ~80-character message, 5 fields, 1–2
/// resource ids, a correlation id and a trace id; levels ~1 % error, 4 % warn, 80 % info.
fn realistic(i: u64, at_us: i64) -> LogRecord {
    let h = mix(i);
    let level = match h % 100 {
        0 => LogLevel::Error,
        1..=4 => LogLevel::Warn,
        5..=84 => LogLevel::Info,
        _ => LogLevel::Debug,
    };
    let service = SERVICES[(h >> 8) as usize % SERVICES.len()];
    let (n, ms) = ((h >> 16) % 977, (h >> 32) % 900 + 10);
    let message = match level {
        LogLevel::Error => format!(
            "job {} failed: provisioning droplet web-{n} in nyc1 timed out after 30 s (attempt 3)",
            (h >> 40) % 100_000
        ),
        LogLevel::Warn => format!(
            "health check api-{n} is slow: {ms} ms against a 1000 ms budget, connection kept"
        ),
        LogLevel::Info => format!(
            "mutation createDroplet ok: droplet web-{n} in nyc1, size s-1vcpu-1gb, {ms} ms, page 1"
        ),
        _ => format!(
            "projector applied event {i} of droplet web-{n} at stream position {i} in {ms} us, no lag"
        ),
    };
    let droplet = uuid_of(h % 10_000);
    let mut resource_ids = vec![droplet.clone()];
    if h.is_multiple_of(3) {
        resource_ids.push(uuid_of(10_000 + (h >> 24) % 1_000));
    }
    let mut fields = Map::new();
    fields.insert("operation".into(), json!("mutation"));
    fields.insert("root_fields".into(), json!("createDroplet"));
    fields.insert("elapsed_ms".into(), json!(ms as f64 / 10.0));
    fields.insert("attempt".into(), json!(1 + (h >> 50) % 3));
    fields.insert("droplet_id".into(), Value::String(droplet));
    LogRecord {
        id: 0,
        at_us,
        level,
        service: service.into(),
        instance: "bench-host:4242".into(),
        target: format!("clustergenie::roles::{service}"),
        message,
        fields,
        resource_ids,
        correlation_id: Some(uuid_of(i ^ 0xc0ffee)),
        trace_id: Some(format!("{:016x}{:016x}", mix(i ^ 7), mix(i ^ 11))),
    }
}

/// `plan.batches` batches of [`BATCH_RECORDS`] appended by each writer count of the plan,
/// the writers sharing the batches.
pub async fn ingest(
    storage: &Storage,
    backend: &str,
    plan: &LogsPlan,
) -> anyhow::Result<Vec<Ingest>> {
    let db = storage.db().await?;
    let log = ActivityLog::new(db.clone());
    let mut out = Vec::new();
    let mut next = 0u64;
    for &writers in &plan.writers {
        let now = store::now_us();
        // Made before the clock starts: only the store is measured.
        let batches: Arc<Vec<Vec<LogRecord>>> = Arc::new(
            (0..plan.batches)
                .map(|_| {
                    (0..BATCH_RECORDS)
                        .map(|_| {
                            next += 1;
                            realistic(next, now + next as i64)
                        })
                        .collect()
                })
                .collect(),
        );
        let links = batches.iter().flatten().map(|r| r.resource_ids.len()).sum();
        let taken = Arc::new(AtomicUsize::new(0));
        let latencies = Arc::new(Mutex::new(Histogram::<u64>::new(3)?));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..writers {
            let (log, batches, taken, latencies) = (
                log.clone(),
                batches.clone(),
                taken.clone(),
                latencies.clone(),
            );
            tasks.push(tokio::spawn(async move {
                loop {
                    let i = taken.fetch_add(1, Ordering::Relaxed);
                    let Some(batch) = batches.get(i) else {
                        return Ok::<_, anyhow::Error>(());
                    };
                    let one = Instant::now();
                    let ids = log.append(batch).await?;
                    anyhow::ensure!(ids.len() == batch.len(), "append stored {}", ids.len());
                    let us = (one.elapsed().as_micros() as u64).max(1);
                    latencies.lock().expect("histogram").record(us)?;
                }
            }));
        }
        for t in tasks {
            t.await??;
        }
        let seconds = started.elapsed().as_secs_f64();
        let h = latencies.lock().expect("histogram").clone();
        let records = plan.batches * BATCH_RECORDS;
        out.push(Ingest {
            backend: backend.into(),
            writers,
            records,
            resource_links: links,
            seconds,
            records_per_sec: records as f64 / seconds,
            batch_p50_ms: h.value_at_quantile(0.5) as f64 / 1000.0,
            batch_p99_ms: h.value_at_quantile(0.99) as f64 / 1000.0,
        });
    }
    db.close().await;
    Ok(out)
}

/// The sum of every series of the counter `name` in a Prometheus text page (0 when absent).
fn counter(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| {
            l.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(' ') || rest.starts_with('{'))
        })
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        // Not `sum()`: an empty f64 sum is -0.
        .fold(0.0, |a, b| a + b)
}

async fn scrape(server: &Server) -> anyhow::Result<(f64, f64)> {
    let text = reqwest::get(format!("{}/metrics", server.base))
        .await?
        .text()
        .await?;
    Ok((
        counter(&text, "clustergenie_log_records_stored_total"),
        counter(&text, "clustergenie_log_records_dropped_total"),
    ))
}

/// What one run measured.
#[derive(Debug, Clone, Copy)]
struct Run {
    load: LoadResult,
    /// Records stored from just before the load to 0.5 s after it.
    stored: f64,
    stored_per_sec: f64,
    dropped: f64,
}

/// One wrk run of the list query against a fresh server storing `level`.
async fn one_run(
    bin: &std::path::Path,
    backend: &str,
    pg: &str,
    env: &[(&str, &str)],
    level: &str,
    seconds: u32,
) -> anyhow::Result<Run> {
    let storage = crate::fresh(backend, pg).await?;
    let mut env = env.to_vec();
    env.push(("CLUSTERGENIE_LOG_STORE_LEVEL", level));
    let result = async {
        let srv = Server::start(bin, &storage, &env).await?;
        let run = async {
            crate::seed_droplets(&srv).await?;
            // Let the seeds' provisioning jobs finish (each logs at INFO) before the load.
            tokio::time::sleep(Duration::from_secs(2)).await;
            let (stored_before, _) = scrape(&srv).await?;
            let started = Instant::now();
            let load = crate::list_load(&srv, seconds)?;
            // The writer stores what it gathered within 200 ms.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let (stored, dropped) = scrape(&srv).await?;
            Ok::<_, anyhow::Error>(Run {
                load,
                stored: stored - stored_before,
                stored_per_sec: (stored - stored_before) / started.elapsed().as_secs_f64(),
                dropped,
            })
        }
        .await;
        srv.stop();
        run
    }
    .await;
    crate::cleanup(&storage, pg).await;
    result
}

/// The list query's load under each store level, `plan.rounds` times, the levels' order
/// turning each round so that a drift of the machine does not fall on one level.
pub async fn api_cost(
    bin: &std::path::Path,
    backend: &str,
    pg: &str,
    env: &[(&str, &str)],
    plan: &LogsPlan,
) -> anyhow::Result<Vec<ApiCost>> {
    let mut runs: Vec<Vec<Run>> = vec![Vec::new(); LEVELS.len()];
    for round in 0..plan.rounds {
        for k in 0..LEVELS.len() {
            let i = (k + round) % LEVELS.len();
            let r = one_run(bin, backend, pg, env, LEVELS[i], plan.seconds).await?;
            eprintln!(
                "   {backend} level {}: {:.0} req/s, {:.0} records stored/s",
                LEVELS[i], r.load.requests_per_sec, r.stored_per_sec
            );
            runs[i].push(r);
        }
    }
    let mut out: Vec<ApiCost> = Vec::new();
    for (level, mut rounds) in LEVELS.iter().zip(runs) {
        let rounds_per_sec: Vec<f64> = rounds.iter().map(|r| r.load.requests_per_sec).collect();
        rounds.sort_by(|a, b| a.load.requests_per_sec.total_cmp(&b.load.requests_per_sec));
        let median = rounds[rounds.len() / 2];
        let load = median.load;
        let reference = out
            .first()
            .map_or(load.requests_per_sec, |off| off.load.requests_per_sec);
        out.push(ApiCost {
            backend: backend.into(),
            level: level.to_string(),
            seconds: plan.seconds,
            load,
            rounds_per_sec,
            cost: 1.0 - load.requests_per_sec / reference,
            stored_per_sec: median.stored_per_sec,
            stored_per_request: median.stored / load.requests.max(1) as f64,
            dropped: median.dropped,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_counter_with_and_without_labels() {
        let text =
            "# TYPE x_total counter\nx_total 12\nx_total_other 5\ny{a=\"1\"} 2\ny{a=\"2\"} 3\n";
        assert_eq!(counter(text, "x_total"), 12.0);
        assert_eq!(counter(text, "y"), 5.0);
        assert_eq!(counter(text, "z"), 0.0);
    }

    #[test]
    fn made_up_records_look_like_captured_ones() {
        let records: Vec<LogRecord> = (1..=10_000).map(|i| realistic(i, 0)).collect();
        let errors = records
            .iter()
            .filter(|r| r.level == LogLevel::Error)
            .count();
        assert!((50..200).contains(&errors), "{errors} errors");
        for r in &records {
            assert_eq!(r.fields.len(), 5);
            assert!((1..=2).contains(&r.resource_ids.len()));
            assert!(
                (70..=95).contains(&r.message.chars().count()),
                "{}",
                r.message
            );
        }
    }
}
