//! The `jobs` read model: one row per job, its lifecycle folded by the aggregate, plus a
//! message for people and the timeline of its status and stage.

use super::{Listed, ReadModel, Table, Versioned};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{json, json_opt, number, time_opt, typed};
use crate::counts;
use crate::fold::evolve;
use crate::rows::ChangedRow;
use command::aggregates::JobState;
use command::StoredEvent;
use schema::{AggregateType, JobEvent, JobStatus, JobType};
use serde::{Deserialize, Serialize};

/// One step of a job's history, for its timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at_us: i64,
    pub status: JobStatus,
    pub stage: String,
    pub progress: i64,
    pub message: String,
}

/// A job as the API shows it: the aggregate's own [`JobState`] plus a human message, its
/// timeline and bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRow {
    pub id: String,
    pub ordinal: i64,
    /// Every lifecycle field, as the aggregate folds them.
    #[serde(flatten)]
    pub state: JobState,
    /// What the last event said, for people.
    pub message: String,
    pub timeline: Vec<TimelineEntry>,
    pub version: i64,
    pub created_us: i64,
    pub updated_us: i64,
}

/// Filters of the `jobs` list.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub status: Option<JobStatus>,
    pub job_type: Option<JobType>,
    pub target_id: Option<String>,
}

impl JobFilter {
    /// Whether a row passes the filter (for live subscriptions).
    pub fn matches(&self, r: &JobRow) -> bool {
        self.status.is_none_or(|v| r.state.status == v)
            && self.job_type.is_none_or(|v| r.state.job_type == v)
            && self
                .target_id
                .as_ref()
                .is_none_or(|v| &r.state.target_id == v)
    }
}

/// The `jobs` table.
pub struct Jobs;

impl Table for Jobs {
    type Row = JobRow;
    const NAME: &'static str = "jobs";
    const COLUMNS: &'static str = "id, ordinal, job_type, target_type, target_id, status, progress, stage, message, attempts, max_attempts, worker, lease_expires_us, not_before_us, error, result, timeline, version, created_us, updated_us";

    fn decode(row: &impl Columns) -> Result<JobRow, sqlx::Error> {
        Ok(JobRow {
            id: row.text("id")?,
            ordinal: row.int("ordinal")?,
            state: JobState {
                job_type: typed(row, "job_type", JobType::parse)?,
                target_type: typed(row, "target_type", AggregateType::parse)?,
                target_id: row.text("target_id")?,
                status: typed(row, "status", JobStatus::parse)?,
                attempts: number(row, "attempts")?,
                max_attempts: number(row, "max_attempts")?,
                worker: row.text_opt("worker")?,
                lease_expires_at: time_opt(row, "lease_expires_us")?,
                not_before: time_opt(row, "not_before_us")?,
                progress: number(row, "progress")?,
                stage: row.text("stage")?,
                error: row.text_opt("error")?,
                result: json_opt(row, "result")?,
            },
            message: row.text("message")?,
            timeline: json(row, "timeline")?,
            version: row.int("version")?,
            created_us: row.int("created_us")?,
            updated_us: row.int("updated_us")?,
        })
    }
}

impl Versioned for JobRow {
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn status(&self) -> &'static str {
        self.state.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        JobStatus::ALL.iter().map(|s| s.as_str()).collect()
    }
}

impl ReadModel for Jobs {
    type Event = JobEvent;
    const AGGREGATE: AggregateType = AggregateType::Job;

    fn bind<'q, Q: Bind<'q>>(q: Q, r: &'q JobRow) -> Result<Q, serde_json::Error> {
        let s = &r.state;
        Ok(q.text(&r.id)
            .int(r.ordinal)
            .text(s.job_type.as_str())
            .text(s.target_type.as_str())
            .text(&s.target_id)
            .text(s.status.as_str())
            .int(i64::from(s.progress))
            .text(&s.stage)
            .text(&r.message)
            .int(i64::from(s.attempts))
            .int(i64::from(s.max_attempts))
            .text_opt(s.worker.as_deref())
            .int_opt(s.lease_expires_at.map(|t| t.timestamp_micros()))
            .int_opt(s.not_before.map(|t| t.timestamp_micros()))
            .text_opt(s.error.as_deref())
            .owned_opt(s.result.as_ref().map(|v| v.to_string()))
            .owned(serde_json::to_string(&r.timeline)?)
            .int(r.version)
            .int(r.created_us)
            .int(r.updated_us))
    }
    fn fold(
        row: Option<JobRow>,
        ordinal: i64,
        e: &StoredEvent,
        event: &JobEvent,
    ) -> Option<JobRow> {
        let mut row = match row {
            Some(mut row) => {
                let (status, stage) = (row.state.status, row.state.stage.clone());
                row.state = evolve(Some(row.state), event)?;
                if let Some(message) = message(event) {
                    row.message = message;
                }
                if row.state.status != status || row.state.stage != stage || row.timeline.is_empty()
                {
                    push_timeline(&mut row, e);
                }
                row
            }
            None => {
                let mut row = JobRow {
                    id: e.aggregate_id.clone(),
                    ordinal,
                    state: evolve::<JobState>(None, event)?,
                    message: "waiting for a worker".into(),
                    timeline: vec![],
                    version: 0,
                    created_us: e.recorded_us,
                    updated_us: e.recorded_us,
                };
                push_timeline(&mut row, e);
                row
            }
        };
        row.version = e.sequence;
        row.updated_us = e.recorded_us;
        Some(row)
    }
    fn changed(row: &JobRow) -> Option<ChangedRow> {
        Some(ChangedRow::Job(row.clone()))
    }
}

impl Listed for Jobs {
    type Filter = JobFilter;
    fn filter(f: &JobFilter, w: &mut Where) -> Option<String> {
        w.eq("status", f.status.map(|s| s.as_str()));
        w.eq("job_type", f.job_type.map(|s| s.as_str()));
        w.eq("target_id", f.target_id.as_deref());
        (f.job_type.is_none() && f.target_id.is_none())
            .then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}

/// What a job event says, for people (the row's `message`, not a lifecycle field); `None`
/// for the creating event, whose message the new row gets.
fn message(event: &JobEvent) -> Option<String> {
    Some(match event {
        JobEvent::JobQueued { .. } => return None,
        JobEvent::JobStarted { attempt, .. } => format!("attempt {attempt} started"),
        JobEvent::JobLeaseExpired { worker } => format!("lease of {worker} expired; taken over"),
        JobEvent::JobProgressed { message, .. } => message.clone(),
        JobEvent::JobCompleted { .. } => "completed".into(),
        JobEvent::JobAttemptFailed {
            attempt,
            error,
            retry_at: Some(at),
        } => format!("attempt {attempt} failed: {error}; retrying at {at}"),
        JobEvent::JobAttemptFailed {
            attempt,
            error,
            retry_at: None,
        } => format!("attempt {attempt} failed: {error}"),
        JobEvent::JobCancelled { reason } => reason.clone(),
        JobEvent::JobRequeued {} => "queued again".into(),
    })
}

/// Records the row's status and stage in its timeline.
fn push_timeline(row: &mut JobRow, e: &StoredEvent) {
    row.timeline.push(TimelineEntry {
        at_us: e.recorded_us,
        status: row.state.status,
        stage: row.state.stage.clone(),
        progress: row.state.progress as i64,
        message: row.message.clone(),
    });
}
