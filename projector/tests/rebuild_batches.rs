//! A rebuild gives the same read models whatever its batch size, and the same as applying
//! the events one at a time: rows carried from one batch into the next are loaded, folded
//! and written back correctly.

use command::handlers::{CreateClusterInput, CreateDropletInput};
use command::{Commands, Db, EventStore, JobSettings, LogCursor, RequestContext};
use projector::projection::{self, Checkpoint};
use projector::ReadModels;
use sqlx::Acquire;
use std::sync::Arc;

#[tokio::test]
async fn rebuilds_in_any_batch_size_equal_event_by_event_projection() {
    let dir = std::env::temp_dir().join(format!("cg-rebuild-{}", uuid::Uuid::new_v4()));
    let db = Db::sqlite(&dir).await.unwrap();
    let store = EventStore::new(db.clone());
    let commands = Commands::new(
        store.clone(),
        JobSettings::default(),
        Arc::new(tokio::sync::Notify::new()),
    );
    let ctx = RequestContext::new("tester");
    let cluster = commands
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
    for name in ["d1", "d2", "d3"] {
        commands
            .create_droplet(
                &ctx,
                CreateDropletInput {
                    name: name.into(),
                    region: "nyc1".into(),
                    size: "s-1vcpu-1gb".into(),
                    image: "debian-12-x64".into(),
                    cluster_id: Some(cluster.value.to_string()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
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
