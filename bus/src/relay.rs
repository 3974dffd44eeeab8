//! Where events go to Kafka: the relay tails the Postgres event store in its safe global
//! order and publishes every event, keyed by aggregate id, to its aggregate type's topic.
//!
//! - Exactly one relay is active: it holds a Postgres session advisory lock; standbys retry
//!   every second and take over when the active one's session ends.
//! - The checkpoint moves only after the broker confirmed every message of a batch, and it
//!   is written on the lock-holding connection, so a relay that lost its lock cannot move it.
//! - Nothing is published twice: on every (re)start the relay reads the last message of each
//!   partition; an event at or before that message's log cursor is already there (a partition
//!   receives its events in log order), so a crash between delivery and checkpoint does not
//!   duplicate anything.

use crate::envelope::{partition_for, Envelope};
use crate::error::{RelayError, SetupError};
use crate::kafka::{BusContext, BusHealth, KafkaSettings};
use command::{Db, Dialect, EventStore, LogCursor, Pool};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer, PurgeConfig};
use rdkafka::{Offset, TopicPartitionList};
use sqlx::{Connection, PgConnection, PgPool, Row};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// A batch not confirmed this long after it was sent is abandoned and the producer
/// recreated (fresh connections, fresh producer id); nothing is lost or duplicated because
/// the new producer starts from the partition tails.
const DELIVERY_DEADLINE: Duration = Duration::from_secs(120);

/// Name of the relay's checkpoint row.
const CHECKPOINT: &str = "kafka";

/// Relay tuning.
#[derive(Debug, Clone)]
pub struct RelaySettings {
    /// Events read and published per batch.
    pub batch_size: i64,
    /// How often an idle relay looks for new events.
    pub poll_interval: Duration,
    /// How often a standby tries to take the lock.
    pub standby_retry: Duration,
}

impl Default for RelaySettings {
    fn default() -> Self {
        Self {
            batch_size: 250,
            poll_interval: Duration::from_millis(10),
            standby_retry: Duration::from_secs(1),
        }
    }
}

/// The relay role.
#[derive(Clone)]
pub struct Relay {
    db: Db,
    store: EventStore,
    kafka: KafkaSettings,
    settings: RelaySettings,
    health: BusHealth,
    active: Arc<AtomicBool>,
    id: String,
}

impl Relay {
    /// A relay over `db` (must be Postgres) publishing with `kafka`.
    pub fn new(db: Db, kafka: KafkaSettings, settings: RelaySettings, health: BusHealth) -> Self {
        Self {
            store: EventStore::new(db.clone()),
            db,
            kafka,
            settings,
            health,
            active: Arc::default(),
            id: format!("relay-{}", uuid::Uuid::new_v4()),
        }
    }

