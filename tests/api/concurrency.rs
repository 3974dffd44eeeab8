//! Races: optimistic concurrency, write-side uniqueness and idempotent retries, as a client
//! sees them: for every request its exact outcome (one winner, the right code for each
//! loser), the log holds exactly the winner's events, and the read model agrees.
//!
//! On Postgres each race is forced: the test holds the events table locked (reads go on,
//! appends wait) until every request has loaded the same state, decided, and is waiting to
//! append, so the store's append race decides the losers, not a version check that would
//! catch them had the requests run one after the other. On SQLite the requests only run
//! concurrently. The store's own tests force the same races below the API.

use crate::helpers::{
    assert_code, error_code, lock_waiters, spawn_app, Backend, OpenTransaction, TestApp,
};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::graphql::{i64_at, string_at};

/// Holds appends on Postgres: `LOCK TABLE events IN EXCLUSIVE MODE` in an open transaction
/// lets reads through and makes every append wait.
struct AppendGate {
    lock: OpenTransaction,
    watcher: sqlx::PgPool,
}

impl AppendGate {
    async fn close(url: &str) -> Self {
        Self {
            lock: OpenTransaction::begin(url, "LOCK TABLE events IN EXCLUSIVE MODE").await,
            watcher: sqlx::PgPool::connect(url).await.unwrap(),
        }
    }

    /// Waits until `n` sessions wait for a lock in this database: each request has decided.
    async fn wait_for_appends(&self, n: i64) {
        testkit::wait::until(
            &format!("{n} appends waiting at the gate"),
            Duration::from_secs(60),
            || async {
                let waiting = lock_waiters(&self.watcher).await.len() as i64;
                if waiting >= n {
                    Ok(())
                } else {
                    Err(format!("{waiting} waiting"))
                }
            },
        )
        .await;
    }

    async fn open(self) {
        self.lock.rollback().await;
        self.watcher.close().await;
    }
}

/// Sends every request at once and returns the answers in order; on Postgres, forced
/// through the gate so all of them decide before any appends.
async fn race(app: &TestApp, requests: Vec<(&'static str, Value)>) -> Vec<Value> {
    let gate = match &app.storage.database_url {
        Some(url) => Some(AppendGate::close(url).await),
        None => None,
    };
    let n = requests.len() as i64;
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(query, variables)| {
            let client = app.graphql.clone();
            tokio::spawn(async move { client.post(query, variables).await })
        })
        .collect();
    if let Some(gate) = gate {
        gate.wait_for_appends(n).await;
        gate.open().await;
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("the request task did not panic"));
    }
    out
}

/// How many events of `event_type` the log holds (optionally for one aggregate), read from
/// the audit log once it has caught up with the store's newest event.
async fn logged(app: &TestApp, event_type: &str, aggregate: Option<&str>) -> i64 {
    let r = app
        .gql(
            "query($t: String, $id: ID, $p: Int) { events(first: 1, minPosition: $p, filter: {eventType: $t, aggregateId: $id}) { totalCount } }",
            json!({ "t": event_type, "id": aggregate, "p": app.store_head().await }),
        )
        .await;
    i64_at(&r, "/data/events/totalCount")
}

/// Splits answers into (winners, loser codes), failing on an answer that is neither.
fn outcomes(results: &[Value], field: &str) -> (Vec<Value>, Vec<String>) {
    let mut won = Vec::new();
    let mut lost = Vec::new();
    for r in results {
        match error_code(r) {
            None => {
                assert!(r["data"][field].is_object(), "neither data nor error: {r}");
                won.push(r["data"][field].clone());
            }
            Some(code) => {
                assert!(r["data"].is_null() || r["data"][field].is_null(), "{r}");
                lost.push(code);
            }
        }
    }
    (won, lost)
}

