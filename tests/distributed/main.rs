//! Distributed mode, end to end: every role its own OS process, real Postgres, a real
//! Kafka-protocol broker (tansu, durable SQLite storage), kill -9 and SIGSTOP.
//!
//! The same tests run against Apache Kafka: see README, "Distributed mode".

mod stall;
mod topology;
mod traces;

use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
use rdkafka::ClientConfig;
use serde_json::{json, Value};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use topology::*;

const CREATE_DROPLET: &str = "mutation($input: CreateDropletInput!) { createDroplet(input: $input) { droplet { id } job { id } position } }";
const CREATE_CLUSTER: &str = "mutation($input: CreateClusterInput!) { createCluster(input: $input) { cluster { id } position } }";

/// The tests run one at a time: each starts a broker and seven processes on a small machine.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What the load generator got back.
#[derive(Default)]
struct Load {
    acknowledged: Vec<i64>,
    refused: usize,
    transport: usize,
    /// What the first transport failures said, for the assertion message.
    transport_errors: Vec<String>,
}

/// `per_client` commands from each of `clients` concurrent clients over the API ports,
/// spaced `pause` apart: clusters created and deleted, droplets (some with an image that
/// always fails, to exercise retries), power-off, resize and destroy of droplets created
/// before.
async fn run_load(ports: Vec<u16>, clients: usize, per_client: usize, pause: Duration) -> Load {
    let load = Arc::new(Mutex::new(Load::default()));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let ports = ports.clone();
        let load = load.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut cluster: Option<String> = None;
            let mut droplets: Vec<String> = Vec::new();
            let mut spare: Option<String> = None;
            for i in 0..per_client {
                let port = ports[(c + i) % ports.len()];
                let (query, vars, field) = if i == 0 {
                    (
                        CREATE_CLUSTER,
                        json!({ "input": { "name": format!("c{c}"), "region": "nyc1" } }),
                        "createCluster",
                    )
                } else if (1..=5).contains(&(i % 10)) {
                    // Cluster churn: cheap commands (one event each) between the droplet work.
                    match spare.take() {
                        Some(id) => (
                            "mutation($id: ID!) { deleteCluster(id: $id) { position } }",
                            json!({ "id": id }),
                            "deleteCluster",
                        ),
                        None => (
                            CREATE_CLUSTER,
                            json!({ "input": { "name": format!("s{c}-{i}"), "region": "sfo3" } }),
                            "createCluster",
                        ),
                    }
                } else if i % 10 == 7 && !droplets.is_empty() {
                    let id = droplets.remove(0);
                    (
                        "mutation($id: ID!) { powerDroplet(id: $id, on: false) { position } }",
                        json!({ "id": id }),
                        "powerDroplet",
                    )
                } else if i % 10 == 8 && !droplets.is_empty() {
                    let id = droplets.remove(0);
                    (
                        "mutation($id: ID!) { resizeDroplet(id: $id, size: \"s-2vcpu-2gb\") { position } }",
                        json!({ "id": id }),
                        "resizeDroplet",
                    )
                } else if i % 10 == 9 && !droplets.is_empty() {
                    let id = droplets.remove(0);
                    (
                        "mutation($id: ID!) { destroyDroplet(id: $id) { position } }",
                        json!({ "id": id }),
                        "destroyDroplet",
                    )
                } else {
                    let image = if i % 20 == 6 { "broken-boot-x64" } else { "ubuntu-24-04-x64" };
                    let mut input = json!({
                        "name": format!("d{c}-{i}"),
                        "region": "nyc1",
                        "size": "s-1vcpu-1gb",
                        "image": image,
                    });
                    if i % 2 == 0 {
                        if let Some(id) = &cluster {
                            input["clusterId"] = json!(id);
                        }
                    }
                    (CREATE_DROPLET, json!({ "input": input }), "createDroplet")
                };
                let r = gql(&client, port, query, vars).await;
                {
                let mut l = load.lock().unwrap();
                if let Some(position) = r["data"][field]["position"].as_i64() {
                    l.acknowledged.push(position);
                    if let Some(id) = r["data"][field]["cluster"]["id"].as_str() {
                        if i == 0 {
                            cluster = Some(id.to_string());
                        } else if field == "createCluster" {
                            spare = Some(id.to_string());
                        }
                    }
                    if let Some(id) = r["data"][field]["droplet"]["id"].as_str() {
                        if field == "createDroplet" {
                            droplets.push(id.to_string());
                        }
                    }
                } else if let Some(error) = r.get("transport") {
                    l.transport += 1;
                    if l.transport_errors.len() < 5 {
                        l.transport_errors.push(format!("port {port}: {error}"));
                    }
                } else {
                    l.refused += 1;
                }
                }
                tokio::time::sleep(pause).await;
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    Arc::try_unwrap(load).ok().unwrap().into_inner().unwrap()
}

/// Waits until every event is projected, nothing is left to run, and counts are stable.
async fn wait_until_settled(t: &Topology, pool: &sqlx::PgPool, timeout: Duration) {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut stable = 0;
    let mut last = (0i64, 0i64, 0i64);
    loop {
        let events: i64 = sqlx::query("SELECT COUNT(*) AS n FROM events")
            .fetch_one(pool)
            .await
            .unwrap()
            .get("n");
        let audit: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(pool)
            .await
            .unwrap()
            .get("n");
        let open: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM jobs WHERE status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')",
        )
        .fetch_one(pool)
        .await
        .unwrap()
        .get("n");
        let now = (events, audit, open);
        if events == audit && open == 0 && now == last {
            stable += 1;
            if stable >= 3 {
                return;
            }
        } else {
            stable = 0;
        }
        last = now;
        assert!(
            tokio::time::Instant::now() < deadline,
            "not settled: {events} events, {audit} projected, {open} jobs not terminal\n--- projector\n{}\n--- worker-1\n{}\n--- relay-1\n{}",
            t.log_tail("projector"),
            t.log_tail("worker-1"),
            t.log_tail("relay-1"),
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// The relay whose /health says it is active.
async fn active_relay(names: &[&str], t: &Topology) -> Option<String> {
    for name in names {
        let (_, h) = health(t.port(name)).await;
        if h["checks"]["relay"]["status"] == "active" {
            return Some(name.to_string());
        }
    }
    None
}

async fn start_everything(t: &mut Topology) -> (u16, u16) {
    let api1 = t.start_ready("api-1", "api").await;
    let api2 = t.start_ready("api-2", "api").await;
    t.start_ready("relay-1", "relay").await;
    t.start_ready("relay-2", "relay").await;
    t.start_ready("projector", "projector").await;
    t.start_ready("worker-1", "worker").await;
    t.start_ready("worker-2", "worker").await;
    (api1, api2)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nothing_is_lost_when_roles_die_and_the_broker_stops_or_freezes() {
    let _serial = SERIAL.lock().await;
    let mut t = Topology::new(3).await;
    let (api1, api2) = start_everything(&mut t).await;
    let pool = t.pool().await;

    // 2,000 commands from 16 clients, spread over about a minute.
    let load = tokio::spawn(run_load(
        vec![api1, api2],
        16,
        125,
        Duration::from_millis(420),
    ));

    let jitter = || Duration::from_millis(rand::random_range(0..1500));
    let relays = ["relay-1", "relay-2"];
    tokio::time::sleep(Duration::from_secs(2) + jitter()).await;
    let active = active_relay(&relays, &t)
        .await
        .expect("one relay is active");
    t.kill9(&active);
    tokio::time::sleep(Duration::from_secs(1) + jitter()).await;
    t.restart(&active).await;
    tokio::time::sleep(jitter()).await;
    t.kill9("projector");
    tokio::time::sleep(Duration::from_secs(1) + jitter()).await;
    t.restart("projector").await;
    tokio::time::sleep(jitter()).await;
    t.kill9("worker-1");
    tokio::time::sleep(Duration::from_secs(1) + jitter()).await;
    t.restart("worker-1").await;
    tokio::time::sleep(jitter()).await;
    if let Some(active) = active_relay(&relays, &t).await {
        t.kill9(&active);
        tokio::time::sleep(jitter()).await;
        t.restart(&active).await;
    }

    // The broker: kill -9, down for 20 s, back on the same storage.
    t.broker.kill9();
    tokio::time::sleep(Duration::from_secs(20)).await;
    t.broker.restart();
    tokio::time::sleep(Duration::from_secs(4) + jitter()).await;
    // And frozen for 20 s.
    t.broker.freeze(true);
    tokio::time::sleep(Duration::from_secs(20)).await;
    t.broker.freeze(false);

    let load = load.await.unwrap();
    let attempted = load.acknowledged.len() + load.refused + load.transport;
    assert_eq!(attempted, 2000);
    assert_eq!(
        load.transport, 0,
        "the API instances stayed up: {:?}",
        load.transport_errors
    );
    assert!(
        load.acknowledged.len() > 1500,
        "most commands are accepted ({} acknowledged, {} refused)",
        load.acknowledged.len(),
        load.refused
    );

    wait_until_settled(&t, &pool, Duration::from_secs(600)).await;

    // Kafka, read by an independent consumer: every stored event exactly once.
    let stored: Vec<(String, String, i64, i64)> = sqlx::query(
        "SELECT event_id::text AS event_id, aggregate_id, sequence, global_position FROM events ORDER BY global_position",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("event_id"), r.get("aggregate_id"), r.get("sequence"), r.get("global_position")))
    .collect();
    let delivered = t.read_all_events();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in &delivered {
        *seen.entry(m.headers["event-id"].clone()).or_default() += 1;
    }
    let duplicates: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        duplicates.is_empty(),
        "events published more than once: {duplicates:?}"
    );
    let missing: Vec<_> = stored.iter().filter(|s| !seen.contains_key(&s.0)).collect();
    assert!(
        missing.is_empty(),
        "{} stored events never reached Kafka, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    assert_eq!(delivered.len(), stored.len());
    let positions: HashSet<i64> = stored.iter().map(|s| s.3).collect();
    for p in &load.acknowledged {
        assert!(positions.contains(p), "acknowledged position {p} is stored");
    }

    // Per-aggregate order: within its partition, each aggregate's events come 1, 2, 3, …
    let mut by_partition: BTreeMap<(String, i32), Vec<&Delivered>> = BTreeMap::new();
    for m in &delivered {
        by_partition
            .entry((m.topic.clone(), m.partition))
            .or_default()
            .push(m);
    }
    let mut next: HashMap<String, i64> = HashMap::new();
    for messages in by_partition.values_mut() {
        messages.sort_by_key(|m| m.offset);
        for m in messages.iter() {
            let aggregate = m.key.clone().expect("keyed by aggregate id");
            assert_eq!(m.value["aggregateId"], json!(aggregate));
            let expected = next.entry(aggregate.clone()).or_insert(1);
            assert_eq!(
                m.value["sequence"],
                json!(*expected),
                "order of {aggregate}"
            );
            *expected += 1;
        }
    }

    // Every job terminal; progress never went backwards.
    let progress = sqlx::query(
        "SELECT aggregate_id, event_type, payload::text AS payload FROM events WHERE aggregate_type = 'Job' ORDER BY aggregate_id, sequence",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let mut last: HashMap<String, i64> = HashMap::new();
    for r in &progress {
        let job: String = r.get("aggregate_id");
        let kind: String = r.get("event_type");
        if kind == "JobProgressed" {
            let payload: Value = serde_json::from_str(&r.get::<String, _>("payload")).unwrap();
            let p = payload["progress"].as_i64().unwrap();
            let before = last.insert(job.clone(), p).unwrap_or(0);
            assert!(p >= before, "job {job} progress went from {before} to {p}");
        }
    }
    let terminal: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM jobs WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED')",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .get("n");
    let jobs: i64 = sqlx::query(
        "SELECT COUNT(DISTINCT aggregate_id) AS n FROM events WHERE aggregate_type = 'Job'",
    )
    .fetch_one(&pool)
    .await
    .unwrap()
    .get("n");
    assert_eq!(terminal, jobs, "every job reached a terminal status");
    let takeovers: i64 =
        sqlx::query("SELECT COUNT(*) AS n FROM events WHERE event_type = 'JobLeaseExpired'")
            .fetch_one(&pool)
            .await
            .unwrap()
            .get("n");

    // The read models equal a fresh replay.
    t.kill9("projector");
    let projected = normalized_read_models(&t.database_url).await;
    let out = t.run(&["replay"]);
    assert!(
        out.status.success(),
        "replay: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let replayed = normalized_read_models(&t.database_url).await;
    assert_eq!(projected.len(), replayed.len());
    let differ: Vec<_> = projected
        .iter()
        .zip(&replayed)
        .filter(|(a, b)| a != b)
        .take(3)
        .collect();
    assert!(
        differ.is_empty(),
        "read models differ from a replay: {differ:#?}"
    );

    let dead = t.read_dead_letters();
    assert!(dead.is_empty(), "nothing was dead-lettered: {dead:?}");
    eprintln!(
        "faults test: {} commands acknowledged, {} refused; {} events in Kafka exactly once; {jobs} jobs terminal; {takeovers} lease takeovers",
        load.acknowledged.len(),
        load.refused,
        delivered.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standby_relay_takes_over_when_the_active_one_is_killed() {
    let _serial = SERIAL.lock().await;
    let mut t = Topology::new(2).await;
    let api = t.start_ready("api-1", "api").await;
    t.start_ready("relay-1", "relay").await;
    t.start_ready("relay-2", "relay").await;
    let relays = ["relay-1", "relay-2"];
    let client = reqwest::Client::new();
    let r = gql(
        &client,
        api,
        CREATE_CLUSTER,
        json!({ "input": { "name": "before", "region": "nyc1" } }),
    )
    .await;
    assert!(r["data"]["createCluster"]["position"].is_i64(), "{r}");

    let mut active = None;
    for _ in 0..100 {
        active = active_relay(&relays, &t).await;
        if active.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let active = active.expect("one relay becomes active");
    let standby = relays.iter().find(|r| **r != active).unwrap().to_string();
    let (_, h) = health(t.port(&standby)).await;
    assert_eq!(h["checks"]["relay"]["status"], "standby", "{h}");
    assert_eq!(
        metric(&metrics(t.port(&active)).await, "clustergenie_relay_active"),
        1.0
    );

    t.kill9(&active);
    let r = gql(
        &client,
        api,
        CREATE_CLUSTER,
        json!({ "input": { "name": "after", "region": "nyc1" } }),
    )
    .await;
    assert!(r["data"]["createCluster"]["position"].is_i64(), "{r}");

    // The standby publishes the event appended after the kill.
    let mut published = false;
    for _ in 0..300 {
        let names: Vec<String> = t
            .read_all_events()
            .iter()
            .filter_map(|m| m.value["payload"]["name"].as_str().map(str::to_string))
            .collect();
        if names.contains(&"after".to_string()) {
            assert_eq!(names.iter().filter(|n| *n == "before").count(), 1);
            published = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        published,
        "the standby never published:\n{}",
        t.log_tail(&standby)
    );
    let (_, h) = health(t.port(&standby)).await;
    assert_eq!(h["checks"]["relay"]["status"], "active", "{h}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_message_goes_to_the_dead_letter_topic_and_consumers_go_on() {
    let _serial = SERIAL.lock().await;
    let mut t = Topology::new(2).await;
    let api = t.start_ready("api-1", "api").await;
    t.start_ready("relay-1", "relay").await;
    let projector = t.start_ready("projector", "projector").await;
    let worker = t.start_ready("worker-1", "worker").await;
    let client = reqwest::Client::new();
    // Topics exist once the consumers run; wait for the projector's consumer to report.
    for _ in 0..200 {
        let (_, h) = health(projector).await;
        if h["checks"]["broker"]["consumerGroup"].is_string() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", t.broker.address())
        .create()
        .unwrap();
    let topic = format!("{}.job", t.prefix);
    let mut future_envelope = json!({ "envelopeVersion": 99, "eventId": "x" }).to_string();
    future_envelope.push(' ');
    for (key, value) in [
        ("poison-1", "this is not JSON".to_string()),
        ("poison-2", future_envelope),
    ] {
        producer
            .send(BaseRecord::to(&topic).key(key).payload(&value).partition(0))
            .map_err(|(e, _)| e)
            .unwrap();
    }
    producer.flush(Duration::from_secs(10)).unwrap();

    // Consumers go on: a droplet created after the poison is provisioned and projected.
    let r = gql(
        &client,
        api,
        CREATE_DROPLET,
        json!({ "input": { "name": "after-poison", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" } }),
    )
    .await;
    let position = r["data"]["createDroplet"]["position"]
        .as_i64()
        .expect("created");
    let mut status = Value::Null;
    for _ in 0..300 {
        let r = gql(
            &client,
            api,
            "{ droplets(first: 5) { nodes { name status } } }",
            json!({}),
        )
        .await;
        status = r["data"]["droplets"]["nodes"][0]["status"].clone();
        if status == "RUNNING" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        status,
        "RUNNING",
        "after poison (position {position}):\n{}",
        t.log_tail("worker-1")
    );

    // Both groups dead-lettered both messages, with the reason.
    let mut dead = Vec::new();
    for _ in 0..100 {
        dead = t.read_dead_letters();
        if dead.len() >= 4 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(dead.len(), 4, "{dead:#?}");
    for m in &dead {
        assert!(m.headers["dead-letter-source"].starts_with(&format!("{topic}/0/")));
        assert!(!m.headers["dead-letter-reason"].is_empty());
    }
    let groups: HashSet<&str> = dead
        .iter()
        .map(|m| m.headers["dead-letter-group"].as_str())
        .collect();
    assert_eq!(
        groups,
        HashSet::from(["clustergenie-projector", "clustergenie-worker"])
    );
    assert!(dead
        .iter()
        .any(|m| m.headers["dead-letter-reason"].contains("version 99")));
    assert_eq!(
        metric(&metrics(projector).await, "clustergenie_dead_letters_total"),
        2.0
    );
    assert_eq!(
        metric(&metrics(worker).await, "clustergenie_dead_letters_total"),
        2.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_on_one_api_instance_sees_a_job_started_through_another() {
    let _serial = SERIAL.lock().await;
    let mut t = Topology::new(2).await;
    t.env("CLUSTERGENIE_PROVISION_SECONDS", "2");
    let api1 = t.start_ready("api-1", "api").await;
    let api2 = t.start_ready("api-2", "api").await;
    t.start_ready("relay-1", "relay").await;
    t.start_ready("projector", "projector").await;
    t.start_ready("worker-1", "worker").await;
    // Let api-2 reach the end of the changes topic before anything happens.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let updates = tokio::spawn(subscribe(
        api2,
        "subscription { jobs { id status progress } }",
        Duration::from_secs(60),
    ));
    tokio::time::sleep(Duration::from_millis(500)).await;
    let client = reqwest::Client::new();
    let r = gql(
        &client,
        api1,
        CREATE_DROPLET,
        json!({ "input": { "name": "cross", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" } }),
    )
    .await;
    assert!(r["data"]["createDroplet"]["position"].is_i64(), "{r}");
    let updates = updates.await.unwrap();
    let statuses: Vec<&str> = updates
        .iter()
        .filter_map(|u| u["jobs"]["status"].as_str())
        .collect();
    assert_eq!(statuses.first(), Some(&"QUEUED"), "{updates:?}");
    assert_eq!(statuses.last(), Some(&"COMPLETED"), "{updates:?}");
    assert!(statuses.contains(&"RUNNING"), "{updates:?}");
    let progress: Vec<i64> = updates
        .iter()
        .filter_map(|u| u["jobs"]["progress"].as_i64())
        .collect();
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");
}

/// Subscribes over graphql-transport-ws and collects payloads until a COMPLETED job arrives.
async fn subscribe(port: u16, query: &str, timeout: Duration) -> Vec<Value> {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    use tokio_tungstenite::tungstenite::Message;
    let mut request = format!("ws://127.0.0.1:{port}/graphql")
        .into_client_request()
        .unwrap();
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    ws.send(Message::text(
        json!({ "type": "connection_init" }).to_string(),
    ))
    .await
    .unwrap();
    let _ack = ws.next().await;
    ws.send(Message::text(
        json!({ "id": "1", "type": "subscribe", "payload": { "query": query } }).to_string(),
    ))
    .await
    .unwrap();
    let mut out = Vec::new();
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let Ok(Some(Ok(msg))) = tokio::time::timeout(remaining, ws.next()).await else {
            panic!("subscription ended before the job completed: {out:?}");
        };
        let Ok(v) = serde_json::from_str::<Value>(msg.to_text().unwrap_or_default()) else {
            continue;
        };
        if v["type"] == "next" {
            let data = v["payload"]["data"].clone();
            let done = data["jobs"]["status"] == "COMPLETED";
            out.push(data);
            if done {
                return out;
            }
        }
    }
}
