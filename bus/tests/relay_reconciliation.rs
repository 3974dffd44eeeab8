//! The relay's reconciliation on its own, in process, against a real broker (tansu) and
//! Postgres: events appended but not yet published, a relay that crashes mid-publish (its task
//! dropped: no flush, no checkpoint), its checkpoint behind what the broker already holds (a
//! crash between delivery and checkpoint), more events appended meanwhile, and a new relay.
//! Per the relay's rules (module `bus::relay`): every stored event reaches Kafka exactly once,
//! each aggregate's events in order within its partition.

use bus::envelope::Envelope;
use bus::relay::{Relay, RelaySettings};
use bus::{BusHealth, KafkaSettings};
use command::handlers::{CommandOptions, CreateCluster};
use command::{Commands, Db, EventStore, JobSettings, RequestContext};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use testkit::cluster::Broker;
use testkit::storage::{PostgresDatabase, TempDir};
use testkit::wait;
use tokio_util::sync::CancellationToken;

const PARTITIONS: i32 = 3;

fn kafka(broker: &Broker, prefix: &str) -> KafkaSettings {
    KafkaSettings {
        brokers: broker.address(),
        topic_prefix: prefix.into(),
        partitions: PARTITIONS,
        replication: 1,
        // tansu 0.6 and idempotent producers: see README, "Distributed mode".
        idempotence: false,
        fetch_wait_ms: 10,
        stall_after: Duration::from_secs(120),
        debug: None,
    }
}

/// `clusters` clusters created, every third deleted again: one or two events per aggregate.
async fn append(commands: &Commands, round: &str, clusters: usize) {
    let ctx = RequestContext::new("relay-test");
    for i in 0..clusters {
        let input = CreateCluster::new(
            schema::ClusterName::parse(&format!("{round}-{i}")).expect("a cluster name"),
            schema::Region::parse("nyc1").expect("a region"),
        );
        let id = commands
            .create_cluster(&ctx, input)
            .await
            .expect("createCluster")
            .value;
        if i % 3 == 0 {
            commands
                .delete_cluster(&ctx, id, CommandOptions::default())
                .await
                .expect("deleteCluster");
        }
    }
}

/// Messages in the event topics, by their high watermarks (0 before the topics exist).
fn published(consumer: &BaseConsumer, kafka: &KafkaSettings) -> i64 {
    let mut total = 0;
    for topic in kafka.event_topics() {
        for p in 0..PARTITIONS {
            if let Ok((low, high)) = consumer.fetch_watermarks(&topic, p, Duration::from_secs(5)) {
                total += high - low;
            }
        }
    }
    total
}

