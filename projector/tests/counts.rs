//! `totalCount` from the kept counts (`read_model_counts`) equals a `COUNT(*)` over the rows,
//! unfiltered and by status, whatever the batching, with a row created and changed in one
//! batch, and after a rebuild.

mod common;

use command::{Db, EventStore, LogCursor};
use common::Fixture;
use projector::projection::{self, Checkpoint};
use projector::{ClusterFilter, DropletFilter, EventFilter, JobFilter, ReadModels};
use schema::{ClusterStatus, DropletStatus, JobStatus};
use sqlx::Acquire;

async fn project(db: &Db, store: &EventStore, mut cp: Checkpoint, batch: i64) -> Checkpoint {
    loop {
        let events = store.read_log(cp.cursor, batch).await.unwrap();
        if events.is_empty() {
            return cp;
        }
        let mut conn = db.writer.acquire().await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        cp = projection::apply(db, &mut tx, cp, &events).await.unwrap().0;
        tx.commit().await.unwrap();
    }
}

async fn assert_counts(reads: &ReadModels) {
    for table in ["clusters", "droplets", "jobs"] {
        let by_status = reads.count_by_status(table).await.unwrap();
        let all: i64 = by_status.iter().map(|(_, n)| n).sum();
        // Every status of the type, including those no row has (their count is 0).
        let names: Vec<&str> = match table {
            "clusters" => ClusterStatus::ALL.iter().map(|s| s.as_str()).collect(),
            "droplets" => DropletStatus::ALL.iter().map(|s| s.as_str()).collect(),
            _ => JobStatus::ALL.iter().map(|s| s.as_str()).collect(),
        };
        let mut statuses: Vec<Option<String>> = vec![None];
        statuses.extend(names.iter().map(|s| Some(s.to_string())));
        for status in statuses {
            let want = match &status {
                None => all,
                Some(s) => by_status
                    .iter()
                    .find(|(t, _)| t == s)
                    .map_or(0, |(_, n)| *n),
            };
            // One item per page, and a page past the end (the total comes another way there).
            for after in [None, Some(i64::MAX)] {
                let got = match table {
                    "clusters" => {
                        let f = ClusterFilter {
                            status: status.as_deref().and_then(ClusterStatus::parse),
                            ..Default::default()
                        };
                        reads.clusters(&f, after, 1, true).await.unwrap().total
                    }
                    "droplets" => {
                        let f = DropletFilter {
                            status: status.as_deref().and_then(DropletStatus::parse),
                            ..Default::default()
                        };
                        reads.droplets(&f, after, 1, true).await.unwrap().total
                    }
                    _ => {
                        let f = JobFilter {
                            status: status.as_deref().and_then(JobStatus::parse),
                            ..Default::default()
                        };
                        reads.jobs(&f, after, 1, true).await.unwrap().total
                    }
                };
                assert_eq!(got, want, "{table} status {status:?} after {after:?}");
            }
        }
    }
    let cp = reads.checkpoint().await.unwrap();
    let events = reads.events(&EventFilter::default(), None, 1, true).await;
    assert_eq!(events.unwrap().total, cp.ordinal, "audit log");
}

#[tokio::test]
async fn kept_counts_match_count_star() {
    let f = Fixture::new("counts").await;
    let reads = ReadModels::new(f.db.clone());
    f.cluster("c1").await;
    let mut jobs = Vec::new();
    for name in ["d1", "d2", "d3"] {
        jobs.push(f.droplet(name, None).await);
    }
    let Fixture {
        db,
        store,
        commands,
        ctx,
    } = &f;
    assert_counts(&reads).await;
    let cp = project(db, store, Checkpoint::default(), 2).await;
    assert_counts(&reads).await;

    // Status changes of rows projected in earlier batches, one event a batch.
    commands
        .cancel_job(ctx, jobs[0].parse().unwrap(), None)
        .await
        .unwrap();
    let cp = project(db, store, cp, 1).await;
    assert_counts(&reads).await;

    // Created and changed within one batch.
    let job = f.droplet("d4", None).await;
    commands
        .cancel_job(ctx, job.parse().unwrap(), None)
        .await
        .unwrap();
    commands
        .cancel_job(ctx, jobs[1].parse().unwrap(), None)
        .await
        .unwrap();
    let cp = project(db, store, cp, 100).await;
    assert_counts(&reads).await;
    let by_status = reads.count_by_status("jobs").await.unwrap();
    assert!(
        by_status.len() > 1,
        "the test should change statuses: {by_status:?}"
    );

    // A redelivered batch changes nothing, counts included.
    let events = store.read_log(LogCursor::default(), 100).await.unwrap();
    let mut conn = db.writer.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    projection::apply(db, &mut tx, cp, &events).await.unwrap();
    tx.commit().await.unwrap();
    drop(conn);
    assert_eq!(reads.checkpoint().await.unwrap(), cp);
    assert_counts(&reads).await;

    projector::rebuild::rebuild(db, 3, |_, _| {}).await.unwrap();
    assert_counts(&reads).await;
    db.close().await;
}
