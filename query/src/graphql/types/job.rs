//! `Job`: a unit of long-running work, with its timeline — the object, its status and type,
//! its list filter, its queries and its mutations (cancel, retry).

use super::{time, Times};
use crate::graphql::filters::list_filter;
use crate::graphql::inputs::{self, parsed};
use crate::graphql::payloads::{caller, respond, single_payload};
use crate::graphql::query::reads;
use async_graphql::{Context, Json, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use projector::JobRow;
use schema::JobId;

gql_enum!(
    /// Lifecycle of a job.
    JobStatus, "schema::JobStatus", schema::JobStatus { Queued, Running, Completed, Failed, Cancelled }
);
gql_enum!(
    /// What a job does.
    JobType, "schema::JobType", schema::JobType { Provision, Destroy, Resize, Power, Scale, Diagnose }
);

/// One step in a job's history.
#[derive(SimpleObject, Clone, Debug)]
pub struct JobTimelineEntry {
    pub at: DateTime<Utc>,
    pub status: JobStatus,
    pub stage: String,
    pub progress: i64,
    pub message: String,
}

/// A unit of long-running work.
#[derive(Clone)]
pub struct Job(pub JobRow);

#[Object]
impl Job {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    #[graphql(name = "type")]
    async fn job_type(&self) -> JobType {
        self.0.state.job_type.into()
    }
    async fn status(&self) -> JobStatus {
        self.0.state.status.into()
    }
    /// 0–100; never goes backwards.
    async fn progress(&self) -> i64 {
        i64::from(self.0.state.progress)
    }
    async fn stage(&self) -> &str {
        &self.0.state.stage
    }
    async fn message(&self) -> &str {
        &self.0.message
    }
    async fn target_type(&self) -> &str {
        self.0.state.target_type.as_str()
    }
    async fn target_id(&self) -> ID {
        ID(self.0.state.target_id.clone())
    }
    /// Attempts started so far.
    async fn attempts(&self) -> i64 {
        i64::from(self.0.state.attempts)
    }
    async fn max_attempts(&self) -> i64 {
        i64::from(self.0.state.max_attempts)
    }
    /// The worker holding the job's lease.
    async fn worker(&self) -> Option<&str> {
        self.0.state.worker.as_deref()
    }
    async fn lease_expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.state.lease_expires_at
    }
    /// When a failed attempt will be retried.
    async fn retry_at(&self) -> Option<DateTime<Utc>> {
        self.0.state.not_before
    }
    /// The last error.
    async fn error(&self) -> Option<&str> {
        self.0.state.error.as_deref()
    }
    async fn result(&self) -> Option<Json<serde_json::Value>> {
        self.0.state.result.clone().map(Json)
    }
    /// Every status and stage change.
    async fn timeline(&self) -> Vec<JobTimelineEntry> {
        self.0
            .timeline
            .iter()
            .map(|t| JobTimelineEntry {
                at: time(t.at_us),
                status: t.status.into(),
                stage: t.stage.clone(),
                progress: t.progress,
                message: t.message.clone(),
            })
            .collect()
    }
    async fn version(&self) -> i64 {
        self.0.version
    }
    #[graphql(flatten)]
    async fn times(&self) -> Times {
        Times::of(self.0.created_us, self.0.updated_us)
    }
}

list_filter!(
    /// Filters for `jobs`.
    JobFilter => projector::JobFilter {
        status: JobStatus,
        #[graphql(name = "type")]
        job_type: JobType,
        /// The aggregate the jobs work on.
        target_id: ID,
    }
);

reads!(JobQuery: job, jobs -> Job, JobFilter, "One job, or null.", "Jobs, oldest first.");

parsed!(ID => JobId);

single_payload!(
    /// Result of `cancelJob` and `retryJob`.
    JobPayload { job: Job },
    JobId
);

/// Job mutations.
#[derive(Default)]
pub struct JobMutation;

#[Object]
impl JobMutation {
    /// Cancels a queued or running job.
    async fn cancel_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        idempotency_key: Option<String>,
    ) -> Result<JobPayload> {
        act(ctx, id, idempotency_key, JobAction::Cancel).await
    }

    /// Queues a failed or cancelled job again.
    async fn retry_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        idempotency_key: Option<String>,
    ) -> Result<JobPayload> {
        act(ctx, id, idempotency_key, JobAction::Retry).await
    }
}

/// What a job mutation asks of the job.
enum JobAction {
    Cancel,
    Retry,
}

/// Parses a job mutation's arguments and runs it.
async fn act(
    ctx: &Context<'_>,
    id: ID,
    idempotency_key: Option<String>,
    action: JobAction,
) -> Result<JobPayload> {
    let key = inputs::idempotency_key(idempotency_key)?;
    let id: JobId = inputs::parse(id)?;
    let (state, caller) = caller(ctx);
    let commands = &state.commands;
    match action {
        JobAction::Cancel => respond(state, commands.cancel_job(&caller, id, key)).await,
        JobAction::Retry => {
            // A retry starts the job again: it counts as a job-starting mutation.
            let limits = &state.rate_limits;
            limits.check_retry(ctx, commands, &id.to_string()).await?;
            respond(state, commands.retry_job(&caller, id, key)).await
        }
    }
}
