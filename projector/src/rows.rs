//! Read-model rows: what queries return and subscriptions push.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A cluster as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterRow {
    pub id: String,
    pub ordinal: i64,
    pub name: String,
    pub region: String,
    pub labels: BTreeMap<String, String>,
    pub status: String,
    pub droplet_count: i64,
    pub version: i64,
    pub created_us: i64,
    pub updated_us: i64,
}

/// A droplet as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropletRow {
    pub id: String,
    pub ordinal: i64,
    pub name: String,
    pub cluster_id: Option<String>,
    pub region: String,
    pub size: String,
    pub image: String,
    pub status: String,
    pub ip: Option<String>,
    pub job_id: Option<String>,
    pub version: i64,
    pub created_us: i64,
    pub updated_us: i64,
}

/// One step of a job's history, for its timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at_us: i64,
    pub status: String,
    pub stage: String,
    pub progress: i64,
    pub message: String,
}

/// A job as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRow {
    pub id: String,
    pub ordinal: i64,
    pub job_type: String,
    pub target_type: String,
    pub target_id: String,
    pub status: String,
    pub progress: i64,
    pub stage: String,
    pub message: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub worker: Option<String>,
    pub lease_expires_us: Option<i64>,
    pub not_before_us: Option<i64>,
    pub error: Option<String>,
    pub result: Option<serde_json::Value>,
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
