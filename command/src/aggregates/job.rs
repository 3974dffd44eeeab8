//! The Job aggregate: a unit of long-running work with progress, retries and a lease.
//!
//! QUEUED → RUNNING → COMPLETED | FAILED | CANCELLED. A failed attempt goes back to QUEUED
//! with a `not_before` time until `max_attempts` is reached. A RUNNING job whose lease has
//! expired (its worker died) can be started by another worker.

use super::{DomainError, Lifecycle};
use chrono::{DateTime, Duration, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use schema::{AggregateType, JobEvent, JobStatus, JobType};
use serde::{Deserialize, Serialize};

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
    fn current(&self) -> Result<&JobState, DomainError> {
        self.state
            .as_ref()
            .ok_or_else(|| DomainError::NotFound("job not found".into()))
    }

    fn status(&self) -> Result<JobStatus, DomainError> {
        self.current().map(|s| s.status)
    }

    /// What it does (`None` before it is queued).
    pub fn job_type(&self) -> Option<JobType> {
        self.state.as_ref().map(|s| s.job_type)
    }

    /// The id of the aggregate it works on (empty before it is queued).
    pub fn target_id(&self) -> &str {
        self.state.as_ref().map_or("", |s| s.target_id.as_str())
    }

    fn require_holder(&self, worker: &str) -> Result<&JobState, DomainError> {
        let state = self.current()?;
        if state.status != JobStatus::Running {
            return Err(DomainError::FailedPrecondition(format!(
                "job is {}",
                state.status
            )));
        }
        if state.worker.as_deref() != Some(worker) {
            return Err(DomainError::FailedPrecondition(
                "job lease is held by another worker".into(),
            ));
        }
        Ok(state)
    }
}