    /// True while this relay holds the lock and publishes.
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Relaxed)
    }

    /// A flag that reads [`Relay::is_active`] from elsewhere (health checks).
    pub fn active_flag(&self) -> Arc<AtomicBool> {
        self.active.clone()
    }

    /// Runs until `shutdown`: standby until the lock is free, then active.
    pub async fn run(self, shutdown: CancellationToken) -> Result<(), RelayError> {
        if self.db.dialect != Dialect::Postgres {
            return Err(RelayError::NotPostgres);
        }
        metrics::gauge!("clustergenie_relay_active").set(0.0);
        tracing::info!(relay = %self.id, "relay started; waiting for the active-relay lock");
        let mut failures = 0u32;
        while !shutdown.is_cancelled() {
            let lock = match self.try_lock().await {
                Ok(Some(conn)) => conn,
                Ok(None) => {
                    sleep_or_stop(self.settings.standby_retry, &shutdown).await;
                    continue;
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot reach Postgres for the relay lock");
                    sleep_or_stop(self.settings.standby_retry, &shutdown).await;
                    continue;
                }
            };
            self.active.store(true, Ordering::Relaxed);
            metrics::gauge!("clustergenie_relay_active").set(1.0);
            tracing::info!(relay = %self.id, "relay is active");
            let outcome = self.publish_while_active(lock, &shutdown).await;
            self.active.store(false, Ordering::Relaxed);
            metrics::gauge!("clustergenie_relay_active").set(0.0);
            match outcome {
                Ok(()) => break,
                Err(e) => {
                    failures += 1;
                    tracing::warn!(
                        error = format!("{e:#}"),
                        failures,
                        "relay stepped down; retrying"
                    );
                    let pause = Duration::from_millis(250 * u64::from(failures.min(8)));
                    sleep_or_stop(pause, &shutdown).await;
                }
            }
        }
        tracing::info!(relay = %self.id, "relay stopped");
        Ok(())
    }

    /// The lock key: one active relay per topic prefix.
    fn lock_key(&self) -> i64 {
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for b in format!("clustergenie-relay:{}", self.kafka.topic_prefix).bytes() {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        hash as i64
    }

    /// A dedicated connection holding the advisory lock, or None when another relay has it.
    async fn try_lock(&self) -> Result<Option<PgConnection>, RelayError> {
        let conn = postgres(self.db.writes())?.acquire().await?;
        // Detached: the lock lives exactly as long as this session, never back in the pool.
        let mut conn = conn.detach();
        let locked: bool = sqlx::query("SELECT pg_try_advisory_lock($1) AS locked")
            .bind(self.lock_key())
            .fetch_one(&mut conn)
            .await?
            .try_get("locked")?;
        if locked {
            Ok(Some(conn))
        } else {
            let _ = conn.close().await;
            Ok(None)
        }
    }

    async fn publish_while_active(
        &self,
        mut lock: PgConnection,
        shutdown: &CancellationToken,
    ) -> Result<(), RelayError> {
        self.kafka
            .ensure_topics(&self.health)
            .await
            .map_err(SetupError::Topics)?;
        let producer: FutureProducer<BusContext> = self
            .kafka
            .producer_config(&self.id)
            .create_with_context(BusContext::new(self.health.clone(), None))
            .map_err(SetupError::client("producer"))?;
        let partitions = self.partition_counts(&producer).await?;
        let tails = self.published_tails(&partitions).await?;
        let mut cursor = load_checkpoint(&mut lock).await?;
        tracing::info!(
            tx = cursor.tx,
            position = cursor.position,
            partitions_with_data = tails.len(),
            "relay resumes"
        );
        let mut last_lock_check = Instant::now();
        loop {
            if shutdown.is_cancelled() {
                let _ = producer.flush(Duration::from_secs(5));
                let _ = lock.close().await;
                return Ok(());
            }
            let events = self
                .store
                .read_log(cursor, self.settings.batch_size)
                .await
                .map_err(|e| RelayError::ReadLog(e.into()))?;
            if events.is_empty() {
                metrics::gauge!("clustergenie_relay_lag_events").set(0.0);
                metrics::gauge!("clustergenie_relay_lag_seconds").set(0.0);
                if last_lock_check.elapsed() >= Duration::from_secs(1) {
                    sqlx::query("SELECT 1")
                        .execute(&mut lock)
                        .await
                        .map_err(RelayError::LostLock)?;
                    last_lock_check = Instant::now();
                }
                sleep_or_stop(self.settings.poll_interval, shutdown).await;
                continue;
            }
            let span = tracing::info_span!(
                "relay.publish",
                otel.kind = "producer",
                events = events.len()
            );
            // Child of the first event's request span, linked to the others' traces.
            command::context::continue_traces(&span, &events);
            let _guard = span.enter();
            let mut pending = Vec::with_capacity(events.len());
            let mut skipped = 0u64;
            for e in &events {
                let topic = self.kafka.topic(&e.aggregate_type);
                let count = partitions.get(&topic).copied().unwrap_or(1);
                let partition = partition_for(&e.aggregate_id, count);
                if tails
                    .get(&(topic.clone(), partition))
                    .is_some_and(|t| e.cursor() <= *t)
                {
                    skipped += 1;
                    continue;
                }
                let envelope = Envelope::of(e);
                let value = serde_json::to_vec(&envelope)?;
                let record = FutureRecord::to(&topic)
                    .key(&e.aggregate_id)
                    .payload(&value)
                    .partition(partition)
                    .headers(envelope.headers());
                let delivery = producer
                    .send_result(record)
                    .map_err(|(err, _)| RelayError::Enqueue(err))?;
                pending.push((delivery, e.recorded_us));
            }
            drop(_guard);
            let published = pending.len();
            let deadline = tokio::time::Instant::now() + DELIVERY_DEADLINE;
            for (delivery, recorded_us) in pending {
                let Ok(delivery) = tokio::time::timeout_at(deadline, delivery).await else {
                    metrics::counter!("clustergenie_relay_publish_errors_total").increment(1);
                    // Drop what is queued; the new producer starts from the partition tails.
                    producer.purge(PurgeConfig::default().queue().inflight());
                    return Err(RelayError::DeliveryTimeout {
                        seconds: DELIVERY_DEADLINE.as_secs(),
                    });
                };
                match delivery {
                    Ok(Ok(_)) => {
                        let delay = (chrono::Utc::now().timestamp_micros() - recorded_us).max(0);
                        metrics::histogram!("clustergenie_relay_publish_delay_seconds")
                            .record(delay as f64 / 1e6);
                    }
                    Ok(Err((err, _))) => {
                        metrics::counter!("clustergenie_relay_publish_errors_total").increment(1);
                        return Err(RelayError::DeliveryFailed(err));
                    }
                    Err(_) => {
                        metrics::counter!("clustergenie_relay_publish_errors_total").increment(1);
                        return Err(RelayError::DeliveryCancelled);
                    }
                }
            }
            let last = events.last().expect("non-empty batch");
            cursor = last.cursor();
            save_checkpoint(&mut lock, cursor).await?;
            last_lock_check = Instant::now();
            metrics::counter!("clustergenie_relay_published_total").increment(published as u64);
            if skipped > 0 {
                tracing::info!(
                    skipped,
                    "skipped events already in Kafka before the last restart"
                );
            }
            let lag_seconds =
                (chrono::Utc::now().timestamp_micros() - last.recorded_us).max(0) as f64 / 1e6;
            metrics::gauge!("clustergenie_relay_lag_seconds").set(lag_seconds);
            metrics::gauge!("clustergenie_relay_position").set(cursor.position as f64);
            let newest = self
                .store
                .head()
                .await
                .map_err(|e| RelayError::ReadLog(Box::new(e)))?;
            metrics::gauge!("clustergenie_relay_lag_events")
                .set((newest - cursor.position).max(0) as f64);
        }
    }

    async fn partition_counts(
        &self,
        producer: &FutureProducer<BusContext>,
    ) -> Result<HashMap<String, i32>, RelayError> {
        let producer = producer.clone();
        let topics = self.kafka.event_topics();
        tokio::task::spawn_blocking(move || {
            let mut counts = HashMap::new();
            for topic in topics {
                let md = producer
                    .client()
                    .fetch_metadata(Some(&topic), Duration::from_secs(30))
                    .map_err(|source| RelayError::Metadata {
                        topic: topic.clone(),
                        source,
                    })?;
                let n = md
                    .topics()
                    .iter()
                    .find(|t| t.name() == topic)
                    .map(|t| t.partitions().len() as i32)
                    .filter(|n| *n > 0)
                    .ok_or_else(|| RelayError::NoPartitions {
                        topic: topic.clone(),
                    })?;
                counts.insert(topic, n);
            }
            Ok(counts)
        })
        .await?
    }

    /// The log cursor of the last message in every non-empty partition.
    async fn published_tails(
        &self,
        partitions: &HashMap<String, i32>,
    ) -> Result<HashMap<(String, i32), LogCursor>, RelayError> {
        let consumer: BaseConsumer<BusContext> = self
            .kafka
            .consumer_config(
                &format!("{}-tail", self.id),
                &format!("{}-tail", self.id),
                true,
            )
            .create_with_context(BusContext::new(self.health.clone(), None))
            .map_err(SetupError::client("tail consumer"))?;
        let partitions = partitions.clone();
        tokio::task::spawn_blocking(move || {
            let mut assignment = TopicPartitionList::new();
            let mut wanted = 0usize;
            for (topic, n) in &partitions {
                for p in 0..*n {
                    let (low, high) = consumer
                        .fetch_watermarks(topic, p, Duration::from_secs(30))
                        .map_err(|source| RelayError::Watermarks {
                            topic: topic.clone(),
                            partition: p,
                            source,
                        })?;
                    if high > low {
                        assignment
                            .add_partition_offset(topic, p, Offset::Offset(high - 1))
                            .map_err(RelayError::Assign)?;
                        wanted += 1;
                    }
                }
            }
            let mut tails = HashMap::new();
            if wanted == 0 {
                return Ok(tails);
            }
            consumer.assign(&assignment).map_err(RelayError::Assign)?;
            let deadline = Instant::now() + Duration::from_secs(60);
            while tails.len() < wanted {
                if Instant::now() >= deadline {
                    return Err(RelayError::TailTimeout);
                }
                let Some(msg) = consumer.poll(Duration::from_millis(200)) else {
                    continue;
                };
                let msg = msg.map_err(RelayError::Tail)?;
                let key = (msg.topic().to_string(), msg.partition());
                let cursor = match Envelope::decode(msg.payload()) {
                    Ok(e) => LogCursor {
                        tx: e.transaction_id,
                        position: e.global_position,
                    },
                    // Not written by a relay (e.g. by hand): nothing to skip on its account.
                    Err(_) => LogCursor::default(),
                };
                tails.insert(key, cursor);
            }
            Ok(tails)
        })
        .await?
    }
}