async fn concurrent_deletes_at_one_version_let_exactly_one_win(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.create_cluster("contested", "ams3").await;
    let r = app
        .gql_id("query($id: ID!) { cluster(id: $id) { version } }", &id)
        .await;
    let version = i64_at(&r, "/data/cluster/version");
    let delete = "mutation($id: ID!, $v: Int) { deleteCluster(id: $id, expectedVersion: $v) { cluster { status } position } }";
    let vars = json!({ "id": id, "v": version });
    let results = race(&app, vec![(delete, vars.clone()), (delete, vars)]).await;
    let (won, lost) = outcomes(&results, "deleteCluster");
    assert_eq!(won.len(), 1, "{results:?}");
    assert_eq!(lost, ["CONFLICT"], "{results:?}");
    // The log holds the winner's event, once; the read model shows it.
    assert_eq!(logged(&app, "ClusterDeleted", Some(&id)).await, 1);
    let position = i64_at(&won[0], "/position");
    let r = app
        .gql(
            "query($id: ID!, $p: Int) { cluster(id: $id, minPosition: $p) { status version } }",
            json!({ "id": id, "p": position }),
        )
        .await;
    assert_eq!(r["data"]["cluster"]["status"], "DELETED", "{r}");
    assert_eq!(r["data"]["cluster"]["version"], version + 1, "{r}");
    app.stop().await;
}
on_both_backends!(concurrent_deletes_at_one_version_let_exactly_one_win);

