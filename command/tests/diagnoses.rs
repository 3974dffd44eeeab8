//! Diagnoses on the write side, against real databases (SQLite and Postgres): `diagnose`
//! queues a DIAGNOSE job, a second request for the same target while one is unfinished
//! gets the running one, the job's completion records the report and frees the target, and
//! a cancelled job fails its diagnosis; recommendations run through the command path.

use chrono::{Duration, Utc};
use command::aggregates::{Diagnosis, Droplet};
use command::diagnosis::{analyze, Thresholds};
use command::error::CommandError;
use command::handlers::{CreateCluster, Diagnose, DiagnosisJob, JobEffect};
use command::{Commands, Db, EventStore, JobSettings, RequestContext};
use schema::diagnosis::{
    Action, DiagnosisCheck, DiagnosisStatus, DiagnosisTarget, Finding, Recommendation, Report,
    Severity, Snapshot,
};
use schema::{AggregateType, ClusterName, Region};
use std::sync::Arc;
use testkit::storage::{PostgresDatabase, TempDir};
use tokio::sync::Notify;

fn ask(cluster: uuid::Uuid) -> Diagnose {
    Diagnose {
        target_type: DiagnosisTarget::Cluster,
        target_id: cluster,
        checks: vec![],
        question: Some("why is the shop slow?".into()),
        idempotency_key: None,
    }
}

fn empty_snapshot(cluster: uuid::Uuid) -> Snapshot {
    Snapshot::empty(DiagnosisTarget::Cluster, &cluster.to_string(), Utc::now())
}

async fn status(commands: &Commands, id: &str) -> DiagnosisStatus {
    let (d, _) = commands.load::<Diagnosis>(id).await.unwrap();
    d.state.unwrap().status
}

/// The command side over `db`, a caller and a cluster "shop" of theirs.
async fn with_a_cluster(db: Db) -> (Commands, RequestContext, uuid::Uuid) {
    let commands = Commands::new(
        EventStore::new(db),
        JobSettings::default(),
        Arc::new(Notify::new()),
    );
    let ctx = RequestContext::new("otto");
    let cluster = commands
        .create_cluster(
            &ctx,
            CreateCluster::new(
                ClusterName::parse("shop").unwrap(),
                Region::parse("fra1").unwrap(),
            ),
        )
        .await
        .unwrap()
        .value
        .0;
    (commands, ctx, cluster)
}

/// A diagnosis of `cluster` carried through by a worker to `report`.
async fn diagnosed(
    commands: &Commands,
    ctx: &RequestContext,
    cluster: uuid::Uuid,
    report: Report,
) -> DiagnosisJob {
    let asked = commands.diagnose(ctx, ask(cluster)).await.unwrap().value;
    commands
        .start_job(asked.job_id, "w1", Duration::seconds(30))
        .await
        .unwrap();
    commands
        .record_diagnosis_evidence(asked.job_id, asked.diagnosis_id, empty_snapshot(cluster))
        .await
        .unwrap();
    commands
        .complete_job(
            asked.job_id,
            "w1",
            JobEffect::Diagnosed {
                report: Box::new(report),
                model: None,
                duration_ms: 3,
            },
            serde_json::json!({}),
        )
        .await
        .unwrap();
    asked
}

