//! Rebuilding every read model from position 0 (`clustergenie replay`).
//!
//! The old read models are replaced in one transaction, so readers see either the old or the
//! complete new state, never a half-built one.

use crate::checkpoint::{self, Checkpoint};
use crate::counts;
use crate::error::ProjectorError;
use crate::models::{self, audit::AuditLog, Table};
use crate::projection::Transaction;
use command::{Db, EventStore, LogCursor};
use std::time::Instant;

/// Every table the projector fills, cleared before a rebuild: each read model's (from
/// [`models::each`]), the audit log, the kept counts and the checkpoints.
pub fn read_model_tables() -> Vec<&'static str> {
    let mut tables = models::tables();
    tables.extend([AuditLog::NAME, counts::TABLE, checkpoint::TABLE]);
    tables
}

/// How often a rebuild looks again when an open transaction hides committed events.
const WAIT_POLL: std::time::Duration = std::time::Duration::from_millis(50);

/// How often a waiting rebuild says why it waits.
const WAIT_REPORT_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Events per batch a rebuild reads and applies.
pub const BATCH_SIZE: i64 = 5000;

/// What a rebuild did.
#[derive(Debug, Clone, Copy)]
pub struct RebuildReport {
    /// Events applied.
    pub events: u64,
    /// Wall time in seconds.
    pub seconds: f64,
}

/// Rebuilds all read models; `progress(done, total)` is called after every batch.
pub async fn rebuild(
    db: &Db,
    batch_size: i64,
    mut progress: impl FnMut(u64, u64),
) -> Result<RebuildReport, ProjectorError> {
    let started = Instant::now();
    let store = EventStore::new(db.clone());
    let total = store.count().await? as u64;
    let mut tx = Transaction::begin(db).await?;
    for table in read_model_tables() {
        tx.execute(&format!("DELETE FROM {table}")).await?;
    }
    // The next batch is read (on a reader connection) while this one is applied.
    let (batches, mut next) = tokio::sync::mpsc::channel(2);
    let reader = tokio::spawn(async move {
        let mut cursor = LogCursor::default();
        let mut read_so_far = 0u64;
        let mut waiting_since: Option<Instant> = None;
        loop {
            let read = store.read_log(cursor, batch_size).await;
            // On Postgres the log is read only below the oldest running transaction of the
            // whole server; an open transaction elsewhere can hide events that were committed
            // before the rebuild began. Stopping then would rebuild from part of the log, so
            // the reader waits until it has read every event counted at the start.
            if matches!(&read, Ok(events) if events.is_empty()) && read_so_far < total {
                let since = *waiting_since.get_or_insert_with(Instant::now);
                if since.elapsed() >= WAIT_REPORT_EVERY {
                    tracing::warn!(
                        read = read_so_far,
                        total,
                        "replay is waiting for an older open transaction on the database server \
                         to end before it can read the rest of the log"
                    );
                    waiting_since = Some(Instant::now());
                }
                tokio::time::sleep(WAIT_POLL).await;
                continue;
            }
            waiting_since = None;
            let last = match &read {
                Ok(events) => {
                    read_so_far += events.len() as u64;
                    events.last().map(|e| e.cursor())
                }
                Err(_) => None,
            };
            if batches.send(read).await.is_err() {
                return;
            }
            match last {
                Some(c) => cursor = c,
                None => return,
            }
        }
    });
    let mut cp = Checkpoint::default();
    let mut done = 0u64;
    progress(0, total);
    while let Some(read) = next.recv().await {
        let events = read?;
        if events.is_empty() {
            break;
        }
        done += events.len() as u64;
        cp = tx.apply_batch(db, cp, &events, false).await?.0;
        progress(done, total.max(done));
    }
    drop(next);
    let _ = reader.await;
    tx.commit().await?;
    Ok(RebuildReport {
        events: done,
        seconds: started.elapsed().as_secs_f64(),
    })
}
