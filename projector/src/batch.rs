//! The rows of one read model that a batch touches: loaded with one query up front, changed
//! in memory event by event, written back once at the end. [`ModelBatch`] hides the read
//! model's types so a batch can hold one of these per read model in a list.

use crate::backend::Backend;
use crate::counts::Deltas;
use crate::error::ProjectorError;
use crate::models::{ReadModel, Versioned};
use crate::rows::ChangedRow;
use crate::table_io;
use command::{Db, StoredEvent};
use schema::events::upcast;
use schema::AggregateType;
use std::collections::HashMap;
use std::marker::PhantomData;

/// What applying one event to a read model did.
pub(crate) enum Applied {
    /// The row has seen this event already: a redelivery, to be skipped.
    Seen,
    /// Applied (or not decodable, or before the row's creation); the row as subscribers get
    /// it, when asked for and changed.
    Done(Option<Box<ChangedRow>>),
}

/// One read model's part of a batch, whatever the read model.
#[async_trait::async_trait]
pub(crate) trait ModelBatch<DB: Backend>: Send {
    /// The aggregate type whose events it folds.
    fn aggregate(&self) -> AggregateType;
    /// Loads the rows of the batch's aggregates, one `IN (…)` select per chunk of ids.
    async fn load(&mut self, db: &Db, conn: &mut DB::Conn) -> Result<(), sqlx::Error>;
    /// Applies one event of [`ModelBatch::aggregate`]; `collect` asks for the changed row.
    fn apply(&mut self, e: &StoredEvent, ordinal: i64, collect: bool) -> Applied;
    /// Writes the changed rows back and adds their status moves to `counts`.
    async fn save(
        self: Box<Self>,
        db: &Db,
        conn: &mut DB::Conn,
        counts: &mut Deltas,
    ) -> Result<(), ProjectorError>;
}

/// One row a batch touches.
struct Slot<R> {
    /// The row as the batch has it so far (`None` before its creation).
    row: Option<R>,
    /// Its status when the batch began (`None` if it did not exist), for the counts.
    before: Option<&'static str>,
    /// Whether the batch changed it.
    changed: bool,
}

/// The rows of read model `M` that a batch touches.
pub(crate) struct Rows<M: ReadModel, DB> {
    slots: HashMap<String, Slot<M::Row>>,
    backend: PhantomData<fn() -> DB>,
}

impl<M: ReadModel, DB: Backend> Rows<M, DB> {
    /// A slot for every aggregate of `M::AGGREGATE` in `events`, empty until loaded.
    pub(crate) fn of(events: &[StoredEvent]) -> Self {
        let slots = events
            .iter()
            .filter(|e| e.aggregate_type == M::AGGREGATE.as_str())
            .map(|e| {
                let empty = Slot {
                    row: None,
                    before: None,
                    changed: false,
                };
                (e.aggregate_id.clone(), empty)
            })
            .collect();
        Self {
            slots,
            backend: PhantomData,
        }
    }
}

#[async_trait::async_trait]
impl<M: ReadModel, DB: Backend> ModelBatch<DB> for Rows<M, DB> {
    fn aggregate(&self) -> AggregateType {
        M::AGGREGATE
    }

    async fn load(&mut self, db: &Db, conn: &mut DB::Conn) -> Result<(), sqlx::Error> {
        let mut ids: Vec<&str> = self.slots.keys().map(String::as_str).collect();
        ids.sort_unstable();
        let rows = table_io::load_many::<M, DB>(db, conn, &ids).await?;
        for row in rows {
            if let Some(slot) = self.slots.get_mut(row.id()) {
                slot.before = Some(row.status());
                slot.row = Some(row);
            }
        }
        Ok(())
    }

    fn apply(&mut self, e: &StoredEvent, ordinal: i64, collect: bool) -> Applied {
        let Some(slot) = self.slots.get_mut(&e.aggregate_id) else {
            // Every id of the batch was loaded; an event from elsewhere changes nothing.
            return Applied::Done(None);
        };
        if slot.row.as_ref().is_some_and(|r| r.version() >= e.sequence) {
            return Applied::Seen;
        }
        let Some(event) = decode::<M::Event>(e) else {
            return Applied::Done(None);
        };
        // A fold only returns `None` when it was given `None` (an event before creation), so
        // taking the row out loses nothing.
        match M::fold(slot.row.take(), ordinal, e, &event) {
            Some(next) => {
                slot.changed = true;
                let row = &*slot.row.insert(next);
                Applied::Done(if collect {
                    M::changed(row).map(Box::new)
                } else {
                    None
                })
            }
            None => Applied::Done(None),
        }
    }

    async fn save(
        self: Box<Self>,
        db: &Db,
        conn: &mut DB::Conn,
        counts: &mut Deltas,
    ) -> Result<(), ProjectorError> {
        let mut changed: Vec<(&String, &Slot<M::Row>)> =
            self.slots.iter().filter(|(_, s)| s.changed).collect();
        changed.sort_unstable_by_key(|(id, _)| *id);
        let mut rows = Vec::with_capacity(changed.len());
        for (_, slot) in changed {
            if let Some(row) = &slot.row {
                counts.row(M::NAME, slot.before, row.status());
                rows.push(row);
            }
        }
        table_io::save_many::<M, DB>(db, conn, &rows).await
    }
}

/// The event of `e`, upcast to the current version; `None` (counted and logged) when it
/// cannot be decoded, so the projector records it in the audit log only and moves on.
fn decode<E: serde::de::DeserializeOwned>(e: &StoredEvent) -> Option<E> {
    match upcast::<E>(&e.event_type, &e.event_version, e.payload.clone()) {
        Ok(ev) => Some(ev),
        Err(err) => {
            metrics::counter!("clustergenie_projector_undecodable_events_total").increment(1);
            tracing::error!(
                position = e.position,
                event_type = e.event_type,
                error = %err,
                "cannot decode event; recorded in the audit log only"
            );
            None
        }
    }
}
