//! Mutation → subscription delivery latency with many concurrent subscribers, and the
//! server's memory per subscriber.

use crate::server::Server;
use futures::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// Delivery figures for one subscriber count.
#[derive(Debug, Clone, Serialize)]
pub struct LiveResult {
    pub backend: String,
    pub subscribers: usize,
    pub events: usize,
    pub delivered: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub kib_per_subscriber: f64,
}

/// Opens `subscribers` `events` subscriptions, then creates `events` clusters one by one and
/// measures, for every subscriber, the time from sending the mutation to receiving its event.
pub async fn measure(
    server: &Server,
    label: &str,
    subscribers: usize,
    events: usize,
) -> anyhow::Result<LiveResult> {
    let rss_before = server.rss_kib();
    let sent: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let latencies: Arc<Mutex<Histogram<u64>>> = Arc::new(Mutex::new(Histogram::new(3)?));
    let delivered = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let run = uuid::Uuid::new_v4().simple().to_string()[..6].to_string();
    let mut tasks = Vec::new();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(subscribers.max(1));
    for _ in 0..subscribers {
        let mut request =
            format!("ws://127.0.0.1:{}/graphql", server.port).into_client_request()?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "graphql-transport-ws".parse()?);
        let sent = sent.clone();
        let latencies = latencies.clone();
        let delivered = delivered.clone();
        let ready = ready_tx.clone();
        let prefix = format!("live-{run}-");
        tasks.push(tokio::spawn(async move {
            let Ok((mut ws, _)) = tokio_tungstenite::connect_async(request).await else { return };
            let _ = ws.send(Message::text(json!({"type": "connection_init"}).to_string())).await;
            let _ = ws.next().await; // connection_ack
            let sub = json!({"id": "1", "type": "subscribe", "payload": {
                "query": "subscription { events(filter: {eventType: \"ClusterCreated\"}) { payload } }"}});
            let _ = ws.send(Message::text(sub.to_string())).await;
            let _ = ready.send(()).await;
            let mut seen = 0;
            while let Ok(Some(Ok(msg))) = tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
                let now = Instant::now();
                let Ok(text) = msg.to_text() else { continue };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else { continue };
                let Some(name) = v["payload"]["data"]["events"]["payload"]["name"].as_str() else { continue };
                if !name.starts_with(&prefix) {
                    continue;
                }
                if let Some(at) = sent.lock().expect("sent map").get(name) {
                    let us = now.duration_since(*at).as_micros() as u64;
                    let _ = latencies.lock().expect("histogram").record(us.max(1));
                    delivered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                seen += 1;
                if seen >= events {
                    break;
                }
            }
            let _ = ws.close(None).await;
        }));
    }
    drop(ready_tx);
    let mut ready = 0;
    while ready < subscribers {
        if ready_rx.recv().await.is_none() {
            break;
        }
        ready += 1;
    }
    // Let the server register every subscription before measuring.
    let client = reqwest::Client::new();
    for _ in 0..600 {
        let h: serde_json::Value = client
            .get(format!("{}/health", server.base))
            .send()
            .await?
            .json()
            .await?;
        if h["checks"]["subscriptions"]["active"].as_u64().unwrap_or(0) as usize >= ready {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let rss_with = server.rss_kib();
    for i in 0..events {
        let name = format!("live-{run}-{i}");
        sent.lock()
            .expect("sent map")
            .insert(name.clone(), Instant::now());
        let body = json!({"query": "mutation($i: CreateClusterInput!) { createCluster(input: $i) { position } }",
            "variables": {"i": {"name": name, "region": "nyc1"}}});
        client
            .post(format!("{}/graphql", server.base))
            .json(&body)
            .send()
            .await?;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for t in tasks {
        let _ = tokio::time::timeout(Duration::from_secs(60), t).await;
    }
    let h = latencies.lock().expect("histogram");
    Ok(LiveResult {
        backend: label.into(),
        subscribers: ready,
        events,
        delivered: delivered.load(std::sync::atomic::Ordering::Relaxed),
        p50_ms: h.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: h.value_at_quantile(0.99) as f64 / 1000.0,
        kib_per_subscriber: rss_with.saturating_sub(rss_before) as f64 / ready.max(1) as f64,
    })
}
