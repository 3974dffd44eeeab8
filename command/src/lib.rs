//! ClusterGenie's write side: aggregates decide, the event store appends, the worker acts.
//!
//! - [`aggregates`]: Cluster, Droplet and Job — where each command is decided and each
//!   event applied.
//! - [`handlers`]: [`Commands`], where each command is handled (load, decide, append).
//! - [`store`]: the event store over Postgres or SQLite, and the global log (re-exported
//!   from the `store` crate, with [`db`]).
//! - [`probe`]: probes a health check's target (HTTP, TCP) under the address policy.
//! - [`worker`]: runs jobs (provision, destroy, resize, power) with leases and retries.

pub mod aggregates;
pub mod context;
pub mod db;
pub mod error;
pub mod handlers;
pub mod history;
pub mod probe;
pub mod store;
pub mod worker;

pub use ::store::on_pool;
pub use context::RequestContext;
pub use db::{Db, DbError, Dialect, Pool};
pub use error::CommandError;
pub use handlers::{Commands, JobSettings, Outcome};
pub use store::{EventStore, LogCursor, StoredEvent};
