//! Forced races: two appends both decide before either writes (a barrier in the append
//! path's `Decided` hook), for the same aggregate version, the same name and the same
//! idempotency key. Exactly one wins; the loser gets the typed error; the log holds only the
//! winner's events.

mod common;

use common::{append, claim, event, id, key, TestDb};
use futures::FutureExt;
use schema::AggregateType;
use std::sync::Arc;
use store::hooks::{Hook, Point};
use store::{Append, EventStore, StoreError};
use tokio::sync::Barrier;

/// A store whose appends wait at `Decided` until both racers got there.
fn racer(store: &EventStore, barrier: &Arc<Barrier>) -> EventStore {
    let barrier = barrier.clone();
    store.clone().with_hook(Hook::new(move |point| {
        let barrier = barrier.clone();
        async move {
            if point == Point::Decided {
                barrier.wait().await;
            }
        }
        .boxed()
    }))
}

/// Runs `one` and `two` concurrently, both decided before either writes; returns the
/// winner's index and the loser's error.
async fn race(t: &TestDb, one: Append, two: Append) -> (usize, StoreError) {
    let barrier = Arc::new(Barrier::new(2));
    let (a, b) = (racer(&t.store(), &barrier), racer(&t.store(), &barrier));
    let (ra, rb) = tokio::join!(
        tokio::spawn(async move { a.append(one).await }),
        tokio::spawn(async move { b.append(two).await })
    );
    match (ra.unwrap(), rb.unwrap()) {
        (Ok(_), Err(e)) => (0, e),
        (Err(e), Ok(_)) => (1, e),
        other => panic!("exactly one append must win: {other:?}"),
    }
}

/// The log holds the winner's one event and nothing of the loser's.
async fn only_the_winner_is_stored(store: &EventStore, ids: &[String; 2], winner: usize) {
    let load = |i: usize| store.load(AggregateType::Cluster, &ids[i]);
    assert_eq!(load(winner).await.unwrap().len(), 1, "the winner's event");
    let loser = load(1 - winner).await.unwrap();
    assert!(loser.is_empty(), "the loser's events: {loser:?}");
    assert_eq!(store.count().await.unwrap(), 1);
}

async fn version_race(t: TestDb) {
    let c = id();
    let (winner, err) = race(
        &t,
        append(vec![event(&c, 1, "one")]),
        append(vec![event(&c, 1, "two")]),
    )
    .await;
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    let stored = t.store().load(AggregateType::Cluster, &c).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].payload["name"], ["one", "two"][winner]);
    assert_eq!(t.store().count().await.unwrap(), 1);
}

async fn claim_race(t: TestDb) {
    let ids = [id(), id()];
    let claiming = |i: usize| {
        let mut a = append(vec![event(&ids[i], 1, "claims web")]);
        a.claims = vec![claim("web", &ids[i])];
        a
    };
    let (winner, err) = race(&t, claiming(0), claiming(1)).await;
    assert!(
        matches!(&err, StoreError::ClaimTaken { value, .. } if value == "web"),
        "{err:?}"
    );
    only_the_winner_is_stored(&t.store(), &ids, winner).await;
}

async fn key_race(t: TestDb) {
    let ids = [id(), id()];
    let keyed = |i: usize| {
        let mut a = append(vec![event(&ids[i], 1, "keyed")]);
        a.idempotency = Some(key("alice/k", "hash", &format!("response-{i}")));
        a
    };
    let (winner, err) = race(&t, keyed(0), keyed(1)).await;
    assert!(matches!(err, StoreError::DuplicateKey), "{err:?}");
    let store = t.store();
    only_the_winner_is_stored(&store, &ids, winner).await;
    let first = store
        .first_response("alice/k", "hash")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.response, format!("response-{winner}"));
}

on_both_backends!(version_race, claim_race, key_race);
