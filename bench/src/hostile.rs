//! Hostile load: how `/health` and a `createCluster` round trip behave while an attack from
//! the abuse battery (issue 12) runs against the same server.
//!
//! Each attack runs from a few concurrent attacker tasks for the probe's duration; the probe
//! alternates `GET /health` and a `createCluster` (whose payload waits for the read models)
//! and records latencies and failures (non-2xx, GraphQL errors, or no answer within 10 s).
//!
//! This file runs the attacks in turn; `attacks` is what an attacker sends, `probe` what the
//! probe measures meanwhile.

mod attacks;
mod probe;

use crate::server::Server;
use attacks::{attack_loop, Answers};
use probe::{create_cluster, probe, recovery};
use serde::Serialize;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Sizes of the attacks.
#[derive(Debug, Clone)]
pub struct HostilePlan {
    /// How long each attack (and the probe) runs.
    pub seconds: f64,
    /// Concurrent attacker tasks per attack.
    pub attackers: usize,
    /// Fragment-bomb depth: 2^depth spreads when expanded.
    pub fragment_depth: usize,
    /// Aliases in the nested-list query and in the aliased-mutation document.
    pub aliases: usize,
    /// WebSocket connections of the subscription attack, each opening `subscriptions`.
    pub sockets: usize,
    /// `events(after:)` replays per socket.
    pub subscriptions: usize,
    /// Connections trickling a body one byte per second.
    pub slow_bodies: usize,
}

/// What one attack did to the probe.
#[derive(Debug, Clone, Serialize)]
pub struct HostileResult {
    pub backend: String,
    pub attack: String,
    /// Attack requests (or sockets) sent.
    pub attack_requests: u64,
    /// How the server answered them, e.g. `413×12` or `refused×3`.
    pub attack_answers: String,
    pub health_ok: u64,
    pub health_failed: u64,
    pub health_p50_ms: f64,
    pub health_p99_ms: f64,
    pub create_ok: u64,
    pub create_failed: u64,
    pub create_p50_ms: f64,
    pub create_p99_ms: f64,
    /// Seconds after the attack stopped until `/health` answered 200 again (`None`: not
    /// within two minutes).
    pub recovery_seconds: Option<f64>,
}

/// Runs every attack in turn against `server` and probes it meanwhile.
pub async fn measure(
    server: &Server,
    backend: &str,
    plan: &HostilePlan,
) -> anyhow::Result<Vec<HostileResult>> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let cluster = create_cluster(&client, server, &format!("hostile-{}", short_id())).await?;
    let first: serde_json::Value = client
        .post(format!("{}/graphql", server.base))
        .json(&json!({"query": "{ events(first: 1) { edges { cursor } } }"}))
        .send()
        .await?
        .json()
        .await?;
    let cursor = first["data"]["events"]["edges"][0]["cursor"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let mut out = Vec::new();
    // The CPU-bound document attacks go last: until validation is linear in the document
    // they keep the server busy long after their attackers gave up.
    for attack in [
        "none (baseline)",
        "many subscriptions",
        "large bodies",
        "slow bodies",
        "aliased mutations",
        "nested lists",
        "fragment bomb",
    ] {
        eprintln!("   hostile: {attack}");
        let stop = Arc::new(AtomicBool::new(false));
        let sent = Arc::new(AtomicU64::new(0));
        let answers: Answers = Arc::default();
        let mut tasks = Vec::new();
        let attackers = if attack == "none (baseline)" {
            0
        } else {
            plan.attackers
        };
        let attackers = match attack {
            "many subscriptions" => plan.sockets,
            "slow bodies" => plan.slow_bodies,
            _ => attackers,
        };
        for _ in 0..attackers {
            let (stop, sent, answers) = (stop.clone(), sent.clone(), answers.clone());
            let (client, base, port) = (client.clone(), server.base.clone(), server.port);
            // The subscription attack replays from the first event; the others need a cluster.
            let target = if attack == "many subscriptions" {
                cursor.clone()
            } else {
                cluster.clone()
            };
            let (attack, plan, cluster) = (attack.to_string(), plan.clone(), target);
            tasks.push(tokio::spawn(async move {
                attack_loop(
                    &attack, &client, &base, port, &plan, &cluster, &stop, &sent, &answers,
                )
                .await
            }));
        }
        let probe = probe(&client, server, plan.seconds).await?;
        stop.store(true, Ordering::Relaxed);
        for task in tasks {
            // An attacker stuck on a request that never ends is abandoned, not awaited.
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(30), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
        let recovery_seconds = recovery(&client, server).await;
        let answers = answers
            .lock()
            .expect("answers")
            .iter()
            .map(|(k, v)| format!("{k}×{v}"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(HostileResult {
            backend: backend.to_string(),
            attack: attack.to_string(),
            attack_requests: sent.load(Ordering::Relaxed),
            attack_answers: answers,
            recovery_seconds,
            ..probe
        });
    }
    Ok(out)
}

/// A short random name part, so runs do not collide.
fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}
