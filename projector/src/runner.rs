//! The projector process: tails the global log and applies it batch by batch.

use crate::error::ProjectorError;
use crate::projection::{Checkpoint, Transaction};
use crate::rows::{Change, ChangedRow};
use command::{Db, EventStore};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch, Notify};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Capacity of the live change feed; a subscriber that falls further behind re-reads.
const CHANGE_FEED_CAPACITY: usize = 8192;

/// Live notifications of what the projector applied.
#[derive(Clone)]
pub struct ChangeFeed {
    changes: broadcast::Sender<Arc<Change>>,
    checkpoint: watch::Sender<Checkpoint>,
    jobs_changed: Arc<Notify>,
}

impl Default for ChangeFeed {
    fn default() -> Self {
        Self {
            changes: broadcast::channel(CHANGE_FEED_CAPACITY).0,
            checkpoint: watch::channel(Checkpoint::default()).0,
            jobs_changed: Arc::new(Notify::new()),
        }
    }
}

impl ChangeFeed {
    /// Every change from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.changes.subscribe()
    }
    /// The checkpoint after each batch.
    pub fn checkpoint(&self) -> watch::Receiver<Checkpoint> {
        self.checkpoint.subscribe()
    }
    /// Signalled when a job row changed (wakes the worker's dispatcher).
    pub fn jobs_changed(&self) -> Arc<Notify> {
        self.jobs_changed.clone()
    }
    /// Number of live subscribers.
    pub fn subscribers(&self) -> usize {
        self.changes.receiver_count()
    }
    /// Publishes what a batch changed (the local projector, or the changes topic in
    /// distributed mode) and wakes the worker when a job changed.
    pub fn publish(&self, cp: Checkpoint, changes: Vec<Change>) {
        let mut jobs = false;
        for change in changes {
            jobs |= matches!(change.row, Some(ChangedRow::Job(_)));
            let _ = self.changes.send(Arc::new(change));
        }
        self.checkpoint.send_replace(cp);
        if jobs {
            self.jobs_changed.notify_one();
        }
    }
}

/// Builds the read models from the event store.
#[derive(Clone)]
pub struct Projector {
    db: Db,
    store: EventStore,
    feed: ChangeFeed,
    batch_size: i64,
    poll_interval: Duration,
}

impl Projector {
    /// A projector publishing to `feed`.
    pub fn new(db: Db, feed: ChangeFeed) -> Self {
        Self {
            store: EventStore::new(db.clone()),
            db,
            feed,
            batch_size: 500,
            poll_interval: Duration::from_millis(500),
        }
    }

    /// Applies the next batch of events; returns how many were read.
    pub async fn step(&self) -> Result<usize, ProjectorError> {
        let mut tx = Transaction::begin(&self.db).await?;
        let cp = tx.checkpoint(&self.db).await?;
        let events = self.store.read_log(cp.cursor, self.batch_size).await?;
        if events.is_empty() {
            metrics::gauge!("clustergenie_projector_lag_seconds").set(0.0);
            return Ok(0);
        }
        let last_recorded = events.last().map(|e| e.recorded_us).unwrap_or_default();
        // The batch continues the traces of the requests whose events it applies.
        let span = tracing::info_span!("projector.apply", events = events.len());
        command::context::continue_traces(&span, &events);
        let (cp, changes) = async {
            let applied = tx.apply(&self.db, cp, &events).await?;
            tx.commit().await?;
            Ok::<_, ProjectorError>(applied)
        }
        .instrument(span)
        .await?;
        let lag = (chrono::Utc::now().timestamp_micros() - last_recorded).max(0) as f64 / 1e6;
        metrics::gauge!("clustergenie_projector_lag_seconds").set(lag);
        metrics::counter!("clustergenie_projector_events_total").increment(events.len() as u64);
        metrics::gauge!("clustergenie_projector_position").set(cp.ordinal as f64);
        self.feed.publish(cp, changes);
        Ok(events.len())
    }

    /// Runs until `shutdown`; `wake` is signalled after each append.
    pub async fn run(self, wake: Arc<Notify>, shutdown: CancellationToken) {
        tracing::info!("projector started");
        let mut failures = 0u32;
        loop {
            match self.step().await {
                Ok(n) if n as i64 >= self.batch_size => {
                    failures = 0;
                    continue;
                }
                Ok(_) => failures = 0,
                Err(e) => {
                    failures += 1;
                    tracing::warn!(error = %e, failures, "projector batch failed; retrying");
                }
            }
            let pause = if failures > 0 {
                Duration::from_millis(200 * u64::from(failures.min(25)))
            } else {
                self.poll_interval
            };
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(pause) => {}
            }
        }
        tracing::info!("projector stopped");
    }
}
