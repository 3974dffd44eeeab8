//! What the probe measures while an attack runs: `/health` and a `createCluster` round trip,
//! and how long `/health` takes to come back afterwards.

use super::{short_id, HostileResult};
use crate::server::Server;
use hdrhistogram::Histogram;
use serde_json::json;
use std::time::{Duration, Instant};

/// Creates cluster `name` in nyc1; its id.
pub(super) async fn create_cluster(
    client: &reqwest::Client,
    server: &Server,
    name: &str,
) -> anyhow::Result<String> {
    let v: serde_json::Value = client
        .post(format!("{}/graphql", server.base))
        .json(&json!({"query": "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }",
                      "variables": {"i": {"name": name, "region": "nyc1"}}}))
        .send()
        .await?
        .json()
        .await?;
    v["data"]["createCluster"]["cluster"]["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("createCluster failed: {v}"))
}

/// Whether `/health` answers 200 `within`.
async fn health_ok(client: &reqwest::Client, server: &Server, within: Duration) -> bool {
    tokio::time::timeout(within, client.get(format!("{}/health", server.base)).send())
        .await
        .is_ok_and(|r| r.is_ok_and(|r| r.status().is_success()))
}

/// Waits until `/health` answers 200 again (at most two minutes); the seconds it took.
pub(super) async fn recovery(client: &reqwest::Client, server: &Server) -> Option<f64> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        if health_ok(client, server, Duration::from_secs(5)).await {
            return Some(started.elapsed().as_secs_f64());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    None
}

/// Alternates `/health` and `createCluster` for `seconds`.
pub(super) async fn probe(
    client: &reqwest::Client,
    server: &Server,
    seconds: f64,
) -> anyhow::Result<HostileResult> {
    let mut health = Histogram::<u64>::new(3)?;
    let mut create = Histogram::<u64>::new(3)?;
    let (mut health_failed, mut create_failed) = (0, 0);
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let run = short_id();
    let mut i = 0;
    while Instant::now() < deadline {
        i += 1;
        let started = Instant::now();
        if health_ok(client, server, Duration::from_secs(10)).await {
            health.record((started.elapsed().as_micros() as u64).max(1))?;
        } else {
            health_failed += 1;
        }
        let started = Instant::now();
        let ok = tokio::time::timeout(
            Duration::from_secs(10),
            create_cluster(client, server, &format!("p{run}-{i}")),
        )
        .await
        .is_ok_and(|r| r.is_ok());
        if ok {
            create.record((started.elapsed().as_micros() as u64).max(1))?;
        } else {
            create_failed += 1;
        }
    }
    let ms = |h: &Histogram<u64>, q| h.value_at_quantile(q) as f64 / 1000.0;
    Ok(HostileResult {
        backend: String::new(),
        attack: String::new(),
        attack_requests: 0,
        attack_answers: String::new(),
        health_ok: health.len(),
        health_failed,
        health_p50_ms: ms(&health, 0.5),
        health_p99_ms: ms(&health, 0.99),
        create_ok: create.len(),
        create_failed,
        create_p50_ms: ms(&create, 0.5),
        create_p99_ms: ms(&create, 0.99),
        recovery_seconds: None,
    })
}
