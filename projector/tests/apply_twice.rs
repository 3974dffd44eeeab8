//! Applying the same events twice changes nothing: rows, audit log and checkpoint stay put.

mod common;

use command::LogCursor;
use common::Fixture;
use projector::projection::{self, Checkpoint};
use projector::ReadModels;
use sqlx::Acquire;

#[tokio::test]
async fn a_redelivered_batch_changes_nothing() {
    let Fixture { db, store, .. } = {
        let f = Fixture::new("projector").await;
        f.cluster("c1").await;
        f.droplet("d1", None).await;
        f
    };
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
