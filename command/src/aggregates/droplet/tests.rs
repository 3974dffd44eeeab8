//! Given/when/then tests of the droplet aggregate.

use super::{Droplet, DropletCommand, DropletOperation};
use crate::aggregates::DomainError;
use cqrs_es::test::TestFramework;
use cqrs_es::Aggregate;
use schema::{DropletEvent, DropletStatus, JobId, JobType};

fn created(job_id: JobId) -> DropletEvent {
    DropletEvent::DropletCreated {
        name: "web-1".into(),
        cluster_id: None,
        region: "nyc1".into(),
        size: "s-1vcpu-1gb".into(),
        image: "debian-12-x64".into(),
        job_id,
    }
}

/// A droplet provisioned by `job`, running at 10.0.0.1.
fn running(job: JobId) -> Vec<DropletEvent> {
    vec![
        created(job),
        DropletEvent::DropletProvisioned {
            ip: "10.0.0.1".into(),
        },
    ]
}

#[test]
fn provisioning_completes_once() {
    let job = JobId::new();
    TestFramework::<Droplet>::with(())
        .given(running(job))
        .when(DropletCommand::CompleteProvisioning {
            ip: "10.0.0.1".into(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn destroy_moves_through_destroying() {
    let job = JobId::new();
    let destroy_job = JobId::new();
    TestFramework::<Droplet>::with(())
        .given(running(job))
        .when(DropletCommand::RequestOperation {
            job_id: destroy_job,
            operation: DropletOperation::Destroy,
        })
        .then_expect_events(vec![
            DropletEvent::DropletOperationRequested {
                job_id: destroy_job,
                job_type: JobType::Destroy,
            },
            DropletEvent::DropletDestroying {},
        ]);
}

#[test]
fn refuses_operations_while_provisioning() {
    TestFramework::<Droplet>::with(())
        .given(vec![created(JobId::new())])
        .when(DropletCommand::RequestOperation {
            job_id: JobId::new(),
            operation: DropletOperation::Power { on: false },
        })
        .then_expect_error_message("droplet web-1 is PROVISIONING; cannot power off");
}

#[test]
fn refuses_a_second_pending_operation() {
    let job = JobId::new();
    let resize = JobId::new();
    let result = TestFramework::<Droplet>::with(())
        .given(
            [
                running(job),
                vec![DropletEvent::DropletOperationRequested {
                    job_id: resize,
                    job_type: JobType::Resize,
                }],
            ]
            .concat(),
        )
        .when(DropletCommand::RequestOperation {
            job_id: JobId::new(),
            operation: DropletOperation::Destroy,
        })
        .inspect_result();
    assert!(matches!(result, Err(DomainError::FailedPrecondition(_))));
}

#[test]
fn abandoned_destroy_restores_status() {
    let job = JobId::new();
    let destroy = JobId::new();
    let mut d = Droplet::default();
    let destroy_then_abandon = [
        DropletEvent::DropletOperationRequested {
            job_id: destroy,
            job_type: JobType::Destroy,
        },
        DropletEvent::DropletDestroying {},
        DropletEvent::DropletOperationAbandoned {
            job_id: destroy,
            reason: "cancelled".into(),
        },
    ];
    for e in running(job).into_iter().chain(destroy_then_abandon) {
        d.apply(e);
    }
    assert_eq!(d.current().map(|s| s.status), Ok(DropletStatus::Running));
    assert_eq!(d.pending, None);
}
