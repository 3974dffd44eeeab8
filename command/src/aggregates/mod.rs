//! Aggregates: one file per aggregate, each deciding on its commands and folding its events.
//!
//! `handle` is pure given the current state and the command (times are passed in by the
//! caller); `apply` only folds. Side effects happen in the worker, never here.

pub mod cluster;
pub mod droplet;
pub mod job;

pub use cluster::{Cluster, ClusterCommand};
pub use droplet::{Droplet, DropletCommand, DropletOperation};
pub use job::{Job, JobCommand};

/// Why an aggregate refused a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// The aggregate does not exist (yet, or any more).
    #[error("{0}")]
    NotFound(String),
    /// The aggregate already exists.
    #[error("{0}")]
    AlreadyExists(String),
    /// The command is not allowed in the aggregate's current state.
    #[error("{0}")]
    FailedPrecondition(String),
}
