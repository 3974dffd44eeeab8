//! Issue 24: a consumer-group member with no partitions while its group falls behind must
//! not report healthy, and must get the group going again by rejoining.

use crate::topology::*;
use crate::{wait_for_active_relay, Progress, AFTER, DURING, RELAYS};
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext, Rebalance};
use rdkafka::{ClientConfig, ClientContext};
use serde_json::Value;
use sqlx::Row;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use testkit::wait::until;

const PROJECTOR_GROUP: &str = "clustergenie-projector";

/// `per_client` createCluster from each of `clients` concurrent clients, `pause` apart;
/// returns how many were acknowledged, how many failed in transport, and how many were sent
/// and acknowledged within each phase of `progress`.
async fn create_clusters(
    port: u16,
    round: usize,
    clients: usize,
    per_client: usize,
    pause: Duration,
    progress: Arc<Progress>,
) -> (usize, usize, [usize; 4]) {
    let mut tasks = Vec::new();
    for c in 0..clients {
        let progress = progress.clone();
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let (mut ok, mut transport, mut by_phase) = (0, 0, [0; 4]);
            for i in 0..per_client {
                let name = format!("r{round}-c{c}-{i}");
                let sent_in = progress.phase.load(Ordering::SeqCst);
                let r = create_cluster(&client, port, &name).await;
                let answered_in = progress.phase.load(Ordering::SeqCst);
                if r["data"]["createCluster"]["position"].is_i64() {
                    ok += 1;
                    if sent_in == answered_in {
                        by_phase[usize::from(sent_in)] += 1;
                    }
                    progress.acknowledged.fetch_add(1, Ordering::SeqCst);
                } else if r.get("transport").is_some() {
                    transport += 1;
                }
                tokio::time::sleep(pause).await;
            }
            (ok, transport, by_phase)
        }));
    }
    let mut total = (0, 0, [0; 4]);
    for t in tasks {
        let (ok, transport, by_phase) = t.await.expect("a load client panicked");
        total.0 += ok;
        total.1 += transport;
        for (sum, n) in total.2.iter_mut().zip(by_phase) {
            *sum += n;
        }
    }
    total
}

/// Counts of (stored events, projected events, clusters in the store, clusters in the read model).
async fn counts(pool: &sqlx::PgPool) -> (i64, i64, i64, i64) {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM events) AS events,
                (SELECT COUNT(*) FROM audit_log) AS audit,
                (SELECT COUNT(DISTINCT aggregate_id) FROM events WHERE aggregate_type = 'Cluster') AS stored,
                (SELECT COUNT(*) FROM clusters) AS projected",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    (
        row.get("events"),
        row.get("audit"),
        row.get("stored"),
        row.get("projected"),
    )
}

