//! Event append through the command path next to a raw `INSERT` of rows of the same shape into
//! the same table, at the same concurrency, in the same run.

use crate::server::Storage;
use command::handlers::CreateCluster;
use command::{Commands, EventStore, JobSettings, RequestContext};
use serde::Serialize;
use sqlx::Executor;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Appends per second through both paths.
#[derive(Debug, Clone, Serialize)]
pub struct AppendResult {
    pub backend: String,
    pub writers: usize,
    /// `createCluster` commands/s (each loads, decides, claims a name and appends one event).
    pub command_per_sec: f64,
    /// Raw single-row `INSERT`s/s into `events` (pgbench on Postgres, a sqlx loop on SQLite).
    pub raw_insert_per_sec: f64,
    /// raw / command: how many times slower the command path is.
    pub ratio: f64,
}

/// Runs `writers` concurrent command loops for `seconds`.
async fn command_rate(storage: &Storage, writers: usize, seconds: f64) -> anyhow::Result<f64> {
    let db = storage.db().await?;
    let commands = Commands::new(
        EventStore::new(db.clone()),
        JobSettings::default(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let run = uuid::Uuid::new_v4().simple().to_string();
    let run = run[..8].to_string();
    let rate = per_second(writers, seconds, move |w, i| {
        let commands = commands.clone();
        let name = schema::ClusterName::parse(&format!("c{run}-{w}-{i}"));
        let region = schema::Region::parse("nyc1");
        async move {
            let ctx = RequestContext::new("bench");
            let input = CreateCluster::new(name.expect("a valid name"), region.expect("nyc1"));
            commands.create_cluster(&ctx, input).await.is_ok()
        }
    })
    .await?;
    db.close().await;
    Ok(rate)
}

/// Successful `attempt`s per second of `writers` concurrent loops running for `seconds`;
/// `attempt(writer, i)` is the `i`-th try (from 1) of loop `writer`.
async fn per_second<F, A>(writers: usize, seconds: f64, attempt: F) -> anyhow::Result<f64>
where
    F: Fn(usize, u64) -> A + Clone + Send + 'static,
    A: std::future::Future<Output = bool> + Send,
{
    let done = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut tasks = Vec::new();
    for w in 0..writers {
        let attempt = attempt.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let mut i = 0u64;
            while Instant::now() < deadline {
                i += 1;
                if attempt(w, i).await {
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    let started = Instant::now();
    for t in tasks {
        t.await?;
    }
    Ok(done.load(Ordering::Relaxed) as f64 / started.elapsed().as_secs_f64())
}

const RAW_INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
VALUES ('Bench', gen_random_uuid()::text, 1, 'ClusterCreated', '1', \
'{\"name\":\"raw-insert\",\"region\":\"nyc1\",\"labels\":{}}', \
'{\"actor\":\"bench\",\"correlation_id\":\"c\",\"causation_id\":\"c\"}');";

/// SQLite's raw insert, the same row as [`RAW_INSERT`] with the columns SQLite cannot fill.
const SQLITE_RAW_INSERT: &str = "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, event_id, recorded_us) \
VALUES ('Bench', ?1, 1, 'ClusterCreated', '1', '{\"name\":\"raw-insert\",\"region\":\"nyc1\",\"labels\":{}}', \
'{\"actor\":\"bench\",\"correlation_id\":\"c\",\"causation_id\":\"c\"}', ?2, 0)";

/// Raw inserts/s: pgbench with a custom script on Postgres; a sqlx loop on SQLite.
async fn raw_rate(storage: &Storage, writers: usize, seconds: f64) -> anyhow::Result<f64> {
    match storage {
        Storage::Postgres(url) => {
            let script =
                std::env::temp_dir().join(format!("cg-pgbench-{}.sql", uuid::Uuid::new_v4()));
            std::fs::write(&script, RAW_INSERT)?;
            let out = Command::new("pgbench")
                .args([
                    "-n",
                    "-c",
                    &writers.to_string(),
                    "-j",
                    &writers.min(2).to_string(),
                ])
                .args(["-T", &(seconds.ceil() as u64).to_string(), "-f"])
                .arg(&script)
                .arg(url)
                .output()?;
            let _ = std::fs::remove_file(&script);
            let text = String::from_utf8_lossy(&out.stdout);
            let tps = text
                .lines()
                .find(|l| l.starts_with("tps = "))
                .and_then(|l| l.split_whitespace().nth(2))
                .and_then(|n| n.parse::<f64>().ok())
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "pgbench failed: {text} {}",
                        String::from_utf8_lossy(&out.stderr)
                    )
                })?;
            Ok(tps)
        }
        Storage::Sqlite(_) => {
            let db = storage.db().await?;
            let pool = db.writes().clone();
            let rate = per_second(writers, seconds, move |_, _| {
                let pool = pool.clone();
                async move {
                    let id = uuid::Uuid::new_v4().to_string();
                    let r = command::on_pool!(&pool, p => {
                        sqlx::query(SQLITE_RAW_INSERT)
                            .bind(&id)
                            .bind(&id)
                            .execute(p)
                            .await
                            .map(|_| ())
                    });
                    r.is_ok()
                }
            })
            .await?;
            db.close().await;
            Ok(rate)
        }
    }
}

/// Measures both paths at `writers` concurrency on `storage`.
pub async fn measure(
    storage: &Storage,
    writers: usize,
    seconds: f64,
) -> anyhow::Result<AppendResult> {
    let command = command_rate(storage, writers, seconds).await?;
    let raw = raw_rate(storage, writers, seconds).await?;
    // The raw rows are not domain events: remove them so later benchmarks see a clean log.
    let db = storage.db().await?;
    let delete = "DELETE FROM events WHERE aggregate_type = 'Bench'";
    command::on_pool!(db.writes(), p => p.execute(delete).await.map(|_| ()))?;
    db.close().await;
    Ok(AppendResult {
        backend: storage.label().into(),
        writers,
        command_per_sec: command,
        raw_insert_per_sec: raw,
        ratio: raw / command.max(1e-9),
    })
}
