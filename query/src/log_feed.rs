//! The live tail of the activity log: one poller per process reads the records stored since
//! the last poll (in the order they were stored, whichever process wrote them) and
//! broadcasts each batch to every `logTail` subscription, which filters in memory. The
//! poller runs only while someone listens; a subscriber that falls more than
//! [`BATCHES`] batches behind skips them and is told how many of its records it missed.

use std::sync::{Arc, Mutex};
use std::time::Duration;
use store::activity_log::{ActivityLog, LogRecord};
use tokio::sync::broadcast;

/// How often the poller looks for new records.
const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Most records one poll reads.
const POLL_RECORDS: i64 = 1_000;
/// Batches a subscriber may fall behind before it skips (shared by all subscribers).
const BATCHES: usize = 256;

/// A batch of records, in the order they were stored.
pub type Batch = Arc<Vec<LogRecord>>;

/// The activity log and its live tail.
#[derive(Clone, Debug)]
pub struct LogFeed {
    log: ActivityLog,
    sender: Arc<Mutex<Option<broadcast::Sender<Batch>>>>,
}

impl LogFeed {
    /// The feed of `log`.
    pub fn new(log: ActivityLog) -> Self {
        Self {
            log,
            sender: Arc::default(),
        }
    }

    /// The stored records.
    pub fn log(&self) -> &ActivityLog {
        &self.log
    }

    /// Every batch stored from now on; starts the poller if it is not running.
    pub fn subscribe(&self) -> broadcast::Receiver<Batch> {
        let mut sender = self.sender.lock().expect("log feed");
        if let Some(tx) = sender.as_ref() {
            return tx.subscribe();
        }
        let (tx, rx) = broadcast::channel(BATCHES);
        *sender = Some(tx.clone());
        tokio::spawn(poll(self.log.clone(), tx, self.sender.clone()));
        rx
    }
}

async fn poll(
    log: ActivityLog,
    tx: broadcast::Sender<Batch>,
    slot: Arc<Mutex<Option<broadcast::Sender<Batch>>>>,
) {
    let mut last = loop {
        match log.newest_id().await {
            Ok(id) => break id,
            Err(e) => {
                tracing::warn!(error = %e, "log tail: cannot read the newest record");
                tokio::time::sleep(POLL_INTERVAL * 4).await;
            }
        }
    };
    let mut tick = tokio::time::interval(POLL_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        {
            // Nobody listens: stop (the next subscriber starts a new poller).
            let mut sender = slot.lock().expect("log feed");
            if tx.receiver_count() == 0 {
                *sender = None;
                return;
            }
        }
        loop {
            match log.after(last, POLL_RECORDS).await {
                Ok(records) if records.is_empty() => break,
                Ok(records) => {
                    let full = records.len() as i64 == POLL_RECORDS;
                    last = records.last().map_or(last, |r| r.id);
                    let _ = tx.send(Arc::new(records));
                    if !full {
                        break;
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "log tail: cannot read new records");
                    break;
                }
            }
        }
    }
}
