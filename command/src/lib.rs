//! ClusterGenie's write side: aggregates decide, the event store appends, the worker acts.
//!
//! - [`aggregates`]: Cluster, Droplet and Job — where each command is decided and each
//!   event applied.
//! - [`autoscale`]: what a scaling policy decides, as a pure function (HPA's arithmetic, cost cap).
//! - [`autoscaler`]: runs scaling policies: evaluates each once per interval and records the
//!   decisions that change a cluster, with the plan of their SCALE job.
//! - [`handlers`]: [`Commands`], where each command is handled (load, decide, append).
//! - [`store`]: the event store over Postgres or SQLite, and the global log (re-exported
//!   from the `store` crate, with [`db`]).
//! - [`diagnosis`]: what a diagnosis runs: the built-in analyzer and the model backend
//!   (explain and rank the built-in report through any OpenAI-compatible server, falling
//!   back to it).
//! - [`health`]: runs health checks: the scheduler, and the probes of their targets.
//! - [`rate_limit`]: GCRA token buckets, in process or in Redis (the engine behind the rules).
//! - [`telemetry`]: the metrics simulator: what every running droplet reports each interval.
//! - [`worker`]: runs jobs (provision, destroy, resize, power, diagnose, scale) with leases and retries.

pub mod aggregates;
pub mod autoscale;
pub mod autoscaler;
pub mod context;
pub mod credentials;
pub mod db;
pub mod diagnosis;
pub mod error;
pub mod handlers;
pub mod health;
pub mod history;
pub mod rate_limit;
pub mod store;
pub mod telemetry;
pub mod worker;

pub use ::store::on_pool;
pub use context::RequestContext;
pub use db::{Db, DbError, Dialect, Pool};
pub use error::CommandError;
pub use handlers::{Commands, JobSettings, Outcome};
pub use store::{EventStore, LogCursor, StoredEvent};
