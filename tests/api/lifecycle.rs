//! One state machine per aggregate, seen from a client: the read model and `history` agree
//! on a droplet's status through every path, including an abandoned destroy.

use crate::helpers::{
    spawn_app_on, Backend, OpenTransaction, Storage, CANCEL_JOB, DESTROY_DROPLET,
};
use crate::on_both_backends;
use serde_json::json;
use std::time::Duration;
use testkit::graphql::{i64_at, string_at};

const READ: &str = "query($id: ID!, $p: Int) { droplet(id: $id, minPosition: $p) { status } \
                    history(aggregateType: Droplet, aggregateId: $id) { state } }";

/// Power a RUNNING droplet off (STOPPED), destroy it, cancel the destroy job: the droplet is
/// STOPPED again in `history` and in the read model (it once guessed RUNNING from the IP).
async fn an_abandoned_destroy_restores_stopped(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    // A generous read-your-writes wait: with every test of the suite starting at once on two
    // cores, the first projection on Postgres has taken longer than the default 5 s.
    let app = spawn_app_on(storage, |s| s.consistency_timeout_seconds = 30.0).await;
    let (droplet, provision) = app
        .create_droplet("stopped-then-kept", "debian-12-x64")
        .await;
    app.completed(&provision).await;
    app.power_off(&droplet).await;
    let storage = app.stop().await;

    // Jobs now take ten minutes, so the destroy job is still QUEUED or RUNNING when cancelled.
    let app = spawn_app_on(storage, |s| {
        s.provision_seconds = 600.0;
        s.consistency_timeout_seconds = 30.0;
    })
    .await;
    let r = app.gql_id(DESTROY_DROPLET, &droplet).await;
    if r["data"]["destroyDroplet"]["projected"]
        .as_bool()
        .unwrap_or_else(|| panic!("{r}"))
    {
        assert_eq!(
            r["data"]["destroyDroplet"]["droplet"]["status"], "DESTROYING",
            "{r}"
        );
    }
    let destroy = string_at(&r, "/data/destroyDroplet/job/id");
    let r = app.gql_id(CANCEL_JOB, &destroy).await;
    assert_eq!(r["data"]["cancelJob"]["job"]["status"], "CANCELLED", "{r}");
    let position = i64_at(&r, "/data/cancelJob/position");

    let r = app.gql(READ, json!({ "id": droplet, "p": position })).await;
    assert_eq!(r["data"]["history"]["state"]["status"], "STOPPED", "{r}");
    assert_eq!(r["data"]["droplet"]["status"], "STOPPED", "{r}");
    app.stop().await;
}
on_both_backends!(an_abandoned_destroy_restores_stopped);

/// A mutation whose read model lags says so: `projected: false` and no object, and the same
/// object is there once the projector catches up. The projector is held back by locking its
/// checkpoint table on Postgres (reads of the other tables go on).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lagging_read_model_is_reported_in_the_payload() {
    let storage = Storage::fresh(Backend::Postgres).await;
    let app = spawn_app_on(storage, |_| {}).await;
    let r = app.try_create_cluster(None, "current", "nyc1").await;
    assert_eq!(r["data"]["createCluster"]["projected"], true, "{r}");
    assert!(
        r["data"]["createCluster"]["cluster"]["id"].is_string(),
        "{r}"
    );

    let hold = OpenTransaction::hold_projector(app.storage.postgres_url()).await;
    let r = app.try_create_cluster(None, "lagging", "nyc1").await;
    let payload = &r["data"]["createCluster"];
    assert_eq!(payload["projected"], false, "{r}");
    assert!(payload["cluster"].is_null(), "{r}");
    let position = i64_at(payload, "/position");
    hold.rollback().await;

    // The projector catches up once the lock is gone; `minPosition` waits for it.
    let read = "query($p: Int) { clusters(minPosition: $p, filter: {name: \"lagging\"}) { nodes { name } } }";
    testkit::wait::until(
        "the lagging cluster to be projected",
        Duration::from_secs(60),
        || async {
            let r = app.gql(read, json!({ "p": position })).await;
            if r["data"]["clusters"]["nodes"][0]["name"] == "lagging" {
                Ok(())
            } else {
                Err(r.to_string())
            }
        },
    )
    .await;
    app.stop().await;
}
