//! Races: optimistic concurrency, write-side uniqueness and idempotent retries.

use crate::helpers::{error_code, spawn_app, Backend};
use crate::on_both_backends;
use serde_json::json;

async fn concurrent_conflicting_commands_yield_exactly_one_conflict(backend: Backend) {
    let app = spawn_app(backend).await;
    let id = app.create_cluster("contested", "ams3").await;
    let r = app
        .gql(
            "query($id: ID!) { cluster(id: $id) { version } }",
            json!({ "id": id }),
        )
        .await;
    let version = r["data"]["cluster"]["version"].as_i64().unwrap();
    let before = app.event_count().await;
    let delete = "mutation($id: ID!, $v: Int) { deleteCluster(id: $id, expectedVersion: $v) { cluster { status } } }";
    let vars = json!({ "id": id, "v": version });
    let (a, b) = tokio::join!(app.gql(delete, vars.clone()), app.gql(delete, vars.clone()));
    let codes: Vec<_> = [&a, &b].iter().map(|r| error_code(r)).collect();
    assert_eq!(codes.iter().filter(|c| c.is_none()).count(), 1, "{a} {b}");
    assert_eq!(
        codes
            .iter()
            .filter(|c| c.as_deref() == Some("CONFLICT"))
            .count(),
        1,
        "{a} {b}"
    );
    assert_eq!(app.event_count().await, before + 1);
    app.stop().await;
}
on_both_backends!(concurrent_conflicting_commands_yield_exactly_one_conflict);

async fn concurrent_creates_with_the_same_name_let_exactly_one_win(backend: Backend) {
    let app = spawn_app(backend).await;
    let create =
        "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }";
    let results = futures::future::join_all((0..8).map(|_| {
        app.gql(
            create,
            json!({ "i": { "name": "same-name", "region": "nyc1" } }),
        )
    }))
    .await;
    let ok = results.iter().filter(|r| error_code(r).is_none()).count();
    let conflicts = results
        .iter()
        .filter(|r| error_code(r).as_deref() == Some("CONFLICT"))
        .count();
    assert_eq!((ok, conflicts), (1, 7), "{results:?}");

    let create =
        "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } } }";
    let input = json!({ "i": { "name": "same-droplet", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64" } });
    let results = futures::future::join_all((0..8).map(|_| app.gql(create, input.clone()))).await;
    let ok = results.iter().filter(|r| error_code(r).is_none()).count();
    assert_eq!(ok, 1, "{results:?}");
    let r = app
        .gql(
            "{ droplets { totalCount } clusters { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r["data"]["droplets"]["totalCount"], 1, "{r}");
    assert_eq!(r["data"]["clusters"]["totalCount"], 1, "{r}");
    let r = app
        .gql(
            "{ events(filter: {eventType: \"DropletCreated\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r["data"]["events"]["totalCount"], 1, "{r}");
    app.stop().await;
}
on_both_backends!(concurrent_creates_with_the_same_name_let_exactly_one_win);

async fn idempotent_retries_return_the_first_result(backend: Backend) {
    let app = spawn_app(backend).await;
    let create = "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } job { id } position } }";
    let input = json!({ "i": { "name": "idem", "region": "sgp1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "idempotencyKey": "req-42" } });
    let first = app.gql(create, input.clone()).await;
    assert!(error_code(&first).is_none(), "{first}");
    let count = app.event_count().await;
    let (a, b) = tokio::join!(
        app.gql(create, input.clone()),
        app.gql(create, input.clone())
    );
    for again in [&a, &b] {
        assert_eq!(
            again["data"]["createDroplet"]["droplet"]["id"],
            first["data"]["createDroplet"]["droplet"]["id"],
            "{again}"
        );
        assert_eq!(
            again["data"]["createDroplet"]["job"]["id"],
            first["data"]["createDroplet"]["job"]["id"]
        );
        assert_eq!(
            again["data"]["createDroplet"]["position"],
            first["data"]["createDroplet"]["position"]
        );
    }
    let after = app.event_count().await;
    // The job may have progressed meanwhile, but no second droplet or job was created.
    let r = app
        .gql("{ droplets { totalCount } jobs { totalCount } }", json!({}))
        .await;
    assert_eq!(r["data"]["droplets"]["totalCount"], 1, "{r}");
    assert_eq!(r["data"]["jobs"]["totalCount"], 1);
    assert!(after >= count);
    // The same key with different input is refused.
    let other = json!({ "i": { "name": "idem", "region": "sgp1", "size": "s-2vcpu-2gb", "image": "debian-12-x64", "idempotencyKey": "req-42" } });
    let r = app.gql(create, other).await;
    assert_eq!(error_code(&r).as_deref(), Some("CONFLICT"), "{r}");

    // Every other mutation takes a key too: a retried destroy returns the first job.
    let droplet = first["data"]["createDroplet"]["droplet"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let job = first["data"]["createDroplet"]["job"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.wait_for_job(&job, "COMPLETED", std::time::Duration::from_secs(30))
        .await;
    let destroy = "mutation($id: ID!) { destroyDroplet(id: $id, idempotencyKey: \"d-1\") { job { id } position } }";
    let (a, b) = tokio::join!(
        app.gql(destroy, json!({ "id": droplet })),
        app.gql(destroy, json!({ "id": droplet }))
    );
    assert!(
        error_code(&a).is_none() && error_code(&b).is_none(),
        "{a} {b}"
    );
    assert_eq!(a["data"]["destroyDroplet"], b["data"]["destroyDroplet"]);
    let r = app
        .gql(
            "{ events(filter: {eventType: \"DropletOperationRequested\"}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r["data"]["events"]["totalCount"], 1, "{r}");

    let cluster = "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } position } }";
    let input =
        json!({ "i": { "name": "idem-cluster", "region": "nyc1", "idempotencyKey": "c-1" } });
    let (a, b) = tokio::join!(
        app.gql(cluster, input.clone()),
        app.gql(cluster, input.clone())
    );
    assert_eq!(
        a["data"]["createCluster"], b["data"]["createCluster"],
        "{a} {b}"
    );
    app.stop().await;
}
on_both_backends!(idempotent_retries_return_the_first_result);

/// Many droplets created at once into one cluster all succeed: without an expected version a
/// lost race on the cluster is decided again on its fresh state, never reported to the client.
async fn concurrent_creates_into_one_cluster_all_succeed(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("busy", "nyc1").await;
    let create =
        "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } } }";
    let results = futures::future::join_all((0..12).map(|i| {
        let input = json!({ "i": { "name": format!("busy-{i}"), "region": "nyc1",
            "size": "s-1vcpu-1gb", "image": "debian-12-x64", "clusterId": cluster } });
        app.gql(create, input)
    }))
    .await;
    for r in &results {
        assert_eq!(error_code(r), None, "{r}");
    }
    let r = app
        .gql(
            "query($id: ID!) { cluster(id: $id) { dropletCount } }",
            json!({ "id": cluster }),
        )
        .await;
    assert_eq!(r["data"]["cluster"]["dropletCount"], 12, "{r}");
    app.stop().await;
}
on_both_backends!(concurrent_creates_into_one_cluster_all_succeed);
