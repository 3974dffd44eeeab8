//! Distributed mode, end to end: every role its own OS process, real Postgres, a real
//! Kafka-protocol broker (tansu, durable SQLite storage), kill -9 and SIGSTOP.
//!
//! Each fault has its own test, on its own topology, under load: the fault begins once the
//! load has had a number of commands acknowledged, lasts for a number of acknowledgements,
//! and the test asserts that commands were acknowledged before it, while it was in force and
//! after its recovery. Then: every stored event in Kafka exactly once (by event id), each
//! aggregate's events in order within its partition, and read models equal to a fresh replay.
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
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use testkit::subscription::Subscription;
use testkit::wait;
use topology::*;

const CREATE_DROPLET: &str = "mutation($input: CreateDropletInput!) { createDroplet(input: $input) { droplet { id } job { id } position } }";

/// The load's droplet operations (`i % 10` of 7, 8 and 9) and the field each answers in.
const DROPLET_OPERATIONS: [(&str, &str); 3] = [
    (
        "mutation($id: ID!) { powerDroplet(id: $id, on: false) { position } }",
        "powerDroplet",
    ),
    (
        "mutation($id: ID!) { resizeDroplet(id: $id, size: \"s-2vcpu-2gb\") { position } }",
        "resizeDroplet",
    ),
    (
        "mutation($id: ID!) { destroyDroplet(id: $id) { position } }",
        "destroyDroplet",
    ),
];

/// Where the load stands relative to the fault (the phase a command was both sent and
/// answered in; a command that straddles two phases counts in none).
const BEFORE: u8 = 0;
const DURING: u8 = 1;
const RECOVERING: u8 = 2;
const AFTER: u8 = 3;

/// Shared between the load and the fault schedule: how many commands were acknowledged so
/// far, and the phase of the fault.
pub(crate) struct Progress {
    acknowledged: AtomicUsize,
    phase: AtomicU8,
}

impl Default for Progress {
    fn default() -> Self {
        Self {
            acknowledged: AtomicUsize::new(0),
            phase: AtomicU8::new(BEFORE),
        }
    }
}

impl Progress {
    fn acknowledged(&self) -> usize {
        self.acknowledged.load(Ordering::SeqCst)
    }

    fn enter(&self, phase: u8) {
        self.phase.store(phase, Ordering::SeqCst);
    }

    /// Waits (bounded) until `more` commands beyond `from` are acknowledged; returns the
    /// count then. Fails, with the role logs, when the load does not get there.
    async fn wait_for(&self, t: &Topology, from: usize, more: usize, what: &str) -> usize {
        wait::until(
            &format!("{more} more acknowledged commands ({what})"),
            Duration::from_secs(180),
            || {
                let n = self.acknowledged();
                let logs = format!(
                    "--- api-1\n{}\n--- relay-1\n{}\n--- projector\n{}",
                    t.log_tail("api-1"),
                    t.log_tail("relay-1"),
                    t.log_tail("projector")
                );
                async move {
                    (n >= from + more)
                        .then_some(n)
                        .ok_or(format!("{n} acknowledged, from {from}\n{logs}"))
                }
            },
        )
        .await
    }
}

/// What the load generator got back.
#[derive(Default)]
struct Load {
    acknowledged: Vec<i64>,
    /// Commands sent and acknowledged within one phase, by phase.
    by_phase: [usize; 4],
    refused: usize,
    transport: usize,
    /// What the first transport failures said, for the assertion message.
    transport_errors: Vec<String>,
}

