//! The job workers' heartbeats (`worker_heartbeats`): every worker process's pool writes its
//! number of runners and how many are busy, so that any process on the database — an API
//! instance in distributed mode, where the workers are other processes — can tell the whole
//! pool's figures. Not events: an observation, replaced with each beat.
//!
//! A worker beats at least every [`BEAT_INTERVAL`]; a row older than [`FRESH`] belongs to a
//! worker that died or froze and is left out of [`WorkerPool::live`], and the beats delete
//! rows older than [`FORGET_AFTER`]. Times are the writing process's clock; [`FRESH`] is
//! five beats, which also absorbs a few seconds of clock skew between machines.

use crate::{on_pool, Db};
use sqlx::Row;
use std::time::Duration;

/// The longest a live worker waits between two heartbeats.
pub const BEAT_INTERVAL: Duration = Duration::from_secs(2);

/// A heartbeat older than this is a worker that is gone (or frozen): five missed beats.
pub const FRESH: Duration = Duration::from_secs(10);

/// Rows of workers gone this long are deleted.
pub const FORGET_AFTER: Duration = Duration::from_secs(3600);

/// One worker process's heartbeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heartbeat {
    /// The worker's identity (the one its job leases carry).
    pub worker_id: String,
    /// Its job runners.
    pub runners: i64,
    /// Of them, running a job now.
    pub busy: i64,
    /// When the worker started, in microseconds since the epoch.
    pub started_us: i64,
    /// When this beat was written, in microseconds since the epoch.
    pub seen_us: i64,
}

/// The pool over every worker with a fresh heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolFigures {
    /// Worker processes alive.
    pub workers: i64,
    /// Their runners.
    pub runners: i64,
    /// Runners running a job.
    pub busy: i64,
}

/// The heartbeats, over the database of the event store.
#[derive(Clone, Debug)]
pub struct WorkerPool {
    db: Db,
}

fn micros(d: Duration) -> i64 {
    i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
}

impl WorkerPool {
    /// The heartbeats in `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Writes `beat` over the worker's previous one, and deletes the rows of workers gone
    /// for [`FORGET_AFTER`].
    pub async fn beat(&self, beat: &Heartbeat) -> Result<(), sqlx::Error> {
        let upsert = self.db.sql(
            "INSERT INTO worker_heartbeats (worker_id, runners, busy, started_us, seen_us) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (worker_id) DO UPDATE SET \
             runners = excluded.runners, busy = excluded.busy, seen_us = excluded.seen_us",
        );
        let prune = self
            .db
            .sql("DELETE FROM worker_heartbeats WHERE seen_us < $1");
        let forgotten = beat.seen_us.saturating_sub(micros(FORGET_AFTER));
        on_pool!(self.db.writes(), p => {
            sqlx::query(&upsert)
                .bind(&beat.worker_id)
                .bind(beat.runners)
                .bind(beat.busy)
                .bind(beat.started_us)
                .bind(beat.seen_us)
                .execute(p)
                .await?;
            sqlx::query(&prune).bind(forgotten).execute(p).await.map(|_| ())
        })
    }

    /// Deletes a worker's row (it is stopping).
    pub async fn forget(&self, worker_id: &str) -> Result<(), sqlx::Error> {
        let sql = self
            .db
            .sql("DELETE FROM worker_heartbeats WHERE worker_id = $1");
        on_pool!(self.db.writes(), p => {
            sqlx::query(&sql).bind(worker_id).execute(p).await.map(|_| ())
        })
    }

    /// The workers whose heartbeat is at most [`FRESH`] old at `now_us`, summed.
    pub async fn live(&self, now_us: i64) -> Result<PoolFigures, sqlx::Error> {
        let sql = self.db.sql(
            "SELECT COUNT(*) AS workers, CAST(COALESCE(SUM(runners), 0) AS BIGINT) AS runners, \
             CAST(COALESCE(SUM(busy), 0) AS BIGINT) AS busy \
             FROM worker_heartbeats WHERE seen_us >= $1",
        );
        let since = now_us.saturating_sub(micros(FRESH));
        on_pool!(self.db.reads(), p => {
            let row = sqlx::query(&sql).bind(since).fetch_one(p).await?;
            Ok(PoolFigures {
                workers: row.try_get("workers")?,
                runners: row.try_get("runners")?,
                busy: row.try_get("busy")?,
            })
        })
    }
}
