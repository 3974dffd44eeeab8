//! The worker role in distributed mode: job events from the job topic hand jobs to this
//! worker's runners. Workers share one consumer group, so the job topic's partitions divide
//! the jobs between them.
//!
//! The offset of a `JobQueued`/`JobRequeued` message is committed only after a runner tried
//! to start the job (its `JobStarted` is in the event store, or the job turned out not to be
//! startable). A retry that is not due yet is started by a timer. Whatever a dead worker left
//! behind (a job running under an expired lease, a retry whose timer died with it) is found by
//! every worker's periodic sweep of the jobs read model and taken over.

use crate::consumer::EventHandler;
use crate::error::HandlerError;
use command::store::StoredEvent;
use command::worker::Worker;
use schema::JobId;
use std::time::Duration;

/// Hands consumed job events to the worker.
pub struct JobDispatch {
    worker: Worker,
}

impl JobDispatch {
    /// Dispatches to `worker` (whose `run` must be running).
    pub fn new(worker: Worker) -> Self {
        Self { worker }
    }
}

#[async_trait::async_trait]
impl EventHandler for JobDispatch {
    async fn handle(&self, events: &[StoredEvent]) -> Result<(), HandlerError> {
        for e in events {
            if e.aggregate_type != schema::AggregateType::Job.as_str() {
                continue;
            }
            let Ok(job_id) = e.aggregate_id.parse::<JobId>() else {
                continue;
            };
            match e.event_type.as_str() {
                "JobQueued" | "JobRequeued" | "JobLeaseExpired" => {
                    self.worker.offer(job_id).await;
                }
                "JobAttemptFailed" => {
                    let retry_at = e
                        .payload
                        .get("retry_at")
                        .and_then(|v| v.as_str())
                        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
                    if let Some(at) = retry_at {
                        let wait = (at.timestamp_micros() - chrono::Utc::now().timestamp_micros())
                            .max(0) as u64;
                        let worker = self.worker.clone();
                        tokio::spawn(async move {
                            // A little after the due time, so the aggregate sees it as due.
                            tokio::time::sleep(
                                Duration::from_micros(wait) + Duration::from_millis(5),
                            )
                            .await;
                            worker.offer(job_id).await;
                        });
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }
}
