//! Bad input gets a clear error with a code, and nothing is appended.

use crate::helpers::{assert_code, error_code, spawn_app, Backend, CANCEL_JOB, DELETE_CLUSTER};
use crate::on_both_backends;
use serde_json::{json, Value};

const BAD: &str = "BAD_USER_INPUT";
const CONFLICT: &str = "CONFLICT";
const NOT_FOUND: &str = "NOT_FOUND";
const CREATE_DROPLET: &str =
    "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } } }";
const CREATE_CLUSTER: &str =
    "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }";
const DESTROY: &str = "mutation($id: ID!) { destroyDroplet(id: $id) { position } }";
const RESIZE_XXL: &str =
    "mutation($id: ID!) { resizeDroplet(id: $id, size: \"xxl\") { position } }";

/// `createDroplet` with a valid input except that `field` is `value`.
fn droplet(field: &str, value: impl Into<Value>) -> (&'static str, Value) {
    let mut input =
        json!({ "name": "x", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64" });
    input[field] = value.into();
    (CREATE_DROPLET, json!({ "i": input }))
}

/// `createCluster` with a valid input except that `field` is `value`.
fn cluster(field: &str, value: impl Into<Value>) -> (&'static str, Value) {
    let mut input = json!({ "name": "ok", "region": "nyc1" });
    input[field] = value.into();
    (CREATE_CLUSTER, json!({ "i": input }))
}

/// A query without variables.
fn no_vars(query: &'static str) -> (&'static str, Value) {
    (query, json!({}))
}

async fn bad_inputs_are_refused_with_codes_and_append_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_cluster("taken", "nyc1").await;
    let (_, job) = app.create_droplet("taken-droplet", "debian-12-x64").await;
    app.completed(&job).await;
    let before = app.event_count().await;

    let long = "a".repeat(300);
    let unknown = uuid::Uuid::new_v4().to_string();
    let by_id = |query: &'static str, id: &str| (query, json!({ "id": id }));
    let cases: Vec<(&str, (&str, Value), &str)> = vec![
        ("unknown region", droplet("region", "mars1"), BAD),
        ("unknown size", droplet("size", "huge"), BAD),
        ("unknown image", droplet("image", "windows-95"), BAD),
        ("empty name", droplet("name", ""), BAD),
        ("300-character name", droplet("name", long.as_str()), BAD),
        (
            "duplicate droplet name",
            droplet("name", "taken-droplet"),
            CONFLICT,
        ),
        (
            "unknown cluster",
            droplet("clusterId", unknown.as_str()),
            BAD,
        ),
        ("duplicate cluster name", cluster("name", "taken"), CONFLICT),
        ("empty cluster name", cluster("name", ""), BAD),
        ("long cluster name", cluster("name", long.as_str()), BAD),
        (
            "bad label",
            cluster("labels", json!([{ "key": "Bad Key", "value": "x" }])),
            BAD,
        ),
        ("unknown droplet id", by_id(DESTROY, &unknown), NOT_FOUND),
        ("malformed droplet id", by_id(DESTROY, "not-a-uuid"), BAD),
        ("unknown job id", by_id(CANCEL_JOB, &unknown), NOT_FOUND),
        (
            "unknown cluster id",
            by_id(DELETE_CLUSTER, &unknown),
            NOT_FOUND,
        ),
        ("resize to unknown size", by_id(RESIZE_XXL, &unknown), BAD),
        (
            "page too large",
            no_vars("{ droplets(first: 100000) { totalCount } }"),
            BAD,
        ),
        (
            "bad cursor",
            no_vars("{ droplets(after: \"garbage\") { totalCount } }"),
            BAD,
        ),
        ("unknown field", no_vars("{ droplets { nope } }"), BAD),
        ("missing variable", no_vars(CREATE_DROPLET), BAD),
    ];
    for (what, (query, vars), code) in cases {
        let r = app.gql(query, vars).await;
        assert_eq!(error_code(&r).as_deref(), Some(code), "{what}: {r}");
        let message = r["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && !message.contains("panicked"),
            "{what}: {r}"
        );
    }

    // Malformed and over-deep queries.
    let (status, r) = app
        .post_raw(r#"{"query": "mutation { createCluster(input: {name: "}"#)
        .await;
    assert_eq!(status, 200);
    assert_code(&r, "BAD_USER_INPUT");
    let (status, _) = app.post_raw("this is not json").await;
    assert_eq!(status, 400);
    let deep = "{ droplets { edges { node { cluster { droplets { edges { node { cluster { droplets { edges { node { cluster { name } } } } } } } } } } } } }";
    let r = app.gql(deep, json!({})).await;
    assert_code(&r, "BAD_USER_INPUT");

    // An invalid bearer token is refused with 401.
    let (status, _, r) = app
        .post_with(
            &[
                ("content-type", "application/json"),
                ("authorization", "Bearer not.a.token"),
            ],
            json!({ "query": "{ catalog { regions { slug } } }" }).to_string(),
        )
        .await;
    assert_eq!(status, 401);
    assert_code(&r, "UNAUTHENTICATED");

    // No event may be appended by refused input.
    app.assert_nothing_appended(before).await;
    app.stop().await;
}
on_both_backends!(bad_inputs_are_refused_with_codes_and_append_nothing);

/// Error messages are for people: no Rust debug formatting, no sentence twice, at most a
/// short excerpt of the input; label values refuse invisible characters; lengths count
/// characters; idempotency keys refuse control characters and are bounded.
async fn value_errors_read_well_and_refuse_hidden_characters(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_cluster("taken-name", "nyc1").await;
    let before = app.event_count().await;
    let create =
        "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }";
    let message = |r: &serde_json::Value| {
        r["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let refuse = |r: &serde_json::Value, code: &str| {
        assert_eq!(error_code(r).as_deref(), Some(code), "{r}");
        let m = r["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(
            !m.contains("(\"") && !m.contains("Name("),
            "debug formatting in {m:?}"
        );
        let sentences: Vec<&str> = m.split("; ").collect();
        let mut distinct = sentences.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), sentences.len(), "a sentence twice in {m:?}");
        assert!(
            m.chars().count() < 300,
            "message too long: {} chars",
            m.chars().count()
        );
    };

    let r = app
        .gql(
            create,
            json!({ "i": { "name": "taken-name", "region": "nyc1" } }),
        )
        .await;
    refuse(&r, "CONFLICT");
    assert_eq!(message(&r), "cluster name \"taken-name\" is already taken");

    let huge_key = "K".repeat(100_000);
    let r = app
        .gql(create, json!({ "i": { "name": "labelled", "region": "nyc1", "labels": [{ "key": huge_key, "value": "v" }] } }))
        .await;
    refuse(&r, "BAD_USER_INPUT");
    for hidden in [
        "evil\u{202E}gnp.exe",
        "a\u{200B}b",
        "tag\u{E0041}",
        "x\u{2066}y",
        "nul\u{0}",
    ] {
        let r = app
            .gql(create, json!({ "i": { "name": "labelled", "region": "nyc1", "labels": [{ "key": "k", "value": hidden }] } }))
            .await;
        refuse(&r, "BAD_USER_INPUT");
        assert!(
            !message(&r).contains(hidden),
            "the hidden value was echoed: {r}"
        );
    }
    let r = app
        .gql(create, json!({ "i": { "name": "labelled", "region": "nyc1", "labels": [{ "key": "k", "value": "é".repeat(64) }] } }))
        .await;
    refuse(&r, "BAD_USER_INPUT");
    assert!(message(&r).contains("63 characters"), "{r}");

    let r = app
        .gql(
            create,
            json!({ "i": { "name": "a".repeat(64), "region": "nyc1" } }),
        )
        .await;
    refuse(&r, "BAD_USER_INPUT");
    assert_eq!(message(&r), "name: must be at most 63 characters, got 64");

    for key in [
        "nul\u{0}key".to_string(),
        "x".repeat(201),
        "bidi\u{202E}".to_string(),
    ] {
        let r = app
            .gql(
                create,
                json!({ "i": { "name": "keyed", "region": "nyc1", "idempotencyKey": key } }),
            )
            .await;
        refuse(&r, "BAD_USER_INPUT");
    }
    // Refused input appended nothing.
    app.assert_nothing_appended(before).await;

    // 200 characters are fine even when they take 400 bytes; a label value of 63 "é" too.
    let r = app
        .gql(
            create,
            json!({ "i": { "name": "keyed", "region": "nyc1", "idempotencyKey": "é".repeat(200),
            "labels": [{ "key": "k", "value": "é".repeat(63) }] } }),
        )
        .await;
    assert_eq!(error_code(&r), None, "{r}");
    app.stop().await;
}
on_both_backends!(value_errors_read_well_and_refuse_hidden_characters);
