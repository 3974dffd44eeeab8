//! Aggregates: one file per aggregate, each deciding on its commands and folding its events.
//!
//! `handle` is pure given the current state and the command (times are passed in by the
//! caller); `apply` only folds. Side effects happen in the worker, never here.

pub mod cluster;
pub mod droplet;
mod framework;
pub mod job;

pub use cluster::{Cluster, ClusterCommand, ClusterState};
pub use droplet::{Droplet, DropletCommand, DropletOperation, DropletState};
pub use job::{Job, JobCommand, JobState};

/// The part of an aggregate's state that readers see, with its one transition function.
///
/// The aggregate's `apply` and the projector's fold both call [`Lifecycle::evolve`], so a
/// status (and every other field a read model shows) is decided in exactly one place; a read
/// model row is this state plus bookkeeping (ordinal, version, timestamps).
pub trait Lifecycle: Sized {
    /// The aggregate's event type.
    type Event;
    /// The state an aggregate's first event creates; `None` for any other event.
    fn create(event: &Self::Event) -> Option<Self>;
    /// How a later event changes the state.
    fn apply(&mut self, event: &Self::Event);
    /// One step of the fold: creates the state, or applies the event to the existing one.
    fn evolve(state: &mut Option<Self>, event: &Self::Event) {
        match state {
            Some(s) => s.apply(event),
            None => *state = Self::create(event),
        }
    }
}

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
