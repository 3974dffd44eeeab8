//! A rebuild gives the same read models whatever its batch size, and the same as applying
//! the events one at a time: rows carried from one batch into the next are loaded, folded
//! and written back correctly.

mod common;

use command::LogCursor;
use common::Fixture;
use projector::projection::{self, Checkpoint};
use projector::ReadModels;
use sqlx::Acquire;

#[tokio::test]
async fn rebuilds_in_any_batch_size_equal_event_by_event_projection() {
    let f = Fixture::new("rebuild").await;
    let cluster = f.cluster("c1").await;
    for name in ["d1", "d2", "d3"] {
        f.droplet(name, Some(&cluster)).await;
    }
    let Fixture { db, store, .. } = f;
    let events = store.read_log(LogCursor::default(), 1000).await.unwrap();
    assert!(
        events.len() >= 10,
        "cluster, droplets, attachments and jobs"
    );

    // The live projector's way, one event per batch.
    let mut cp = Checkpoint::default();
    for e in &events {
        let mut conn = db.writer.acquire().await.unwrap();
        let mut tx = conn.begin().await.unwrap();
        cp = projection::apply(&db, &mut tx, cp, std::slice::from_ref(e))
            .await
            .unwrap()
            .0;
        tx.commit().await.unwrap();
    }
    let reads = ReadModels::new(db.clone());
    let expected = reads.dump().await.unwrap();
    assert!(expected.iter().any(|r| r.contains("\"droplet_count\":3")));

    for batch in [1, 2, 3, 7, 1000] {
        let report = projector::rebuild::rebuild(&db, batch, |_, _| {})
            .await
            .unwrap();
        assert_eq!(report.events, events.len() as u64);
        assert_eq!(reads.dump().await.unwrap(), expected, "batch size {batch}");
        assert_eq!(reads.checkpoint().await.unwrap(), cp);
    }
    db.close().await;
}
