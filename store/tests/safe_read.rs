//! The xid8 safe-read rule on Postgres: while an earlier transaction's append is still open,
//! a later one that committed must not be read (the reader would pass the gap and never see
//! the earlier event); once the first commits, the reader returns both exactly once, in
//! global order.

mod common;

use common::{append, event, id, run, Backend, TestDb};
use futures::FutureExt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::hooks::{Hook, Point};
use store::{LogCursor, StoredEvent};
use tokio::sync::Notify;

/// Reads the log after `cursor` until `want` events came back (failing after 20 s: other
/// tests' transactions on the same server can hold the horizon back for a moment).
async fn read_until(
    store: &store::EventStore,
    mut cursor: LogCursor,
    want: usize,
) -> Vec<StoredEvent> {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut seen = Vec::new();
    while seen.len() < want {
        assert!(Instant::now() < deadline, "log returned only {seen:?}");
        let batch = store.read_log(cursor, 100).await.unwrap();
        if let Some(last) = batch.last() {
            cursor = last.cursor();
        } else {
            tokio::task::yield_now().await;
        }
        seen.extend(batch);
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reader_does_not_pass_an_open_transaction() {
    run(
        Backend::Postgres,
        reader_does_not_pass_an_open_transaction_on,
    )
    .await;
}

async fn reader_does_not_pass_an_open_transaction_on(t: TestDb) {
    let store = t.store();
    store
        .append(append(vec![event(&id(), 1, "before")]))
        .await
        .unwrap();
    let start = read_until(&store, LogCursor::default(), 1).await[0].cursor();

    // The earlier append: written inside its transaction, held before COMMIT.
    let (reached, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let held = store.clone().with_hook(Hook::new({
        let (reached, release) = (reached.clone(), release.clone());
        move |point| {
            let (reached, release) = (reached.clone(), release.clone());
            async move {
                if point == Point::BeforeCommit {
                    reached.notify_one();
                    release.notified().await;
                }
            }
            .boxed()
        }
    }));
    let early = id();
    let first = tokio::spawn({
        let early = early.clone();
        async move { held.append(append(vec![event(&early, 1, "early")])).await }
    });
    reached.notified().await;

    // The later append commits while the earlier one is open.
    let late = id();
    let later = store
        .append(append(vec![event(&late, 1, "late")]))
        .await
        .unwrap();
    assert_eq!(
        store.head().await.unwrap(),
        later[0].position,
        "the later event is committed"
    );

    // The reader must not return it, and so its cursor stays where it was.
    let batch = store.read_log(start, 100).await.unwrap();
    assert!(
        batch.is_empty(),
        "the reader passed an open transaction's gap: {batch:?}"
    );

    release.notify_one();
    let earlier = first.await.unwrap().unwrap();
    assert!(earlier[0].position < later[0].position);

    let events = read_until(&store, start, 2).await;
    let ids: Vec<_> = events.iter().map(|e| e.aggregate_id.as_str()).collect();
    assert_eq!(
        ids,
        [early.as_str(), late.as_str()],
        "both, once, in global order"
    );
    assert!(events[0].cursor() < events[1].cursor());
    let after = store.read_log(events[1].cursor(), 100).await.unwrap();
    assert!(after.is_empty(), "read twice: {after:?}");
}
