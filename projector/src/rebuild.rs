//! Rebuilding every read model from position 0 (`clustergenie replay`).
//!
//! The old read models are replaced in one transaction, so readers see either the old or the
//! complete new state, never a half-built one.

use crate::backend::AnyBackend;
use crate::checkpoint::{self, Checkpoint};
use crate::error::ProjectorError;
use crate::models::{self, audit::AuditLog, Table};
use crate::{counts, projection};
use command::{Db, EventStore, LogCursor};
use sqlx::Acquire;
use std::time::Instant;

/// Every table the projector fills, cleared before a rebuild: each read model's (from
/// [`models::each`]), the audit log, the kept counts and the checkpoints.
pub fn read_model_tables() -> Vec<&'static str> {
    let mut tables = models::tables();
    tables.extend([AuditLog::NAME, counts::TABLE, checkpoint::TABLE]);
    tables
}

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
    let mut conn = db.writer.acquire().await?;
    let mut tx = conn.begin().await?;
    for table in read_model_tables() {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut *tx)
            .await?;
    }
    // The next batch is read (on a reader connection) while this one is applied.
    let (batches, mut next) = tokio::sync::mpsc::channel(2);
    let reader = tokio::spawn(async move {
        let mut cursor = LogCursor::default();
        loop {
            let read = store.read_log(cursor, batch_size).await;
            let last = match &read {
                Ok(events) => events.last().map(|e| e.cursor()),
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
        cp = projection::apply_batch::<AnyBackend>(db, &mut *tx, cp, &events, false)
            .await?
            .0;
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
