//! Parts 2 and 3: `api`, `relay` and `projector` under a steady mutation rate; commit →
//! projected lag measured directly and from the roles' histograms, and their memory.

use super::*;
use hdrhistogram::Histogram;
use serde_json::json;
use sqlx::postgres::PgPool;
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub(super) async fn scrape(client: &reqwest::Client, port: u16) -> anyhow::Result<String> {
    Ok(client
        .get(format!("http://127.0.0.1:{port}/metrics"))
        .send()
        .await?
        .text()
        .await?)
}

pub(super) const CREATE_CLUSTER: &str =
    "mutation($i: CreateClusterInput!) { createCluster(input: $i) { position } }";

/// Sends one `createCluster`; returns its position.
pub(super) async fn mutate(client: &reqwest::Client, port: u16, name: &str) -> anyhow::Result<i64> {
    let v: serde_json::Value = client
        .post(format!("http://127.0.0.1:{port}/graphql"))
        .json(
            &json!({"query": CREATE_CLUSTER, "variables": {"i": {"name": name, "region": "nyc1"}}}),
        )
        .timeout(Duration::from_secs(30))
        .send()
        .await?
        .json()
        .await?;
    v["data"]["createCluster"]["position"]
        .as_i64()
        .ok_or_else(|| anyhow::anyhow!("createCluster failed: {v}"))
}

/// Polls the audit log every `POLL_MS` and notes when each global position first appears:
/// the midpoint between the poll that saw it and the one before, in µs since the epoch.
pub(super) fn audit_poller(
    pg: PgPool,
    seen: Arc<Mutex<HashMap<i64, (i64, i64)>>>,
) -> (
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<anyhow::Result<()>>,
) {
    let (tx, mut rx) = tokio::sync::oneshot::channel();
    let task = tokio::spawn(async move {
        let mut ordinal: i64 = sqlx::query("SELECT COALESCE(MAX(ordinal), 0) AS o FROM audit_log")
            .fetch_one(&pg)
            .await?
            .try_get("o")?;
        let mut previous = chrono::Utc::now().timestamp_micros();
        let mut tick = tokio::time::interval(Duration::from_millis(POLL_MS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = &mut rx => return Ok(()),
                _ = tick.tick() => {}
            }
            let now = chrono::Utc::now().timestamp_micros();
            let rows = sqlx::query(
                "SELECT ordinal, global_position, recorded_us FROM audit_log \
                 WHERE ordinal > $1 ORDER BY ordinal",
            )
            .bind(ordinal)
            .fetch_all(&pg)
            .await?;
            let at = (previous + now) / 2;
            let mut seen = seen.lock().expect("seen map");
            for r in &rows {
                ordinal = ordinal.max(r.try_get("ordinal")?);
                let position: i64 = r.try_get("global_position")?;
                let recorded: i64 = r.try_get("recorded_us")?;
                seen.entry(position).or_insert((recorded, at));
            }
            previous = now;
        }
    });
    (tx, task)
}

pub(super) fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

