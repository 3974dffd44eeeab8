//! Applying the same events twice changes nothing: rows, audit log and checkpoint stay put.

use command::handlers::{CreateClusterInput, CreateDropletInput};
use command::{Commands, Db, EventStore, JobSettings, LogCursor, RequestContext};
use projector::projection::{self, Checkpoint};
use projector::ReadModels;
use sqlx::Acquire;
use std::sync::Arc;

#[tokio::test]
async fn a_redelivered_batch_changes_nothing() {
    let dir = std::env::temp_dir().join(format!("cg-projector-{}", uuid::Uuid::new_v4()));
    let db = Db::sqlite(&dir).await.unwrap();
    let store = EventStore::new(db.clone());
    let commands = Commands::new(
        store.clone(),
        JobSettings::default(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let ctx = RequestContext::new("tester");
    commands
        .create_cluster(
            &ctx,
            CreateClusterInput {
                name: "c1".into(),
                region: "nyc1".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    commands
        .create_droplet(
            &ctx,
            CreateDropletInput {
                name: "d1".into(),
                region: "nyc1".into(),
                size: "s-1vcpu-1gb".into(),
                image: "debian-12-x64".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let events = store.read_log(LogCursor::default(), 100).await.unwrap();
    assert_eq!(events.len(), 3);

    let mut conn = db.writer.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let (first, changes) = projection::apply(&db, &mut tx, Checkpoint::default(), &events)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(changes.len(), 3);
    assert_eq!(first.ordinal, 3);
    drop(conn);
    let reads = ReadModels::new(db.clone());
    let before = reads.dump().await.unwrap();

    let mut conn = db.writer.acquire().await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    let (second, changes) = projection::apply(&db, &mut tx, first, &events)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    drop(conn);
    assert!(changes.is_empty(), "duplicates must not be re-published");
    assert_eq!(second, first);
    assert_eq!(reads.dump().await.unwrap(), before);
    assert_eq!(reads.checkpoint().await.unwrap(), first);
    db.close().await;
}
