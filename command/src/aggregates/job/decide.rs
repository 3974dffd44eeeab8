//! What each job command records, or why it is refused: pure, given the job and the command
//! (times come in the command).

use super::{Job, JobCommand, JobState};
use crate::aggregates::framework::{absent, existing};
use crate::aggregates::DomainError;
use schema::{JobEvent, JobStatus};

impl Job {
    /// The events `command` records on this job, in order, or why it is refused.
    pub(super) fn decide(&self, command: JobCommand) -> Result<Vec<JobEvent>, DomainError> {
        use JobStatus as S;
        Ok(match command {
            JobCommand::QueueJob {
                job_type,
                target_type,
                target_id,
                params,
                max_attempts,
            } => {
                absent(&self.state, "job")?;
                vec![JobEvent::JobQueued {
                    job_type,
                    target_type,
                    target_id,
                    params,
                    max_attempts: max_attempts.max(1),
                }]
            }
            JobCommand::StartJob { worker, now, lease } => {
                let current = existing(&self.state, "job")?;
                let mut events = Vec::with_capacity(2);
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
                        events.push(JobEvent::JobLeaseExpired { worker: previous });
                    }
                    other => {
                        return Err(DomainError::FailedPrecondition(format!("job is {other}")))
                    }
                }
                events.push(JobEvent::JobStarted {
                    attempt: current.attempts + 1,
                    worker,
                    lease_expires_at: now + lease,
                });
                events
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
                vec![JobEvent::JobProgressed {
                    // progress never goes backwards
                    progress: progress.min(100).max(current.progress),
                    stage,
                    message,
                    lease_expires_at: now + lease,
                }]
            }
            JobCommand::CompleteJob { worker, result } => {
                self.require_holder(&worker)?;
                vec![JobEvent::JobCompleted { result }]
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
                vec![JobEvent::JobAttemptFailed {
                    attempt: attempts,
                    error,
                    retry_at,
                }]
            }
            JobCommand::CancelJob { reason } => match existing(&self.state, "job")?.status {
                S::Queued | S::Running => vec![JobEvent::JobCancelled { reason }],
                other => {
                    return Err(DomainError::FailedPrecondition(format!(
                        "job is {other}; only QUEUED or RUNNING jobs can be cancelled"
                    )))
                }
            },
            JobCommand::RequeueJob => match existing(&self.state, "job")?.status {
                S::Failed | S::Cancelled => vec![JobEvent::JobRequeued {}],
                other => {
                    return Err(DomainError::FailedPrecondition(format!(
                        "job is {other}; only FAILED or CANCELLED jobs can be retried"
                    )))
                }
            },
        })
    }

    /// The state of a running job whose lease `worker` holds, or why it is not.
    fn require_holder(&self, worker: &str) -> Result<&JobState, DomainError> {
        let state = existing(&self.state, "job")?;
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
