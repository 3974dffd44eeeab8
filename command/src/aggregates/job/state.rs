//! What readers see of a job, and how each event changes it.

use crate::aggregates::Lifecycle;
use chrono::{DateTime, Utc};
use schema::{AggregateType, JobEvent, JobStatus, JobType};
use serde::{Deserialize, Serialize};

/// What readers see of a job: every lifecycle field of its read-model row. Folded by
/// [`Lifecycle::evolve`] on both sides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobState {
    /// What it does.
    pub job_type: JobType,
    /// The aggregate it works on.
    pub target_type: AggregateType,
    /// The id of that aggregate.
    pub target_id: String,
    /// Lifecycle status.
    pub status: JobStatus,
    /// Attempts started so far.
    pub attempts: u32,
    /// Attempts allowed before the job fails for good.
    pub max_attempts: u32,
    /// The worker holding the lease.
    pub worker: Option<String>,
    /// When the lease runs out.
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// Earliest time of the next attempt.
    pub not_before: Option<DateTime<Utc>>,
    /// 0–100; never goes backwards within an attempt series.
    pub progress: u8,
    /// Current stage name.
    pub stage: String,
    /// Last error.
    pub error: Option<String>,
    /// What a completed job produced.
    pub result: Option<serde_json::Value>,
}

impl Lifecycle for JobState {
    type Event = JobEvent;

    fn create(event: &JobEvent) -> Option<Self> {
        match event {
            JobEvent::JobQueued {
                job_type,
                target_type,
                target_id,
                max_attempts,
                ..
            } => Some(Self {
                job_type: *job_type,
                target_type: *target_type,
                target_id: target_id.clone(),
                status: JobStatus::Queued,
                attempts: 0,
                max_attempts: *max_attempts,
                worker: None,
                lease_expires_at: None,
                not_before: None,
                progress: 0,
                stage: "queued".into(),
                error: None,
                result: None,
            }),
            _ => None,
        }
    }

    fn apply(&mut self, event: &JobEvent) {
        use JobStatus as S;
        match event {
            JobEvent::JobQueued { .. } => {}
            JobEvent::JobStarted {
                attempt,
                worker,
                lease_expires_at,
            } => {
                self.status = S::Running;
                self.attempts = *attempt;
                self.worker = Some(worker.clone());
                self.lease_expires_at = Some(*lease_expires_at);
                self.not_before = None;
                self.stage = "starting".into();
            }
            JobEvent::JobLeaseExpired { .. } => {
                self.status = S::Queued;
                self.worker = None;
                self.lease_expires_at = None;
            }
            JobEvent::JobProgressed {
                progress,
                stage,
                lease_expires_at,
                ..
            } => {
                self.progress = self.progress.max(*progress);
                self.stage = stage.clone();
                self.lease_expires_at = Some(*lease_expires_at);
            }
            JobEvent::JobCompleted { result } => {
                self.status = S::Completed;
                self.progress = 100;
                self.stage = "done".into();
                self.result = Some(result.clone());
                self.worker = None;
                self.lease_expires_at = None;
            }
            JobEvent::JobAttemptFailed {
                error, retry_at, ..
            } => {
                self.error = Some(error.clone());
                self.worker = None;
                self.lease_expires_at = None;
                match retry_at {
                    Some(at) => {
                        self.status = S::Queued;
                        self.not_before = Some(*at);
                    }
                    None => self.status = S::Failed,
                }
            }
            JobEvent::JobCancelled { .. } => {
                self.status = S::Cancelled;
                self.worker = None;
                self.lease_expires_at = None;
            }
            JobEvent::JobRequeued {} => {
                self.status = S::Queued;
                self.attempts = 0;
                self.progress = 0;
                self.stage = "queued".into();
                self.error = None;
                self.not_before = None;
                self.result = None;
            }
        }
    }
}