async fn load_checkpoint(conn: &mut PgConnection) -> Result<LogCursor, RelayError> {
    let row = sqlx::query("SELECT tx, position FROM relay_checkpoints WHERE name = $1")
        .bind(CHECKPOINT)
        .fetch_optional(conn)
        .await?;
    Ok(match row {
        Some(r) => LogCursor {
            tx: r.try_get("tx")?,
            position: r.try_get("position")?,
        },
        None => LogCursor::default(),
    })
}

async fn save_checkpoint(conn: &mut PgConnection, cursor: LogCursor) -> Result<(), RelayError> {
    sqlx::query(
        "INSERT INTO relay_checkpoints (name, tx, position, updated_us) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET tx = excluded.tx, position = excluded.position, \
         updated_us = excluded.updated_us",
    )
    .bind(CHECKPOINT)
    .bind(cursor.tx)
    .bind(cursor.position)
    .bind(chrono::Utc::now().timestamp_micros())
    .execute(conn)
    .await
    .map_err(RelayError::SaveCheckpoint)?;
    Ok(())
}

/// The relay's checkpoint, for health checks and tests.
pub async fn checkpoint(db: &Db) -> Result<LogCursor, RelayError> {
    let mut conn = postgres(db.reads())?.acquire().await?;
    load_checkpoint(&mut conn).await
}

/// The Postgres pool behind `pool`: the relay exists only on Postgres.
fn postgres(pool: &Pool) -> Result<&PgPool, RelayError> {
    match pool {
        Pool::Postgres(p) => Ok(p),
        Pool::Sqlite(_) => Err(RelayError::NotPostgres),
    }
}

async fn sleep_or_stop(pause: Duration, shutdown: &CancellationToken) {
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = tokio::time::sleep(pause) => {}
    }
}
