//! The dump that compares two builds sees everything the projector writes (rows, audit log,
//! kept counts, checkpoint) and fails on a row it cannot read instead of writing a blank line.

mod common;

use common::{Backend, Fixture};
use projector::projection::Checkpoint;
use projector::ReadModels;

async fn the_dump_sees_counts_and_checkpoint_and_fails_on_a_bad_row(backend: Backend) {
    let f = Fixture::new("dump", backend).await;
    f.cluster("c1").await;
    f.project(Checkpoint::default(), 100).await;
    let reads = ReadModels::new(f.db.clone());
    let before = reads.dump().await.unwrap();

    // A drifted count is a different dump.
    let bump = "UPDATE read_model_counts SET n = n + 1 WHERE name = 'clusters'";
    f.execute(bump).await;
    let drifted = reads.dump().await.unwrap();
    assert_ne!(drifted, before, "the dump must include read_model_counts");
    let undo = "UPDATE read_model_counts SET n = n - 1 WHERE name = 'clusters'";
    f.execute(undo).await;
    assert_eq!(reads.dump().await.unwrap(), before);

    // So is a checkpoint that moved.
    let moved = "UPDATE projector_checkpoints SET ordinal = ordinal + 1";
    f.execute(moved).await;
    assert_ne!(
        reads.dump().await.unwrap(),
        before,
        "the dump must include the checkpoint"
    );

    // A row that cannot be read fails the dump.
    let corrupt = "UPDATE clusters SET labels = 'not json'";
    f.execute(corrupt).await;
    let failed = reads.dump().await;
    assert!(
        failed.is_err(),
        "a corrupt row must fail the dump: {failed:?}"
    );
    f.close().await;
}
on_both_backends!(the_dump_sees_counts_and_checkpoint_and_fails_on_a_bad_row);
