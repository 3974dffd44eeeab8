//! `totalCount` from the kept counts (`read_model_counts`) equals a `COUNT(*)` over the rows,
//! unfiltered and by status, for every read model, whatever the batching, with a row created
//! and changed in one batch, and after a rebuild.

mod common;

use common::{Backend, Fixture};
use projector::models::diagnoses::Diagnoses;
use projector::models::health_checks::HealthChecks;
use projector::models::rate_limit_rules::RateLimitRules;
use projector::models::scaling_policies::{ScalingPolicies, ScalingPolicyFilter};
use projector::models::users::{ApiTokens, Users};
use projector::models::{clusters::Clusters, droplets::Droplets, jobs::Jobs, Listed};
use projector::projection::Checkpoint;
use projector::{
    ApiTokenFilter, ClusterFilter, DiagnosisFilter, DropletFilter, EventFilter, HealthCheckFilter,
    JobFilter, RateLimitRuleFilter, ReadModels, Slice, UserFilter,
};
use schema::diagnosis::DiagnosisStatus;
use schema::rate_limits::RateLimitRuleStatus;
use schema::scaling_policy::ScalingPolicyStatus;
use schema::users::{ApiTokenStatus, UserStatus};
use schema::values::HealthCheckStatus;
use schema::{ClusterStatus, DropletStatus, JobStatus};

/// `totalCount` of the first page of `T` under `filter`, read from after `after`.
async fn total_of<T: Listed>(reads: &ReadModels, filter: T::Filter, after: Option<i64>) -> i64 {
    let page = reads.list::<T>(&filter, Slice::After(after), 1, true).await;
    page.unwrap().total
}

/// `totalCount` of the first page of `table` in `status` (all rows for `None`), read from
/// after `after`.
async fn total(reads: &ReadModels, table: &str, status: Option<&str>, after: Option<i64>) -> i64 {
    // The filter of `$model` that keeps rows in `status` (any status for `None`).
    macro_rules! in_status {
        ($model:ty, $filter:ident, $status:ty) => {{
            let filter = $filter {
                status: status.and_then(<$status>::parse),
                ..Default::default()
            };
            total_of::<$model>(reads, filter, after).await
        }};
    }
    match table {
        "clusters" => in_status!(Clusters, ClusterFilter, ClusterStatus),
        "droplets" => in_status!(Droplets, DropletFilter, DropletStatus),
        "jobs" => in_status!(Jobs, JobFilter, JobStatus),
        "health_checks" => in_status!(HealthChecks, HealthCheckFilter, HealthCheckStatus),
        "users" => in_status!(Users, UserFilter, UserStatus),
        "api_tokens" => in_status!(ApiTokens, ApiTokenFilter, ApiTokenStatus),
        "rate_limit_rules" => in_status!(RateLimitRules, RateLimitRuleFilter, RateLimitRuleStatus),
        "diagnoses" => in_status!(Diagnoses, DiagnosisFilter, DiagnosisStatus),
        "scaling_policies" => in_status!(ScalingPolicies, ScalingPolicyFilter, ScalingPolicyStatus),
        other => panic!("read model {other} has no totalCount check; add its filter here"),
    }
}

async fn assert_counts(reads: &ReadModels) {
    for table in projector::models::tables() {
        let by_status = reads.count_by_status(table).await.unwrap();
        let all: i64 = by_status.iter().map(|(_, n)| n).sum();
        // Every status of the type, including those no row has (their count is 0).
        let mut statuses: Vec<Option<&str>> = vec![None];
        statuses.extend(
            projector::models::statuses_of(table)
                .unwrap()
                .into_iter()
                .map(Some),
        );
        for status in statuses {
            let want = match status {
                None => all,
                Some(s) => by_status
                    .iter()
                    .find(|(t, _)| t == s)
                    .map_or(0, |(_, n)| *n),
            };
            // One item per page, and a page past the end (the total comes another way there).
            for after in [None, Some(i64::MAX)] {
                let got = total(reads, table, status, after).await;
                assert_eq!(got, want, "{table} status {status:?} after {after:?}");
            }
        }
    }
    let cp = reads.checkpoint().await.unwrap();
    let events = reads.events(&EventFilter::default(), None, 1, true).await;
    assert_eq!(events.unwrap().total, cp.ordinal, "audit log");
}

/// Cancels the job with id `job`.
async fn cancel(f: &Fixture, job: &str) {
    let job = job.parse().unwrap();
    f.commands.cancel_job(&f.ctx, job, None).await.unwrap();
}

async fn kept_counts_match_count_star(backend: Backend) {
    let f = Fixture::new("counts", backend).await;
    let reads = ReadModels::new(f.db.clone());
    let c1 = f.cluster("c1").await;
    let diagnosis = f.diagnosis(&c1).await;
    let policy = f.scaling_policy(&c1).await;
    f.health_check("h1").await;
    let (user, token) = f.user_with_token("ops").await;
    let rule = f.rate_limit_rule("jobs").await;
    f.rate_limit_rule("diagnosis").await;
    let mut jobs = Vec::new();
    for name in ["d1", "d2", "d3"] {
        jobs.push(f.droplet(name, None).await);
    }
    assert_counts(&reads).await;
    let cp = f.project(Checkpoint::default(), 2).await;
    assert_counts(&reads).await;

    // Status changes of rows projected in earlier batches, one event a batch.
    cancel(&f, &jobs[0]).await;
    let cp = f.project(cp, 1).await;
    assert_counts(&reads).await;

    // A cancelled DIAGNOSE job fails its diagnosis (QUEUED → FAILED).
    let (d, _) = f
        .commands
        .load::<command::aggregates::Diagnosis>(&diagnosis.to_string())
        .await
        .unwrap();
    cancel(&f, &d.state.unwrap().job_id.to_string()).await;
    let cp = f.project(cp, 1).await;
    assert_counts(&reads).await;

    // Created and changed within one batch.
    let job = f.droplet("d4", None).await;
    cancel(&f, &job).await;
    cancel(&f, &jobs[1]).await;
    f.commands.revoke_api_token(&f.ctx, token).await.unwrap();
    let options = command::handlers::CommandOptions::default();
    f.commands
        .delete_rate_limit_rule(&f.ctx, rule, options)
        .await
        .unwrap();
    let options = command::handlers::CommandOptions::default();
    f.commands
        .pause_scaling_policy(&f.ctx, policy, options)
        .await
        .unwrap();
    let disable = command::handlers::UpdateUser {
        disabled: Some(true),
        ..Default::default()
    };
    let options = command::handlers::CommandOptions::default();
    f.commands
        .update_user(&f.ctx, user, disable, options)
        .await
        .unwrap();
    let cp = f.project(cp, 100).await;
    assert_counts(&reads).await;
    for table in ["users", "api_tokens"] {
        let by_status = reads.count_by_status(table).await.unwrap();
        assert_eq!(by_status.iter().map(|(_, n)| n).sum::<i64>(), 1, "{table}");
    }
    let by_status = reads.count_by_status("jobs").await.unwrap();
    assert!(
        by_status.len() > 1,
        "the test should change statuses: {by_status:?}"
    );

    // A redelivered batch changes nothing, counts included.
    let events = f.log().await;
    f.apply(cp, &events).await;
    assert_eq!(reads.checkpoint().await.unwrap(), cp);
    assert_counts(&reads).await;

    projector::rebuild::rebuild(&f.db, 3, |_, _| {})
        .await
        .unwrap();
    assert_counts(&reads).await;
    f.close().await;
}
on_both_backends!(kept_counts_match_count_star);