async fn concurrent_creates_with_the_same_name_let_exactly_one_win(backend: Backend) {
    let app = spawn_app(backend).await;
    let create = "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } position } }";
    let input = json!({ "i": { "name": "same-name", "region": "nyc1" } });
    let results = race(&app, vec![(create, input.clone()); 6]).await;
    let (won, lost) = outcomes(&results, "createCluster");
    assert_eq!(won.len(), 1, "{results:?}");
    assert_eq!(lost, vec!["CONFLICT"; 5], "{results:?}");
    let winner = string_at(&won[0], "/cluster/id");
    assert_eq!(logged(&app, "ClusterCreated", None).await, 1);
    assert_eq!(logged(&app, "ClusterCreated", Some(&winner)).await, 1);

    let create = "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } job { id } position } }";
    let input = json!({ "i": { "name": "same-droplet", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64" } });
    let results = race(&app, vec![(create, input); 6]).await;
    let (won, lost) = outcomes(&results, "createDroplet");
    assert_eq!(won.len(), 1, "{results:?}");
    assert_eq!(lost, vec!["CONFLICT"; 5], "{results:?}");
    let droplet = string_at(&won[0], "/droplet/id");
    let job = string_at(&won[0], "/job/id");
    assert_eq!(logged(&app, "DropletCreated", None).await, 1);
    assert_eq!(logged(&app, "DropletCreated", Some(&droplet)).await, 1);
    assert_eq!(logged(&app, "JobQueued", None).await, 1);
    assert_eq!(logged(&app, "JobQueued", Some(&job)).await, 1);
    let position = i64_at(&won[0], "/position");
    let r = app
        .gql(
            "query($p: Int) { droplets(minPosition: $p) { totalCount nodes { id } } clusters { totalCount nodes { id } } }",
            json!({ "p": position }),
        )
        .await;
    assert_eq!(r["data"]["droplets"]["totalCount"], 1, "{r}");
    assert_eq!(
        r["data"]["droplets"]["nodes"][0]["id"],
        json!(droplet),
        "{r}"
    );
    assert_eq!(r["data"]["clusters"]["totalCount"], 1, "{r}");
    assert_eq!(
        r["data"]["clusters"]["nodes"][0]["id"],
        json!(winner),
        "{r}"
    );
    app.stop().await;
}
on_both_backends!(concurrent_creates_with_the_same_name_let_exactly_one_win);

async fn idempotent_retries_return_the_first_result(backend: Backend) {
    let app = spawn_app(backend).await;
    let create = "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } job { id } position } }";
    let input = json!({ "i": { "name": "idem", "region": "sgp1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "idempotencyKey": "req-42" } });
    // Racing first attempts: one appends, the other returns its result.
    let results = race(&app, vec![(create, input.clone()), (create, input.clone())]).await;
    let (won, lost) = outcomes(&results, "createDroplet");
    assert!(lost.is_empty(), "{results:?}");
    assert_eq!(won[0], won[1], "both attempts answer with the first result");
    let first = &won[0];
    // A later retry too.
    let again = app.gql(create, input).await;
    assert_eq!(&again["data"]["createDroplet"], first, "{again}");
    let droplet = string_at(first, "/droplet/id");
    let job = string_at(first, "/job/id");
    assert_eq!(logged(&app, "DropletCreated", None).await, 1);
    assert_eq!(logged(&app, "JobQueued", None).await, 1);
    let r = app
        .gql(
            "query($p: Int) { droplets(minPosition: $p) { totalCount } jobs { totalCount } }",
            json!({ "p": i64_at(first, "/position") }),
        )
        .await;
    assert_eq!(r["data"]["droplets"]["totalCount"], 1, "{r}");
    assert_eq!(r["data"]["jobs"]["totalCount"], 1, "{r}");
    // The same key with different input is refused, and appends nothing.
    let other = json!({ "i": { "name": "idem", "region": "sgp1", "size": "s-2vcpu-2gb", "image": "debian-12-x64", "idempotencyKey": "req-42" } });
    let r = app.gql(create, other).await;
    assert_code(&r, "CONFLICT");
    assert_eq!(logged(&app, "DropletCreated", None).await, 1);

    // Every other mutation takes a key too: a retried destroy returns the first job.
    app.completed(&job).await;
    let destroy = "mutation($id: ID!) { destroyDroplet(id: $id, idempotencyKey: \"d-1\") { job { id } position } }";
    let vars = json!({ "id": droplet });
    let results = race(&app, vec![(destroy, vars.clone()), (destroy, vars)]).await;
    let (won, lost) = outcomes(&results, "destroyDroplet");
    assert!(lost.is_empty(), "{results:?}");
    assert_eq!(won[0], won[1], "{results:?}");
    assert_eq!(
        logged(&app, "DropletOperationRequested", Some(&droplet)).await,
        1
    );

    let cluster = "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } position } }";
    let input =
        json!({ "i": { "name": "idem-cluster", "region": "nyc1", "idempotencyKey": "c-1" } });
    let results = race(&app, vec![(cluster, input.clone()), (cluster, input)]).await;
    let (won, lost) = outcomes(&results, "createCluster");
    assert!(lost.is_empty(), "{results:?}");
    assert_eq!(won[0], won[1], "{results:?}");
    assert_eq!(logged(&app, "ClusterCreated", None).await, 1);
    app.stop().await;
}
on_both_backends!(idempotent_retries_return_the_first_result);

/// Many droplets created at once into one cluster all succeed: without an expected version a
/// lost race on the cluster is decided again on its fresh state, never reported to the client.
async fn concurrent_creates_into_one_cluster_all_succeed(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("busy", "nyc1").await;
    let create =
        "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } position } }";
    let requests = (0..8)
        .map(|i| {
            (
                create,
                json!({ "i": { "name": format!("busy-{i}"), "region": "nyc1",
                    "size": "s-1vcpu-1gb", "image": "debian-12-x64", "clusterId": cluster } }),
            )
        })
        .collect();
    let results = race(&app, requests).await;
    let (won, lost) = outcomes(&results, "createDroplet");
    assert!(lost.is_empty(), "{results:?}");
    assert_eq!(won.len(), 8);
    assert_eq!(logged(&app, "DropletAttached", Some(&cluster)).await, 8);
    let last = won.iter().map(|w| i64_at(w, "/position")).max().unwrap();
    let r = app
        .gql(
            "query($id: ID!, $p: Int) { cluster(id: $id, minPosition: $p) { dropletCount version } }",
            json!({ "id": cluster, "p": last }),
        )
        .await;
    assert_eq!(r["data"]["cluster"]["dropletCount"], 8, "{r}");
    assert_eq!(r["data"]["cluster"]["version"], 9, "{r}");
    app.stop().await;
}
on_both_backends!(concurrent_creates_into_one_cluster_all_succeed);
