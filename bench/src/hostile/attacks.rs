//! What an attacker sends: the hostile documents, sockets that subscribe and never read, and
//! bodies trickled a byte a second.

use super::{short_id, HostilePlan};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// How the server answered, counted by answer.
pub(super) type Answers = Arc<std::sync::Mutex<std::collections::BTreeMap<String, u64>>>;

/// Counts one more `key` answer.
fn count(answers: &Answers, key: impl Into<String>) {
    *answers
        .lock()
        .expect("answers")
        .entry(key.into())
        .or_default() += 1;
}

/// One document of `aliases` `createCluster` mutations.
fn aliased_mutations(run: &str, n: u64, aliases: usize) -> String {
    let body: Vec<String> = (0..aliases)
        .map(|i| format!("m{i}: createCluster(input: {{name: \"h{run}-{n}-{i}\", region: \"nyc1\"}}) {{ position }}"))
        .collect();
    format!("mutation {{ {} }}", body.join(" "))
}

/// One attacker: sends `attack` until `stop`, counting what it sent and how it was answered.
#[allow(clippy::too_many_arguments)]
pub(super) async fn attack_loop(
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
                    "fragment bomb" => json!({ "query": testkit::hostile::fragment_bomb(plan.fragment_depth) }).to_string(),
                    "nested lists" => json!({ "query": testkit::hostile::nested_lists(cluster, plan.aliases) }).to_string(),
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
