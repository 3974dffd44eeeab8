//! One state machine per aggregate: for random command sequences decided by the real
//! aggregates, the row the projector folds from the emitted events equals the row mapped from
//! the aggregate's own state, after every event (every prefix of the history).

use chrono::{DateTime, Duration, Utc};
use command::aggregates::{
    Cluster, ClusterCommand, DomainError, Droplet, DropletCommand, DropletOperation, Job,
    JobCommand,
};
use command::StoredEvent;
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use projector::models::{clusters::Clusters, droplets::Droplets, jobs::Jobs, ReadModel};
use proptest::prelude::*;
use schema::{
    AggregateType, ClusterName, DomainEventKind, DropletId, DropletName, DropletStatus, Image,
    JobId, JobType, Labels, Region, Size,
};

/// Decides `command` on `state`; on success applies and returns the events.
fn decide<A>(state: &mut A, command: A::Command) -> Vec<A::Event>
where
    A: Aggregate<Services = (), Error = DomainError> + Clone,
{
    let mut working = state.clone();
    let sink = EventSink::default();
    let ok = futures::executor::block_on(working.handle(command, &(), &sink)).is_ok();
    let events = futures::executor::block_on(sink.collect());
    if ok {
        *state = working;
        events
    } else {
        vec![]
    }
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

fn jobs() -> impl Strategy<Value = JobId> + Clone {
    prop::sample::select(vec![
        JobId(uuid::Uuid::from_u128(1)),
        JobId(uuid::Uuid::from_u128(2)),
    ])
}

fn operation() -> impl Strategy<Value = DropletOperation> {
    let size = prop::sample::select(vec!["s-1vcpu-1gb", "s-2vcpu-4gb"])
        .prop_map(|s| Size::parse(s).unwrap());
    prop_oneof![
        size.prop_map(|size| DropletOperation::Resize { size }),
        any::<bool>().prop_map(|on| DropletOperation::Power { on }),
        Just(DropletOperation::Destroy),
    ]
}

/// A step of a droplet's life; [`Step::command`] turns it into a command that refers to
/// the droplet's pending job, as the worker's commands do, so random runs reach every state.
#[derive(Debug, Clone)]
enum Step {
    Create(JobId),
    BeginProvisioning(JobId),
    CompleteProvisioning,
    FailProvisioning,
    Request(JobId, DropletOperation),
    CompletePending,
    AbandonPending,
    /// A command for a job that is not (or no longer) pending.
    Stray(DropletCommand),
}

impl Step {
    fn command(self, droplet: &Droplet, requested: &[(JobId, DropletOperation)]) -> DropletCommand {
        let pending = droplet
            .pending
            .map(|p| p.0)
            .unwrap_or(JobId(uuid::Uuid::from_u128(9)));
        let operation = requested
            .iter()
            .rev()
            .find(|(j, _)| *j == pending)
            .map(|(_, o)| o.clone())
            .unwrap_or(DropletOperation::Destroy);
        match self {
            Step::Create(job_id) => DropletCommand::CreateDroplet {
                name: DropletName::parse("web-1").unwrap(),
                cluster_id: None,
                region: Region::parse("nyc1").unwrap(),
                size: Size::parse("s-1vcpu-1gb").unwrap(),
                image: Image::parse("debian-12-x64").unwrap(),
                job_id,
            },
            Step::BeginProvisioning(job_id) => DropletCommand::BeginProvisioning { job_id },
            Step::CompleteProvisioning => DropletCommand::CompleteProvisioning {
                ip: "10.0.0.2".into(),
            },
            Step::FailProvisioning => DropletCommand::FailProvisioning {
                reason: "boom".into(),
            },
            Step::Request(job_id, operation) => {
                DropletCommand::RequestOperation { job_id, operation }
            }
            Step::CompletePending => DropletCommand::CompleteOperation {
                job_id: pending,
                operation,
            },
            Step::AbandonPending => DropletCommand::AbandonOperation {
                job_id: pending,
                reason: "x".into(),
            },
            Step::Stray(command) => command,
        }
    }
}

fn droplet_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => jobs().prop_map(Step::Create),
        1 => jobs().prop_map(Step::BeginProvisioning),
        2 => Just(Step::CompleteProvisioning),
        1 => Just(Step::FailProvisioning),
        4 => (jobs(), operation()).prop_map(|(j, o)| Step::Request(j, o)),
        3 => Just(Step::CompletePending),
        2 => Just(Step::AbandonPending),
        1 => (jobs(), operation()).prop_map(|(job_id, operation)| {
            Step::Stray(DropletCommand::CompleteOperation { job_id, operation })
        }),
    ]
}

