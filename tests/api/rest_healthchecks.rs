//! REST v1 health checks (`/api/v1/healthchecks`) on both backends: list, create, read,
//! change, delete and run, each documented error, GraphQL's roles, and REST and GraphQL
//! seeing the same checks (including what they watch).

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;
use crate::rest::{app_with_viewer, call, get};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::net::TcpListener;

const MISSING: &str = "00000000-0000-4000-8000-000000000000";

const GQL_CHECK: &str = "query($id: ID!) { healthCheck(id: $id) { id name kind target intervalSeconds clusterId dropletId status version } }";

/// A TCP check of `port` watching `cluster`.
fn tcp(name: &str, port: u16, cluster: &str) -> Value {
    json!({
        "name": name,
        "kind": "tcp",
        "target": format!("127.0.0.1:{port}"),
        "interval_seconds": 600,
        "conditions": ["[CONNECTED] == true"],
        "cluster_id": cluster,
    })
}

/// Created over REST and read over GraphQL, changed over GraphQL and read over REST, listed,
/// changed with If-Match (stale is 409), run, and deleted.
async fn health_checks_over_rest_and_graphql(backend: Backend) {
    let app = spawn_app(backend).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let cluster = app.create_cluster("web", "nyc1").await;
    let body = Some(tcp("port", port, &cluster));
    let r = call(&app, Method::POST, "/api/v1/healthchecks", None, &[], body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let c = &r.body["healthcheck"];
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(c["kind"], "TCP");
    assert_eq!(c["cluster_id"], cluster.as_str());
    assert!(c["droplet_id"].is_null());
    assert_eq!(c["interval_seconds"], 600);
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/healthchecks/{id}").as_str())
    );

    let g = app.gql_id(GQL_CHECK, &id).await;
    let gc = &g["data"]["healthCheck"];
    assert_eq!(gc["name"], "port", "{g}");
    assert_eq!(gc["clusterId"], cluster.as_str(), "{g}");
    assert_eq!(gc["version"], c["version"], "{g}");

    let g = app
        .gql(
            "mutation($id: ID!) { updateHealthCheck(id: $id, input: { name: \"renamed\" }) { healthCheck { version } } }",
            json!({ "id": id }),
        )
        .await;
    let version = g["data"]["updateHealthCheck"]["healthCheck"]["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("{g}"));
    let path = format!("/api/v1/healthchecks/{id}");
    let r = get(&app, &path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["name"], "renamed");
    assert_eq!(r.header("etag"), Some(format!("\"{version}\"").as_str()));

    let r = get(
        &app,
        "/api/v1/healthchecks?kind=TCP&status=active&enabled=true",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["healthchecks"][0]["id"], id.as_str());
    let r = get(&app, "/api/v1/healthchecks?kind=http").await;
    assert_eq!(r.body["total"], 0, "{}", r.body);

    let stale = format!("\"{}\"", version - 1);
    let patch = || Some(json!({ "interval_seconds": 300, "cluster_id": null }));
    call(
        &app,
        Method::PATCH,
        &path,
        None,
        &[("If-Match", stale.as_str())],
        patch(),
    )
    .await
    .assert_error(409, "CONFLICT");
    let current = format!("\"{version}\"");
    let r = call(
        &app,
        Method::PATCH,
        &path,
        None,
        &[("If-Match", current.as_str())],
        patch(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["healthcheck"]["interval_seconds"], 300);
    assert!(r.body["healthcheck"]["cluster_id"].is_null(), "{}", r.body);
    assert_eq!(r.body["healthcheck"]["name"], "renamed");
    let g = app.gql_id(GQL_CHECK, &id).await;
    assert!(g["data"]["healthCheck"]["clusterId"].is_null(), "{g}");

    let r = call(&app, Method::POST, &format!("{path}/run"), None, &[], None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["success"], true, "{}", r.body);
    assert_eq!(
        r.body["condition_results"][0]["condition"],
        "[CONNECTED] == true"
    );

    let r = call(&app, Method::DELETE, &path, None, &[], None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let g = app.gql_id(GQL_CHECK, &id).await;
    assert_eq!(g["data"]["healthCheck"]["status"], "DELETED", "{g}");
    call(&app, Method::POST, &format!("{path}/run"), None, &[], None)
        .await
        .assert_error(404, "NOT_FOUND");
    // A deleted check is gone for its commands, as over GraphQL.
    call(&app, Method::DELETE, &path, None, &[], None)
        .await
        .assert_error(404, "NOT_FOUND");
    drop(listener);
    app.stop().await;
}
on_both_backends!(health_checks_over_rest_and_graphql);

/// Each documented error names its field or parameter: 400, 404, and an Idempotency-Key
/// replay that creates nothing.
async fn health_check_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let post = |body: Value, headers: &'static [(&'static str, &'static str)]| {
        call(
            &app,
            Method::POST,
            "/api/v1/healthchecks",
            None,
            headers,
            Some(body),
        )
    };
    let cases = [
        (json!({ "kind": "TCP", "target": "127.0.0.1:1" }), "name:"),
        (json!({ "name": "x", "target": "127.0.0.1:1" }), "kind:"),
        (
            json!({ "name": "x", "kind": "SMTP", "target": "a" }),
            "kind:",
        ),
        (
            json!({ "name": "x", "kind": "TCP", "target": "a:1", "interval_seconds": "often" }),
            "interval_seconds:",
        ),
    ];
    for (body, prefix) in cases {
        let r = post(body, &[]).await;
        r.assert_error(400, "BAD_USER_INPUT");
        assert!(
            r.body["error"].as_str().unwrap().starts_with(prefix),
            "{}",
            r.body
        );
    }
    let both = json!({ "name": "x", "kind": "TCP", "target": "127.0.0.1:1", "cluster_id": MISSING, "droplet_id": MISSING });
    post(both, &[]).await.assert_error(400, "BAD_USER_INPUT");
    get(&app, "/api/v1/healthchecks?state=sick")
        .await
        .assert_error(400, "BAD_USER_INPUT");
    get(&app, "/api/v1/healthchecks/nope")
        .await
        .assert_error(400, "BAD_USER_INPUT");
    let missing = format!("/api/v1/healthchecks/{MISSING}");
    get(&app, &missing).await.assert_error(404, "NOT_FOUND");
    call(
        &app,
        Method::POST,
        &format!("{missing}/run"),
        None,
        &[],
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");
    call(&app, Method::DELETE, &missing, None, &[], None)
        .await
        .assert_error(404, "NOT_FOUND");
    call(
        &app,
        Method::PATCH,
        &missing,
        None,
        &[],
        Some(json!({ "name": "y" })),
    )
    .await
    .assert_error(404, "NOT_FOUND");

    let key: &'static [(&str, &str)] = &[("Idempotency-Key", "check-once")];
    let body = json!({ "name": "once", "kind": "TCP", "target": "127.0.0.1:1" });
    let first = post(body.clone(), key).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post(body, key).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(
        again.body["healthcheck"]["id"],
        first.body["healthcheck"]["id"]
    );
    assert_eq!(get(&app, "/api/v1/healthchecks").await.body["total"], 1);
    app.stop().await;
}
on_both_backends!(health_check_errors);

/// A viewer lists and reads checks and may not create, change, run or delete one.
async fn a_viewer_cannot_write_health_checks(backend: Backend) {
    let (app, admin, viewer) = app_with_viewer(backend).await;
    let body = json!({ "name": "db", "kind": "INTERNAL", "target": "database" });
    let as_viewer = |method: Method, path: String, body: Option<Value>| {
        let viewer = viewer.clone();
        let app = &app;
        async move { call(app, method, &path, Some(&viewer), &[], body).await }
    };
    as_viewer(
        Method::POST,
        "/api/v1/healthchecks".into(),
        Some(body.clone()),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    let r = call(
        &app,
        Method::POST,
        "/api/v1/healthchecks",
        Some(&admin),
        &[],
        Some(body),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let path = format!(
        "/api/v1/healthchecks/{}",
        r.body["healthcheck"]["id"].as_str().unwrap()
    );
    let r = as_viewer(Method::GET, "/api/v1/healthchecks".into(), None).await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(as_viewer(Method::GET, path.clone(), None).await.status, 200);
    as_viewer(
        Method::PATCH,
        path.clone(),
        Some(json!({ "enabled": false })),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    as_viewer(Method::POST, format!("{path}/run"), None)
        .await
        .assert_error(403, "FORBIDDEN");
    as_viewer(Method::DELETE, path.clone(), None)
        .await
        .assert_error(403, "FORBIDDEN");
    call(&app, Method::GET, &path, None, &[], None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    app.stop().await;
}
on_both_backends!(a_viewer_cannot_write_health_checks);