/// `per_client` commands from each of `clients` concurrent clients over the API ports,
/// spaced `pause` apart: clusters created and deleted, droplets (some with an image that
/// always fails, to exercise retries), power-off, resize and destroy of droplets created
/// before. Each acknowledgement is counted in `progress` as it arrives.
async fn run_load(
    ports: Vec<u16>,
    clients: usize,
    per_client: usize,
    pause: Duration,
    progress: Arc<Progress>,
) -> Load {
    let load = Arc::new(Mutex::new(Load::default()));
    let mut tasks = Vec::new();
    for c in 0..clients {
        let ports = ports.clone();
        let load = load.clone();
        let progress = progress.clone();
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
                } else if (7..=9).contains(&(i % 10)) && !droplets.is_empty() {
                    // Droplet work on the oldest droplet: power off, resize, destroy.
                    let (query, field) = DROPLET_OPERATIONS[i % 10 - 7];
                    (query, json!({ "id": droplets.remove(0) }), field)
                } else {
                    let image = if i % 20 == 6 {
                        "broken-boot-x64"
                    } else {
                        "ubuntu-24-04-x64"
                    };
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
                let sent_in = progress.phase.load(Ordering::SeqCst);
                let r = gql(&client, port, query, vars).await;
                let answered_in = progress.phase.load(Ordering::SeqCst);
                {
                    let mut l = load.lock().unwrap();
                    if let Some(position) = r["data"][field]["position"].as_i64() {
                        l.acknowledged.push(position);
                        if sent_in == answered_in {
                            l.by_phase[usize::from(sent_in)] += 1;
                        }
                        progress.acknowledged.fetch_add(1, Ordering::SeqCst);
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
        t.await.expect("a load client panicked");
    }
    Arc::try_unwrap(load)
        .ok()
        .expect("every client finished")
        .into_inner()
        .unwrap()
}

/// Waits until every event is projected, nothing is left to run, and counts are stable.
async fn wait_until_settled(t: &Topology, pool: &sqlx::PgPool, timeout: Duration) {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut stable = 0;
    let mut last = (0i64, 0i64, 0i64);
    loop {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM events) AS events, (SELECT COUNT(*) FROM audit_log) AS audit,
                    (SELECT COUNT(*) FROM jobs WHERE status NOT IN ('COMPLETED', 'FAILED', 'CANCELLED')) AS open",
        )
        .fetch_one(pool)
        .await
        .expect("count events, projected events and open jobs");
        let now: (i64, i64, i64) = (row.get("events"), row.get("audit"), row.get("open"));
        let (events, audit, open) = now;
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
            "not settled within {timeout:?}: {events} events, {audit} projected, {open} jobs not terminal\n--- projector\n{}\n--- worker-1\n{}\n--- relay-1\n{}",
            t.log_tail("projector"),
            t.log_tail("worker-1"),
            t.log_tail("relay-1"),
        );
        tokio::time::sleep(wait::POLL * 5).await;
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

/// Waits (bounded) until one of `names` is the active relay.
async fn wait_for_active_relay(names: &[&str], t: &Topology) -> String {
    wait::until(
        "one relay to become active",
        Duration::from_secs(60),
        || async {
            active_relay(names, t)
                .await
                .ok_or_else(|| format!("none of {names:?} is active"))
        },
    )
    .await
}

const RELAYS: [&str; 2] = ["relay-1", "relay-2"];

/// Two API instances, two relays, the projector and two workers; returns once a relay is
/// active and the consumers hold their partitions.
async fn start_everything(t: &mut Topology) -> (u16, u16) {
    let api1 = t.start_ready("api-1", "api").await;
    let api2 = t.start_ready("api-2", "api").await;
    t.start_ready("relay-1", "relay").await;
    t.start_ready("relay-2", "relay").await;
    t.start_ready("projector", "projector").await;
    t.start_ready("worker-1", "worker").await;
    t.start_ready("worker-2", "worker").await;
    wait_for_active_relay(&RELAYS, t).await;
    t.wait_for_partitions(&["projector"], EVENT_TOPICS).await;
    t.wait_for_partitions(&["worker-1", "worker-2"], 1).await;
    (api1, api2)
}

/// The faults, one test each.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// kill -9 of the active relay; the standby takes over; the killed one restarts.
    ActiveRelayKilled,
    /// kill -9 of the projector, restarted later.
    ProjectorKilled,
    /// kill -9 of a worker (its leases expire and are taken over), restarted later.
    WorkerKilled,
    /// kill -9 of the broker, restarted later on the same storage.
    BrokerKilled,
    /// SIGSTOP of the broker, SIGCONT later.
    BrokerFrozen,
}

/// Commands per test: `CLIENTS` × `PER_CLIENT`, `PAUSE` apart per client.
const CLIENTS: usize = 8;
const PER_CLIENT: usize = 60;
const PAUSE: Duration = Duration::from_millis(100);
/// The fault begins after this many acknowledgements ...
const FAULT_AFTER: usize = 80;
/// ... and is in force for this many more.
const FAULT_FOR: usize = 60;

