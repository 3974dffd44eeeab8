//! Where each event is applied to its row: the aggregate's own transition function
//! ([`Lifecycle::evolve`]) decides every lifecycle field; the read models only add
//! bookkeeping (ordinal, version, timestamps) and, for jobs, the message and the timeline.

use crate::rows::LifecycleRow;
use command::aggregates::Lifecycle;
use command::StoredEvent;

/// Applies an event to a state with the aggregate's transition function; `None` when there
/// is no state and the event does not create one.
pub fn evolve<S: Lifecycle>(state: Option<S>, event: &S::Event) -> Option<S> {
    let mut state = state;
    S::evolve(&mut state, event);
    state
}

/// Applies an event to a [`LifecycleRow`] (`None` before creation).
pub fn lifecycle_row<S: Lifecycle>(
    row: Option<LifecycleRow<S>>,
    ordinal: i64,
    e: &StoredEvent,
    event: &S::Event,
) -> Option<LifecycleRow<S>> {
    let (id, ordinal, state, created_us) = match row {
        Some(row) => (row.id, row.ordinal, Some(row.state), row.created_us),
        None => (e.aggregate_id.clone(), ordinal, None, e.recorded_us),
    };
    Some(LifecycleRow {
        id,
        ordinal,
        state: evolve(state, event)?,
        version: e.sequence,
        created_us,
        updated_us: e.recorded_us,
    })
}
