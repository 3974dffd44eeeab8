//! The Kafka path (distributed mode) against a real Kafka-protocol broker (tansu on its
//! SQLite storage), on Postgres, with the real `clustergenie` roles as OS processes:
//!
//! 1. Relay publish rate: events are appended first (the command path, in-process, as in the
//!    append benchmark), then `clustergenie relay` starts and is timed until its checkpoint
//!    reaches the last event. Reference, same broker, same run: a plain rdkafka
//!    `FutureProducer` with the relay's producer settings sending the same messages (same
//!    keys, headers, payloads and partitions) to a scratch topic.
//! 2. End-to-end lag: `api`, `relay` and `projector` running; `createCluster` mutations at a
//!    steady rate; commit → projected measured directly (the audit log polled) and from the
//!    projector's and relay's Prometheus histograms.
//! 3. RSS of the relay and projector processes.

use crate::server::drop_postgres;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;

mod end_to_end;
mod events;
mod histogram;
mod processes;
mod relay_rate;
mod round_trip;

// The parts share their helpers through these (`use super::*` in each).
use end_to_end::*;
use events::*;
use histogram::*;
pub use processes::tansu_binary;
use processes::*;
use relay_rate::*;
use round_trip::*;

/// Partitions of every topic (the relay's event topics and the reference's scratch topics).
const PARTITIONS: i32 = 6;
/// How often the direct lag measurement polls the audit log.
const POLL_MS: u64 = 2;
/// The SPEC's target for p99 delivery through Kafka.
pub const TARGET_P99_MS: f64 = 50.0;

/// Sizes of one run.
pub struct KafkaPlan {
    /// Events appended before the relay starts.
    pub events: usize,
    /// Mutations per second during the end-to-end measurement.
    pub rate: u32,
    /// Seconds of steady load.
    pub seconds: u32,
}

/// Everything the Kafka benchmark measured.
#[derive(Debug, Clone, Serialize)]
pub struct KafkaResult {
    pub broker: String,
    pub relay: RelayRate,
    pub lag: Lag,
    /// The broker alone, same rate, for the lag's reference.
    pub broker_round_trips: Vec<BrokerRoundTrip>,
    pub memory: Vec<RoleMemory>,
}

/// Relay catch-up next to a plain producer.
#[derive(Debug, Clone, Serialize)]
pub struct RelayRate {
    pub events: u64,
    /// Mean size of a message value (the JSON envelope), bytes.
    pub message_bytes: f64,
    /// Kafka headers per message (tansu stores one SQLite row per header).
    pub headers_per_message: u64,
    /// From spawning `clustergenie relay` to its checkpoint at the last event.
    pub relay_total_seconds: f64,
    pub relay_total_per_sec: f64,
    /// From its first checkpoint to its last (start-up and the first batch excluded).
    pub relay_steady_events: u64,
    pub relay_steady_seconds: f64,
    pub relay_steady_per_sec: f64,
    /// Plain `FutureProducer`, every message enqueued at once, then every delivery awaited.
    pub reference_all_in_flight_per_sec: f64,
    /// The relay's batch size (`RelaySettings::default().batch_size`).
    pub batch_size: u64,
    /// Same producer, batches of the relay's size, each awaited before the next.
    pub reference_batched_per_sec: f64,
    /// Same, each envelope encoded just before its send, as the relay's loop does.
    pub reference_encode_in_loop_per_sec: f64,
    /// The relay's work without the broker: reading the log in the relay's batches (its
    /// query, sqlx `Any` driver) and encoding each envelope and its headers.
    pub read_and_encode_seconds: f64,
}

/// Commit → projected, and commit → broker acknowledgement.
#[derive(Debug, Clone, Serialize)]
pub struct Lag {
    pub mutations: u64,
    pub rate_per_sec: u32,
    pub seconds: u32,
    pub failed_mutations: u64,
    /// Direct: audit log polled every `poll_ms`; an event counts as projected at the midpoint
    /// between the poll that first saw it and the one before.
    pub poll_ms: u64,
    pub direct_p50_ms: f64,
    pub direct_p99_ms: f64,
    pub direct_max_ms: f64,
    /// `clustergenie_projector_delay_seconds`, estimated like Prometheus' histogram_quantile.
    pub projector_hist_p50_ms: f64,
    pub projector_hist_p99_ms: f64,
    /// Share of events projected within 50 ms (exact: 0.05 is a bucket bound).
    pub projector_within_50ms: f64,
    /// `clustergenie_relay_publish_delay_seconds` (recorded → broker acknowledged).
    pub relay_hist_p50_ms: f64,
    pub relay_hist_p99_ms: f64,
    /// The mutation's HTTP round trip (it answers once its own event is projected).
    pub mutation_p50_ms: f64,
    pub mutation_p99_ms: f64,
}

