//! The audit log: every projected event, in global order, whatever its aggregate type.

use super::{Listed, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::json;
use crate::counts;
use command::StoredEvent;
use schema::AggregateType;
use serde::{Deserialize, Serialize};

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

impl AuditRow {
    /// The audit row of `e`, the `ordinal`th event projected.
    pub fn of(ordinal: i64, e: &StoredEvent) -> Result<Self, serde_json::Error> {
        Ok(Self {
            ordinal,
            position: e.position,
            aggregate_type: e.aggregate_type.clone(),
            aggregate_id: e.aggregate_id.clone(),
            sequence: e.sequence,
            event_type: e.event_type.clone(),
            event_version: e.event_version.clone(),
            event_id: e.event_id.clone(),
            actor: e.metadata.actor.clone(),
            correlation_id: e.metadata.correlation_id.clone(),
            causation_id: e.metadata.causation_id.clone(),
            payload: e.payload.clone(),
            metadata: serde_json::to_value(&e.metadata)?,
            recorded_us: e.recorded_us,
        })
    }

    /// Binds the row's values in [`AuditLog::COLUMNS`] order.
    pub(crate) fn bind<'q, Q: Bind<'q>>(q: Q, r: &'q AuditRow) -> Result<Q, serde_json::Error> {
        Ok(q.int(r.ordinal)
            .int(r.position)
            .text(&r.aggregate_type)
            .text(&r.aggregate_id)
            .int(r.sequence)
            .text(&r.event_type)
            .text(&r.event_version)
            .text(&r.event_id)
            .text(&r.actor)
            .text(&r.correlation_id)
            .text(&r.causation_id)
            .owned(r.payload.to_string())
            .owned(r.metadata.to_string())
            .int(r.recorded_us))
    }
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub aggregate_type: Option<AggregateType>,
    pub aggregate_id: Option<String>,
    pub event_type: Option<String>,
    pub actor: Option<String>,
    pub correlation_id: Option<String>,
    pub since_us: Option<i64>,
    pub until_us: Option<i64>,
    /// Case-insensitive substring of the actor.
    pub actor_contains: Option<String>,
    /// Event types to leave out (e.g. `JobProgressed`).
    pub exclude_event_types: Vec<String>,
}

impl EventFilter {
    /// Whether an event passes the filter (for live subscriptions).
    pub fn matches(&self, r: &AuditRow) -> bool {
        self.aggregate_type
            .is_none_or(|v| r.aggregate_type == v.as_str())
            && self
                .aggregate_id
                .as_ref()
                .is_none_or(|v| &r.aggregate_id == v)
            && self.event_type.as_ref().is_none_or(|v| &r.event_type == v)
            && self.actor.as_ref().is_none_or(|v| &r.actor == v)
            && self
                .correlation_id
                .as_ref()
                .is_none_or(|v| &r.correlation_id == v)
            && self.since_us.is_none_or(|t| r.recorded_us >= t)
            && self.until_us.is_none_or(|t| r.recorded_us <= t)
            && self
                .actor_contains
                .as_ref()
                .is_none_or(|v| r.actor.to_lowercase().contains(&v.to_lowercase()))
            && !self.exclude_event_types.contains(&r.event_type)
    }
}

/// The `audit_log` table.
pub struct AuditLog;

impl Table for AuditLog {
    type Row = AuditRow;
    const NAME: &'static str = "audit_log";
    const COLUMNS: &'static str = "ordinal, global_position, aggregate_type, aggregate_id, sequence, event_type, event_version, event_id, actor, correlation_id, causation_id, payload, metadata, recorded_us";

    fn decode(row: &impl Columns) -> Result<AuditRow, sqlx::Error> {
        Ok(AuditRow {
            ordinal: row.int("ordinal")?,
            position: row.int("global_position")?,
            aggregate_type: row.text("aggregate_type")?,
            aggregate_id: row.text("aggregate_id")?,
            sequence: row.int("sequence")?,
            event_type: row.text("event_type")?,
            event_version: row.text("event_version")?,
            event_id: row.text("event_id")?,
            actor: row.text("actor")?,
            correlation_id: row.text("correlation_id")?,
            causation_id: row.text("causation_id")?,
            payload: json(row, "payload")?,
            metadata: json(row, "metadata")?,
            recorded_us: row.int("recorded_us")?,
        })
    }
}

impl Listed for AuditLog {
    type Filter = EventFilter;
    fn filter(f: &EventFilter, w: &mut Where) -> Option<String> {
        w.eq("aggregate_type", f.aggregate_type.map(|s| s.as_str()));
        w.eq("aggregate_id", f.aggregate_id.as_deref());
        w.eq("event_type", f.event_type.as_deref());
        w.eq("actor", f.actor.as_deref());
        w.eq("correlation_id", f.correlation_id.as_deref());
        w.num("recorded_us", ">=", f.since_us);
        w.num("recorded_us", "<=", f.until_us);
        w.like_ci("actor", &f.actor_contains);
        w.not_in("event_type", &f.exclude_event_types);
        w.is_empty().then(|| counts::key(Self::NAME, None))
    }
}
