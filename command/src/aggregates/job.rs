//! The Job aggregate: a unit of long-running work with progress, retries and a lease.
//!
//! QUEUED → RUNNING → COMPLETED | FAILED | CANCELLED. A failed attempt goes back to QUEUED
//! with a `not_before` time until `max_attempts` is reached. A RUNNING job whose lease has
//! expired (its worker died) can be started by another worker.
//!
//! - `state`: what readers see ([`JobState`]) and how each event changes it;
//! - `decide`: what each [`JobCommand`] records, or why it is refused.

mod decide;
mod state;
#[cfg(test)]
mod tests;

use super::framework::event_sourced;
use chrono::{DateTime, Duration, Utc};
use schema::{AggregateType, JobEvent, JobType};
use serde::{Deserialize, Serialize};

pub use state::JobState;

/// What can be asked of a job.
#[derive(Debug, Clone, PartialEq)]
pub enum JobCommand {
    /// Queue a new job.
    QueueJob {
        job_type: JobType,
        target_type: AggregateType,
        target_id: String,
        params: serde_json::Value,
        max_attempts: u32,
    },
    /// A worker takes the job (or takes it over after its lease expired).
    StartJob {
        worker: String,
        now: DateTime<Utc>,
        lease: Duration,
    },
    /// The holding worker reports progress and renews its lease.
    ReportProgress {
        worker: String,
        progress: u8,
        stage: String,
        message: String,
        now: DateTime<Utc>,
        lease: Duration,
    },
    /// The holding worker finished the job.
    CompleteJob {
        worker: String,
        result: serde_json::Value,
    },
    /// The holding worker's attempt failed; retry after `backoff * 2^(attempt-1)` if allowed.
    FailAttempt {
        worker: String,
        error: String,
        now: DateTime<Utc>,
        backoff: Duration,
        retryable: bool,
    },
    /// Cancel a queued or running job.
    CancelJob { reason: String },
    /// Queue a failed or cancelled job again.
    RequeueJob,
}

/// The state of one job, folded from its events: what readers see, plus its parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// What readers see (`None` before it is queued).
    #[serde(flatten)]
    pub state: Option<JobState>,
    /// Type-specific parameters.
    pub params: serde_json::Value,
}

impl Job {
    /// What it does (`None` before it is queued).
    pub fn job_type(&self) -> Option<JobType> {
        self.state.as_ref().map(|s| s.job_type)
    }

    /// The id of the aggregate it works on (empty before it is queued).
    pub fn target_id(&self) -> &str {
        self.state.as_ref().map_or("", |s| s.target_id.as_str())
    }

    /// Keeps the parameters, which readers do not see.
    fn remember(&mut self, event: &JobEvent) {
        if let JobEvent::JobQueued { params, .. } = event {
            self.params = params.clone();
        }
    }
}

event_sourced!(Job, "Job", JobCommand, JobEvent, JobState);
