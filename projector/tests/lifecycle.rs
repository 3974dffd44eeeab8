//! One state machine per aggregate: for random command sequences decided by the real
//! aggregates, the row the projector folds from the emitted events equals the row mapped from
//! the aggregate's own state, after every event (every prefix of the history).
//!
//! The command generators are the command side's own (`testkit::commands`), so both sides
//! explore the same state space.

use command::aggregates::{Cluster, DomainError, Droplet, DropletCommand, DropletOperation, Job};
use command::StoredEvent;
use cqrs_es::Aggregate;
use projector::models::{clusters::Clusters, droplets::Droplets, jobs::Jobs, ReadModel};
use proptest::prelude::*;
use schema::{DomainEventKind, DropletName, DropletStatus, Image, JobId, Region, Size};
use testkit::commands::{self, cluster_command, droplet_command_sequence, job_command};

/// Decides `command` on `state` as the handler does; the events, none when it is refused.
fn decide<A>(state: &mut A, command: A::Command) -> Vec<A::Event>
where
    A: Aggregate<Services = (), Error = DomainError> + Clone,
{
    commands::decide(state, command).unwrap_or_default()
}

/// The stored form of the `sequence`th event of an aggregate.
fn stored<E: DomainEventKind + serde::Serialize>(event: &E, sequence: i64) -> StoredEvent {
    StoredEvent {
        position: sequence,
        tx: 0,
        event_id: uuid::Uuid::new_v4().to_string(),
        aggregate_type: E::AGGREGATE.as_str().into(),
        aggregate_id: "00000000-0000-4000-8000-000000000001".into(),
        sequence,
        event_type: event.type_name().into(),
        event_version: event.version().into(),
        payload: schema::events::payload_of(event),
        metadata: Default::default(),
        recorded_us: 1_700_000_000_000_000 + sequence,
    }
}

/// Runs `commands` through the aggregate and, event by event, through read model `M`'s fold;
/// after each event the folded row's state must equal the aggregate's reader-visible state.
fn check<A, M, S>(
    commands: Vec<A::Command>,
    row_state: impl Fn(&M::Row) -> &S,
    aggregate_state: impl Fn(&A) -> Option<&S>,
) -> Result<(), TestCaseError>
where
    A: Aggregate<Services = (), Error = DomainError> + Clone,
    A::Event: DomainEventKind,
    M: ReadModel<Event = A::Event>,
    S: PartialEq + std::fmt::Debug,
{
    let mut aggregate = A::default();
    let mut replayed = A::default();
    let mut row: Option<M::Row> = None;
    let mut sequence = 0;
    for command in commands {
        for event in decide(&mut aggregate, command) {
            sequence += 1;
            row = M::fold(row.take(), 1, &stored(&event, sequence), &event);
            replayed.apply(event);
            prop_assert_eq!(row.as_ref().map(&row_state), aggregate_state(&replayed));
        }
    }
    prop_assert_eq!(row.as_ref().map(&row_state), aggregate_state(&aggregate));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn droplet_rows_follow_the_aggregate(commands in droplet_command_sequence(40)) {
        check::<Droplet, Droplets, _>(commands, |r| &r.state, |a| a.state.as_ref())?;
    }

    #[test]
    fn job_rows_follow_the_aggregate(commands in prop::collection::vec(job_command(), 1..60)) {
        check::<Job, Jobs, _>(commands, |r| &r.state, |a| a.state.as_ref())?;
    }

    #[test]
    fn cluster_rows_follow_the_aggregate(commands in prop::collection::vec(cluster_command(), 1..40)) {
        check::<Cluster, Clusters, _>(commands, |r| &r.state, |a| a.state.as_ref())?;
    }
}

/// The case that once drifted: a STOPPED droplet whose destroy is abandoned is STOPPED again,
/// in the aggregate and in the row.
#[test]
fn an_abandoned_destroy_of_a_stopped_droplet_leaves_it_stopped() {
    let provision = JobId(uuid::Uuid::from_u128(1));
    let power = JobId(uuid::Uuid::from_u128(2));
    let destroy = JobId(uuid::Uuid::from_u128(3));
    let off = DropletOperation::Power { on: false };
    let commands = vec![
        DropletCommand::CreateDroplet {
            name: DropletName::parse("web-1").unwrap(),
            cluster_id: None,
            region: Region::parse("nyc1").unwrap(),
            size: Size::parse("s-1vcpu-1gb").unwrap(),
            image: Image::parse("debian-12-x64").unwrap(),
            job_id: provision,
        },
        DropletCommand::CompleteProvisioning {
            ip: "10.0.0.2".into(),
        },
        DropletCommand::RequestOperation {
            job_id: power,
            operation: off.clone(),
        },
        DropletCommand::CompleteOperation {
            job_id: power,
            operation: off,
        },
        DropletCommand::RequestOperation {
            job_id: destroy,
            operation: DropletOperation::Destroy,
        },
        DropletCommand::AbandonOperation {
            job_id: destroy,
            reason: "cancelled".into(),
        },
    ];
    let mut droplet = Droplet::default();
    let mut row = None;
    let mut sequence = 0;
    for command in commands {
        for event in decide(&mut droplet, command) {
            sequence += 1;
            row = Droplets::fold(row, 1, &stored(&event, sequence), &event);
        }
    }
    assert_eq!(
        droplet.state.as_ref().map(|s| s.status),
        Some(DropletStatus::Stopped)
    );
    assert_eq!(row.map(|r| r.state.status), Some(DropletStatus::Stopped));
}
