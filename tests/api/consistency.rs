//! Read-your-writes when the projector lags: what a client gets. Today's contract
//! (`query/src/graphql/consistency.rs`): a query's `minPosition` waits at most
//! `consistency_timeout` and then answers `UNAVAILABLE` ("read models have not caught up to
//! position N yet; try again"); a position beyond the newest event is `BAD_USER_INPUT` at once; once
//! the projector catches up the same query answers. The projector is held back by locking its
//! checkpoint table on Postgres (reads go on, its commits wait).

use crate::helpers::{
    assert_code, error_code, lock_waiters, spawn_app, spawn_app_on, Backend, OpenTransaction,
    Storage,
};
use serde_json::json;
use std::time::Duration;
use testkit::graphql::i64_at;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_read_model_answers_unavailable_after_the_timeout_then_catches_up() {
    let storage = Storage::fresh(Backend::Postgres).await;
    let app = spawn_app_on(storage, |s| s.consistency_timeout_seconds = 1.0).await;
    let read =
        "query($p: Int) { clusters(minPosition: $p, filter: {name: \"late\"}) { nodes { name } } }";

    let hold = OpenTransaction::hold_projector(app.storage.postgres_url()).await;
    let r = app.try_create_cluster(None, "late", "nyc1").await;
    assert_eq!(r["data"]["createCluster"]["projected"], false, "{r}");
    let position = i64_at(&r, "/data/createCluster/position");

    let r = app.gql(read, json!({ "p": position })).await;
    assert_code(&r, "UNAVAILABLE");
    let message = r["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("position {position}")) && message.contains("try again"),
        "{message}"
    );
    assert!(r["data"].is_null(), "no partial answer: {r}");

    // Beyond the newest event: refused at once, whatever the projector does.
    let r = app.gql(read, json!({ "p": position + 1000 })).await;
    assert_code(&r, "BAD_USER_INPUT");

    hold.rollback().await;
    let r = testkit::wait::until(
        "the projector to catch up",
        Duration::from_secs(60),
        || async {
            let r = app.gql(read, json!({ "p": position })).await;
            if error_code(&r).as_deref() == Some("UNAVAILABLE") {
                Err(r.to_string())
            } else {
                Ok(r)
            }
        },
    )
    .await;
    assert_eq!(r["data"]["clusters"]["nodes"][0]["name"], "late", "{r}");
    app.stop().await;
}

/// A projector waits for its checkpoint's lock before it writes anything, so while it waits
/// it has no transaction id and holds back no reader: the safe-read horizon is the oldest
/// transaction on the whole Postgres server, and a projector blocked with an id would stall
/// the projector of every other database (another installation's, another test's) for as
/// long as it waits.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_waiting_projector_holds_back_no_other_database() {
    let storage = Storage::fresh(Backend::Postgres).await;
    let held = spawn_app_on(storage, |s| s.consistency_timeout_seconds = 0.2).await;
    let other = spawn_app(Backend::Postgres).await;
    let url = held.storage.postgres_url();
    let watcher = sqlx::PgPool::connect(url).await.unwrap();

    let hold = OpenTransaction::hold_projector(url).await;
    let r = held.try_create_cluster(None, "waiting", "nyc1").await;
    assert_eq!(r["data"]["createCluster"]["projected"], false, "{r}");
    let waiters = testkit::wait::until(
        "the projector to wait for its checkpoint",
        Duration::from_secs(60),
        || async {
            let waiters = lock_waiters(&watcher).await;
            if waiters.is_empty() {
                Err("no session waits".to_string())
            } else {
                Ok(waiters)
            }
        },
    )
    .await;
    assert!(
        waiters.iter().all(Option::is_none),
        "a session waits holding a transaction id: {waiters:?}"
    );

    let r = other.try_create_cluster(None, "elsewhere", "nyc1").await;
    assert_eq!(
        r["data"]["createCluster"]["projected"], true,
        "the other database's projector goes on: {r}"
    );

    hold.rollback().await;
    let waiting = "query { clusters(filter: {name: \"waiting\"}) { nodes { name } } }";
    testkit::wait::until(
        "the held projector to catch up",
        Duration::from_secs(60),
        || async {
            let r = held.gql(waiting, json!({})).await;
            let nodes = r["data"]["clusters"]["nodes"].as_array().cloned();
            nodes
                .filter(|n| n.len() == 1)
                .map(|_| ())
                .ok_or(r.to_string())
        },
    )
    .await;
    watcher.close().await;
    other.stop().await;
    held.stop().await;
}
