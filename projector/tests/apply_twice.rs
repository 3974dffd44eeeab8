//! Applying the same events twice changes nothing: rows, audit log, counts and checkpoint stay
//! put, and nothing is re-published.

mod common;

use common::{Backend, Fixture};
use projector::projection::Checkpoint;
use projector::ReadModels;

async fn a_redelivered_batch_changes_nothing(backend: Backend) {
    let f = Fixture::new("projector", backend).await;
    f.cluster("c1").await;
    f.droplet("d1", None).await;
    let events = f.log().await;
    assert_eq!(events.len(), 3);

    let (first, changes) = f.apply(Checkpoint::default(), &events).await;
    assert_eq!(changes.len(), 3);
    assert_eq!(first.ordinal, 3);
    let reads = ReadModels::new(f.db.clone());
    let before = reads.dump().await.unwrap();
    assert!(before.iter().any(|l| l.starts_with("read_model_counts: ")));
    assert!(before
        .iter()
        .any(|l| l.starts_with("projector_checkpoints: ")));

    let (second, changes) = f.apply(first, &events).await;
    assert!(changes.is_empty(), "duplicates must not be re-published");
    assert_eq!(second, first);
    assert_eq!(reads.dump().await.unwrap(), before);
    assert_eq!(reads.checkpoint().await.unwrap(), first);
    f.close().await;
}
on_both_backends!(a_redelivered_batch_changes_nothing);