/// Produce → consume through the broker alone, with the relay's producer settings and a
/// consumer assigned to the topic's end (no group), at the same rate as the roles' load.
#[derive(Debug, Clone, Serialize)]
pub struct BrokerRoundTrip {
    /// The consumer's `fetch.wait.max.ms` (librdkafka's default is 500).
    pub fetch_wait_max_ms: u32,
    /// Messages the broker already stored (0: a fresh broker).
    pub stored_before: u64,
    pub messages: u64,
    pub received: u64,
    /// Send → delivery report (broker acknowledged, acks=all).
    pub ack_p50_ms: f64,
    pub ack_p99_ms: f64,
    /// Send → received by the consumer.
    pub consume_p50_ms: f64,
    pub consume_p99_ms: f64,
}

/// RSS of one role process.
#[derive(Debug, Clone, Serialize)]
pub struct RoleMemory {
    pub role: String,
    pub phase: String,
    pub idle_kib: Option<u64>,
    pub peak_kib: u64,
    pub after_kib: u64,
}

/// Runs the whole Kafka benchmark: one broker, a fresh database and topic prefix per part.
pub async fn measure(
    binary: &Path,
    tansu: &Path,
    postgres: &str,
    plan: &KafkaPlan,
) -> anyhow::Result<KafkaResult> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("cg-bench-kafka-{id}"));
    let version = Command::new(tansu)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "tansu".into());
    let mut memory = Vec::new();
    // Each part gets a fresh broker (its own SQLite file), as it gets a fresh database.
    let broker_in = |part: &str| -> anyhow::Result<(PathBuf, Proc)> {
        let d = dir.join(part);
        std::fs::create_dir_all(&d)?;
        let broker = start_broker(tansu, &d)?;
        Ok((d, broker))
    };

    let result = async {
        eprintln!("== postgres: Kafka path — relay publish rate");
        let prefix = format!("cgb{}a", &id[..10]);
        let (setup, broker) =
            Setup::part(binary, postgres, &broker_in, "relay-rate", prefix).await?;
        let relay = relay_rate(&setup, plan.events, &mut memory, &broker_in).await;
        drop_postgres(postgres, &setup.database_url).await;
        let relay = relay?;
        // The relay's broker now stores its messages: what does that do to a light load?
        eprintln!("== Kafka path — the broker alone, after the publish-rate part");
        let mut trips = vec![
            broker_round_trip(
                &setup.kafka(),
                &format!("{}.round-trip-filled", setup.prefix),
                plan,
                10,
                relay.events,
            )
            .await?,
        ];
        drop(broker);

        eprintln!("== postgres: Kafka path — commit → projector lag");
        let prefix = format!("cgb{}b", &id[..10]);
        let (setup, broker) = Setup::part(binary, postgres, &broker_in, "lag", prefix).await?;
        let lag = end_to_end(&setup, plan, &mut memory).await;
        drop_postgres(postgres, &setup.database_url).await;
        let lag = lag?;
        drop(broker);

        eprintln!("== Kafka path — the broker alone at the same rate (reference)");
        let (_, broker) = broker_in("round-trip")?;
        let kafka = kafka_settings(
            &format!("127.0.0.1:{}", broker.port),
            &format!("cgb{}c", &id[..10]),
        );
        // 500 ms is librdkafka's default, which the projector's consumer uses.
        for wait in [500, 10] {
            let topic = kafka.topic(&format!("round-trip-{wait}"));
            trips.push(broker_round_trip(&kafka, &topic, plan, wait, 0).await?);
        }
        drop(broker);
        trips.rotate_left(1);
        anyhow::Ok((relay, lag, trips))
    }
    .await;
    match result {
        Ok((relay, lag, broker_round_trips)) => {
            let _ = std::fs::remove_dir_all(&dir);
            Ok(KafkaResult {
                broker: format!("{version}, SQLite storage, {PARTITIONS} partitions per topic"),
                relay,
                lag,
                broker_round_trips,
                memory,
            })
        }
        Err(e) => Err(e.context(format!("Kafka benchmark; logs kept in {}", dir.display()))),
    }
}
