//! Given/when/then tests of the job aggregate.

use super::{Job, JobCommand};
use chrono::{DateTime, Duration, Utc};
use cqrs_es::test::TestFramework;
use schema::{AggregateType, JobEvent, JobType};

fn queued() -> JobEvent {
    JobEvent::JobQueued {
        job_type: JobType::Provision,
        target_type: AggregateType::Droplet,
        target_id: "d".into(),
        params: serde_json::Value::Null,
        max_attempts: 2,
    }
}

fn t0() -> DateTime<Utc> {
    DateTime::from_timestamp(1_700_000_000, 0).unwrap()
}

fn started(worker: &str, attempt: u32) -> JobEvent {
    JobEvent::JobStarted {
        attempt,
        worker: worker.into(),
        lease_expires_at: t0() + Duration::seconds(30),
    }
}

/// Worker `w2` asks for the job `seconds` after `t0`, for a 30-second lease.
fn w2_starts_at(seconds: i64) -> JobCommand {
    JobCommand::StartJob {
        worker: "w2".into(),
        now: t0() + Duration::seconds(seconds),
        lease: Duration::seconds(30),
    }
}

#[test]
fn a_live_lease_cannot_be_taken() {
    TestFramework::<Job>::with(())
        .given(vec![queued(), started("w1", 1)])
        .when(w2_starts_at(10))
        .then_expect_error_message("job is running under a live lease");
}

#[test]
fn an_expired_lease_is_taken_over() {
    TestFramework::<Job>::with(())
        .given(vec![queued(), started("w1", 1)])
        .when(w2_starts_at(31))
        .then_expect_events(vec![
            JobEvent::JobLeaseExpired {
                worker: "w1".into(),
            },
            JobEvent::JobStarted {
                attempt: 2,
                worker: "w2".into(),
                lease_expires_at: t0() + Duration::seconds(61),
            },
        ]);
}

/// A retryable failure of `w1`'s attempt at `t0`, with a two-second backoff.
fn boom() -> JobCommand {
    JobCommand::FailAttempt {
        worker: "w1".into(),
        error: "boom".into(),
        now: t0(),
        backoff: Duration::seconds(2),
        retryable: true,
    }
}

#[test]
fn failures_retry_with_backoff_then_fail() {
    TestFramework::<Job>::with(())
        .given(vec![queued(), started("w1", 1)])
        .when(boom())
        .then_expect_events(vec![JobEvent::JobAttemptFailed {
            attempt: 1,
            error: "boom".into(),
            retry_at: Some(t0() + Duration::seconds(2)),
        }]);
    TestFramework::<Job>::with(())
        .given(vec![queued(), started("w1", 1), started("w1", 2)])
        .when(boom())
        .then_expect_events(vec![JobEvent::JobAttemptFailed {
            attempt: 2,
            error: "boom".into(),
            retry_at: None,
        }]);
}

#[test]
fn progress_never_goes_backwards() {
    let at_fifty = JobEvent::JobProgressed {
        progress: 50,
        stage: "booting".into(),
        message: String::new(),
        lease_expires_at: t0(),
    };
    // A late report of 10 % keeps 50 % and still extends the lease.
    TestFramework::<Job>::with(())
        .given(vec![queued(), started("w1", 1), at_fifty])
        .when(JobCommand::ReportProgress {
            worker: "w1".into(),
            progress: 10,
            stage: "networking".into(),
            message: String::new(),
            now: t0(),
            lease: Duration::seconds(30),
        })
        .then_expect_events(vec![JobEvent::JobProgressed {
            progress: 50,
            stage: "networking".into(),
            message: String::new(),
            lease_expires_at: t0() + Duration::seconds(30),
        }]);
}

#[test]
fn only_terminal_jobs_are_retried() {
    TestFramework::<Job>::with(())
        .given(vec![queued()])
        .when(JobCommand::RequeueJob)
        .then_expect_error_message("job is QUEUED; only FAILED or CANCELLED jobs can be retried");
    TestFramework::<Job>::with(())
        .given(vec![
            queued(),
            JobEvent::JobCancelled { reason: "x".into() },
        ])
        .when(JobCommand::RequeueJob)
        .then_expect_events(vec![JobEvent::JobRequeued {}]);
}
