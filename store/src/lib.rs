//! ClusterGenie's event store, below both the write side (`command`) and the read side
//! (`projector`): the database handle over Postgres or SQLite, its migrations, the atomic
//! append with unique claims and idempotency records, and the global log with its cursors.
//!
//! - [`db`]: [`Db`], the native pools ([`Pool`], [`on_pool!`]) and the [`Dialect`].
//! - [`event_store`]: the [`EventStore`] handle; [`append`] writes, [`claims`] keeps unique
//!   values and idempotency records, [`log`] reads streams and the global log (and states
//!   the safe-read rule).
//! - [`health_results`]: health-check runs (not events) and the scheduler's claims.
//! - [`activity_log`]: the structured log records of every role (not events), searched and tailed.
//! - [`metrics`]: telemetry samples and their rollups (not events) and the simulator's tick.
//! - [`scaling_evaluations`]: the autoscaler's claims, latest evaluations and
//!   recommendations (not events).
//! - [`worker_pool`]: the job workers' heartbeats (not events), the pool's figures.
//! - [`lag`]: how far a reader of the log (projector, relay) is behind.
//! - [`hooks`]: pauses in the append path for tests (feature `test-hooks`).

pub mod activity_log;
pub mod append;
pub mod claims;
pub mod credentials;
pub mod db;
pub mod error;
pub mod event;
pub mod event_store;
pub mod health_results;
pub mod hooks;
pub mod lag;
pub mod log;
pub mod metrics;
mod migrations;
pub mod scaling_evaluations;
mod schedule;
pub mod worker_pool;

pub use db::{now_us, Db, DbError, Dialect, Pool};
pub use error::StoreError;
pub use event::{
    Append, Claim, Committed, FirstResponse, IdempotencyRecord, LogCursor, NewEvent, SecretWrite,
    StoredEvent,
};
pub use event_store::EventStore;