/// Runs the load, injects `fault` by its progress, and checks everything.
async fn fault_under_load(fault: Fault) {
    let mut t = Topology::new(3).await;
    let (api1, api2) = start_everything(&mut t).await;
    let pool = t.pool().await;
    let progress = Arc::new(Progress::default());
    let load = tokio::spawn(run_load(
        vec![api1, api2],
        CLIENTS,
        PER_CLIENT,
        PAUSE,
        progress.clone(),
    ));

    let started = progress
        .wait_for(&t, 0, FAULT_AFTER, "before the fault")
        .await;
    let killed_relay = match fault {
        Fault::ActiveRelayKilled => {
            let active = active_relay(&RELAYS, &t)
                .await
                .expect("a relay is active under load");
            t.kill9(&active);
            Some(active)
        }
        Fault::ProjectorKilled => {
            t.kill9("projector");
            None
        }
        Fault::WorkerKilled => {
            t.kill9("worker-1");
            None
        }
        Fault::BrokerKilled => {
            t.broker.kill9();
            None
        }
        Fault::BrokerFrozen => {
            t.broker.freeze(true);
            None
        }
    };
    progress.enter(DURING);
    let in_force = progress
        .wait_for(
            &t,
            started,
            FAULT_FOR,
            &format!("while {fault:?} is in force"),
        )
        .await;
    progress.enter(RECOVERING);
    match fault {
        Fault::ActiveRelayKilled => {
            let killed = killed_relay.expect("the killed relay");
            t.restart(&killed).await;
        }
        Fault::ProjectorKilled => {
            t.restart("projector").await;
        }
        Fault::WorkerKilled => {
            t.restart("worker-1").await;
        }
        Fault::BrokerKilled => t.broker.restart().await,
        Fault::BrokerFrozen => t.broker.freeze(false),
    }
    progress.enter(AFTER);

    let load = load.await.expect("the load ran to its end");
    let attempted = load.acknowledged.len() + load.refused + load.transport;
    assert_eq!(attempted, CLIENTS * PER_CLIENT);
    assert_eq!(
        load.transport, 0,
        "the API instances stayed up: {:?}",
        load.transport_errors
    );
    assert!(
        load.acknowledged.len() * 4 > attempted * 3,
        "most commands are accepted ({} acknowledged, {} refused)",
        load.acknowledged.len(),
        load.refused
    );
    let [before, during, _, after] = load.by_phase;
    assert!(
        before > 0 && during > 0 && after > 0,
        "{fault:?} overlapped the load: {before} commands acknowledged before it, {during} while it was in force, {after} after its recovery (fault from {started} to {in_force} acknowledged)"
    );

    let summary = verify(&mut t, &pool, &load).await;
    eprintln!(
        "{fault:?}: {} acknowledged ({before} before, {during} during, {after} after), {} refused; {summary}",
        load.acknowledged.len(),
        load.refused,
    );
}

/// Waits until the topology settled, then checks: every stored event in Kafka exactly once,
/// every acknowledged position stored, per-aggregate order, every job terminal with progress
/// that never went backwards, read models equal to a fresh replay, no dead letters.
async fn verify(t: &mut Topology, pool: &sqlx::PgPool, load: &Load) -> String {
    wait_until_settled(t, pool, Duration::from_secs(600)).await;

    // Kafka, read by an independent consumer: every stored event exactly once.
    let stored: Vec<(String, String, i64, i64)> = sqlx::query(
        "SELECT event_id::text AS event_id, aggregate_id, sequence, global_position FROM events ORDER BY global_position",
    )
    .fetch_all(pool)
    .await
    .expect("read the events")
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
    .fetch_all(pool)
    .await
    .expect("read the job events");
    let mut last: HashMap<String, i64> = HashMap::new();
    for r in &progress {
        let job: String = r.get("aggregate_id");
        let kind: String = r.get("event_type");
        if kind == "JobProgressed" {
            let payload: Value =
                serde_json::from_str(&r.get::<String, _>("payload")).expect("a JSON payload");
            let p = payload["progress"].as_i64().expect("a progress figure");
            let before = last.insert(job.clone(), p).unwrap_or(0);
            assert!(p >= before, "job {job} progress went from {before} to {p}");
        }
    }
    let counts = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM jobs WHERE status IN ('COMPLETED', 'FAILED', 'CANCELLED')) AS terminal,
                (SELECT COUNT(DISTINCT aggregate_id) FROM events WHERE aggregate_type = 'Job') AS jobs,
                (SELECT COUNT(*) FROM events WHERE event_type = 'JobLeaseExpired') AS takeovers",
    )
    .fetch_one(pool)
    .await
    .expect("count jobs");
    let (terminal, jobs, takeovers): (i64, i64, i64) = (
        counts.get("terminal"),
        counts.get("jobs"),
        counts.get("takeovers"),
    );
    assert_eq!(terminal, jobs, "every job reached a terminal status");

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
    format!(
        "{} events in Kafka exactly once; {jobs} jobs terminal; {takeovers} lease takeovers",
        delivered.len()
    )
}

