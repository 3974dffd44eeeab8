//! The projector role in distributed mode: read models built from the Kafka topics.
//!
//! Batches are applied with the same code as the embedded projector
//! ([`projector::projection::Transaction::apply`]) in one transaction with the checkpoint. Events whose
//! global position is already in the audit log are dropped first, and the apply step skips
//! any event not newer than its row's version, so redelivered or duplicated messages change
//! nothing. After the commit the changes are published to the changes topic, which every API
//! instance follows for its live subscriptions.

use crate::consumer::EventHandler;
use crate::error::HandlerError;
use crate::kafka::{BusContext, KafkaSettings};
use command::store::StoredEvent;
use command::{Db, LogCursor};
use projector::projection::Transaction;
use projector::{Change, ChangeFeed, Checkpoint};
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use std::collections::HashSet;
use tracing::Instrument;

/// One message of the changes topic: what a projector batch changed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangesNotice {
    /// The projector's checkpoint after the batch: log cursor and events applied.
    pub tx: i64,
    pub position: i64,
    pub ordinal: i64,
    /// The changed rows and their events.
    pub changes: Vec<Change>,
}

impl ChangesNotice {
    /// The checkpoint it carries.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            cursor: LogCursor {
                tx: self.tx,
                position: self.position,
            },
            ordinal: self.ordinal,
        }
    }
}

/// Changes per message, to stay well below the broker's message size limit.
const CHANGES_PER_NOTICE: usize = 100;

/// Applies consumed events to the read models.
pub struct KafkaProjection {
    db: Db,
    feed: ChangeFeed,
    notices: FutureProducer<BusContext>,
    changes_topic: String,
}

impl KafkaProjection {
    /// A projection into `db` that announces its changes on the changes topic.
    pub fn new(
        db: Db,
        feed: ChangeFeed,
        kafka: &KafkaSettings,
        notices: FutureProducer<BusContext>,
    ) -> Self {
        Self {
            db,
            feed,
            notices,
            changes_topic: kafka.changes_topic(),
        }
    }

    /// Global positions among `events` that are already projected.
    async fn already_projected(&self, events: &[StoredEvent]) -> Result<HashSet<i64>, sqlx::Error> {
        let list = events
            .iter()
            .map(|e| e.position.to_string())
            .collect::<Vec<_>>()
            .join(",");
        // Positions are integers we produced ourselves, not user input.
        let sql =
            format!("SELECT global_position FROM audit_log WHERE global_position IN ({list})");
        command::on_pool!(self.db.reads(), p => {
            let rows = sqlx::query(&sql).fetch_all(p).await?;
            rows.iter().map(|r| r.try_get("global_position")).collect()
        })
    }

    fn announce(&self, cp: Checkpoint, changes: &[Change]) {
        for chunk in changes.chunks(CHANGES_PER_NOTICE) {
            let notice = ChangesNotice {
                tx: cp.cursor.tx,
                position: cp.cursor.position,
                ordinal: cp.ordinal,
                changes: chunk.to_vec(),
            };
            let Ok(value) = serde_json::to_vec(&notice) else {
                continue;
            };
            let record = FutureRecord::<(), _>::to(&self.changes_topic).payload(&value);
            match self.notices.send_result(record) {
                Ok(delivery) => {
                    // Live views only: a lost notice is not a lost event, so don't wait.
                    tokio::spawn(async move {
                        if let Ok(Err((e, _))) = delivery.await {
                            metrics::counter!("clustergenie_changes_publish_errors_total")
                                .increment(1);
                            tracing::warn!(error = %e, "cannot publish a changes notice");
                        }
                    });
                }
                Err((e, _)) => tracing::warn!(error = %e, "cannot enqueue a changes notice"),
            }
        }
    }
}

#[async_trait::async_trait]
impl EventHandler for KafkaProjection {
    async fn handle(&self, events: &[StoredEvent]) -> Result<(), HandlerError> {
        let done = self.already_projected(events).await?;
        let mut seen = HashSet::new();
        let fresh: Vec<StoredEvent> = events
            .iter()
            .filter(|e| !done.contains(&e.position) && seen.insert(e.position))
            .cloned()
            .collect();
        let duplicates = events.len() - fresh.len();
        if duplicates > 0 {
            metrics::counter!("clustergenie_projector_duplicates_total")
                .increment(duplicates as u64);
        }
        if fresh.is_empty() {
            return Ok(());
        }
        let span = tracing::info_span!("projector.apply", events = fresh.len());
        let (cp, changes) = async {
            let mut tx = Transaction::begin(&self.db).await?;
            let cp = tx.checkpoint(&self.db).await?;
            let applied = tx.apply(&self.db, cp, &fresh).await?;
            tx.commit().await?;
            Ok::<_, HandlerError>(applied)
        }
        .instrument(span)
        .await?;
        let newest = fresh
            .iter()
            .map(|e| e.recorded_us)
            .max()
            .unwrap_or_default();
        let lag = (chrono::Utc::now().timestamp_micros() - newest).max(0) as f64 / 1e6;
        metrics::gauge!("clustergenie_projector_lag_seconds").set(lag);
        metrics::counter!("clustergenie_projector_events_total").increment(fresh.len() as u64);
        metrics::gauge!("clustergenie_projector_position").set(cp.ordinal as f64);
        for e in &fresh {
            let delay = (chrono::Utc::now().timestamp_micros() - e.recorded_us).max(0);
            metrics::histogram!("clustergenie_projector_delay_seconds").record(delay as f64 / 1e6);
        }
        self.announce(cp, &changes);
        self.feed.publish(cp, changes);
        Ok(())
    }
}
