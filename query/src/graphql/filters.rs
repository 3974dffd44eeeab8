//! GraphQL filter inputs of the list queries and subscriptions, and their read-side forms.

use super::types::{AggregateType, ClusterStatus, DropletStatus, JobStatus, JobType};
use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};

/// Filters for `clusters`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct ClusterFilter {
    /// Substring of the name.
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<ClusterStatus>,
}

/// Filters for `droplets`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct DropletFilter {
    /// Substring of the name.
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<DropletStatus>,
    pub cluster_id: Option<ID>,
}

/// Filters for `jobs`.
#[derive(InputObject, Clone, Debug, Default)]
pub struct JobFilter {
    pub status: Option<JobStatus>,
    #[graphql(name = "type")]
    pub job_type: Option<JobType>,
    /// The aggregate the jobs work on.
    pub target_id: Option<ID>,
}

/// Filters for the audit log.
#[derive(InputObject, Clone, Debug, Default)]
pub struct EventFilter {
    pub aggregate_type: Option<AggregateType>,
    pub aggregate_id: Option<ID>,
    /// Event type name, e.g. `DropletCreated`.
    pub event_type: Option<String>,
    pub actor: Option<String>,
    pub correlation_id: Option<String>,
    /// Recorded at or after.
    pub since: Option<DateTime<Utc>>,
    /// Recorded at or before.
    pub until: Option<DateTime<Utc>>,
    /// Case-insensitive part of the actor, e.g. `anon`.
    pub actor_contains: Option<String>,
    /// Event types to leave out, e.g. `["JobProgressed"]`.
    pub exclude_event_types: Option<Vec<String>>,
}

/// A point in an aggregate's history: a global position or a time (give one).
#[derive(InputObject, Clone, Debug, Default)]
pub struct AsOf {
    pub position: Option<i64>,
    pub time: Option<DateTime<Utc>>,
}

impl From<ClusterFilter> for projector::ClusterFilter {
    fn from(f: ClusterFilter) -> Self {
        Self {
            name: f.name,
            region: f.region,
            status: f.status.map(Into::into),
        }
    }
}

impl From<DropletFilter> for projector::DropletFilter {
    fn from(f: DropletFilter) -> Self {
        Self {
            name: f.name,
            region: f.region,
            status: f.status.map(Into::into),
            cluster_id: f.cluster_id.map(|c| c.0),
        }
    }
}

impl From<JobFilter> for projector::JobFilter {
    fn from(f: JobFilter) -> Self {
        Self {
            status: f.status.map(Into::into),
            job_type: f.job_type.map(Into::into),
            target_id: f.target_id.map(|t| t.0),
        }
    }
}

/// The most event types `excludeEventTypes` may list.
pub const MAX_EXCLUDED_TYPES: usize = 50;

impl EventFilter {
    /// The read-side filter, refusing an over-long `excludeEventTypes`.
    pub fn checked(self) -> async_graphql::Result<projector::EventFilter> {
        if self
            .exclude_event_types
            .as_ref()
            .is_some_and(|t| t.len() > MAX_EXCLUDED_TYPES)
        {
            return Err(crate::errors::bad_input(format!(
                "excludeEventTypes: at most {MAX_EXCLUDED_TYPES} types"
            )));
        }
        Ok(self.into())
    }
}

impl From<EventFilter> for projector::EventFilter {
    fn from(f: EventFilter) -> Self {
        Self {
            aggregate_type: f.aggregate_type.map(Into::into),
            aggregate_id: f.aggregate_id.map(|a| a.0),
            event_type: f.event_type,
            actor: f.actor,
            correlation_id: f.correlation_id,
            since_us: f.since.map(|t| t.timestamp_micros()),
            until_us: f.until.map(|t| t.timestamp_micros()),
            actor_contains: f.actor_contains.filter(|a| !a.is_empty()),
            exclude_event_types: f.exclude_event_types.unwrap_or_default(),
        }
    }
}