/// Part 2 and 3: `api`, `relay` and `projector` under a steady mutation rate.
pub(super) async fn end_to_end(
    setup: &Setup<'_>,
    plan: &KafkaPlan,
    memory: &mut Vec<RoleMemory>,
) -> anyhow::Result<Lag> {
    let mut relay = setup.start_ready("relay", "relay").await?;
    let mut projector = setup.start_ready("projector", "projector").await?;
    let mut api = setup.start_ready("api", "api").await?;
    let pg = pool(&setup.database_url).await?;
    let client = reqwest::Client::new();

    // Warm up until a mutation is projected through Kafka (topics created, group joined).
    eprintln!("   warming up (topics, consumer group)");
    let deadline = Instant::now() + Duration::from_secs(180);
    let mut warm = 0;
    loop {
        for p in [&mut relay, &mut projector, &mut api] {
            p.ensure_running(&setup.dir)?;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "nothing was projected through Kafka within 180 s:\n--- relay\n{}\n--- projector\n{}",
            log_tail(&setup.dir, "relay"),
            log_tail(&setup.dir, "projector")
        );
        let position = mutate(&client, api.port, &format!("warm-{warm}")).await;
        warm += 1;
        let projected: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(&pg)
            .await?
            .try_get("n")?;
        let stored: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events")
            .fetch_one(&pg)
            .await?
            .try_get("n")?;
        if position.is_ok() && projected == stored && warm >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = [relay.rss_kib(), projector.rss_kib()];
    let before = [
        scrape(&client, projector.port).await?,
        scrape(&client, relay.port).await?,
    ];

    eprintln!("   {} mutations/s for {} s", plan.rate, plan.seconds);
    let samplers = [
        crate::rss_sampler(format!("/proc/{}/status", relay.pid())),
        crate::rss_sampler(format!("/proc/{}/status", projector.pid())),
    ];
    let seen: Arc<Mutex<HashMap<i64, (i64, i64)>>> = Arc::default();
    let (stop_poller, poller) = audit_poller(pg.clone(), seen.clone());
    let total = (plan.rate * plan.seconds) as usize;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(plan.rate)));
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        tick.tick().await;
        let client = client.clone();
        let name = format!("e2e-{run}-{i}");
        let port = api.port;
        tasks.push(tokio::spawn(async move {
            let started = Instant::now();
            let r = mutate(&client, port, &name).await;
            (r, started.elapsed())
        }));
    }
    let mut round_trips = Histogram::<u64>::new(3)?;
    let mut positions = Vec::with_capacity(total);
    let mut failed = 0u64;
    for t in tasks {
        match t.await? {
            (Ok(p), took) => {
                positions.push(p);
                round_trips.record((took.as_micros() as u64).max(1))?;
            }
            (Err(e), _) => {
                failed += 1;
                if failed <= 3 {
                    eprintln!("   mutation failed: {e:#}");
                }
            }
        }
    }
    // Every acknowledged mutation projected (or give up after 60 s).
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let missing = {
            let seen = seen.lock().expect("seen map");
            positions.iter().filter(|p| !seen.contains_key(p)).count()
        };
        if missing == 0 {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "{missing} acknowledged mutations were not projected within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop_poller.send(());
    poller.await??;
    // The projector records its histogram right after its commit; let a scrape see it.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = [
        scrape(&client, projector.port).await?,
        scrape(&client, relay.port).await?,
    ];
    let mut peaks = Vec::new();
    for (stop, peak) in samplers {
        let _ = stop.send(());
        peaks.push(peak.await?);
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    for (i, (name, p)) in [("relay", &relay), ("projector", &projector)]
        .into_iter()
        .enumerate()
    {
        memory.push(RoleMemory {
            role: name.into(),
            phase: format!("{} mutations/s for {} s", plan.rate, plan.seconds),
            idle_kib: Some(idle[i]),
            peak_kib: peaks[i],
            after_kib: p.rss_kib(),
        });
    }

    let mut direct = Histogram::<u64>::new(3)?;
    {
        let seen = seen.lock().expect("seen map");
        for p in &positions {
            if let Some((recorded, at)) = seen.get(p) {
                direct.record((at - recorded).max(1) as u64)?;
            }
        }
    }
    let projector_hist = delta(
        &buckets(&after[0], "clustergenie_projector_delay_seconds"),
        &buckets(&before[0], "clustergenie_projector_delay_seconds"),
    );
    let relay_hist = delta(
        &buckets(&after[1], "clustergenie_relay_publish_delay_seconds"),
        &buckets(&before[1], "clustergenie_relay_publish_delay_seconds"),
    );
    api.stop();
    projector.stop();
    relay.stop();
    pg.close().await;
    Ok(Lag {
        mutations: positions.len() as u64,
        rate_per_sec: plan.rate,
        seconds: plan.seconds,
        failed_mutations: failed,
        poll_ms: POLL_MS,
        direct_p50_ms: ms(&direct, 0.5),
        direct_p99_ms: ms(&direct, 0.99),
        direct_max_ms: direct.max() as f64 / 1000.0,
        projector_hist_p50_ms: histogram_quantile(0.5, &projector_hist) * 1000.0,
        projector_hist_p99_ms: histogram_quantile(0.99, &projector_hist) * 1000.0,
        projector_within_50ms: share_within(TARGET_P99_MS / 1000.0, &projector_hist),
        relay_hist_p50_ms: histogram_quantile(0.5, &relay_hist) * 1000.0,
        relay_hist_p99_ms: histogram_quantile(0.99, &relay_hist) * 1000.0,
        mutation_p50_ms: ms(&round_trips, 0.5),
        mutation_p99_ms: ms(&round_trips, 0.99),
    })
}
