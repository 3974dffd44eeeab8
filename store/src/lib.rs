//! ClusterGenie's event store, below both the write side (`command`) and the read side
//! (`projector`): the database handle over Postgres or SQLite, its migrations, the atomic
//! append with unique claims and idempotency records, and the global log with its cursors.
//!
//! - [`db`]: [`Db`], the native pools ([`Pool`], [`on_pool!`]) and the [`Dialect`].
//! - [`event_store`]: [`EventStore`]: append, aggregate loads, the global log and its head.

pub mod db;
pub mod event_store;
mod migrations;

pub use db::{now_us, Db, DbError, Dialect, Pool};
pub use event_store::{
    Append, Claim, Committed, EventStore, IdempotencyRecord, LogCursor, NewEvent, StoreError,
    StoredEvent,
};