/// Turns steps into commands against the droplet they would be sent to.
fn droplet_commands(steps: Vec<Step>) -> Vec<DropletCommand> {
    let mut droplet = Droplet::default();
    let mut requested = Vec::new();
    let mut out = Vec::new();
    for step in steps {
        let command = step.command(&droplet, &requested);
        if let DropletCommand::RequestOperation { job_id, operation } = &command {
            requested.push((*job_id, operation.clone()));
        }
        decide(&mut droplet, command.clone());
        out.push(command);
    }
    out
}

fn t(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + seconds, 0).unwrap()
}

fn job_command() -> impl Strategy<Value = JobCommand> {
    let worker = prop::sample::select(vec!["w1", "w2"]).prop_map(String::from);
    let now = (0i64..200).prop_map(t);
    prop_oneof![
        Just(JobCommand::QueueJob {
            job_type: JobType::Provision,
            target_type: AggregateType::Droplet,
            target_id: "d".into(),
            params: serde_json::Value::Null,
            max_attempts: 3,
        }),
        (worker.clone(), now.clone()).prop_map(|(worker, now)| JobCommand::StartJob {
            worker,
            now,
            lease: Duration::seconds(30),
        }),
        (
            worker.clone(),
            0u8..=120,
            now.clone(),
            prop::sample::select(vec!["booting", "networking"])
        )
            .prop_map(
                |(worker, progress, now, stage)| JobCommand::ReportProgress {
                    worker,
                    progress,
                    stage: stage.into(),
                    message: "step".into(),
                    now,
                    lease: Duration::seconds(30),
                }
            ),
        worker.clone().prop_map(|worker| JobCommand::CompleteJob {
            worker,
            result: serde_json::json!({"ok": true}),
        }),
        (worker, now, any::<bool>()).prop_map(|(worker, now, retryable)| JobCommand::FailAttempt {
            worker,
            error: "boom".into(),
            now,
            backoff: Duration::seconds(1),
            retryable,
        }),
        Just(JobCommand::CancelJob {
            reason: "user".into()
        }),
        Just(JobCommand::RequeueJob),
    ]
}

fn cluster_command() -> impl Strategy<Value = ClusterCommand> {
    let droplet = prop::sample::select(
        (1..=3u128)
            .map(|i| DropletId(uuid::Uuid::from_u128(i)))
            .collect::<Vec<_>>(),
    );
    prop_oneof![
        Just(ClusterCommand::CreateCluster {
            name: ClusterName::parse("prod").unwrap(),
            region: Region::parse("nyc1").unwrap(),
            labels: Labels::parse([("team".to_string(), "ops".to_string())]).unwrap(),
        }),
        droplet
            .clone()
            .prop_map(|droplet_id| ClusterCommand::AttachDroplet { droplet_id }),
        droplet.prop_map(|droplet_id| ClusterCommand::DetachDroplet { droplet_id }),
        Just(ClusterCommand::DeleteCluster),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn droplet_rows_follow_the_aggregate(steps in prop::collection::vec(droplet_step(), 1..40)) {
        check::<Droplet, Droplets, _>(droplet_commands(steps), |r| &r.state, |a| a.state.as_ref())?;
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
