//! REST v1 scaling policies (`/api/v1/autoscaling/policies`) on both backends: list,
//! create, read, change, delete and evaluate, each documented error, GraphQL's roles, and
//! REST and GraphQL seeing the same policies.

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;
use crate::rest::{app_with_viewer, call, get};
use reqwest::Method;
use serde_json::{json, Value};

const MISSING: &str = "00000000-0000-4000-8000-000000000000";

const GQL_POLICY: &str = "query($id: ID!) { scalingPolicy(id: $id) { id clusterId name metric target minDroplets maxDroplets costLimitPerHour status version template { size image } } }";

/// CPU at 50 %, 3 to 5 droplets, a dry run, on `cluster`.
fn cpu(cluster: &str) -> Value {
    json!({
        "cluster_id": cluster, "name": "cpu", "metric": "cpu", "target": 50,
        "min_droplets": 3, "max_droplets": 5, "dry_run": true, "cost_limit_per_hour": 1.0,
        "scale_down": { "stabilization_window_seconds": 120 },
        "template": { "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" },
    })
}

/// Created over REST and read over GraphQL, changed over GraphQL and read over REST, listed,
/// changed with If-Match (stale is 409), previewed, and deleted.
async fn policies_over_rest_and_graphql(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("lab", "nyc1").await;
    let r = call(
        &app,
        Method::POST,
        "/api/v1/autoscaling/policies",
        None,
        &[],
        Some(cpu(&cluster)),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let p = &r.body["policy"];
    let id = p["id"].as_str().unwrap().to_string();
    assert_eq!(p["metric"], "CPU");
    assert_eq!(p["mode"], "HORIZONTAL");
    assert_eq!(p["status"], "ACTIVE");
    assert_eq!(p["scale_down"]["stabilization_window_seconds"], 120);
    assert_eq!(p["template"]["size"], "s-1vcpu-1gb");
    assert!(p["template"]["hourly_price"].is_number(), "{}", r.body);
    let path = format!("/api/v1/autoscaling/policies/{id}");
    assert_eq!(r.header("location"), Some(path.as_str()));

    let g = app.gql_id(GQL_POLICY, &id).await;
    let gp = &g["data"]["scalingPolicy"];
    assert_eq!(gp["clusterId"], cluster.as_str(), "{g}");
    assert_eq!(gp["minDroplets"], 3, "{g}");
    assert_eq!(gp["version"], p["version"], "{g}");

    let g = app
        .gql(
            "mutation($id: ID!) { updateScalingPolicy(id: $id, input: { maxDroplets: 6 }) { scalingPolicy { version } } }",
            json!({ "id": id }),
        )
        .await;
    let version = g["data"]["updateScalingPolicy"]["scalingPolicy"]["version"]
        .as_i64()
        .unwrap_or_else(|| panic!("{g}"));
    let r = get(&app, &path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["max_droplets"], 6);
    assert_eq!(r.header("etag"), Some(format!("\"{version}\"").as_str()));

    let r = get(
        &app,
        &format!("/api/v1/autoscaling/policies?cluster_id={cluster}&metric=CPU"),
    )
    .await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["policies"][0]["id"], id.as_str());
    let r = get(&app, "/api/v1/autoscaling/policies?metric=memory").await;
    assert_eq!(r.body["total"], 0, "{}", r.body);

    let stale = format!("\"{}\"", version - 1);
    let change = || Some(json!({ "target": 60, "cost_limit_per_hour": null }));
    call(
        &app,
        Method::PUT,
        &path,
        None,
        &[("If-Match", stale.as_str())],
        change(),
    )
    .await
    .assert_error(409, "CONFLICT");
    let current = format!("\"{version}\"");
    let r = call(
        &app,
        Method::PUT,
        &path,
        None,
        &[("If-Match", current.as_str())],
        change(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["policy"]["target"], 60.0);
    assert!(
        r.body["policy"]["cost_limit_per_hour"].is_null(),
        "{}",
        r.body
    );
    let g = app.gql_id(GQL_POLICY, &id).await;
    assert!(
        g["data"]["scalingPolicy"]["costLimitPerHour"].is_null(),
        "{g}"
    );

    let before = app.store_head().await;
    let r = call(
        &app,
        Method::POST,
        &format!("{path}/evaluate?dry_run=true"),
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["evaluation"]["outcome"], "PREVIEW", "{}", r.body);
    assert_eq!(r.body["position"], 0);
    assert_eq!(r.body["policy"]["id"], id.as_str());
    app.assert_nothing_appended(before).await;

    // Paused, then active again: GraphQL sees each; a stale If-Match is 409.
    let version = r.body["policy"]["version"].as_i64().unwrap();
    let pause = format!("{path}/pause");
    let stale = version - 1;
    let stale = stale.to_string();
    call(
        &app,
        Method::POST,
        &pause,
        None,
        &[("If-Match", &stale)],
        None,
    )
    .await
    .assert_error(409, "CONFLICT");
    let r = call(&app, Method::POST, &pause, None, &[], None).await;
    assert_eq!(
        (r.status, &r.body["policy"]["status"]),
        (200, &json!("PAUSED")),
        "{}",
        r.body
    );
    assert_eq!(r.headers["etag"], format!("\"{}\"", version + 1));
    let g = app.gql_id(GQL_POLICY, &id).await;
    assert_eq!(g["data"]["scalingPolicy"]["status"], "PAUSED", "{g}");
    // Pausing a paused policy changes nothing.
    let again = call(&app, Method::POST, &pause, None, &[], None).await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(
        again.body["policy"]["version"],
        version + 1,
        "{}",
        again.body
    );
    let r = call(
        &app,
        Method::POST,
        &format!("{path}/resume"),
        None,
        &[],
        None,
    )
    .await;
    assert_eq!(
        (r.status, &r.body["policy"]["status"]),
        (200, &json!("ACTIVE")),
        "{}",
        r.body
    );
    let g = app.gql_id(GQL_POLICY, &id).await;
    assert_eq!(g["data"]["scalingPolicy"]["status"], "ACTIVE", "{g}");

    let r = call(&app, Method::DELETE, &path, None, &[], None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let g = app.gql_id(GQL_POLICY, &id).await;
    assert_eq!(g["data"]["scalingPolicy"]["status"], "DELETED", "{g}");
    // A deleted policy is gone for its commands, as over GraphQL.
    call(&app, Method::DELETE, &path, None, &[], None)
        .await
        .assert_error(404, "NOT_FOUND");
    app.stop().await;
}
on_both_backends!(policies_over_rest_and_graphql);

/// Each documented error: 400 naming the field or parameter, 404, 409 (a second live policy
/// on the metric), and an Idempotency-Key replay that creates nothing.
async fn policy_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("lab", "nyc1").await;
    let post = |body: Value, headers: &'static [(&'static str, &'static str)]| {
        call(
            &app,
            Method::POST,
            "/api/v1/autoscaling/policies",
            None,
            headers,
            Some(body),
        )
    };
    let with = |field: &str, value: Value| {
        let mut body = cpu(&cluster);
        body[field] = value;
        body
    };
    for (body, prefix) in [
        (with("metric", json!("disk")), "metric:"),
        (with("target", json!("high")), "target:"),
        (with("scale_up", json!(5)), "scale_up:"),
        (with("template", json!("big")), "template:"),
        (with("mode", json!("diagonal")), "mode:"),
    ] {
        let r = post(body, &[]).await;
        r.assert_error(400, "BAD_USER_INPUT");
        assert!(
            r.body["error"].as_str().unwrap().starts_with(prefix),
            "{}",
            r.body
        );
    }
    let mut no_metric = cpu(&cluster);
    no_metric.as_object_mut().unwrap().remove("metric");
    let r = post(no_metric, &[]).await;
    assert_eq!(r.body["error"], "metric: is required", "{}", r.body);
    post(with("cluster_id", json!(MISSING)), &[])
        .await
        .assert_error(404, "NOT_FOUND");
    get(&app, "/api/v1/autoscaling/policies?status=maybe")
        .await
        .assert_error(400, "BAD_USER_INPUT");
    let r = get(&app, "/api/v1/autoscaling/policies?cluster_id=null").await;
    r.assert_error(400, "BAD_USER_INPUT");
    assert!(
        r.body["error"].as_str().unwrap().starts_with("cluster_id:"),
        "{}",
        r.body
    );
    get(&app, "/api/v1/autoscaling/policies/zzz")
        .await
        .assert_error(400, "BAD_USER_INPUT");
    let missing = format!("/api/v1/autoscaling/policies/{MISSING}");
    get(&app, &missing).await.assert_error(404, "NOT_FOUND");
    call(&app, Method::DELETE, &missing, None, &[], None)
        .await
        .assert_error(404, "NOT_FOUND");
    call(
        &app,
        Method::POST,
        &format!("{missing}/evaluate"),
        None,
        &[],
        None,
    )
    .await
    .assert_error(404, "NOT_FOUND");

    let key: &'static [(&str, &str)] = &[("Idempotency-Key", "policy-once")];
    let first = post(cpu(&cluster), key).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = post(cpu(&cluster), key).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body["policy"]["id"], first.body["policy"]["id"]);
    post(cpu(&cluster), &[]).await.assert_error(409, "CONFLICT");
    assert_eq!(
        get(&app, "/api/v1/autoscaling/policies").await.body["total"],
        1
    );
    app.stop().await;
}
on_both_backends!(policy_errors);

