//! The worker's heartbeat: its runners and how many of them are busy, written to
//! `worker_heartbeats` (see [`store::worker_pool`]) so that every process on the database,
//! not only this one, knows the pool. It beats when a runner takes or finishes a job and at
//! least every [`BEAT_INTERVAL`], and removes its row when the worker stops.

use super::runner::Worker;
use std::sync::atomic::Ordering;
use std::time::Duration;
use store::worker_pool::{Heartbeat, WorkerPool, BEAT_INTERVAL};
use tokio_util::sync::CancellationToken;

/// The shortest time between two beats, however often runners take and finish jobs.
const MIN_GAP: Duration = Duration::from_millis(200);

impl Worker {
    /// Beats until `shutdown`, then deletes this worker's row.
    pub(super) async fn heartbeat(self, shutdown: CancellationToken) {
        let pool = WorkerPool::new(self.commands.store().db().clone());
        let started_us = store::now_us();
        let runners = self.settings.workers.max(1) as i64;
        let mut failing = false;
        loop {
            let beat = Heartbeat {
                worker_id: self.id.clone(),
                runners,
                busy: self.busy.load(Ordering::Relaxed),
                started_us,
                seen_us: store::now_us(),
            };
            // One warning per outage, one line when beats are written again.
            match pool.beat(&beat).await {
                Ok(()) if failing => {
                    failing = false;
                    tracing::info!(worker = %self.id, "heartbeats are written again");
                }
                Ok(()) => {}
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(worker = %self.id, error = %e, "cannot write the worker's heartbeat");
                }
                Err(_) => {}
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = self.busy_changed.notified() => {}
                _ = tokio::time::sleep(BEAT_INTERVAL) => {}
            }
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(MIN_GAP) => {}
            }
        }
        if let Err(e) = pool.forget(&self.id).await {
            tracing::debug!(worker = %self.id, error = %e, "cannot delete the worker's heartbeat; it goes stale");
        }
    }
}
