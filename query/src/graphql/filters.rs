//! GraphQL filter inputs and their read-side forms: [`list_filter!`] declares an object
//! type's list filter (each aggregate's type module has one); the audit log's filter and
//! `asOf` are here.

use super::types::AggregateType;
use async_graphql::{InputObject, ID};
use chrono::{DateTime, Utc};

/// A list filter: a GraphQL input object whose fields are all optional, and its conversion
/// into the read side's filter of the same field names (each value converted by `Into`):
/// `list_filter!(/// doc  ClusterFilter => projector::ClusterFilter { name: String, … })`.
macro_rules! list_filter {
    ($(#[$doc:meta])* $name:ident => $read:path {
        $($(#[$field_attr:meta])* $field:ident: $ty:ty),+ $(,)?
    }) => {
        $(#[$doc])*
        #[derive(async_graphql::InputObject, Clone, Debug, Default)]
        pub struct $name {
            $($(#[$field_attr])* pub $field: Option<$ty>),+
        }

        impl From<$name> for $read {
            fn from(f: $name) -> Self {
                Self {
                    $($field: f.$field.map(Into::into)),+
                }
            }
        }
    };
}
pub(crate) use list_filter;

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
