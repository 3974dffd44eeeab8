//! `Event`: one event of the audit log.

use super::time;
use crate::graphql::pagination;
use async_graphql::{Json, Object, ID};
use chrono::{DateTime, Utc};
use projector::AuditRow;

/// One event of the audit log.
#[derive(Clone)]
pub struct Event(pub AuditRow);

#[Object]
impl Event {
    /// Global position: strictly increasing, as returned by mutations.
    async fn position(&self) -> i64 {
        self.0.position
    }
    /// Pagination cursor of the event in the audit log (null in `history`).
    async fn cursor(&self) -> Option<String> {
        (self.0.ordinal > 0).then(|| pagination::encode(self.0.ordinal))
    }
    #[graphql(name = "type")]
    async fn event_type(&self) -> &str {
        &self.0.event_type
    }
    /// Payload version of the event type.
    async fn version(&self) -> &str {
        &self.0.event_version
    }
    async fn event_id(&self) -> ID {
        ID(self.0.event_id.clone())
    }
    async fn aggregate_type(&self) -> &str {
        &self.0.aggregate_type
    }
    async fn aggregate_id(&self) -> ID {
        ID(self.0.aggregate_id.clone())
    }
    async fn sequence(&self) -> i64 {
        self.0.sequence
    }
    async fn recorded_at(&self) -> DateTime<Utc> {
        time(self.0.recorded_us)
    }
    /// Who caused it: a user, `anonymous` or `system:worker`.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    async fn correlation_id(&self) -> &str {
        &self.0.correlation_id
    }
    async fn causation_id(&self) -> &str {
        &self.0.causation_id
    }
    async fn payload(&self) -> Json<serde_json::Value> {
        Json(self.0.payload.clone())
    }
    /// Actor, correlation, causation and W3C trace context.
    async fn metadata(&self) -> Json<serde_json::Value> {
        Json(self.0.metadata.clone())
    }
}
