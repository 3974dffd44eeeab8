//! Job commands: cancel and retry (users), start, progress, complete and fail (the worker).
//!
//! A job's outcome and its effect on the droplet are appended together, so a droplet is
//! never RUNNING while its provisioning job is not COMPLETED, or the other way round.

use super::droplets::DROPLET_NAME;
use super::idempotency::UserCommand;
use super::{stored_id, Commands, Decided, Outcome};
use crate::aggregates::{
    Cluster, ClusterCommand, Diagnosis, DiagnosisCommand, Droplet, DropletCommand,
    DropletOperation, Job, JobCommand, ScalingPolicy, ScalingPolicyCommand,
};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, NewEvent};
use chrono::{Duration, Utc};
use schema::{DropletId, IdempotencyKey, JobId, JobStatus, JobType};
use std::future::Future;

/// What a successful job did, applied to its target together with the completion.
#[derive(Debug, Clone, PartialEq)]
pub enum JobEffect {
    /// The droplet is up at `ip`.
    Provisioned { ip: String },
    /// The requested operation took place.
    Operation(DropletOperation),
    /// The diagnosis the job carried out has its report (and, when a model was asked,
    /// what it was asked and said).
    Diagnosed {
        report: Box<schema::diagnosis::Report>,
        model: Option<schema::events::ModelExchange>,
        duration_ms: u64,
    },
    /// The SCALE job did what its decision planned (or what it could of it).
    Scaled(schema::autoscale::ScaleOutcome),
    /// Nothing to apply to another aggregate.
    None,
}

/// How often the worker retries a command that lost an optimistic-concurrency race.
const WORKER_RETRIES: usize = 5;

/// What a user's job command appends besides the job's own events, and the claims it frees.
type Consequences = (Vec<NewEvent>, Vec<Claim>);

