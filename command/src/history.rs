//! Time travel for audits: an aggregate's state folded from its events up to a point.

use crate::aggregates::{with_aggregate, WithAggregate};
use crate::error::CommandError;
use crate::store::{EventStore, StoredEvent};
use cqrs_es::Aggregate;
use schema::events::upcast;
use schema::{AggregateType, DomainEventKind};

/// Where to stop folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOf {
    /// Everything.
    Now,
    /// Events at or before this global position.
    Position(i64),
    /// Events recorded at or before this time (microseconds since the epoch).
    Time(i64),
}

/// An aggregate as it was.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The folded state as JSON (`null` if the aggregate did not exist yet).
    pub state: serde_json::Value,
    /// The sequence of the last included event (0 if none).
    pub version: i64,
    /// The included events, oldest first.
    pub events: Vec<StoredEvent>,
}

/// Folds events into the state of the aggregate they belong to, as JSON.
struct Fold<'e>(&'e [StoredEvent]);

impl WithAggregate for Fold<'_> {
    type Output = Result<serde_json::Value, CommandError>;

    fn call<A>(self) -> Self::Output
    where
        A: Aggregate,
        A::Event: DomainEventKind,
    {
        if self.0.is_empty() {
            return Ok(serde_json::Value::Null);
        }
        let mut state = A::default();
        for e in self.0 {
            let event = upcast::<A::Event>(&e.event_type, &e.event_version, e.payload.clone())
                .map_err(|err| CommandError::Internal(err.to_string()))?;
            state.apply(event);
        }
        serde_json::to_value(&state).map_err(|e| CommandError::Internal(e.to_string()))
    }
}

/// Folds an aggregate's events up to `as_of`.
pub async fn state_at(
    store: &EventStore,
    aggregate_type: AggregateType,
    aggregate_id: &str,
    as_of: AsOf,
) -> Result<Snapshot, CommandError> {
    let mut events = store.load(aggregate_type, aggregate_id).await?;
    events.retain(|e| match as_of {
        AsOf::Now => true,
        AsOf::Position(p) => e.position <= p,
        AsOf::Time(t) => e.recorded_us <= t,
    });
    let state = with_aggregate(aggregate_type, Fold(&events))?;
    Ok(Snapshot {
        state,
        version: events.last().map(|e| e.sequence).unwrap_or(0),
        events,
    })
}
