//! REST v1 clusters (`/api/v1/clusters`) on both backends: list with filters and paging,
//! create, read and delete, each documented error, GraphQL's roles, and REST and GraphQL
//! seeing the same clusters.

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;
use crate::rest::{app_with_viewer, call, get};
use reqwest::Method;
use serde_json::{json, Value};

const MISSING: &str = "00000000-0000-4000-8000-000000000000";

const GQL_CLUSTER: &str =
    "query($id: ID!) { cluster(id: $id) { id name region status version labels { key value } } }";

/// Created over REST, read over GraphQL; created over GraphQL, read over REST; listed and
/// filtered; deleted with If-Match (stale is 409), and GraphQL sees it deleted.
async fn clusters_over_rest_and_graphql(backend: Backend) {
    let app = spawn_app(backend).await;
    let body = json!({ "name": "web", "region": "nyc1", "labels": { "team": "core" } });
    let r = call(
        &app,
        Method::POST,
        "/api/v1/clusters",
        None,
        &[],
        Some(body),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let c = &r.body["cluster"];
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(c["name"], "web");
    assert_eq!(c["region"], "nyc1");
    assert_eq!(c["labels"], json!({ "team": "core" }));
    assert_eq!(c["status"], "ACTIVE");
    assert_eq!(c["droplet_count"], 0);
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/clusters/{id}").as_str())
    );
    let version = c["version"].as_i64().unwrap();
    assert_eq!(r.header("etag"), Some(format!("\"{version}\"").as_str()));

    let g = app.gql_id(GQL_CLUSTER, &id).await;
    let gc = &g["data"]["cluster"];
    assert_eq!(gc["name"], "web", "{g}");
    assert_eq!(gc["version"], version, "{g}");
    assert_eq!(
        gc["labels"],
        json!([{ "key": "team", "value": "core" }]),
        "{g}"
    );

    let other = app.create_cluster("db", "sfo3").await;
    let r = get(&app, &format!("/api/v1/clusters/{other}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["name"], "db");
    assert_eq!(r.body["region"], "sfo3");
    assert_eq!(
        r.header("etag"),
        Some(format!("\"{}\"", r.body["version"]).as_str())
    );

    let r = get(&app, "/api/v1/clusters").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["total"], 2);
    assert_eq!(
        (r.body["limit"].as_i64(), r.body["offset"].as_i64()),
        (Some(50), Some(0))
    );
    let names: Vec<&Value> = r.body["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["name"])
        .collect();
    assert_eq!(names, [&json!("web"), &json!("db")]);
    let r = get(&app, "/api/v1/clusters?region=sfo3").await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["clusters"][0]["id"], other.as_str());
    let r = get(&app, "/api/v1/clusters?name=we&status=active").await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["clusters"][0]["id"], id.as_str());
    let r = get(&app, "/api/v1/clusters?limit=1&offset=1").await;
    assert_eq!(r.body["total"], 2, "{}", r.body);
    assert_eq!(r.body["clusters"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["clusters"][0]["id"], other.as_str());

    let path = format!("/api/v1/clusters/{id}");
    let stale = format!("\"{}\"", version + 5);
    call(
        &app,
        Method::DELETE,
        &path,
        None,
        &[("If-Match", stale.as_str())],
        None,
    )
    .await
    .assert_error(409, "CONFLICT");
    let current = format!("\"{version}\"");
    let r = call(
        &app,
        Method::DELETE,
        &path,
        None,
        &[("If-Match", current.as_str())],
        None,
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let g = app.gql_id(GQL_CLUSTER, &id).await;
    assert_eq!(g["data"]["cluster"]["status"], "DELETED", "{g}");
    assert_eq!(get(&app, &path).await.body["status"], "DELETED");
    // Deleting it again is refused by the aggregate, as over GraphQL.
    let r = call(&app, Method::DELETE, &path, None, &[], None).await;
    assert_eq!(r.status, 409, "{}", r.body);
    app.stop().await;
}
on_both_backends!(clusters_over_rest_and_graphql);

/// Each documented error: 400 naming the field or parameter, 404, 409 duplicate name, and an
/// `Idempotency-Key` replay that creates nothing.
async fn cluster_errors_and_replays(backend: Backend) {
    let app = spawn_app(backend).await;
    let post = |body: Value, headers: &'static [(&'static str, &'static str)]| {
        call(
            &app,
            Method::POST,
            "/api/v1/clusters",
            None,
            headers,
            Some(body),
        )
    };
    let r = post(json!({ "region": "nyc1" }), &[]).await;
    r.assert_error(400, "BAD_USER_INPUT");
    assert_eq!(r.body["error"], "name: is required");
    let r = post(
        json!({ "name": "a", "region": "nyc1", "labels": ["x"] }),
        &[],
    )
    .await;
    r.assert_error(400, "BAD_USER_INPUT");
    assert!(
        r.body["error"].as_str().unwrap().starts_with("labels:"),
        "{}",
        r.body
    );
    let r = post(json!({ "name": "Not A Label!", "region": "nyc1" }), &[]).await;
    r.assert_error(400, "BAD_USER_INPUT");
    let r = get(&app, "/api/v1/clusters?status=gone").await;
    r.assert_error(400, "BAD_USER_INPUT");
    assert!(
        r.body["error"].as_str().unwrap().starts_with("status:"),
        "{}",
        r.body
    );
    get(&app, "/api/v1/clusters?limit=0")
        .await
        .assert_error(400, "BAD_USER_INPUT");
    get(&app, "/api/v1/clusters/not-a-uuid")
        .await
        .assert_error(400, "BAD_USER_INPUT");
    get(&app, &format!("/api/v1/clusters/{MISSING}"))
        .await
        .assert_error(404, "NOT_FOUND");
    call(
        &app,
        Method::DELETE,
        &format!("/api/v1/clusters/{MISSING}"),
        None,
        &[],
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");

    let key: &'static [(&str, &str)] = &[("Idempotency-Key", "cluster-once")];
    let first = post(json!({ "name": "once", "region": "nyc1" }), key).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post(json!({ "name": "once", "region": "nyc1" }), key).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body["cluster"]["id"], first.body["cluster"]["id"]);
    let r = post(json!({ "name": "once", "region": "nyc1" }), &[]).await;
    r.assert_error(409, "CONFLICT");
    assert_eq!(get(&app, "/api/v1/clusters").await.body["total"], 1);
    app.stop().await;
}
on_both_backends!(cluster_errors_and_replays);

/// A viewer lists and reads clusters and may neither create nor delete one.
async fn a_viewer_cannot_write_clusters(backend: Backend) {
    let (app, admin, viewer) = app_with_viewer(backend).await;
    let body = json!({ "name": "ops", "region": "nyc1" });
    let r = call(
        &app,
        Method::POST,
        "/api/v1/clusters",
        Some(&viewer),
        &[],
        Some(body.clone()),
    )
    .await;
    r.assert_error(403, "FORBIDDEN");
    assert!(
        r.body["error"].as_str().unwrap().contains("createCluster"),
        "{}",
        r.body
    );
    call(&app, Method::GET, "/api/v1/clusters", None, &[], None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    let r = call(
        &app,
        Method::POST,
        "/api/v1/clusters",
        Some(&admin),
        &[],
        Some(body),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let path = format!(
        "/api/v1/clusters/{}",
        r.body["cluster"]["id"].as_str().unwrap()
    );
    let r = call(
        &app,
        Method::GET,
        "/api/v1/clusters",
        Some(&viewer),
        &[],
        None,
    )
    .await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    let r = call(&app, Method::GET, &path, Some(&viewer), &[], None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    call(&app, Method::DELETE, &path, Some(&viewer), &[], None)
        .await
        .assert_error(403, "FORBIDDEN");
    app.stop().await;
}
on_both_backends!(a_viewer_cannot_write_clusters);
