//! The read models whose row is one aggregate's own state plus bookkeeping
//! ([`LifecycleRow`]): the state says which columns it is stored in ([`StateColumns`]), and
//! [`Lifecycle`] is the read model over it, its fold the aggregate's own transition function.

use super::{ReadModel, Table, Versioned};
use crate::backend::{Bind, Columns};
use crate::fold::lifecycle_row;
use crate::rows::{ChangedRow, LifecycleRow};
use command::StoredEvent;
use schema::AggregateType;
use std::marker::PhantomData;

/// An aggregate state stored as the lifecycle columns of a read-model table, between
/// `id, ordinal` and `version, created_us, updated_us`.
pub trait StateColumns:
    command::aggregates::Lifecycle<Event: serde::de::DeserializeOwned>
    + Clone
    + serde::Serialize
    + Send
    + Sync
    + 'static
{
    /// The aggregate type whose state it is.
    const AGGREGATE: AggregateType;
    /// The table's name.
    const NAME: &'static str;
    /// All of the table's columns, comma-separated: `id, ordinal`, the state's, then
    /// `version, created_us, updated_us`.
    const COLUMNS: &'static str;
    /// The state's status, as stored.
    fn status(&self) -> &'static str;
    /// Every status the state can have.
    fn statuses() -> Vec<&'static str>;
    /// Decodes the state's columns.
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error>;
    /// Binds the state's values in [`StateColumns::COLUMNS`] order.
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error>;
    /// The row as live subscribers get it.
    fn changed(row: &LifecycleRow<Self>) -> Option<ChangedRow>;
}

/// The read model of the aggregate whose state is `S`: one [`LifecycleRow`] per aggregate.
pub struct Lifecycle<S>(PhantomData<fn() -> S>);

impl<S: StateColumns> Table for Lifecycle<S> {
    type Row = LifecycleRow<S>;
    const NAME: &'static str = S::NAME;
    const COLUMNS: &'static str = S::COLUMNS;

    fn decode(row: &impl Columns) -> Result<LifecycleRow<S>, sqlx::Error> {
        LifecycleRow::decode(row, S::decode)
    }
}

impl<S: StateColumns> Versioned for LifecycleRow<S> {
    fn id(&self) -> &str {
        &self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn status(&self) -> &'static str {
        self.state.status()
    }
    fn statuses() -> Vec<&'static str> {
        S::statuses()
    }
}

impl<S: StateColumns> ReadModel for Lifecycle<S> {
    type Event = S::Event;
    const AGGREGATE: AggregateType = S::AGGREGATE;

    fn bind<'q, Q: Bind<'q>>(q: Q, row: &'q LifecycleRow<S>) -> Result<Q, serde_json::Error> {
        row.bind(q, |q, s| s.bind(q))
    }
    fn fold(
        row: Option<LifecycleRow<S>>,
        ordinal: i64,
        e: &StoredEvent,
        event: &S::Event,
    ) -> Option<LifecycleRow<S>> {
        lifecycle_row(row, ordinal, e, event)
    }
    fn changed(row: &LifecycleRow<S>) -> Option<ChangedRow> {
        S::changed(row)
    }
}
