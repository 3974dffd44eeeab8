//! Hostile load: how `/health` and a `createCluster` round trip behave while an attack from
//! the abuse battery (issue 12) runs against the same server.
//!
//! Each attack runs from a few concurrent attacker tasks for the probe's duration; the probe
//! alternates `GET /health` and a `createCluster` (whose payload waits for the read models)
//! and records latencies and failures (non-2xx, GraphQL errors, or no answer within 10 s).

use crate::server::Server;
use futures::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

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

type Answers = Arc<std::sync::Mutex<std::collections::BTreeMap<String, u64>>>;

fn count(answers: &Answers, key: impl Into<String>) {
    *answers
        .lock()
        .expect("answers")
        .entry(key.into())
        .or_default() += 1;
}

fn fragment_bomb(depth: usize) -> String {
    let mut q = String::from("query { catalog { ...E0 } }");
    for i in 0..depth {
        q.push_str(&format!(
            " fragment E{i} on Catalog {{ ...E{n} ...E{n} }}",
            n = i + 1
        ));
    }
    q.push_str(&format!(
        " fragment E{depth} on Catalog {{ regions {{ slug }} }}"
    ));
    q
}

fn nested_lists(cluster: &str, aliases: usize) -> String {
    let field = format!("cluster(id: \"{cluster}\") {{ droplets(first: 100) {{ nodes {{ cluster {{ droplets(first: 100) {{ nodes {{ id name ip }} }} }} }} }} }}");
    let body: Vec<String> = (0..aliases).map(|i| format!("a{i}: {field}")).collect();
    format!("{{ {} }}", body.join(" "))
}

fn aliased_mutations(run: &str, n: u64, aliases: usize) -> String {
    let body: Vec<String> = (0..aliases)
        .map(|i| format!("m{i}: createCluster(input: {{name: \"h{run}-{n}-{i}\", region: \"nyc1\"}}) {{ position }}"))
        .collect();
    format!("mutation {{ {} }}", body.join(" "))
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

#[allow(clippy::too_many_arguments)]
async fn attack_loop(
    attack: &str,
    client: &reqwest::Client,
    base: &str,
    port: u16,
    plan: &HostilePlan,
    cluster: &str,
    stop: &AtomicBool,
    sent: &AtomicU64,
    answers: &Answers,
) {
    let run = short_id();
    match attack {
        "many subscriptions" => {
            sent.fetch_add(1, Ordering::Relaxed);
            let outcome = hold_subscriptions(port, plan.subscriptions, cluster, stop).await;
            count(answers, outcome);
        }
        "slow bodies" => {
            // Each time the server gives up on a body, the attacker starts another.
            while !stop.load(Ordering::Relaxed) {
                sent.fetch_add(1, Ordering::Relaxed);
                count(answers, slow_body(port, stop).await);
            }
        }
        _ => {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let body = match attack {
                    "fragment bomb" => json!({ "query": fragment_bomb(plan.fragment_depth) }).to_string(),
                    "nested lists" => json!({ "query": nested_lists(cluster, plan.aliases) }).to_string(),
                    "aliased mutations" => json!({ "query": aliased_mutations(&run, n, plan.aliases) }).to_string(),
                    _ => json!({ "query": format!("{{ catalog {{ regions {{ slug }} }} }} #{}", "A".repeat(2 << 20)) }).to_string(),
                };
                sent.fetch_add(1, Ordering::Relaxed);
                let answer = client
                    .post(format!("{base}/graphql"))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await;
                match answer {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        let errors = r.json::<serde_json::Value>().await.ok().and_then(|v| {
                            v["errors"][0]["extensions"]["code"]
                                .as_str()
                                .map(str::to_string)
                        });
                        count(
                            answers,
                            match errors {
                                Some(code) => format!("{status} {code}"),
                                None => status.to_string(),
                            },
                        );
                    }
                    Err(_) => count(answers, "no answer"),
                }
            }
        }
    }
}

/// Opens one socket with `n` `events(after: <first>)` replays and never reads from it.
async fn hold_subscriptions(port: u16, n: usize, cursor: &str, stop: &AtomicBool) -> String {
    let Ok(mut request) = format!("ws://127.0.0.1:{port}/graphql").into_client_request() else {
        return "bad request".into();
    };
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        tokio_tungstenite::tungstenite::http::HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, _) = match tokio_tungstenite::connect_async(request).await {
        Ok(ws) => ws,
        Err(tokio_tungstenite::tungstenite::Error::Http(r)) => {
            return format!("upgrade {}", r.status().as_u16())
        }
        Err(_) => return "upgrade failed".into(),
    };
    let _ = ws
        .send(Message::text(
            json!({"type": "connection_init"}).to_string(),
        ))
        .await;
    let _ = ws.next().await;
    for id in 0..n {
        let sub = json!({"id": id.to_string(), "type": "subscribe", "payload": {
            "query": "subscription($a: String) { events(after: $a) { position type payload } }",
            "variables": {"a": cursor}}});
        if ws.send(Message::text(sub.to_string())).await.is_err() {
            return "dropped while subscribing".into();
        }
    }
    // Stop reading; hold the socket until the attack ends or the server drops it.
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    "held".into()
}

/// Sends a request head and then one body byte per second until the server answers.
async fn slow_body(port: u16, stop: &AtomicBool) -> String {
    let Ok(mut socket) = tokio::net::TcpStream::connect(("127.0.0.1", port)).await else {
        return "connect failed".into();
    };
    let head = format!("POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{{");
    if socket.write_all(head.as_bytes()).await.is_err() {
        return "closed".into();
    }
    let mut answer = [0u8; 64];
    while !stop.load(Ordering::Relaxed) {
        tokio::select! {
            n = tokio::io::AsyncReadExt::read(&mut socket, &mut answer) => {
                let text = String::from_utf8_lossy(&answer[..n.unwrap_or(0)]).to_string();
                return text.split_whitespace().nth(1).map(|s| format!("HTTP {s}")).unwrap_or_else(|| "closed".into());
            }
            _ = tokio::time::sleep(Duration::from_secs(1)) => {
                if socket.write_all(b" ").await.is_err() {
                    return "closed".into();
                }
            }
        }
    }
    "still open at the end".into()
}

fn short_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..8].to_string()
}

async fn create_cluster(
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

/// Waits until `/health` answers 200 again (at most two minutes); the seconds it took.
async fn recovery(client: &reqwest::Client, server: &Server) -> Option<f64> {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(120) {
        let ok = tokio::time::timeout(
            Duration::from_secs(5),
            client.get(format!("{}/health", server.base)).send(),
        )
        .await
        .is_ok_and(|r| r.is_ok_and(|r| r.status().is_success()));
        if ok {
            return Some(started.elapsed().as_secs_f64());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    None
}

/// Alternates `/health` and `createCluster` for `seconds`.
async fn probe(
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
        let ok = tokio::time::timeout(
            Duration::from_secs(10),
            client.get(format!("{}/health", server.base)).send(),
        )
        .await
        .is_ok_and(|r| r.is_ok_and(|r| r.status().is_success()));
        if ok {
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