/// One test per fault, so each builds its own topology and fails on its own.
macro_rules! fault_tests {
    ($($name:ident: $fault:expr;)+) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn $name() {
            fault_under_load($fault).await;
        }
    )+};
}

fault_tests! {
    nothing_is_lost_when_the_active_relay_is_killed_under_load: Fault::ActiveRelayKilled;
    nothing_is_lost_when_the_projector_is_killed_under_load: Fault::ProjectorKilled;
    nothing_is_lost_when_a_worker_is_killed_under_load: Fault::WorkerKilled;
    nothing_is_lost_when_the_broker_is_killed_and_restarted_under_load: Fault::BrokerKilled;
    nothing_is_lost_when_the_broker_freezes_under_load: Fault::BrokerFrozen;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_standby_relay_takes_over_when_the_active_one_is_killed() {
    let mut t = Topology::new(2).await;
    let api = t.start_ready("api-1", "api").await;
    t.start_ready("relay-1", "relay").await;
    t.start_ready("relay-2", "relay").await;
    let client = reqwest::Client::new();
    create_cluster_acknowledged(&client, api, "before").await;

    let active = wait_for_active_relay(&RELAYS, &t).await;
    let standby = RELAYS.iter().find(|r| **r != active).unwrap().to_string();
    let (_, h) = health(t.port(&standby)).await;
    assert_eq!(h["checks"]["relay"]["status"], "standby", "{h}");
    assert_eq!(
        metric(&metrics(t.port(&active)).await, "clustergenie_relay_active"),
        1.0
    );

    t.kill9(&active);
    create_cluster_acknowledged(&client, api, "after").await;

    // The standby publishes the event appended after the kill.
    let names = wait::until(
        "the standby to publish the cluster created after the kill",
        Duration::from_secs(60),
        || {
            let names: Vec<String> = t
                .read_all_events()
                .iter()
                .filter_map(|m| m.value["payload"]["name"].as_str().map(str::to_string))
                .collect();
            let tail = t.log_tail(&standby);
            let standby = &standby;
            async move {
                if names.iter().any(|n| n == "after") {
                    Ok(names)
                } else {
                    Err(format!("published {names:?}\n--- {standby}\n{tail}"))
                }
            }
        },
    )
    .await;
    assert_eq!(names.iter().filter(|n| *n == "before").count(), 1);
    let (_, h) = health(t.port(&standby)).await;
    assert_eq!(h["checks"]["relay"]["status"], "active", "{h}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poison_message_goes_to_the_dead_letter_topic_and_consumers_go_on() {
    let mut t = Topology::new(2).await;
    let api = t.start_ready("api-1", "api").await;
    t.start_ready("relay-1", "relay").await;
    let projector = t.start_ready("projector", "projector").await;
    let worker = t.start_ready("worker-1", "worker").await;
    let client = reqwest::Client::new();
    // Topics exist, and the consumers read them, once both hold their partitions.
    t.wait_for_partitions(&["projector"], EVENT_TOPICS).await;
    t.wait_for_partitions(&["worker-1"], 1).await;

    let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
        .set("bootstrap.servers", t.broker.address())
        .create()
        .expect("a producer");
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
            .expect("the poison is enqueued");
    }
    producer
        .flush(Duration::from_secs(10))
        .expect("the poison is delivered");

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
        .unwrap_or_else(|| panic!("created: {r}"));
    wait::until(
        &format!("the droplet created after the poison (position {position}) to run"),
        Duration::from_secs(60),
        || {
            let tail = t.log_tail("worker-1");
            let client = client.clone();
            async move {
                let r = gql(
                    &client,
                    api,
                    "{ droplets(first: 5) { nodes { name status } } }",
                    json!({}),
                )
                .await;
                let status = &r["data"]["droplets"]["nodes"][0]["status"];
                (status == "RUNNING")
                    .then_some(())
                    .ok_or(format!("{r}\n--- worker-1\n{tail}"))
            }
        },
    )
    .await;

    // Both groups dead-lettered both messages, with the reason.
    let dead = wait::until(
        "4 dead letters (2 messages × 2 groups)",
        Duration::from_secs(30),
        || {
            let dead = t.read_dead_letters();
            async move {
                if dead.len() >= 4 {
                    Ok(dead)
                } else {
                    Err(format!("{dead:#?}"))
                }
            }
        },
    )
    .await;
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

/// Creates a droplet through `port`; returns its job's id.
async fn create_droplet(port: u16, name: &str) -> String {
    let r = gql(
        &reqwest::Client::new(),
        port,
        CREATE_DROPLET,
        json!({ "input": { "name": name, "region": "nyc1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" } }),
    )
    .await;
    r["data"]["createDroplet"]["job"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createDroplet {name}: {r}"))
        .to_string()
}

/// The `jobs` updates of `job` on `subscription` until it is COMPLETED (bounded).
async fn updates_of(subscription: &mut Subscription, job: &str) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    let mut out = Vec::new();
    loop {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        assert!(
            !remaining.is_zero(),
            "job {job} did not complete on the subscription: {out:?}"
        );
        let data = subscription.next_data(remaining).await;
        if data["jobs"]["id"] != job {
            continue;
        }
        let done = data["jobs"]["status"] == "COMPLETED";
        out.push(data);
        if done {
            return out;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_subscriber_on_one_api_instance_sees_a_job_started_through_another() {
    let mut t = Topology::new(2).await;
    t.env("CLUSTERGENIE_PROVISION_SECONDS", "2");
    let api1 = t.start_ready("api-1", "api").await;
    let api2 = t.start_ready("api-2", "api").await;
    t.start_ready("relay-1", "relay").await;
    t.start_ready("projector", "projector").await;
    t.start_ready("worker-1", "worker").await;
    t.wait_for_partitions(&["projector"], EVENT_TOPICS).await;
    t.wait_for_partitions(&["worker-1"], 1).await;

    // The connection is acknowledged before anything happens (Subscription::start checks
    // it); api-2 follows the changes topic once a warm-up job's updates reach this subscriber.
    let mut updates = Subscription::start(
        api2,
        "subscription { jobs { id status progress } }",
        json!({}),
    )
    .await;
    let warm_up = create_droplet(api1, "warm-up").await;
    updates_of(&mut updates, &warm_up).await;

    let job = create_droplet(api1, "cross").await;
    let updates_of_job = updates_of(&mut updates, &job).await;
    updates.close().await;
    let statuses: Vec<&str> = updates_of_job
        .iter()
        .filter_map(|u| u["jobs"]["status"].as_str())
        .collect();
    assert_eq!(statuses.first(), Some(&"QUEUED"), "{updates_of_job:?}");
    assert_eq!(statuses.last(), Some(&"COMPLETED"), "{updates_of_job:?}");
    assert!(statuses.contains(&"RUNNING"), "{updates_of_job:?}");
    let progress: Vec<i64> = updates_of_job
        .iter()
        .filter_map(|u| u["jobs"]["progress"].as_i64())
        .collect();
    assert!(progress.windows(2).all(|w| w[0] <= w[1]), "{progress:?}");

    // Every role's activity log is in the shared store: the job's lines, read through
    // api-2, come from api-1 (it was queued there) and from the worker, each its own instance.
    let lines = testkit::wait::until(
        "the job's createDroplet line from the api and completeJob line from the worker",
        Duration::from_secs(20),
        || async {
            let r = gql(
                &reqwest::Client::new(),
                api2,
                "query($id: String) { logs(filter: { resourceId: $id }) { nodes { service instance message } } }",
                json!({ "id": job }),
            )
            .await;
            let nodes = r["data"]["logs"]["nodes"].as_array().cloned().unwrap_or_default();
            let from = |service: &str, prefix: &str| {
                nodes.iter().any(|n| {
                    n["service"] == service
                        && n["message"].as_str().is_some_and(|m| m.starts_with(prefix))
                })
            };
            if from("api", "createDroplet:") && from("worker", "completeJob:") {
                Ok(nodes)
            } else {
                Err(r.to_string())
            }
        },
    )
    .await;
    let instance = |service: &str| {
        lines
            .iter()
            .find(|l| l["service"] == service)
            .map(|l| l["instance"].clone())
    };
    assert_ne!(instance("api"), instance("worker"), "{lines:?}");
}
