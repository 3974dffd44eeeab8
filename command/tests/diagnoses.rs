//! Diagnoses on the write side, against real databases (SQLite and Postgres): `diagnose`
//! queues a DIAGNOSE job, a second request for the same target while one is unfinished
//! gets the running one, the job's completion records the report and frees the target, and
//! a cancelled job fails its diagnosis.

use chrono::{Duration, Utc};
use command::aggregates::Diagnosis;
use command::diagnosis::{analyze, Thresholds};
use command::error::CommandError;
use command::handlers::{CreateCluster, Diagnose, JobEffect};
use command::{Commands, Db, EventStore, JobSettings, RequestContext};
use schema::diagnosis::{DiagnosisStatus, DiagnosisTarget, Snapshot};
use schema::{ClusterName, Region};
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

async fn one_diagnosis_per_target(db: Db) {
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

    let first = commands.diagnose(&ctx, ask(cluster)).await.unwrap();
    assert!(first.position > 0);
    let id = first.value.diagnosis_id.to_string();
    assert_eq!(status(&commands, &id).await, DiagnosisStatus::Queued);

    // While it is unfinished, asking again answers with it and appends nothing.
    let again = commands.diagnose(&ctx, ask(cluster)).await.unwrap();
    assert_eq!(again.value, first.value);
    assert_eq!(again.position, 0);

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
