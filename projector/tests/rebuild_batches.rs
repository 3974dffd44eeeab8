//! A rebuild gives the same read models (rows, audit log, kept counts, checkpoint) whatever its
//! batch size, and the same as applying the events one at a time: rows carried from one batch
//! into the next are loaded, folded and written back correctly.

mod common;

use common::{Backend, Fixture};
use projector::projection::Checkpoint;
use projector::ReadModels;

async fn rebuilds_in_any_batch_size_equal_event_by_event_projection(backend: Backend) {
    let f = Fixture::new("rebuild", backend).await;
    let cluster = f.cluster("c1").await;
    let mut jobs = vec![];
    for name in ["d1", "d2", "d3"] {
        jobs.push(f.droplet(name, Some(&cluster)).await);
    }
    // Status moves, so the kept per-status counts are more than creations.
    f.commands
        .cancel_job(&f.ctx, jobs[0].parse().unwrap(), None)
        .await
        .unwrap();
    let events = f.log().await;
    assert!(
        events.len() >= 11,
        "cluster, droplets, attachments, jobs and a cancellation"
    );

    // The live projector's way, one event per batch.
    let mut cp = Checkpoint::default();
    for e in &events {
        cp = f.apply(cp, std::slice::from_ref(e)).await.0;
    }
    let reads = ReadModels::new(f.db.clone());
    let expected = reads.dump().await.unwrap();
    assert!(expected.iter().any(|r| r.contains("\"droplet_count\":3")));
    assert!(expected
        .iter()
        .any(|r| r.starts_with("read_model_counts: ") && r.contains("jobs.status=CANCELLED")));

    for batch in [1, 2, 3, 7, 1000] {
        let report = projector::rebuild::rebuild(&f.db, batch, |_, _| {})
            .await
            .unwrap();
        assert_eq!(report.events, events.len() as u64);
        assert_eq!(reads.dump().await.unwrap(), expected, "batch size {batch}");
        assert_eq!(reads.checkpoint().await.unwrap(), cp);
    }
    f.close().await;
}
on_both_backends!(rebuilds_in_any_batch_size_equal_event_by_event_projection);
