//! `Job`: a unit of long-running work, with its timeline.

use super::{time, JobStatus, JobType};
use async_graphql::{Json, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use projector::JobRow;

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
    async fn created_at(&self) -> DateTime<Utc> {
        time(self.0.created_us)
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        time(self.0.updated_us)
    }
}
