//! Scaling policies over GraphQL: create with its defaults, one live policy per cluster and
//! metric (a new metric moves the claim, a delete frees it), every refused input naming its
//! field and appending nothing, optimistic concurrency, pause/resume/delete, the list's
//! filters, the role a command needs and the audit trail of who set the policy.

use crate::helpers::{assert_code, spawn_app, Backend, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};
use testkit::graphql::string_at;

const FIELDS: &str = "id clusterId cluster { name } name enabled status mode metric target \
    tolerance windowSeconds minDroplets maxDroplets cooldownSeconds costLimitPerHour dryRun \
    version template { size image hourlyPrice } minSize maxSize \
    scaleUp { stabilizationWindowSeconds maxStep { droplets percent periodSeconds } } \
    scaleDown { stabilizationWindowSeconds maxStep { droplets percent periodSeconds } }";

fn create_query() -> String {
    format!(
        "mutation($i: CreateScalingPolicyInput!) {{ createScalingPolicy(input: $i) \
         {{ scalingPolicy {{ {FIELDS} }} position projected }} }}"
    )
}

fn update_query() -> String {
    format!(
        "mutation($id: ID!, $i: UpdateScalingPolicyInput!, $v: Int) \
         {{ updateScalingPolicy(id: $id, input: $i, expectedVersion: $v) \
         {{ scalingPolicy {{ {FIELDS} }} position }} }}"
    )
}

/// "Queue depth per droplet, target 50, min 2, max 8, cost limit $0.10/h" on `cluster`.
fn workers(cluster: &str) -> Value {
    json!({
        "clusterId": cluster, "name": "workers", "metric": "QUEUE_DEPTH", "target": 50,
        "minDroplets": 2, "maxDroplets": 8, "costLimitPerHour": 0.1,
        "template": { "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" },
    })
}

async fn create(app: &TestApp, input: Value) -> Value {
    app.gql(&create_query(), json!({ "i": input })).await
}

