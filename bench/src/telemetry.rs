//! Telemetry: the simulator's ingest (samples per second, and the share of one core it needs
//! at 1,000 droplets every 10 s), a 7-day chart query over 30 days of hourly rollups for
//! 1,000 droplets, and the health-check scheduler's lateness with many checks against a local
//! server.

use crate::server::{Server, Storage};
use command::telemetry::{FleetDroplet, FleetView, Simulator, SimulatorSettings};
use schema::DropletId;
use serde::Serialize;
use serde_json::json;
use std::time::{Duration, Instant};
use store::metrics::MetricsStore;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sizes of one run.
pub struct TelemetryPlan {
    /// Droplets of the ingest measurements (the last one gives the rate).
    pub ingest_droplets: Vec<usize>,
    /// Ticks measured at each size.
    pub ticks: usize,
    /// Droplets and days of hourly rollups behind the 7-day query.
    pub history_droplets: usize,
    pub history_days: i64,
    /// Queries measured.
    pub queries: usize,
    /// Health checks and their interval.
    pub checks: usize,
    pub check_interval_s: u64,
    /// How many intervals the scheduler runs before its lateness is read.
    pub check_rounds: u64,
}

/// Ingest at one fleet size.
#[derive(Debug, Clone, Serialize)]
pub struct Ingest {
    pub droplets: usize,
    pub samples_per_tick: usize,
    /// Mean wall time of one tick: simulate, write, keep the newest values, roll up.
    pub tick_ms: f64,
    pub samples_per_sec: f64,
    /// CPU time of this process per tick (the simulation, and for SQLite the database too).
    pub cpu_ms_per_tick: f64,
    /// That CPU time as a share of one core at a 10-second interval.
    pub core_share_at_10s: f64,
}

/// The scheduler with many checks.
#[derive(Debug, Clone, Serialize)]
pub struct Scheduler {
    pub checks: usize,
    pub interval_s: u64,
    pub runs: u64,
    /// Runs per second kept, against checks ÷ interval wanted.
    pub runs_per_sec: f64,
    pub wanted_per_sec: f64,
    /// Lateness p50/p99 from the server's histogram (upper bucket bounds).
    pub lateness_p50_s: f64,
    pub lateness_p99_s: f64,
}

/// What the telemetry section measured on one backend.
#[derive(Debug, Clone, Serialize)]
pub struct TelemetryResult {
    pub backend: String,
    pub ingest: Vec<Ingest>,
    pub history_rows: u64,
    pub history_days: i64,
    pub history_droplets: usize,
    pub week_query_p50_ms: f64,
    pub week_query_p99_ms: f64,
    pub scheduler: Scheduler,
}

/// This process's CPU time so far (user + system), from /proc/self/stat.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the whole line, 11 and 12 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

fn fleet(n: usize) -> FleetView {
    FleetView {
        droplets: (0..n)
            .map(|i| FleetDroplet {
                id: DropletId(uuid::Uuid::from_u128(0xbe_0000 + i as u128)),
                cluster_id: None,
                size: "s-2vcpu-4gb".into(),
                created_us: 0,
                load: None,
            })
            .collect(),
        clusters: vec![],
    }
}

/// Ticks of the real simulator and store at each size.
async fn ingest(storage: &Storage, plan: &TelemetryPlan) -> anyhow::Result<Vec<Ingest>> {
    let db = storage.db().await?;
    let simulator = Simulator::new(MetricsStore::new(db.clone()), SimulatorSettings::default());
    let mut out = Vec::new();
    let mut at = store::now_us() / 10_000_000 * 10_000_000;
    for &n in &plan.ingest_droplets {
        let view = fleet(n);
        let (cpu, started) = (cpu_time(), Instant::now());
        let mut samples = 0;
        let store = MetricsStore::new(db.clone());
        for _ in 0..plan.ticks {
            at += 10_000_000;
            // What `Simulator::tick` does, with the fleet given instead of read.
            let (written, latest, _) = simulator.samples(&view, at);
            samples = written.len();
            store.write(&written).await?;
            store.set_latest(at, &latest).await?;
            store.roll_up(at).await?;
        }
        let ticks = plan.ticks as f64;
        let tick_ms = started.elapsed().as_secs_f64() * 1000.0 / ticks;
        let cpu_ms = (cpu_time() - cpu).as_secs_f64() * 1000.0 / ticks;
        out.push(Ingest {
            droplets: n,
            samples_per_tick: samples,
            tick_ms,
            samples_per_sec: samples as f64 / (tick_ms / 1000.0),
            cpu_ms_per_tick: cpu_ms,
            core_share_at_10s: cpu_ms / 10_000.0,
        });
    }
    db.close().await;
    Ok(out)
}