impl Commands {
    /// Cancels a queued or running job; the droplet operation it carried is abandoned.
    pub async fn cancel_job(
        &self,
        ctx: &RequestContext,
        job_id: JobId,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Outcome<JobId>, CommandError> {
        let reason = format!("cancelled by {}", ctx.actor);
        let cancel = JobCommand::CancelJob {
            reason: reason.clone(),
        };
        let key = idempotency_key.as_ref();
        self.user_job_command(ctx, "cancelJob", job_id, key, |job, version| {
            let (cancel, reason) = (cancel.clone(), reason.clone());
            async move {
                let decided = Self::decide_on(&job_id.to_string(), job, version, cancel).await?;
                let (extra, releases) = self.compensate(job_id, &decided, &reason).await?;
                let mut events = decided.new_events();
                events.extend(extra);
                Ok((events, releases))
            }
        })
        .await
    }

    /// Queues a failed or cancelled job again.
    pub async fn retry_job(
        &self,
        ctx: &RequestContext,
        job_id: JobId,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Outcome<JobId>, CommandError> {
        let key = idempotency_key.as_ref();
        self.user_job_command(ctx, "retryJob", job_id, key, |job, version| async move {
            let job_type = job.job_type();
            let target = job.target_id().to_string();
            let params = job.params.clone();
            let decided =
                Self::decide_on(&job_id.to_string(), job, version, JobCommand::RequeueJob).await?;
            let mut events = decided.new_events();
            let droplet_command = match job_type {
                Some(JobType::Provision) => Some(DropletCommand::BeginProvisioning { job_id }),
                Some(JobType::Destroy | JobType::Resize | JobType::Power) => {
                    let operation: DropletOperation = serde_json::from_value(params)
                        .map_err(|e| CommandError::Internal(format!("corrupt job params: {e}")))?;
                    Some(DropletCommand::RequestOperation { job_id, operation })
                }
                _ => None,
            };
            if let Some(command) = droplet_command {
                let droplet = self.decide::<Droplet>(&target, command).await?;
                events.extend(droplet.new_events());
            }
            Ok((events, vec![]))
        })
        .await
    }

    /// Runs a user's command on an existing job: `decide` turns the job and its version into
    /// the events to append and the claims to free.
    async fn user_job_command<F, Fut>(
        &self,
        ctx: &RequestContext,
        name: &'static str,
        job_id: JobId,
        key: Option<&IdempotencyKey>,
        decide: F,
    ) -> Result<Outcome<JobId>, CommandError>
    where
        F: Fn(Job, i64) -> Fut,
        Fut: Future<Output = Result<Consequences, CommandError>>,
    {
        let command = UserCommand::new(name, ctx, key, job_id.to_string());
        let decide = &decide;
        self.run_user_command(command, |key| async move {
            let (job, version) = self.load_job(job_id).await?;
            let (events, releases) = decide(job, version).await?;
            let record = key.map(|k| k.record(&job_id));
            let position = self
                .commit(name, ctx, events, vec![], releases, record)
                .await?;
            Ok(Outcome {
                value: job_id,
                position,
            })
        })
        .await
    }

    async fn load_job(&self, job_id: JobId) -> Result<(Job, i64), CommandError> {
        let (job, version) = self.load::<Job>(&job_id.to_string()).await?;
        if job.state.is_none() {
            return Err(CommandError::NotFound(format!("job {job_id} not found")));
        }
        Ok((job, version))
    }

    /// Droplet events that undo a job's pending effect once the job has ended unsuccessfully.
    async fn compensate(
        &self,
        job_id: JobId,
        job: &Decided<Job>,
        reason: &str,
    ) -> Result<(Vec<NewEvent>, Vec<Claim>), CommandError> {
        let ended = matches!(
            job.state.state.as_ref().map(|s| s.status),
            Some(JobStatus::Failed | JobStatus::Cancelled)
        );
        if !ended {
            return Ok((vec![], vec![]));
        }
        let command = match job.state.job_type() {
            Some(JobType::Diagnose) => {
                let target = job.state.target_id();
                let d = self
                    .decide::<Diagnosis>(
                        target,
                        DiagnosisCommand::Fail {
                            error: reason.to_string(),
                        },
                    )
                    .await?;
                let freed = diagnosis_claim(target, &d).into_iter().collect();
                return Ok((d.new_events(), freed));
            }
            Some(JobType::Scale) => {
                let target = job.state.target_id();
                return self
                    .end_scaling(
                        target,
                        ScalingPolicyCommand::AbandonScaling {
                            job_id,
                            reason: reason.to_string(),
                        },
                    )
                    .await;
            }
            Some(JobType::Provision) => DropletCommand::FailProvisioning {
                reason: reason.to_string(),
            },
            Some(JobType::Destroy | JobType::Resize | JobType::Power) => {
                DropletCommand::AbandonOperation {
                    job_id,
                    reason: reason.to_string(),
                }
            }
            _ => return Ok((vec![], vec![])),
        };
        let droplet = self
            .decide::<Droplet>(job.state.target_id(), command)
            .await?;
        Ok((droplet.new_events(), vec![]))
    }

    /// The policy's events that end its SCALE job, and the cluster's scaling claim to free.
    async fn end_scaling(
        &self,
        policy_id: &str,
        end: ScalingPolicyCommand,
    ) -> Result<(Vec<NewEvent>, Vec<Claim>), CommandError> {
        let p = self.decide::<ScalingPolicy>(policy_id, end).await?;
        let freed = p
            .state
            .state
            .as_ref()
            .filter(|_| !p.events.is_empty())
            .map(|s| super::scaling_policies::scaling_job_claim(s.cluster_id, policy_id))
            .into_iter()
            .collect();
        Ok((p.new_events(), freed))
    }

    /// A worker takes a job; returns the job's state after starting.
    pub async fn start_job(
        &self,
        job_id: JobId,
        worker: &str,
        lease: Duration,
    ) -> Result<Job, CommandError> {
        self.worker_step("startJob", job_id, |_| JobCommand::StartJob {
            worker: worker.to_string(),
            now: Utc::now(),
            lease,
        })
        .await
    }

    /// The holding worker reports progress and renews its lease.
    pub async fn report_progress(
        &self,
        job_id: JobId,
        worker: &str,
        progress: u8,
        stage: &str,
        message: &str,
        lease: Duration,
    ) -> Result<Job, CommandError> {
        self.worker_step("reportProgress", job_id, |_| JobCommand::ReportProgress {
            worker: worker.to_string(),
            progress,
            stage: stage.to_string(),
            message: message.to_string(),
            now: Utc::now(),
            lease,
        })
        .await
    }

    /// The holding worker failed an attempt; a final failure also compensates the droplet.
    pub async fn fail_job(
        &self,
        job_id: JobId,
        worker: &str,
        error: &str,
        retryable: bool,
    ) -> Result<Job, CommandError> {
        let backoff = self.jobs.retry_backoff;
        self.worker_step("failJob", job_id, |_| JobCommand::FailAttempt {
            worker: worker.to_string(),
            error: error.to_string(),
            now: Utc::now(),
            backoff,
            retryable,
        })
        .await
    }

    /// The holding worker finished: the job completes and its effect lands in one append.
    pub async fn complete_job(
        &self,
        job_id: JobId,
        worker: &str,
        effect: JobEffect,
        result: serde_json::Value,
    ) -> Result<Job, CommandError> {
        worker_retries(|| self.complete_once(job_id, worker, &effect, &result)).await
    }

    async fn complete_once(
        &self,
        job_id: JobId,
        worker: &str,
        effect: &JobEffect,
        result: &serde_json::Value,
    ) -> Result<Job, CommandError> {
        let (job, version) = self.load_job(job_id).await?;
        let ctx = self.worker_context(job_id).await?;
        let target = job.target_id().to_string();
        let decided = Self::decide_on(
            &job_id.to_string(),
            job,
            version,
            JobCommand::CompleteJob {
                worker: worker.to_string(),
                result: result.clone(),
            },
        )
        .await?;
        let mut events = decided.new_events();
        let mut releases = vec![];
        match effect.clone() {
            JobEffect::None => {}
            JobEffect::Diagnosed {
                report,
                model,
                duration_ms,
            } => {
                let d = self
                    .decide::<Diagnosis>(
                        &target,
                        DiagnosisCommand::Complete {
                            report: *report,
                            model,
                            duration_ms,
                        },
                    )
                    .await?;
                releases.extend(diagnosis_claim(&target, &d));
                events.extend(d.new_events());
            }
            JobEffect::Scaled(outcome) => {
                let (ended, freed) = self
                    .end_scaling(
                        &target,
                        ScalingPolicyCommand::CompleteScaling { job_id, outcome },
                    )
                    .await?;
                events.extend(ended);
                releases.extend(freed);
            }
            JobEffect::Provisioned { ip } => {
                let d = self
                    .decide::<Droplet>(&target, DropletCommand::CompleteProvisioning { ip })
                    .await?;
                events.extend(d.new_events());
            }
            JobEffect::Operation(operation) => {
                let destroy = operation == DropletOperation::Destroy;
                let d = self
                    .decide::<Droplet>(
                        &target,
                        DropletCommand::CompleteOperation { job_id, operation },
                    )
                    .await?;
                let gone = d
                    .state
                    .state
                    .as_ref()
                    .filter(|_| destroy && !d.events.is_empty());
                if let Some(gone) = gone {
                    releases.push(Claim {
                        scope: DROPLET_NAME,
                        value: gone.name.clone(),
                        owner: target.clone(),
                    });
                    if let Some(cluster_id) = gone.cluster_id {
                        let droplet_id: DropletId = stored_id(&target)?;
                        let c = self
                            .decide::<Cluster>(
                                &cluster_id.to_string(),
                                ClusterCommand::DetachDroplet { droplet_id },
                            )
                            .await?;
                        events.extend(c.new_events());
                    }
                }
                events.extend(d.new_events());
            }
        }
        self.commit("completeJob", &ctx, events, vec![], releases, None)
            .await?;
        Ok(decided.state)
    }

    /// Runs one job command for the worker, retrying lost races, with compensation on a
    /// final failure.
    async fn worker_step(
        &self,
        command: &'static str,
        job_id: JobId,
        make: impl Fn(&Job) -> JobCommand,
    ) -> Result<Job, CommandError> {
        worker_retries(|| async {
            let (job, version) = self.load_job(job_id).await?;
            let ctx = self.worker_context(job_id).await?;
            let cmd = make(&job);
            let decided = Self::decide_on(&job_id.to_string(), job, version, cmd).await?;
            let mut events = decided.new_events();
            let mut releases = vec![];
            if command == "failJob" {
                let reason = decided
                    .state
                    .state
                    .as_ref()
                    .and_then(|s| s.error.clone())
                    .unwrap_or_default();
                let (extra, freed) = self.compensate(job_id, &decided, &reason).await?;
                events.extend(extra);
                releases = freed;
            }
            self.commit(command, &ctx, events, vec![], releases, None)
                .await?;
            Ok(decided.state)
        })
        .await
    }

    /// The worker acts on behalf of the request that queued the job: same correlation id,
    /// caused by the job's first event.
    pub(crate) async fn worker_context(
        &self,
        job_id: JobId,
    ) -> Result<RequestContext, CommandError> {
        let events = self
            .store()
            .load(schema::AggregateType::Job, &job_id.to_string())
            .await?;
        Ok(match events.first() {
            Some(first) => RequestContext::worker(&first.metadata.correlation_id, &first.event_id),
            None => RequestContext::worker(&job_id.to_string(), &job_id.to_string()),
        })
    }
}

/// The target claim a diagnosis holds while unfinished, to free with the event that
/// finishes it.
fn diagnosis_claim(diagnosis_id: &str, d: &Decided<Diagnosis>) -> Option<Claim> {
    d.state.state.as_ref().map(|s| Claim {
        scope: super::DIAGNOSIS_TARGET,
        value: s.target_key(),
        owner: diagnosis_id.to_string(),
    })
}

/// Runs a worker's step again while it loses optimistic-concurrency races, a few times.
async fn worker_retries<T, F, Fut>(mut step: F) -> Result<T, CommandError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CommandError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match step().await {
            Err(CommandError::Race(_)) if attempt < WORKER_RETRIES => continue,
            other => return other,
        }
    }
}
