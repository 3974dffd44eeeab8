//! Aggregates: one file per aggregate, each deciding on its commands and folding its events.
//!
//! `handle` is pure given the current state and the command (times are passed in by the
//! caller); `apply` only folds. Side effects happen in the worker, never here.
//!
//! [`registry!`] below is the one list of aggregates on the write side: it declares each
//! aggregate's module and pairs it with its `schema::AggregateType`, exhaustively, so that
//! whatever needs "the aggregate of this type" ([`with_aggregate`]: `history`, …) derives from
//! it and a new `AggregateType` does not compile until it has an aggregate here.

use cqrs_es::Aggregate;
use schema::{AggregateType, DomainEventKind};

/// Something done with the aggregate of one type: [`with_aggregate`] calls it with the
/// aggregate registered for that type.
pub trait WithAggregate {
    /// What it answers.
    type Output;
    /// Called with the aggregate.
    fn call<A>(self) -> Self::Output
    where
        A: Aggregate,
        A::Event: DomainEventKind;
}

/// Declares the aggregates: `module: Aggregate` for each `AggregateType` variant `Aggregate`.
macro_rules! registry {
    ($($module:ident: $aggregate:ident),+ $(,)?) => {
        $(pub mod $module;)+

        /// Calls `f` with the aggregate of type `kind`. The match is exhaustive.
        pub fn with_aggregate<F: WithAggregate>(kind: AggregateType, f: F) -> F::Output {
            match kind {
                $(AggregateType::$aggregate => f.call::<$module::$aggregate>(),)+
            }
        }

        // Each aggregate's events name the type it is registered under.
        $(const _: () = assert!(matches!(
            <<$module::$aggregate as Aggregate>::Event as DomainEventKind>::AGGREGATE,
            AggregateType::$aggregate
        ));)+
    };
}

mod framework;

registry! {
    cluster: Cluster,
    droplet: Droplet,
    job: Job,
    health_check: HealthCheck,
    user: User,
    api_token: ApiToken,
    rate_limit_rule: RateLimitRule,
    diagnosis: Diagnosis,
    scaling_policy: ScalingPolicy,
}

pub use api_token::{ApiToken, ApiTokenCommand, ApiTokenState};
pub use cluster::{Cluster, ClusterCommand, ClusterState};
pub use diagnosis::{AppliedRecommendation, Diagnosis, DiagnosisCommand, DiagnosisState};
pub use droplet::{Droplet, DropletCommand, DropletOperation, DropletState};
pub use health_check::{HealthCheck, HealthCheckCommand, HealthCheckState};
pub use job::{Job, JobCommand, JobState};
pub use rate_limit_rule::{RateLimitRule, RateLimitRuleCommand, RateLimitRuleState};
pub use scaling_policy::{ScalingPolicy, ScalingPolicyCommand, ScalingPolicyState};
pub use user::{User, UserCommand, UserState};

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