/// Writes `days` of hourly rollups of the six droplet metrics for `n` droplets (`ids` first,
/// then made-up ones), marks them rolled up, and returns the rows written.
async fn history(storage: &Storage, ids: &[String], n: usize, days: i64) -> anyhow::Result<u64> {
    let db = storage.db().await?;
    let hour = 3_600_000_000i64;
    let now_hour = store::now_us() / hour * hour;
    let first = now_hour - days * 24 * hour;
    let metrics = "('CPU'), ('MEMORY'), ('DISK'), ('NETWORK_IN'), ('NETWORK_OUT'), ('LOAD1')";
    let mut rows = 0;
    for i in 0..n {
        let id = ids
            .get(i)
            .cloned()
            .unwrap_or_else(|| uuid::Uuid::from_u128(0xfa_0000 + i as u128).to_string());
        let series = format!("droplet:{id}");
        let sql = match storage {
            Storage::Postgres(_) => format!(
                "INSERT INTO metric_rollups_1h (series, metric, bucket_us, n, mean, least, greatest) \
                 SELECT $1, m.metric, $2::bigint + h * {hour}, 360, 40 + 20 * sin(h / 4.0), 10, 90 \
                 FROM generate_series(0, $3::bigint - 1) AS h CROSS JOIN (VALUES {metrics}) AS m(metric)"
            ),
            Storage::Sqlite(_) => format!(
                "WITH RECURSIVE hs(h) AS (SELECT 0 UNION ALL SELECT h + 1 FROM hs WHERE h + 1 < ?3), \
                 m(metric) AS (VALUES {metrics}) \
                 INSERT INTO metric_rollups_1h (series, metric, bucket_us, n, mean, least, greatest) \
                 SELECT ?1, m.metric, ?2 + h * {hour}, 360, 40 + 20 * ((h % 24) / 24.0), 10, 90 FROM hs CROSS JOIN m"
            ),
        };
        rows += command::on_pool!(db.writes(), p => {
            sqlx::query(&sql)
                .bind(&series)
                .bind(first)
                .bind(days * 24)
                .execute(p)
                .await?
                .rows_affected()
        });
    }
    let marks = db.sql(
        "INSERT INTO metric_rollup_marks (resolution, done_until_us) VALUES ('1h', $1), ('1m', $1) \
         ON CONFLICT (resolution) DO UPDATE SET done_until_us = excluded.done_until_us",
    );
    command::on_pool!(db.writes(), p => {
        sqlx::query(&marks).bind(now_hour).execute(p).await?.rows_affected()
    });
    db.close().await;
    Ok(rows)
}

/// An HTTP server on 127.0.0.1 answering 200 to everything; its port.
async fn target() -> anyhow::Result<u16> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = vec![0u8; 2048];
                let _ = stream.read(&mut buf).await;
                let body = r#"{"status":"UP"}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    Ok(port)
}

/// Quantile `q` of a Prometheus histogram in `text`: the upper bound of the first bucket
/// holding it, and the count.
fn histogram_quantile(text: &str, name: &str, q: f64) -> (f64, u64) {
    let mut buckets: Vec<(f64, u64)> = text
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix(&format!("{name}_bucket{{le=\""))?;
            let (le, count) = rest.split_once("\"} ")?;
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse().ok()?
            };
            Some((le, count.trim().parse().ok()?))
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total = buckets.last().map_or(0, |b| b.1);
    let wanted = (total as f64 * q).ceil() as u64;
    let le = buckets
        .iter()
        .find(|b| b.1 >= wanted)
        .map_or(f64::NAN, |b| b.0);
    (le, total)
}