/// `patch` over `input`.
fn with(mut input: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

async fn change(app: &TestApp, mutation: &str, id: &str) -> Value {
    let query = format!(
        "mutation($id: ID!) {{ {mutation}(id: $id) {{ scalingPolicy {{ status enabled version }} position }} }}"
    );
    let r = app.gql(&query, json!({ "id": id })).await;
    assert!(r["errors"].is_null(), "{mutation}: {r}");
    r["data"][mutation].clone()
}

async fn policies_and_their_defaults(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let r = create(&app, workers(&cluster)).await;
    let policy = &r["data"]["createScalingPolicy"]["scalingPolicy"];
    assert_eq!(policy["cluster"]["name"], "shop", "{r}");
    assert_eq!(policy["clusterId"], cluster.as_str());
    assert_eq!(
        (&policy["status"], &policy["enabled"], &policy["mode"]),
        (&json!("ACTIVE"), &json!(true), &json!("HORIZONTAL"))
    );
    assert_eq!(
        (&policy["minDroplets"], &policy["maxDroplets"]),
        (&json!(2), &json!(8))
    );
    // HPA's defaults: ±10 %, scale up at once, scale down after five minutes.
    assert_eq!(policy["tolerance"], 0.1);
    assert_eq!(policy["scaleUp"]["stabilizationWindowSeconds"], 0);
    assert_eq!(policy["scaleDown"]["stabilizationWindowSeconds"], 300);
    assert_eq!(policy["scaleDown"]["maxStep"], Value::Null);
    assert_eq!(
        (&policy["windowSeconds"], &policy["cooldownSeconds"]),
        (&json!(60), &json!(60))
    );
    assert_eq!(policy["dryRun"], false);
    let hourly = policy["template"]["hourlyPrice"].as_f64().unwrap();
    assert!((hourly - 6.0 / 672.0).abs() < 1e-9, "{policy}");
    assert_eq!(
        (&policy["minSize"], &policy["maxSize"]),
        (&Value::Null, &Value::Null)
    );
    let id = string_at(&r, "/data/createScalingPolicy/scalingPolicy/id");

    // A step limit in percent, a vertical policy on the cluster's other metric.
    let stepped = with(
        workers(&cluster),
        json!({ "metric": "CPU", "target": 70, "name": "cpu",
            "scaleUp": { "maxStepPercent": 100, "periodSeconds": 30 } }),
    );
    let r = create(&app, stepped).await;
    let step = &r["data"]["createScalingPolicy"]["scalingPolicy"]["scaleUp"]["maxStep"];
    assert_eq!(
        *step,
        json!({ "droplets": null, "percent": 100, "periodSeconds": 30 }),
        "{r}"
    );
    let vertical = json!({ "clusterId": cluster, "name": "bigger", "mode": "VERTICAL",
        "metric": "MEMORY", "target": 80, "minSize": "s-1vcpu-1gb", "maxSize": "s-2vcpu-4gb",
        "enabled": false, "dryRun": true });
    let r = create(&app, vertical).await;
    let v = &r["data"]["createScalingPolicy"]["scalingPolicy"];
    assert_eq!(
        (&v["mode"], &v["status"], &v["dryRun"]),
        (&json!("VERTICAL"), &json!("PAUSED"), &json!(true)),
        "{r}"
    );
    assert_eq!(
        (&v["minSize"], &v["template"]),
        (&json!("s-1vcpu-1gb"), &Value::Null)
    );

    let list = app
        .gql(
            "query($c: ID!) { all: scalingPolicies(filter: {clusterId: $c}) { totalCount nodes { name } } \
             paused: scalingPolicies(filter: {clusterId: $c, status: PAUSED}) { nodes { name } } \
             queue: scalingPolicies(filter: {metric: QUEUE_DEPTH}) { nodes { id } } }",
            json!({ "c": cluster }),
        )
        .await;
    assert_eq!(list["data"]["all"]["totalCount"], 3, "{list}");
    assert_eq!(
        list["data"]["paused"]["nodes"],
        json!([{ "name": "bigger" }])
    );
    assert_eq!(list["data"]["queue"]["nodes"], json!([{ "id": id }]));
    let one = app
        .gql_id("query($id: ID!) { scalingPolicy(id: $id) { name } }", &id)
        .await;
    assert_eq!(one["data"]["scalingPolicy"]["name"], "workers", "{one}");
    app.stop().await;
}
on_both_backends!(policies_and_their_defaults);

async fn one_live_policy_per_cluster_and_metric(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let first = create(&app, workers(&cluster)).await;
    let id = string_at(&first, "/data/createScalingPolicy/scalingPolicy/id");
    let before = app.event_count().await;
    let again = create(&app, with(workers(&cluster), json!({ "name": "second" }))).await;
    assert_code(&again, "CONFLICT");
    let message = again["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("QUEUE_DEPTH policy, workers"), "{message}");
    app.assert_nothing_appended(before).await;

    // Another cluster may have its own; so may this one on another metric.
    let other = app.create_cluster("blog", "nyc1").await;
    let r = create(&app, workers(&other)).await;
    assert!(r["errors"].is_null(), "{r}");
    let blog_policy = string_at(&r, "/data/createScalingPolicy/scalingPolicy/id");
    let cpu = create(
        &app,
        with(
            workers(&cluster),
            json!({ "name": "cpu", "metric": "CPU", "target": 70 }),
        ),
    )
    .await;
    let cpu_id = string_at(&cpu, "/data/createScalingPolicy/scalingPolicy/id");

    // Moving the CPU policy onto the taken metric is refused; onto a free one it moves.
    let moved = app
        .gql(
            &update_query(),
            json!({ "id": cpu_id, "i": { "metric": "QUEUE_DEPTH", "target": 50 } }),
        )
        .await;
    assert_code(&moved, "CONFLICT");
    let moved = app
        .gql(
            &update_query(),
            json!({ "id": cpu_id, "i": { "metric": "MEMORY" } }),
        )
        .await;
    assert_eq!(
        moved["data"]["updateScalingPolicy"]["scalingPolicy"]["metric"], "MEMORY",
        "{moved}"
    );
    let cpu_again = create(
        &app,
        with(
            workers(&cluster),
            json!({ "name": "cpu-2", "metric": "CPU", "target": 60 }),
        ),
    )
    .await;
    assert!(
        cpu_again["errors"].is_null(),
        "CPU was freed by the move: {cpu_again}"
    );

    // A paused policy keeps its metric; a deleted one frees it.
    change(&app, "pauseScalingPolicy", &id).await;
    assert_code(&create(&app, workers(&cluster)).await, "CONFLICT");
    let deleted = change(&app, "deleteScalingPolicy", &id).await;
    assert_eq!(deleted["scalingPolicy"]["status"], "DELETED");
    let r = create(
        &app,
        with(workers(&cluster), json!({ "name": "workers-2" })),
    )
    .await;
    assert!(r["errors"].is_null(), "the metric is free again: {r}");

    // A cluster with a live policy is not deleted (the policy would bring droplets back):
    // the refusal names it; once the policy is deleted, the cluster goes.
    let delete = "mutation($id: ID!) { deleteCluster(id: $id) { cluster { status } } }";
    let before = app.event_count().await;
    let refused = app.gql(delete, json!({ "id": other })).await;
    assert_code(&refused, "FAILED_PRECONDITION");
    let message = refused["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "has scaling policies workers ({blog_policy}); delete them first"
        )),
        "{message}"
    );
    app.assert_nothing_appended(before).await;
    change(&app, "deleteScalingPolicy", &blog_policy).await;
    let r = app.gql(delete, json!({ "id": other })).await;
    assert_eq!(
        r["data"]["deleteCluster"]["cluster"]["status"], "DELETED",
        "{r}"
    );
    app.stop().await;
}
on_both_backends!(one_live_policy_per_cluster_and_metric);

