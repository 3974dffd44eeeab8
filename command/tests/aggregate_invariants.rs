//! Property tests over random sequences of valid and invalid commands, decided by the real
//! aggregates exactly as the command handler does (on the loaded state, in place):
//! - a refused command emits nothing and leaves the aggregate as it was, even though the
//!   handler ran on the state itself (a handler that writes an event and then refuses fails);
//! - every emitted event survives its stored form (`payload_of`, type name, version) and
//!   `upcast` unchanged, and folding those decoded events from scratch gives the state the
//!   aggregate reached (what `Commands::load` does after a restart);
//! - each aggregate's own invariants hold after every command.

use command::aggregates::{Cluster, DomainError, Droplet, Job, JobCommand};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use proptest::prelude::*;
use schema::{DomainEventKind, DropletStatus, JobStatus};
use testkit::commands::{cluster_command, droplet_command_sequence, job_command};

/// Runs `command` on `state` itself, as `Commands::decide_on` does. On refusal, checks that
/// nothing was emitted and nothing changed; on success, returns the events.
fn handle<A>(
    state: &mut A,
    command: A::Command,
) -> Result<Result<Vec<A::Event>, DomainError>, TestCaseError>
where
    A: Aggregate<Services = (), Error = DomainError> + Clone + PartialEq + std::fmt::Debug,
{
    let before = state.clone();
    let sink = EventSink::default();
    let result = futures::executor::block_on(state.handle(command, &(), &sink));
    let events = futures::executor::block_on(sink.collect());
    match result {
        Ok(()) => Ok(Ok(events)),
        Err(e) => {
            prop_assert!(events.is_empty(), "refused ({e}) yet emitted {events:?}");
            prop_assert_eq!(
                &*state,
                &before,
                "refused ({}) yet changed the aggregate",
                e
            );
            Ok(Err(e))
        }
    }
}

/// Each event through its stored form and back, as the store and `Commands::load` see it.
fn through_the_store<E>(events: &[E]) -> Result<Vec<E>, TestCaseError>
where
    E: DomainEventKind
        + serde::Serialize
        + serde::de::DeserializeOwned
        + PartialEq
        + std::fmt::Debug,
{
    let mut out = Vec::new();
    for event in events {
        let payload = schema::events::payload_of(event);
        let decoded: E = schema::events::upcast(event.type_name(), event.version(), payload)
            .map_err(|e| TestCaseError::fail(format!("{event:?} does not decode: {e}")))?;
        prop_assert_eq!(&decoded, event, "the stored form loses something");
        out.push(decoded);
    }
    Ok(out)
}

/// A fresh aggregate folded from `events`.
fn fold<A: Aggregate>(events: Vec<A::Event>) -> A {
    let mut a = A::default();
    for e in events {
        a.apply(e);
    }
    a
}

/// Decides every command; after each one checks the refusal rule, the stored-form refold
/// and `invariants(before, after)`.
fn run<A>(
    commands: Vec<A::Command>,
    invariants: impl Fn(&A, &A) -> Result<(), TestCaseError>,
) -> Result<(), TestCaseError>
where
    A: Aggregate<Services = (), Error = DomainError> + Clone + PartialEq + std::fmt::Debug,
    A::Event: DomainEventKind + serde::Serialize + serde::de::DeserializeOwned + PartialEq,
{
    let mut aggregate = A::default();
    let mut log: Vec<A::Event> = Vec::new();
    for command in commands {
        let before = aggregate.clone();
        if let Ok(events) = handle(&mut aggregate, command)? {
            log.extend(through_the_store(&events)?);
        }
        prop_assert_eq!(&fold::<A>(log.clone()), &aggregate, "a reload differs");
        invariants(&before, &aggregate)?;
    }
    Ok(())
}

fn droplet_invariants(before: &Droplet, droplet: &Droplet) -> Result<(), TestCaseError> {
    let status = droplet.state.as_ref().map(|s| s.status);
    if before.state.as_ref().map(|s| s.status) == Some(DropletStatus::Destroyed) {
        prop_assert_eq!(before, droplet, "a destroyed droplet changed");
    }
    let ip = droplet.state.as_ref().and_then(|s| s.ip.clone());
    match status {
        Some(DropletStatus::Running | DropletStatus::Stopped) => prop_assert!(ip.is_some()),
        Some(DropletStatus::Destroying) => {
            prop_assert_eq!(droplet.pending.map(|p| p.1), Some(schema::JobType::Destroy))
        }
        Some(DropletStatus::Destroyed) => {
            prop_assert!(droplet.pending.is_none() && ip.is_none())
        }
        Some(DropletStatus::Provisioning) => prop_assert!(droplet.pending.is_none()),
        _ => {}
    }
    Ok(())
}

fn job_invariants(before: &Job, job: &Job, requeued: bool) -> Result<(), TestCaseError> {
    let Some(state) = &job.state else {
        return Ok(());
    };
    let progress_before = before.state.as_ref().map_or(0, |s| s.progress);
    if !requeued && state.status != JobStatus::Completed {
        prop_assert!(state.progress >= progress_before, "progress went backwards");
    }
    prop_assert!(state.progress <= 100);
    match state.status {
        JobStatus::Running => {
            prop_assert!(state.worker.is_some() && state.lease_expires_at.is_some())
        }
        s if s.is_terminal() => {
            prop_assert!(state.worker.is_none() && state.lease_expires_at.is_none())
        }
        _ => {}
    }
    if state.status == JobStatus::Completed {
        prop_assert_eq!(state.progress, 100);
    }
    Ok(())
}

fn cluster_invariants(_: &Cluster, cluster: &Cluster) -> Result<(), TestCaseError> {
    if let Some(state) = &cluster.state {
        if state.status == schema::ClusterStatus::Deleted {
            prop_assert!(cluster.live_droplets.is_empty());
        }
        prop_assert_eq!(state.droplet_count, cluster.live_droplets.len() as i64);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn droplet_invariants_hold(commands in droplet_command_sequence(40)) {
        run::<Droplet>(commands, droplet_invariants)?;
    }

    #[test]
    fn job_invariants_hold(commands in prop::collection::vec(job_command(), 1..60)) {
        // A requeue may reset progress; the invariant is about everything else.
        let requeues: Vec<bool> = commands.iter().map(|c| matches!(c, JobCommand::RequeueJob)).collect();
        let step = std::cell::Cell::new(0);
        run::<Job>(commands, |before, job| {
            let i = step.get();
            step.set(i + 1);
            job_invariants(before, job, requeues[i])
        })?;
    }

    #[test]
    fn a_deleted_cluster_never_holds_droplets(commands in prop::collection::vec(cluster_command(), 1..40)) {
        run::<Cluster>(commands, cluster_invariants)?;
    }
}