/// Measures one backend.
pub async fn measure(
    bin: &std::path::Path,
    storage: &Storage,
    backend: &str,
    env: &[(&str, &str)],
    plan: &TelemetryPlan,
) -> anyhow::Result<TelemetryResult> {
    let ingest = ingest(storage, plan).await?;

    let mut env = env.to_vec();
    env.push(("CLUSTERGENIE_METRICS_SIMULATOR", "false"));
    let srv = Server::start(bin, storage, &env).await?;
    let client = reqwest::Client::new();
    let gql = |query: serde_json::Value| {
        let client = client.clone();
        let url = format!("{}/graphql", srv.base);
        async move {
            let v: serde_json::Value = client.post(url).json(&query).send().await?.json().await?;
            anyhow::ensure!(v.get("errors").is_none(), "GraphQL error: {v}");
            Ok::<_, anyhow::Error>(v)
        }
    };
    let mut ids = Vec::new();
    for i in 0..20 {
        let v = gql(json!({"query": "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } } }",
            "variables": {"i": {"name": format!("chart-{i}"), "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}}}))
        .await?;
        let id = v["data"]["createDroplet"]["droplet"]["id"]
            .as_str()
            .unwrap_or_default();
        ids.push(id.to_string());
    }
    let rows = history(storage, &ids, plan.history_droplets, plan.history_days).await?;
    let (p50, p99) = crate::sequential(&srv, plan.queries, |i| {
        json!({"query": "query($id: ID!) { droplet(id: $id) { metrics(metric: CPU, range: {last: \"7d\"}) { resolution points { t v } } } }",
            "variables": {"id": ids[i % ids.len()]}})
    })
    .await?;

    let port = target().await?;
    for i in 0..plan.checks {
        gql(json!({"query": "mutation($i: CreateHealthCheckInput!) { createHealthCheck(input: $i) { position } }",
            "variables": {"i": {"name": format!("load-{i}"), "kind": "HTTP", "target": format!("http://127.0.0.1:{port}/health"),
            "intervalSeconds": plan.check_interval_s, "timeoutMs": 1000, "conditions": ["[STATUS] == 200"]}}}))
        .await?;
    }
    let metrics = || async {
        let text = client
            .get(format!("{}/metrics", srv.base))
            .send()
            .await?
            .text()
            .await?;
        Ok::<_, anyhow::Error>(text)
    };
    // Let every check reach its steady interval, then count a window of runs.
    tokio::time::sleep(Duration::from_secs(plan.check_interval_s + 1)).await;
    let (_, before) = histogram_quantile(
        &metrics().await?,
        "clustergenie_healthcheck_lateness_seconds",
        0.5,
    );
    let started = Instant::now();
    tokio::time::sleep(Duration::from_secs(
        plan.check_interval_s * plan.check_rounds,
    ))
    .await;
    let text = metrics().await?;
    let elapsed = started.elapsed().as_secs_f64();
    let (p50_late, after) =
        histogram_quantile(&text, "clustergenie_healthcheck_lateness_seconds", 0.5);
    let (p99_late, _) =
        histogram_quantile(&text, "clustergenie_healthcheck_lateness_seconds", 0.99);
    srv.stop();
    let runs = after.saturating_sub(before);
    Ok(TelemetryResult {
        backend: backend.into(),
        ingest,
        history_rows: rows,
        history_days: plan.history_days,
        history_droplets: plan.history_droplets,
        week_query_p50_ms: p50,
        week_query_p99_ms: p99,
        scheduler: Scheduler {
            checks: plan.checks,
            interval_s: plan.check_interval_s,
            runs,
            runs_per_sec: runs as f64 / elapsed,
            wanted_per_sec: plan.checks as f64 / plan.check_interval_s as f64,
            lateness_p50_s: p50_late,
            lateness_p99_s: p99_late,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::histogram_quantile;

    #[test]
    fn reads_a_quantile_from_prometheus_buckets() {
        let text = "x_bucket{le=\"0.1\"} 90\nx_bucket{le=\"0.5\"} 99\nx_bucket{le=\"1\"} 100\nx_bucket{le=\"+Inf\"} 100\n";
        assert_eq!(histogram_quantile(text, "x", 0.5), (0.1, 100));
        assert_eq!(histogram_quantile(text, "x", 0.99), (0.5, 100));
        assert_eq!(histogram_quantile(text, "x", 1.0), (1.0, 100));
    }
}
