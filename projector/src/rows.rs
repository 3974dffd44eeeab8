//! Read-model rows: what queries return and subscriptions push.

use command::aggregates::{ClusterState, DropletState, JobState};
use schema::JobStatus;
use serde::{Deserialize, Serialize};

/// A cluster as the API shows it: the aggregate's own [`ClusterState`] plus bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterRow {
    pub id: String,
    pub ordinal: i64,
    /// Name, region, labels, status and droplet count, as the aggregate folds them.
    #[serde(flatten)]
    pub state: ClusterState,
    pub version: i64,
    pub created_us: i64,
    pub updated_us: i64,
}

/// A droplet as the API shows it: the aggregate's own [`DropletState`] plus bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropletRow {
    pub id: String,
    pub ordinal: i64,
    /// Every lifecycle field, as the aggregate folds them.
    #[serde(flatten)]
    pub state: DropletState,
    pub version: i64,
    pub created_us: i64,
    pub updated_us: i64,
}

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

/// One event of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    pub ordinal: i64,
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub event_id: String,
    pub actor: String,
    pub correlation_id: String,
    pub causation_id: String,
    pub payload: serde_json::Value,
    pub metadata: serde_json::Value,
    pub recorded_us: i64,
}

/// What one projected event changed, as pushed to live subscribers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The event.
    pub audit: AuditRow,
    /// The row it changed, if it belongs to a known aggregate type.
    pub row: Option<ChangedRow>,
}

/// The row an event changed, after the change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "row")]
pub enum ChangedRow {
    Cluster(ClusterRow),
    Droplet(DropletRow),
    Job(JobRow),
}