/// Every message of the event topics, read from the start: (topic, partition, offset,
/// envelope).
fn read_all(consumer: &BaseConsumer, kafka: &KafkaSettings) -> Vec<(String, i32, i64, Envelope)> {
    let mut out = Vec::new();
    testkit::kafka::read_to_end(
        consumer,
        &kafka.event_topics(),
        Duration::from_secs(60),
        |message| {
            let envelope = Envelope::decode(message.payload()).expect("the relay's envelope");
            let topic = message.topic().to_string();
            out.push((topic, message.partition(), message.offset(), envelope));
        },
    );
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_restarted_after_a_crash_mid_publish_publishes_every_event_exactly_once() {
    let tansu = testkit::cluster::tansu_binary()
        .expect("this test needs the tansu broker: scripts/ensure-tansu");
    let dir = TempDir::new("clustergenie-relay");
    let broker = Broker::start(&tansu, dir.path()).await;
    let database = PostgresDatabase::create("cg_test_relay").await;
    let db = Db::postgres(database.url(), 4).await.expect("the database");
    let store = EventStore::new(db.clone());
    let commands = Commands::new(
        store.clone(),
        JobSettings::default(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let prefix = format!("cgr{}", &uuid::Uuid::new_v4().simple().to_string()[..12]);
    let kafka = kafka(&broker, &prefix);
    let verifier = testkit::kafka::verifier(&broker.address());
    // Small batches: the crash lands between two of them, or inside one.
    let settings = RelaySettings {
        batch_size: 10,
        poll_interval: Duration::from_millis(10),
        standby_retry: Duration::from_millis(100),
    };

    // Appended before any relay runs: nothing is published yet.
    append(&commands, "first", 600).await;
    let stored_first = store.count().await.expect("count events");

    // A relay publishes part of it and crashes: its task is dropped mid-publish.
    let shutdown = CancellationToken::new();
    let relay = Relay::new(
        db.clone(),
        kafka.clone(),
        settings.clone(),
        BusHealth::default(),
    );
    let crashed = tokio::spawn(relay.run(shutdown.clone()));
    wait::until(
        "the first relay to publish part of the log",
        Duration::from_secs(120),
        || {
            let n = published(&verifier, &kafka);
            async move { (n > 0).then_some(()).ok_or(format!("{n} published")) }
        },
    )
    .await;
    crashed.abort();
    assert!(
        crashed
            .await
            .expect_err("the relay was aborted")
            .is_cancelled(),
        "the relay crashed, it did not stop"
    );
    let at_crash = published(&verifier, &kafka);
    assert!(
        at_crash > 0 && at_crash < stored_first,
        "the crash came mid-publish: {at_crash} of {stored_first} events published"
    );

    // A crash between delivery and checkpoint: the broker holds more than the checkpoint says.
    let pg = sqlx::PgPool::connect(database.url()).await.expect("a pool");
    sqlx::query("DELETE FROM relay_checkpoints")
        .execute(&pg)
        .await
        .expect("the checkpoint rewound");
    // And more is appended while no relay runs.
    append(&commands, "second", 60).await;
    let stored = store.count().await.expect("count events");
    let head = store.head().await.expect("the log's head");

    // A new relay: it reconciles with the partition tails and publishes the rest.
    let relay = Relay::new(db.clone(), kafka.clone(), settings, BusHealth::default());
    let restarted = tokio::spawn(relay.run(shutdown.clone()));
    wait::until(
        "the restarted relay's checkpoint to reach the head of the log",
        Duration::from_secs(180),
        || async {
            let cursor = bus::relay::checkpoint(&db)
                .await
                .map_err(|e| e.to_string())?;
            (cursor.position >= head)
                .then_some(())
                .ok_or(format!("checkpoint {cursor:?}, head {head}"))
        },
    )
    .await;
    shutdown.cancel();
    restarted
        .await
        .expect("the relay task ended")
        .expect("the relay stopped cleanly");

    let messages = read_all(&verifier, &kafka);
    let mut times: HashMap<&str, usize> = HashMap::new();
    for (_, _, _, e) in &messages {
        *times.entry(e.event_id.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = times.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "published more than once: {twice:?}");
    let ids: Vec<String> = sqlx::query_scalar("SELECT event_id::text FROM events")
        .fetch_all(&pg)
        .await
        .expect("the stored event ids");
    assert_eq!(ids.len() as i64, stored);
    let missing: Vec<_> = ids
        .iter()
        .filter(|id| !times.contains_key(id.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {stored} events never published, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    let mut next: HashMap<&str, i64> = HashMap::new();
    let mut ordered = messages.iter().collect::<Vec<_>>();
    ordered.sort_by_key(|(topic, partition, offset, _)| (topic.clone(), *partition, *offset));
    for (_, _, _, e) in ordered {
        let expected = next.entry(e.aggregate_id.as_str()).or_insert(1);
        assert_eq!(e.sequence, *expected, "order of {}", e.aggregate_id);
        *expected += 1;
    }
    eprintln!(
        "{at_crash} of {stored_first} events published before the crash; {stored} published exactly once in the end"
    );
    pg.close().await;
    db.close().await;
}
