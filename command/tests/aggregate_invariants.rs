//! Property tests: random sequences of valid and invalid commands never break an
//! aggregate's invariants, a refused command changes nothing, and folding the emitted
//! events from scratch always gives the same state as deciding did.

use chrono::{DateTime, Duration, Utc};
use command::aggregates::{
    Cluster, ClusterCommand, DomainError, Droplet, DropletCommand, DropletOperation, Job,
    JobCommand,
};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use proptest::prelude::*;
use schema::{
    AggregateType, ClusterName, DropletId, DropletName, DropletStatus, Image, JobId, JobStatus,
    JobType, Labels, Region, Size,
};

/// Runs one command; returns the emitted events (empty and unchanged state when refused).
fn run<A>(state: &mut A, command: A::Command) -> Result<Vec<A::Event>, DomainError>
where
    A: Aggregate<Services = (), Error = DomainError> + Clone,
{
    let mut working = state.clone();
    let sink = EventSink::default();
    let result = futures::executor::block_on(working.handle(command, &(), &sink));
    let events = futures::executor::block_on(sink.collect());
    match result {
        Ok(()) => {
            *state = working;
            Ok(events)
        }
        Err(e) => Err(e),
    }
}

fn refold<A: Aggregate>(events: &[A::Event]) -> A {
    let mut a = A::default();
    for e in events {
        a.apply(e.clone());
    }
    a
}

fn status_of(droplet: &Droplet) -> Option<DropletStatus> {
    droplet.state.as_ref().map(|s| s.status)
}

fn job_ids() -> Vec<JobId> {
    (1..=3).map(|i| JobId(uuid::Uuid::from_u128(i))).collect()
}

fn droplet_command() -> impl Strategy<Value = DropletCommand> {
    let job = prop::sample::select(job_ids());
    let size = prop::sample::select(vec!["s-1vcpu-1gb", "s-2vcpu-4gb", "s-8vcpu-16gb"])
        .prop_map(|s| Size::parse(s).unwrap());
    let operation = prop_oneof![
        size.clone()
            .prop_map(|size| DropletOperation::Resize { size }),
        any::<bool>().prop_map(|on| DropletOperation::Power { on }),
        Just(DropletOperation::Destroy),
    ];
    prop_oneof![
        job.clone()
            .prop_map(|job_id| DropletCommand::CreateDroplet {
                name: DropletName::parse("web-1").unwrap(),
                cluster_id: None,
                region: Region::parse("nyc1").unwrap(),
                size: Size::parse("s-1vcpu-1gb").unwrap(),
                image: Image::parse("debian-12-x64").unwrap(),
                job_id,
            }),
        job.clone()
            .prop_map(|job_id| DropletCommand::BeginProvisioning { job_id }),
        Just(DropletCommand::CompleteProvisioning {
            ip: "10.0.0.2".into()
        }),
        Just(DropletCommand::FailProvisioning {
            reason: "boom".into()
        }),
        (job.clone(), operation.clone())
            .prop_map(|(job_id, operation)| DropletCommand::RequestOperation { job_id, operation }),
        (job.clone(), operation).prop_map(|(job_id, operation)| {
            DropletCommand::CompleteOperation { job_id, operation }
        }),
        job.prop_map(|job_id| DropletCommand::AbandonOperation {
            job_id,
            reason: "x".into()
        }),
    ]
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
        (worker.clone(), 0u8..=120, now.clone()).prop_map(|(worker, progress, now)| {
            JobCommand::ReportProgress {
                worker,
                progress,
                stage: "booting".into(),
                message: String::new(),
                now,
                lease: Duration::seconds(30),
            }
        }),
        worker.clone().prop_map(|worker| JobCommand::CompleteJob {
            worker,
            result: serde_json::Value::Null
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn droplet_invariants_hold(commands in prop::collection::vec(droplet_command(), 1..40)) {
        let mut droplet = Droplet::default();
        let mut history = Vec::new();
        for command in commands {
            let before = droplet.clone();
            let was_destroyed = status_of(&before) == Some(DropletStatus::Destroyed);
            match run(&mut droplet, command) {
                Ok(events) => {
                    prop_assert!(!was_destroyed || events.is_empty(), "a destroyed droplet changed: {events:?}");
                    history.extend(events);
                }
                Err(_) => prop_assert_eq!(&droplet, &before, "a refused command changed state"),
            }
            prop_assert_eq!(&refold::<Droplet>(&history), &droplet);
            let ip = droplet.state.as_ref().and_then(|s| s.ip.clone());
            match status_of(&droplet) {
                Some(DropletStatus::Running | DropletStatus::Stopped) => prop_assert!(ip.is_some()),
                Some(DropletStatus::Destroying) => {
                    prop_assert_eq!(droplet.pending.map(|p| p.1), Some(JobType::Destroy))
                }
                Some(DropletStatus::Destroyed) => prop_assert!(droplet.pending.is_none() && ip.is_none()),
                Some(DropletStatus::Provisioning) => prop_assert!(droplet.pending.is_none()),
                _ => {}
            }
        }
    }

    #[test]
    fn job_invariants_hold(commands in prop::collection::vec(job_command(), 1..60)) {
        let mut job = Job::default();
        let mut history = Vec::new();
        for command in commands {
            let before = job.clone();
            let requeue = matches!(command, JobCommand::RequeueJob);
            match run(&mut job, command) {
                Ok(events) => history.extend(events),
                Err(_) => prop_assert_eq!(&job, &before, "a refused command changed state"),
            }
            prop_assert_eq!(&refold::<Job>(&history), &job);
            let Some(state) = &job.state else { continue };
            let progress_before = before.state.as_ref().map_or(0, |s| s.progress);
            if !requeue && state.status != JobStatus::Completed {
                prop_assert!(state.progress >= progress_before, "progress went backwards");
            }
            prop_assert!(state.progress <= 100);
            match state.status {
                JobStatus::Running => prop_assert!(state.worker.is_some() && state.lease_expires_at.is_some()),
                s if s.is_terminal() => prop_assert!(state.worker.is_none() && state.lease_expires_at.is_none()),
                _ => {}
            }
            if state.status == JobStatus::Completed {
                prop_assert_eq!(state.progress, 100);
            }
        }
    }

    #[test]
    fn a_deleted_cluster_never_holds_droplets(ops in prop::collection::vec(0u8..4, 1..40)) {
        let ids: Vec<DropletId> = (1..=3).map(|i| DropletId(uuid::Uuid::from_u128(i))).collect();
        let mut cluster = Cluster::default();
        let mut history = Vec::new();
        for (i, op) in ops.into_iter().enumerate() {
            let d = ids[i % ids.len()];
            let command = match op {
                0 => ClusterCommand::CreateCluster {
                    name: ClusterName::parse("prod").unwrap(),
                    region: Region::parse("nyc1").unwrap(),
                    labels: Labels::default(),
                },
                1 => ClusterCommand::AttachDroplet { droplet_id: d },
                2 => ClusterCommand::DetachDroplet { droplet_id: d },
                _ => ClusterCommand::DeleteCluster,
            };
            let before = cluster.clone();
            match run(&mut cluster, command) {
                Ok(events) => history.extend(events),
                Err(_) => prop_assert_eq!(&cluster, &before),
            }
            prop_assert_eq!(&refold::<Cluster>(&history), &cluster);
            if let Some(state) = &cluster.state {
                if state.status == schema::ClusterStatus::Deleted {
                    prop_assert!(cluster.live_droplets.is_empty());
                }
                prop_assert_eq!(state.droplet_count, cluster.live_droplets.len() as i64);
            }
        }
    }
}
