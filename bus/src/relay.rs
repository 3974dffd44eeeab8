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
//!
//! This file is the role (standby, lock, active); `publish` is the active relay's loop,
//! `tails` what Kafka already has, `checkpoint` how far the broker has confirmed.

mod checkpoint;
mod publish;
mod tails;

use crate::error::RelayError;
use crate::kafka::{BusHealth, KafkaSettings};
use command::{Db, Dialect, EventStore, Pool};
use sqlx::{Connection, PgConnection, PgPool, Row};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

pub use checkpoint::checkpoint;

/// A batch not confirmed this long after it was sent is abandoned and the producer
/// recreated (fresh connections, fresh producer id); nothing is lost or duplicated because
/// the new producer starts from the partition tails.
const DELIVERY_DEADLINE: Duration = Duration::from_secs(120);

/// Name of the relay's checkpoint row (which the API reads for `pipeline.relayLagEvents`).
const CHECKPOINT: &str = command::store::lag::RELAY_CHECKPOINT;

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
}

/// The Postgres pool behind `pool`: the relay exists only on Postgres.
fn postgres(pool: &Pool) -> Result<&PgPool, RelayError> {
    match pool {
        Pool::Postgres(p) => Ok(p),
        Pool::Sqlite(_) => Err(RelayError::NotPostgres),
    }
}

/// Sleeps for `pause`, or less when `shutdown` comes first.
async fn sleep_or_stop(pause: Duration, shutdown: &CancellationToken) {
    tokio::select! {
        _ = shutdown.cancelled() => {}
        _ = tokio::time::sleep(pause) => {}
    }
}