/// Waits until the read model holds every stored event and cluster; fails loudly with the
/// projector's health and log after `bound`.
async fn wait_converged(t: &Topology, pool: &sqlx::PgPool, bound: Duration) {
    until("the read model to converge", bound, || async {
        let (events, audit, stored, projected) = counts(pool).await;
        if events > 0 && events == audit && stored == projected {
            return Ok(());
        }
        let (code, h) = health(t.port("projector")).await;
        Err(format!(
            "{events} events stored, {audit} projected, {stored} clusters stored, {projected} in the read model\n--- projector /health ({code})\n{h:#}\n--- projector\n{}",
            t.log_tail("projector")
        ))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_read_model_converges_after_a_relay_kill_a_projector_restart_and_a_broker_freeze() {
    // The race of issue 24 showed in 2 of 3 runs; three rounds of a smaller load.
    let mut restarts = 0.0;
    for round in 1..=3 {
        let mut t = Topology::new(3).await;
        // The group protocol as librdkafka sees it, for the failure message and README.
        t.env("CLUSTERGENIE_KAFKA_DEBUG", "cgrp");
        t.env("RUST_LOG", "info,sqlx=warn,librdkafka=debug");
        let api = t.start_ready("api-1", "api").await;
        t.start_ready("relay-1", "relay").await;
        t.start_ready("relay-2", "relay").await;
        t.start_ready("projector", "projector").await;
        t.start_ready("worker-1", "worker").await;
        let pool = t.pool().await;
        let active = wait_for_active_relay(&RELAYS, &t).await;
        t.wait_for_partitions(&["projector"], EVENT_TOPICS).await;
        let progress = Arc::new(Progress::default());
        let load = tokio::spawn(create_clusters(
            api,
            round,
            16,
            12,
            Duration::from_millis(800),
            progress.clone(),
        ));

        // The faults, each after so many acknowledged commands.
        let mut n = progress.wait_for(&t, 0, 16, "before the relay kill").await;
        t.kill9(&active);
        progress.enter(DURING);
        n = progress
            .wait_for(&t, n, 8, "before the projector kill")
            .await;
        t.kill9("projector");
        n = progress
            .wait_for(&t, n, 16, "while the projector is down")
            .await;
        t.start_ready("projector", "projector").await;
        n = progress
            .wait_for(&t, n, 8, "before the broker freeze")
            .await;
        t.broker.freeze(true);
        progress
            .wait_for(&t, n, 24, "while the broker is frozen")
            .await;
        t.broker.freeze(false);
        progress.enter(AFTER);

        let (acknowledged, transport, [before, during, _, after]) =
            load.await.expect("the load ran to its end");
        assert_eq!(transport, 0, "the API stayed up");
        assert_eq!(acknowledged, 16 * 12, "every createCluster is acknowledged");
        assert!(
            before > 0 && during > 0 && after > 0,
            "the faults overlapped the load: {before} acknowledged before, {during} during, {after} after"
        );
        let converging = tokio::time::Instant::now();
        wait_converged(&t, &pool, Duration::from_secs(180)).await;
        let took = converging.elapsed();
        let (events, _, stored, _) = counts(&pool).await;
        assert_eq!(stored, acknowledged as i64);
        let m = metrics(t.port("projector")).await;
        let r = metric(&m, "clustergenie_consumer_restarts_total");
        restarts += r;
        eprintln!(
            "round {round} ({}): {acknowledged} clusters, {events} events; read model converged {took:?} after the faults; {r} projector rejoins",
            t.dir.display()
        );
        pool.close().await;
    }
    eprintln!("projector rejoins over 3 rounds: {restarts}");
}

/// A test client in the projector's group that holds every partition without consuming, and
/// leaves the group at the first rebalance after it is `armed`.
struct Holder {
    assigned: Arc<AtomicUsize>,
    armed: Arc<AtomicBool>,
    gone: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct HolderContext {
    armed: Arc<AtomicBool>,
    leave: Arc<AtomicBool>,
}

impl ClientContext for HolderContext {}

impl ConsumerContext for HolderContext {
    fn pre_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if matches!(rebalance, Rebalance::Revoke(_)) && self.armed.load(Ordering::SeqCst) {
            self.leave.store(true, Ordering::SeqCst);
        }
    }
}

impl Holder {
    fn start(brokers: &str, topics: Vec<String>) -> Self {
        let assigned = Arc::new(AtomicUsize::new(0));
        let armed = Arc::new(AtomicBool::new(false));
        let gone = Arc::new(AtomicBool::new(false));
        let leave = Arc::new(AtomicBool::new(false));
        let consumer: BaseConsumer<HolderContext> = ClientConfig::new()
            .set("bootstrap.servers", brokers)
            .set("group.id", PROJECTOR_GROUP)
            // Member ids start with the client id; the range assignor gives each topic's
            // only partition to the first member id in order, so this one takes them all.
            .set("client.id", "aaaa-holder")
            .set("partition.assignment.strategy", "range")
            .set("enable.auto.commit", "false")
            .set("auto.offset.reset", "earliest")
            .create_with_context(HolderContext {
                armed: armed.clone(),
                leave: leave.clone(),
            })
            .unwrap();
        let topics_ref: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer.subscribe(&topics_ref).unwrap();
        let thread = {
            let assigned = assigned.clone();
            let gone = gone.clone();
            std::thread::spawn(move || {
                while !leave.load(Ordering::SeqCst) {
                    // Messages are read and dropped, errors too (the group's state is all
                    // that matters here); nothing is ever committed.
                    drop(consumer.poll(Duration::from_millis(100)));
                    let n = consumer.assignment().map(|a| a.count()).unwrap_or(0);
                    assigned.store(n, Ordering::SeqCst);
                }
                drop(consumer); // leaves the group
                assigned.store(0, Ordering::SeqCst);
                gone.store(true, Ordering::SeqCst);
            })
        };
        Self {
            assigned,
            armed,
            gone,
            thread: Some(thread),
        }
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.armed.store(true, Ordering::SeqCst);
        // Only joined when it has left; a holder still in the group is left to the process.
        if self.gone.load(Ordering::SeqCst) {
            if let Some(t) = self.thread.take() {
                t.join().expect("the holder's thread ended cleanly");
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_without_partitions_in_a_lagging_group_turns_degraded_and_recovers_by_rejoining() {
    let mut t = Topology::new(1).await;
    t.env("CLUSTERGENIE_KAFKA_STALL_SECONDS", "10");
    let api = t.start_ready("api-1", "api").await;
    t.start_ready("relay-1", "relay").await;
    let topics = t.event_topics();
    let holder = Holder::start(&t.broker.address(), topics);
    until(
        "the holder takes every partition",
        Duration::from_secs(60),
        || {
            let n = holder.assigned.load(Ordering::SeqCst);
            async move {
                (n == EVENT_TOPICS as usize)
                    .then_some(())
                    .ok_or(format!("{n} partitions"))
            }
        },
    )
    .await;

    let projector = t.start_ready("projector", "projector").await;
    let steady = |h: &Value| h["checks"]["broker"]["groupState"] == "up/steady";
    until(
        "the projector joins with no partitions",
        Duration::from_secs(60),
        || async move {
            let (code, h) = health(projector).await;
            let b = &h["checks"]["broker"];
            (code == 200 && steady(&h) && b["assignedPartitions"] == 0)
                .then_some(())
                .ok_or(h.to_string())
        },
    )
    .await;
    assert_eq!(
        holder.assigned.load(Ordering::SeqCst),
        EVENT_TOPICS as usize
    );

    // Messages arrive that the group does not consume.
    let client = reqwest::Client::new();
    for i in 0..5 {
        create_cluster_acknowledged(&client, api, &format!("held-{i}")).await;
    }
    let degraded = until(
        "the projector reports itself degraded",
        Duration::from_secs(90),
        || async move {
            let (code, h) = health(projector).await;
            (code == 503).then(|| h.clone()).ok_or(h.to_string())
        },
    )
    .await;
    let b = &degraded["checks"]["broker"];
    assert_eq!(b["status"], "stalled", "{degraded:#}");
    assert_eq!(b["assignedPartitions"], 0, "{degraded:#}");
    assert!(b["consumerLag"].as_i64().unwrap_or(0) >= 5, "{degraded:#}");
    assert!(
        b["stalled"]
            .as_str()
            .unwrap_or("")
            .contains("none was consumed"),
        "{degraded:#}"
    );
    assert_eq!(degraded["checks"]["database"]["status"], "up");
    let m = metrics(projector).await;
    assert!(
        metric(
            &m,
            "clustergenie_consumer_lag_messages{group=\"clustergenie-projector\"}"
        ) >= 5.0,
        "group-wide lag exported:\n{m}"
    );
    assert_eq!(
        metric(
            &m,
            "clustergenie_consumer_stalled{group=\"clustergenie-projector\"}"
        ),
        1.0
    );
    let (_, h) = health(projector).await;
    assert_eq!(h["checks"]["broker"]["assignedPartitions"], 0, "{h:#}");

    // From now on the holder gives its partitions up at the next rebalance. Nothing but a
    // member joining or leaving starts one: without the projector rejoining, it would hold
    // them for ever.
    holder.armed.store(true, Ordering::SeqCst);
    let pool = t.pool().await;
    until(
        "the projector rejoins, takes the partitions and consumes the backlog",
        Duration::from_secs(120),
        || async {
            let (code, h) = health(projector).await;
            let (_, _, stored, projected) = counts(&pool).await;
            (code == 200 && projected == stored && stored == 5)
                .then_some(())
                .ok_or(format!("{code} {h} projected {projected}/{stored}"))
        },
    )
    .await;
    assert!(holder.gone.load(Ordering::SeqCst), "the holder left");
    let (_, h) = health(projector).await;
    assert_eq!(
        h["checks"]["broker"]["assignedPartitions"], EVENT_TOPICS,
        "{h:#}"
    );
    assert_eq!(h["checks"]["broker"]["consumerLag"], 0, "{h:#}");
    let m = metrics(projector).await;
    assert!(metric(&m, "clustergenie_consumer_restarts_total") >= 1.0);
    let log = std::fs::read_to_string(t.dir.join("projector.log")).unwrap();
    assert!(
        log.contains("consumer stalled; leaving the group and joining again"),
        "the rejoin is logged with its reason"
    );
}
