//! `history`: an aggregate's state and events at a point in its history, folded from the
//! event store itself rather than from the read models.

use super::filters::AsOf;
use super::inputs;
use super::types::{AggregateType, Event};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Json, Result, SimpleObject, ID};
use command::history::{self, AsOf as HistoryPoint};
use projector::AuditRow;

/// An aggregate's state and events at a point in its history.
#[derive(SimpleObject)]
pub struct History {
    pub aggregate_type: AggregateType,
    pub aggregate_id: ID,
    /// False when the aggregate had no events by then.
    pub exists: bool,
    /// Sequence of the last included event.
    pub version: i64,
    /// The state folded from the included events (`null` if it did not exist).
    pub state: Json<serde_json::Value>,
    /// The included events, oldest first.
    pub events: Vec<Event>,
}

impl AsOf {
    /// The point it names: a position or a time, not both; now when neither.
    fn point(&self) -> Result<HistoryPoint> {
        match (self.position, self.time) {
            (None, None) => Ok(HistoryPoint::Now),
            (Some(p), None) => Ok(HistoryPoint::Position(p)),
            (None, Some(t)) => Ok(HistoryPoint::Time(t.timestamp_micros())),
            (Some(_), Some(_)) => Err(errors::bad_input(
                "asOf: give either position or time, not both",
            )),
        }
    }
}

/// Folds an aggregate's events up to `as_of`.
pub async fn history(
    state: &AppState,
    aggregate_type: AggregateType,
    aggregate_id: &ID,
    as_of: Option<AsOf>,
) -> Result<History> {
    let id = inputs::any_id("aggregateId", aggregate_id)?;
    let point = as_of.unwrap_or_default().point()?;
    let snapshot = history::state_at(state.store(), aggregate_type.into(), &id, point)
        .await
        .map_err(errors::command)?;
    Ok(History {
        aggregate_type,
        aggregate_id: ID(id),
        exists: !snapshot.events.is_empty(),
        version: snapshot.version,
        state: Json(snapshot.state),
        // Shown as audit-log events, without a cursor: they are not read from the log.
        events: snapshot
            .events
            .into_iter()
            .map(|e| {
                Event(AuditRow {
                    ordinal: 0,
                    position: e.position,
                    aggregate_type: e.aggregate_type,
                    aggregate_id: e.aggregate_id,
                    sequence: e.sequence,
                    event_type: e.event_type,
                    event_version: e.event_version,
                    event_id: e.event_id,
                    actor: e.metadata.actor.clone(),
                    correlation_id: e.metadata.correlation_id.clone(),
                    causation_id: e.metadata.causation_id.clone(),
                    payload: e.payload,
                    metadata: serde_json::to_value(&e.metadata).unwrap_or_default(),
                    recorded_us: e.recorded_us,
                })
            })
            .collect(),
    })
}