impl Aggregate for Job {
    const TYPE: &'static str = "Job";
    type Command = JobCommand;
    type Event = JobEvent;
    type Error = DomainError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        use JobStatus as S;
        match command {
            JobCommand::QueueJob {
                job_type,
                target_type,
                target_id,
                params,
                max_attempts,
            } => {
                if self.state.is_some() {
                    return Err(DomainError::AlreadyExists("job already exists".into()));
                }
                let event = JobEvent::JobQueued {
                    job_type,
                    target_type,
                    target_id,
                    params,
                    max_attempts: max_attempts.max(1),
                };
                sink.write(event, self).await;
            }
            JobCommand::StartJob { worker, now, lease } => {
                let current = self.current()?;
                let attempts = current.attempts;
                match current.status {
                    S::Queued => {
                        if let Some(nb) = current.not_before {
                            if nb > now {
                                return Err(DomainError::FailedPrecondition(format!(
                                    "job is waiting to retry until {nb}"
                                )));
                            }
                        }
                    }
                    S::Running => {
                        let expired = current.lease_expires_at.is_none_or(|t| t <= now);
                        if !expired {
                            return Err(DomainError::FailedPrecondition(
                                "job is running under a live lease".into(),
                            ));
                        }
                        let previous = current.worker.clone().unwrap_or_default();
                        sink.write(JobEvent::JobLeaseExpired { worker: previous }, self)
                            .await;
                    }
                    other => {
                        return Err(DomainError::FailedPrecondition(format!("job is {other}")))
                    }
                }
                let event = JobEvent::JobStarted {
                    attempt: attempts + 1,
                    worker,
                    lease_expires_at: now + lease,
                };
                sink.write(event, self).await;
            }
            JobCommand::ReportProgress {
                worker,
                progress,
                stage,
                message,
                now,
                lease,
            } => {
                let current = self.require_holder(&worker)?;
                let event = JobEvent::JobProgressed {
                    // progress never goes backwards
                    progress: progress.min(100).max(current.progress),
                    stage,
                    message,
                    lease_expires_at: now + lease,
                };
                sink.write(event, self).await;
            }
            JobCommand::CompleteJob { worker, result } => {
                self.require_holder(&worker)?;
                sink.write(JobEvent::JobCompleted { result }, self).await;
            }
            JobCommand::FailAttempt {
                worker,
                error,
                now,
                backoff,
                retryable,
            } => {
                let current = self.require_holder(&worker)?;
                let attempts = current.attempts;
                let retry_at = (retryable && attempts < current.max_attempts).then(|| {
                    let factor = 1i32 << (attempts.saturating_sub(1)).min(10);
                    now + backoff * factor
                });
                let event = JobEvent::JobAttemptFailed {
                    attempt: attempts,
                    error,
                    retry_at,
                };
                sink.write(event, self).await;
            }
            JobCommand::CancelJob { reason } => match self.status()? {
                S::Queued | S::Running => sink.write(JobEvent::JobCancelled { reason }, self).await,
                other => {
                    return Err(DomainError::FailedPrecondition(format!(
                        "job is {other}; only QUEUED or RUNNING jobs can be cancelled"
                    )))
                }
            },
            JobCommand::RequeueJob => match self.status()? {
                S::Failed | S::Cancelled => sink.write(JobEvent::JobRequeued {}, self).await,
                other => {
                    return Err(DomainError::FailedPrecondition(format!(
                        "job is {other}; only FAILED or CANCELLED jobs can be retried"
                    )))
                }
            },
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        if let JobEvent::JobQueued { params, .. } = &event {
            self.params = params.clone();
        }
        JobState::evolve(&mut self.state, &event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cqrs_es::test::TestFramework;

    fn queued() -> JobEvent {
        JobEvent::JobQueued {
            job_type: JobType::Provision,
            target_type: AggregateType::Droplet,
            target_id: "d".into(),
            params: serde_json::Value::Null,
            max_attempts: 2,
        }
    }

    fn t0() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    fn started(worker: &str, attempt: u32) -> JobEvent {
        JobEvent::JobStarted {
            attempt,
            worker: worker.into(),
            lease_expires_at: t0() + Duration::seconds(30),
        }
    }

    #[test]
    fn a_live_lease_cannot_be_taken() {
        TestFramework::<Job>::with(())
            .given(vec![queued(), started("w1", 1)])
            .when(JobCommand::StartJob {
                worker: "w2".into(),
                now: t0() + Duration::seconds(10),
                lease: Duration::seconds(30),
            })
            .then_expect_error_message("job is running under a live lease");
    }

    #[test]
    fn an_expired_lease_is_taken_over() {
        TestFramework::<Job>::with(())
            .given(vec![queued(), started("w1", 1)])
            .when(JobCommand::StartJob {
                worker: "w2".into(),
                now: t0() + Duration::seconds(31),
                lease: Duration::seconds(30),
            })
            .then_expect_events(vec![
                JobEvent::JobLeaseExpired {
                    worker: "w1".into(),
                },
                JobEvent::JobStarted {
                    attempt: 2,
                    worker: "w2".into(),
                    lease_expires_at: t0() + Duration::seconds(61),
                },
            ]);
    }

    #[test]
    fn failures_retry_with_backoff_then_fail() {
        TestFramework::<Job>::with(())
            .given(vec![queued(), started("w1", 1)])
            .when(JobCommand::FailAttempt {
                worker: "w1".into(),
                error: "boom".into(),
                now: t0(),
                backoff: Duration::seconds(2),
                retryable: true,
            })
            .then_expect_events(vec![JobEvent::JobAttemptFailed {
                attempt: 1,
                error: "boom".into(),
                retry_at: Some(t0() + Duration::seconds(2)),
            }]);
        TestFramework::<Job>::with(())
            .given(vec![queued(), started("w1", 1), started("w1", 2)])
            .when(JobCommand::FailAttempt {
                worker: "w1".into(),
                error: "boom".into(),
                now: t0(),
                backoff: Duration::seconds(2),
                retryable: true,
            })
            .then_expect_events(vec![JobEvent::JobAttemptFailed {
                attempt: 2,
                error: "boom".into(),
                retry_at: None,
            }]);
    }

    #[test]
    fn progress_never_goes_backwards() {
        let at_fifty = JobEvent::JobProgressed {
            progress: 50,
            stage: "booting".into(),
            message: String::new(),
            lease_expires_at: t0(),
        };
        // A late report of 10 % keeps 50 % and still extends the lease.
        TestFramework::<Job>::with(())
            .given(vec![queued(), started("w1", 1), at_fifty])
            .when(JobCommand::ReportProgress {
                worker: "w1".into(),
                progress: 10,
                stage: "networking".into(),
                message: String::new(),
                now: t0(),
                lease: Duration::seconds(30),
            })
            .then_expect_events(vec![JobEvent::JobProgressed {
                progress: 50,
                stage: "networking".into(),
                message: String::new(),
                lease_expires_at: t0() + Duration::seconds(30),
            }]);
    }

    #[test]
    fn only_terminal_jobs_are_retried() {
        TestFramework::<Job>::with(())
            .given(vec![queued()])
            .when(JobCommand::RequeueJob)
            .then_expect_error_message(
                "job is QUEUED; only FAILED or CANCELLED jobs can be retried",
            );
        TestFramework::<Job>::with(())
            .given(vec![
                queued(),
                JobEvent::JobCancelled { reason: "x".into() },
            ])
            .when(JobCommand::RequeueJob)
            .then_expect_events(vec![JobEvent::JobRequeued {}]);
    }
}
