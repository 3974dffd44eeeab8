//! Proptest generators of aggregate commands, shared by the command side's invariant tests
//! and the projector's lifecycle tests, so both explore the same state space.
//!
//! Droplet commands are generated as [`DropletStep`]s and turned into commands against the
//! droplet they would be sent to (referring to its pending job, as the worker does), so random
//! runs reach every status instead of being refused at the first step.

use chrono::{DateTime, Duration, Utc};
use command::aggregates::{
    ClusterCommand, DomainError, Droplet, DropletCommand, DropletOperation, JobCommand,
};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use proptest::prelude::*;
use schema::{
    AggregateType, ClusterName, DropletId, DropletName, Image, JobId, JobType, Labels, Region, Size,
};

/// Decides `command` as the command handler does: on the loaded state, kept only when the
/// command is accepted. Returns the events (none when refused).
pub fn decide<A>(state: &mut A, command: A::Command) -> Result<Vec<A::Event>, DomainError>
where
    A: Aggregate<Services = (), Error = DomainError> + Clone,
{
    let mut working = state.clone();
    let sink = EventSink::default();
    let result = futures::executor::block_on(working.handle(command, &(), &sink));
    let events = futures::executor::block_on(sink.collect());
    result.map(|()| {
        *state = working;
        events
    })
}

/// A fixed instant plus `seconds`.
pub fn t(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000 + seconds, 0).expect("a valid timestamp")
}

/// One of three job ids.
pub fn job_id() -> impl Strategy<Value = JobId> + Clone {
    prop::sample::select(
        (1..=3u128)
            .map(|i| JobId(uuid::Uuid::from_u128(i)))
            .collect::<Vec<_>>(),
    )
}

/// A resize, power or destroy operation.
pub fn operation() -> impl Strategy<Value = DropletOperation> + Clone {
    let size = prop::sample::select(vec!["s-1vcpu-1gb", "s-2vcpu-4gb", "s-8vcpu-16gb"])
        .prop_map(|s| Size::parse(s).expect("a catalogue size"));
    prop_oneof![
        size.prop_map(|size| DropletOperation::Resize { size }),
        any::<bool>().prop_map(|on| DropletOperation::Power { on }),
        Just(DropletOperation::Destroy),
    ]
}

/// A step of a droplet's life; [`DropletStep::command`] turns it into a command.
#[derive(Debug, Clone)]
pub enum DropletStep {
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

impl DropletStep {
    /// The command this step sends to `droplet`, given the operations requested so far.
    pub fn command(
        self,
        droplet: &Droplet,
        requested: &[(JobId, DropletOperation)],
    ) -> DropletCommand {
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
            DropletStep::Create(job_id) => DropletCommand::CreateDroplet {
                name: DropletName::parse("web-1").expect("a valid name"),
                cluster_id: None,
                region: Region::parse("nyc1").expect("a catalogue region"),
                size: Size::parse("s-1vcpu-1gb").expect("a catalogue size"),
                image: Image::parse("debian-12-x64").expect("a catalogue image"),
                job_id,
            },
            DropletStep::BeginProvisioning(job_id) => DropletCommand::BeginProvisioning { job_id },
            DropletStep::CompleteProvisioning => DropletCommand::CompleteProvisioning {
                ip: "10.0.0.2".into(),
            },
            DropletStep::FailProvisioning => DropletCommand::FailProvisioning {
                reason: "boom".into(),
            },
            DropletStep::Request(job_id, operation) => {
                DropletCommand::RequestOperation { job_id, operation }
            }
            DropletStep::CompletePending => DropletCommand::CompleteOperation {
                job_id: pending,
                operation,
            },
            DropletStep::AbandonPending => DropletCommand::AbandonOperation {
                job_id: pending,
                reason: "x".into(),
            },
            DropletStep::Stray(command) => command,
        }
    }
}

/// One droplet step, weighted towards the ones that move a droplet along.
pub fn droplet_step() -> impl Strategy<Value = DropletStep> {
    prop_oneof![
        1 => job_id().prop_map(DropletStep::Create),
        1 => job_id().prop_map(DropletStep::BeginProvisioning),
        2 => Just(DropletStep::CompleteProvisioning),
        1 => Just(DropletStep::FailProvisioning),
        4 => (job_id(), operation()).prop_map(|(j, o)| DropletStep::Request(j, o)),
        3 => Just(DropletStep::CompletePending),
        2 => Just(DropletStep::AbandonPending),
        1 => (job_id(), operation()).prop_map(|(job_id, operation)| {
            DropletStep::Stray(DropletCommand::CompleteOperation { job_id, operation })
        }),
        1 => job_id().prop_map(|job_id| {
            DropletStep::Stray(DropletCommand::AbandonOperation { job_id, reason: "stray".into() })
        }),
    ]
}

/// Turns steps into the commands they send to one droplet, in order.
pub fn droplet_commands(steps: Vec<DropletStep>) -> Vec<DropletCommand> {
    let mut droplet = Droplet::default();
    let mut requested = Vec::new();
    let mut out = Vec::new();
    for step in steps {
        let command = step.command(&droplet, &requested);
        if let DropletCommand::RequestOperation { job_id, operation } = &command {
            requested.push((*job_id, operation.clone()));
        }
        // A refused command leaves the droplet as it was; the next step is sent to that.
        decide(&mut droplet, command.clone()).ok();
        out.push(command);
    }
    out
}

/// Up to `max` droplet commands, as [`droplet_commands`] builds them.
pub fn droplet_command_sequence(max: usize) -> impl Strategy<Value = Vec<DropletCommand>> {
    prop::collection::vec(droplet_step(), 1..max).prop_map(droplet_commands)
}

/// Any job command, from two workers at instants within 200 s.
pub fn job_command() -> impl Strategy<Value = JobCommand> {
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
        (worker, now, any::<bool>()).prop_map(|(worker, now, retryable)| {
            JobCommand::FailAttempt {
                worker,
                error: "boom".into(),
                now,
                backoff: Duration::seconds(1),
                retryable,
            }
        }),
        Just(JobCommand::CancelJob {
            reason: "user".into()
        }),
        Just(JobCommand::RequeueJob),
    ]
}

/// Any cluster command, about three droplets.
pub fn cluster_command() -> impl Strategy<Value = ClusterCommand> {
    let droplet = prop::sample::select(
        (1..=3u128)
            .map(|i| DropletId(uuid::Uuid::from_u128(i)))
            .collect::<Vec<_>>(),
    );
    prop_oneof![
        Just(ClusterCommand::CreateCluster {
            name: ClusterName::parse("prod").expect("a valid name"),
            region: Region::parse("nyc1").expect("a catalogue region"),
            labels: Labels::parse([("team".to_string(), "ops".to_string())]).expect("valid labels"),
        }),
        droplet
            .clone()
            .prop_map(|droplet_id| ClusterCommand::AttachDroplet { droplet_id }),
        droplet.prop_map(|droplet_id| ClusterCommand::DetachDroplet { droplet_id }),
        Just(ClusterCommand::DeleteCluster),
    ]
}