/// A viewer lists and reads policies and may not create, change, evaluate or delete one.
async fn a_viewer_cannot_write_policies(backend: Backend) {
    let (app, admin, viewer) = app_with_viewer(backend).await;
    let r = app
        .gql_as(
            Some(&admin),
            "mutation { createCluster(input: { name: \"lab\", region: \"nyc1\" }) { cluster { id } } }",
            json!({}),
        )
        .await;
    let cluster = r["data"]["createCluster"]["cluster"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string();
    let list = "/api/v1/autoscaling/policies";
    call(
        &app,
        Method::POST,
        list,
        Some(&viewer),
        &[],
        Some(cpu(&cluster)),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    let r = call(
        &app,
        Method::POST,
        list,
        Some(&admin),
        &[],
        Some(cpu(&cluster)),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let path = format!("{list}/{}", r.body["policy"]["id"].as_str().unwrap());
    let r = call(&app, Method::GET, list, Some(&viewer), &[], None).await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(
        call(&app, Method::GET, &path, Some(&viewer), &[], None)
            .await
            .status,
        200
    );
    call(
        &app,
        Method::PUT,
        &path,
        Some(&viewer),
        &[],
        Some(json!({ "target": 70 })),
    )
    .await
    .assert_error(403, "FORBIDDEN");
    call(
        &app,
        Method::POST,
        &format!("{path}/evaluate"),
        Some(&viewer),
        &[],
        None,
    )
    .await
    .assert_error(403, "FORBIDDEN");
    call(&app, Method::DELETE, &path, Some(&viewer), &[], None)
        .await
        .assert_error(403, "FORBIDDEN");
    call(&app, Method::GET, &path, None, &[], None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    app.stop().await;
}
on_both_backends!(a_viewer_cannot_write_policies);