async fn bad_input_names_its_field_and_appends_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let before = app.event_count().await;
    let unknown_cluster = uuid::Uuid::new_v4().to_string();
    for (patch, field) in [
        (json!({ "minDroplets": 5, "maxDroplets": 3 }), "maxDroplets"),
        (json!({ "minDroplets": 0 }), "minDroplets"),
        (json!({ "maxDroplets": null }), "maxDroplets"),
        (json!({ "target": 0 }), "target"),
        (json!({ "metric": "CPU", "target": 250 }), "target"),
        (json!({ "tolerance": 2 }), "tolerance"),
        (json!({ "windowSeconds": -60 }), "windowSeconds"),
        (json!({ "cooldownSeconds": -1 }), "cooldownSeconds"),
        (
            json!({ "scaleDown": { "stabilizationWindowSeconds": -300 } }),
            "scaleDown",
        ),
        (json!({ "scaleUp": { "maxStepDroplets": 0 } }), "scaleUp"),
        (
            json!({ "scaleUp": { "maxStepDroplets": 2, "maxStepPercent": 50 } }),
            "scaleUp",
        ),
        (
            json!({ "template": { "size": "s-64vcpu-512gb", "image": "ubuntu-24-04-x64" } }),
            "template.size",
        ),
        (
            json!({ "template": { "size": "s-1vcpu-1gb", "image": "windows-11" } }),
            "template.image",
        ),
        (json!({ "template": null }), "template.size"),
        // Two s-1vcpu-1gb droplets cost $0.0179 an hour.
        (json!({ "costLimitPerHour": 0.01 }), "costLimitPerHour"),
        (json!({ "costLimitPerHour": -1 }), "costLimitPerHour"),
        (json!({ "name": "" }), "name"),
        (
            json!({ "mode": "VERTICAL", "minSize": "s-2vcpu-4gb", "maxSize": "s-1vcpu-1gb" }),
            "maxSize",
        ),
    ] {
        let r = create(&app, with(workers(&cluster), patch.clone())).await;
        assert_code(&r, "BAD_USER_INPUT");
        let message = r["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(field), "{patch}: {field}: {message}");
    }
    let r = create(
        &app,
        with(workers(&cluster), json!({ "clusterId": "not-an-id" })),
    )
    .await;
    assert_code(&r, "BAD_USER_INPUT");
    // An unknown metric is refused by the schema itself.
    let r = create(&app, with(workers(&cluster), json!({ "metric": "DISK" }))).await;
    assert_code(&r, "BAD_USER_INPUT");
    let r = create(
        &app,
        with(workers(&cluster), json!({ "clusterId": unknown_cluster })),
    )
    .await;
    assert_code(&r, "NOT_FOUND");
    app.assert_nothing_appended(before).await;

    // An update is checked as a whole policy.
    let r = create(&app, workers(&cluster)).await;
    let id = string_at(&r, "/data/createScalingPolicy/scalingPolicy/id");
    let before = app.event_count().await;
    let r = app
        .gql(
            &update_query(),
            json!({ "id": id, "i": { "minDroplets": 9 } }),
        )
        .await;
    assert_code(&r, "BAD_USER_INPUT");
    let message = r["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("maxDroplets"), "{message}");
    app.assert_nothing_appended(before).await;
    app.stop().await;
}
on_both_backends!(bad_input_names_its_field_and_appends_nothing);

async fn updates_pause_resume_and_delete_are_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let r = create(&app, workers(&cluster)).await;
    let id = string_at(&r, "/data/createScalingPolicy/scalingPolicy/id");

    let stale = app
        .gql(
            &update_query(),
            json!({ "id": id, "i": { "maxDroplets": 10 }, "v": 7 }),
        )
        .await;
    assert_code(&stale, "CONFLICT");
    let patch = json!({ "maxDroplets": 10, "costLimitPerHour": null,
        "scaleDown": { "stabilizationWindowSeconds": 60, "maxStepDroplets": 1, "periodSeconds": 120 } });
    let r = app
        .gql(&update_query(), json!({ "id": id, "i": patch, "v": 1 }))
        .await;
    let updated = &r["data"]["updateScalingPolicy"]["scalingPolicy"];
    assert_eq!(
        (&updated["maxDroplets"], &updated["version"]),
        (&json!(10), &json!(2)),
        "{r}"
    );
    assert_eq!(
        updated["costLimitPerHour"],
        Value::Null,
        "null removes the limit"
    );
    assert_eq!(
        updated["scaleDown"],
        json!({ "stabilizationWindowSeconds": 60, "maxStep": { "droplets": 1, "percent": null, "periodSeconds": 120 } })
    );
    assert_eq!(
        updated["minDroplets"], 2,
        "what the patch leaves out is kept"
    );
    // The same values again change nothing.
    let same = app
        .gql(
            &update_query(),
            json!({ "id": id, "i": { "maxDroplets": 10 } }),
        )
        .await;
    assert_eq!(same["data"]["updateScalingPolicy"]["position"], 0, "{same}");

    let paused = change(&app, "pauseScalingPolicy", &id).await;
    assert_eq!(
        (
            &paused["scalingPolicy"]["status"],
            &paused["scalingPolicy"]["enabled"]
        ),
        (&json!("PAUSED"), &json!(false))
    );
    assert_eq!(
        change(&app, "pauseScalingPolicy", &id).await["position"],
        0,
        "paused already"
    );
    let resumed = change(&app, "resumeScalingPolicy", &id).await;
    assert_eq!(resumed["scalingPolicy"]["status"], "ACTIVE");
    change(&app, "deleteScalingPolicy", &id).await;
    let gone = app
        .gql_id(
            "mutation($id: ID!) { resumeScalingPolicy(id: $id) { position } }",
            &id,
        )
        .await;
    assert_code(&gone, "NOT_FOUND");

    // Who set the policy, and how, is its history.
    let history = app
        .gql_id(
            "query($id: ID!) { history(aggregateType: ScalingPolicy, aggregateId: $id) \
             { events { type actor } } }",
            &id,
        )
        .await;
    let types: Vec<&str> = history["data"]["history"]["events"]
        .as_array()
        .unwrap_or_else(|| panic!("{history}"))
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "ScalingPolicyCreated",
            "ScalingPolicyUpdated",
            "ScalingPolicyPaused",
            "ScalingPolicyResumed",
            "ScalingPolicyDeleted"
        ],
        "{history}"
    );

    // Watching needs VIEWER; changing needs OPERATOR.
    let viewer = app.token_for("vera", "VIEWER").await;
    let r = app
        .gql_as(
            Some(&viewer),
            &create_query(),
            json!({ "i": workers(&cluster) }),
        )
        .await;
    assert_code(&r, "FORBIDDEN");
    let r = app
        .gql_as(
            Some(&viewer),
            "{ scalingPolicies { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r["data"]["scalingPolicies"]["totalCount"], 1, "{r}");
    app.stop().await;
}
on_both_backends!(updates_pause_resume_and_delete_are_audited);