async fn one_diagnosis_per_target(db: Db) {
    let (commands, ctx, cluster) = with_a_cluster(db).await;

    // Nothing to diagnose: NOT_FOUND.
    let missing = commands.diagnose(&ctx, ask(uuid::Uuid::new_v4())).await;
    assert!(
        matches!(missing, Err(CommandError::NotFound(_))),
        "{missing:?}"
    );
    let too_long = Diagnose {
        question: Some("?".repeat(2001)),
        ..ask(cluster)
    };
    let refused = commands.diagnose(&ctx, too_long).await;
    assert!(
        matches!(refused, Err(CommandError::BadInput(_))),
        "{refused:?}"
    );

    // The admission check (run before a rate-limit token is spent) agrees.
    let admission = commands
        .diagnosis_admission(&ctx, &ask(uuid::Uuid::new_v4()))
        .await;
    assert!(
        matches!(admission, Err(CommandError::NotFound(_))),
        "{admission:?}"
    );
    let admission = commands.diagnosis_admission(&ctx, &ask(cluster)).await;
    assert!(
        matches!(admission, Ok(None)),
        "a new one would start: {admission:?}"
    );

    let first = commands.diagnose(&ctx, ask(cluster)).await.unwrap();
    assert!(first.position > 0);
    let id = first.value.diagnosis_id.to_string();
    assert_eq!(status(&commands, &id).await, DiagnosisStatus::Queued);

    // While it is unfinished, asking again answers with it and appends nothing.
    let again = commands.diagnose(&ctx, ask(cluster)).await.unwrap();
    assert_eq!(again.value, first.value);
    assert_eq!(again.position, 0);
    let admitted = commands
        .diagnosis_admission(&ctx, &ask(cluster))
        .await
        .unwrap();
    assert_eq!(
        admitted.map(|a| (a.value, a.position)),
        Some((first.value, 0))
    );

    // The worker: start, evidence, report through the job's completion.
    let job = first.value.job_id;
    commands
        .start_job(job, "w1", Duration::seconds(30))
        .await
        .unwrap();
    let snapshot = empty_snapshot(cluster);
    let digest = commands
        .record_diagnosis_evidence(job, first.value.diagnosis_id, snapshot.clone())
        .await
        .unwrap();
    assert_eq!(digest, command::handlers::evidence_digest(&snapshot));
    assert_eq!(digest.len(), 64);
    assert_eq!(status(&commands, &id).await, DiagnosisStatus::Running);
    let report = analyze(&snapshot, &[], &Thresholds::default());
    commands
        .complete_job(
            job,
            "w1",
            JobEffect::Diagnosed {
                report: Box::new(report.clone()),
                model: None,
                duration_ms: 12,
            },
            serde_json::json!({}),
        )
        .await
        .unwrap();
    let (done, _) = commands.load::<Diagnosis>(&id).await.unwrap();
    let done = done.state.unwrap();
    assert_eq!(done.status, DiagnosisStatus::Completed);
    assert_eq!(done.report, Some(report));
    assert_eq!(done.evidence_digest, Some(digest));
    let admission = commands.diagnosis_admission(&ctx, &ask(cluster)).await;
    assert!(matches!(admission, Ok(None)), "finished: {admission:?}");

    // The target is free again: a new diagnosis; cancelling its job fails it and frees it.
    let second = commands.diagnose(&ctx, ask(cluster)).await.unwrap();
    assert_ne!(second.value.diagnosis_id, first.value.diagnosis_id);
    commands
        .cancel_job(&ctx, second.value.job_id, None)
        .await
        .unwrap();
    let second_id = second.value.diagnosis_id.to_string();
    assert_eq!(status(&commands, &second_id).await, DiagnosisStatus::Failed);
    let third = commands.diagnose(&ctx, ask(cluster)).await.unwrap();
    assert_ne!(third.value.diagnosis_id, second.value.diagnosis_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_one_diagnosis_runs_per_target() {
    let dir = TempDir::new("clustergenie-diagnoses");
    let db = Db::sqlite(dir.path()).await.expect("a SQLite database");
    one_diagnosis_per_target(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_one_diagnosis_runs_per_target() {
    let database = PostgresDatabase::create("cg_test_diagnoses").await;
    let db = Db::postgres(database.url(), 4)
        .await
        .expect("a Postgres database");
    one_diagnosis_per_target(db).await;
}

fn finding(id: &str, action: Action) -> Finding {
    Finding {
        id: id.into(),
        check: DiagnosisCheck::Capacity,
        severity: Severity::Warning,
        title: id.into(),
        explanation: String::new(),
        confidence: 0.8,
        evidence: vec![],
        recommendation: Some(Recommendation {
            text: id.into(),
            action: Some(action),
        }),
    }
}

/// Applying ADD_DROPLET creates a droplet in the cluster through `createDroplet`'s path
/// (named after the cluster, caused by the diagnosis), once, whoever asks again; a resize
/// of a droplet that is still provisioning is refused by the droplet's own rules and
/// records nothing.
async fn recommendations_run_through_the_command_path(db: Db) {
    let (commands, otto, cluster) = with_a_cluster(db).await;
    let add = Action::AddDroplet {
        cluster_id: cluster.to_string(),
        size: "s-1vcpu-2gb".into(),
        image: "ubuntu-24-04-x64".into(),
        region: "fra1".into(),
    };
    let mut report = analyze(&empty_snapshot(cluster), &[], &Thresholds::default());
    report.findings.push(finding("cluster-hot:x", add));
    let asked = diagnosed(&commands, &otto, cluster, report.clone()).await;

    let applied = commands
        .apply_recommendation(&otto, asked.diagnosis_id, "cluster-hot:x")
        .await
        .unwrap();
    assert!(applied.position > 0);
    let provision = commands
        .store()
        .load(AggregateType::Job, &applied.value.to_string())
        .await
        .unwrap();
    let queued = &provision[0];
    assert_eq!(queued.event_type, "JobQueued");
    assert_eq!(
        queued.payload["job_type"], "PROVISION",
        "{:?}",
        queued.payload
    );
    assert_eq!(queued.metadata.causation_id, asked.diagnosis_id.to_string());
    assert_eq!(queued.metadata.actor, "otto");
    let droplet_id = queued.payload["target_id"].as_str().unwrap().to_string();
    let (droplet, _) = commands.load::<Droplet>(&droplet_id).await.unwrap();
    let droplet = droplet.state.unwrap();
    assert_eq!(droplet.cluster_id.map(|c| c.0), Some(cluster));
    assert!(
        droplet.name.as_str().starts_with("shop-") && droplet.name.as_str().len() == 11,
        "{}",
        droplet.name
    );

    // Again, by someone else: the same job, nothing appended.
    let head = commands.store().head().await.unwrap();
    let again = commands
        .apply_recommendation(
            &RequestContext::new("ida"),
            asked.diagnosis_id,
            "cluster-hot:x",
        )
        .await
        .unwrap();
    assert_eq!((again.value, again.position), (applied.value, 0));
    assert_eq!(commands.store().head().await.unwrap(), head);

    // A resize of the droplet while it provisions: the droplet's rules refuse it.
    let resize = Action::ResizeDroplet {
        droplet_id: droplet_id.clone(),
        size: "s-2vcpu-4gb".into(),
    };
    report.findings = vec![finding("cpu-sustained:x", resize)];
    let second = diagnosed(&commands, &otto, cluster, report).await;
    let head = commands.store().head().await.unwrap();
    let refused = commands
        .apply_recommendation(&otto, second.diagnosis_id, "cpu-sustained:x")
        .await;
    assert!(
        matches!(refused, Err(CommandError::FailedPrecondition(_))),
        "{refused:?}"
    );
    assert_eq!(commands.store().head().await.unwrap(), head);
    let (d, _) = commands
        .load::<Diagnosis>(&second.diagnosis_id.to_string())
        .await
        .unwrap();
    assert!(d.state.unwrap().applied.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_recommendations_run_through_the_command_path() {
    let dir = TempDir::new("clustergenie-recommendations");
    let db = Db::sqlite(dir.path()).await.expect("a SQLite database");
    recommendations_run_through_the_command_path(db).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_recommendations_run_through_the_command_path() {
    let database = PostgresDatabase::create("cg_test_recommendations").await;
    let db = Db::postgres(database.url(), 4)
        .await
        .expect("a Postgres database");
    recommendations_run_through_the_command_path(db).await;
}
