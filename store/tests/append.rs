//! The append path on both backends: optimistic concurrency, unique claims and idempotency
//! records, each checked against what the log holds afterwards.

mod common;

use common::{append, claim, event, id, key, TestDb};
use schema::AggregateType;
use store::{FirstResponse, StoreError};

async fn wrong_expected_version_is_a_conflict(t: TestDb) {
    let store = t.store();
    let c = id();
    store
        .append(append(vec![event(&c, 1, "first")]))
        .await
        .unwrap();
    let err = store
        .append(append(vec![event(&c, 1, "stale")]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { aggregate_id, .. } if *aggregate_id == c),
        "{err:?}"
    );
    store
        .append(append(vec![event(&c, 2, "second")]))
        .await
        .unwrap();
    let stored = store.load(AggregateType::Cluster, &c).await.unwrap();
    let notes: Vec<_> = stored.iter().map(|e| e.payload["name"].clone()).collect();
    assert_eq!(notes, ["first", "second"]);
}

async fn claims_are_unique_until_released(t: TestDb) {
    let store = t.store();
    let (a, b) = (id(), id());
    let mut first = append(vec![event(&a, 1, "a")]);
    first.claims = vec![claim("web", &a)];
    store.append(first).await.unwrap();

    let mut taken = append(vec![event(&b, 1, "b")]);
    taken.claims = vec![claim("web", &b)];
    let err = store.append(taken.clone()).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::ClaimTaken { scope: "cluster-name", value } if value == "web"),
        "{err:?}"
    );
    assert!(store
        .load(AggregateType::Cluster, &b)
        .await
        .unwrap()
        .is_empty());

    // A release by someone who does not hold the value frees nothing.
    let mut wrong_release = append(vec![event(&b, 1, "b")]);
    wrong_release.releases = vec![claim("web", &b)];
    store.append(wrong_release).await.unwrap();
    let mut again = append(vec![event(&b, 2, "b")]);
    again.claims = vec![claim("web", &b)];
    assert!(matches!(
        store.append(again).await,
        Err(StoreError::ClaimTaken { .. })
    ));

    let mut release = append(vec![event(&a, 2, "a released")]);
    release.releases = vec![claim("web", &a)];
    store.append(release).await.unwrap();
    let mut reclaim = append(vec![event(&b, 2, "b claims")]);
    reclaim.claims = vec![claim("web", &b)];
    store.append(reclaim).await.unwrap();
    assert_eq!(
        store.load(AggregateType::Cluster, &b).await.unwrap().len(),
        2
    );
}

async fn idempotency_keys_answer_once(t: TestDb) {
    let store = t.store();
    let (a, b) = (id(), id());
    let mut first = append(vec![event(&a, 1, "a")]);
    first.idempotency = Some(key("alice/k1", "hash-1", "response-1"));
    let committed = store.append(first).await.unwrap();

    assert_eq!(
        store.first_response("alice/k1", "hash-1").await.unwrap(),
        Some(FirstResponse {
            response: "response-1".into(),
            position: committed[0].position,
        })
    );
    assert!(matches!(
        store.first_response("alice/k1", "hash-2").await,
        Err(StoreError::KeyReused)
    ));
    assert_eq!(
        store.first_response("alice/k2", "hash-1").await.unwrap(),
        None
    );

    let mut second = append(vec![event(&b, 1, "b")]);
    second.idempotency = Some(key("alice/k1", "hash-1", "response-2"));
    assert!(matches!(
        store.append(second).await,
        Err(StoreError::DuplicateKey)
    ));
    assert!(store
        .load(AggregateType::Cluster, &b)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(store.count().await.unwrap(), 1);
}

on_both_backends!(
    wrong_expected_version_is_a_conflict,
    claims_are_unique_until_released,
    idempotency_keys_answer_once,
);
