//! The job worker: finds runnable jobs, runs them on a bounded pool, reports progress.
//!
//! A dispatcher hands job ids to a queue of `queue_capacity`; `workers` tasks take them. A full
//! queue leaves jobs QUEUED in the store, to be picked up on a later pass, so nothing is
//! dropped. Every job is started under a lease that progress reports renew; a job whose
//! worker died is taken over once its lease has expired. Its heartbeat tells every process
//! on the database how many runners it has and how many are busy.

mod heartbeat;
mod provider;
mod runner;
mod scale;

pub use provider::{JobPlan, ProviderError, SimulatedProvider, Stage};
pub use runner::{JobFeed, JobFeedError, Worker, WorkerSettings};
