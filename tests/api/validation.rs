//! Bad input gets a clear error with a code, and nothing is appended.

use crate::helpers::{error_code, spawn_app, Backend};
use crate::on_both_backends;
use serde_json::{json, Value};

async fn bad_inputs_are_refused_with_codes_and_append_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_cluster("taken", "nyc1").await;
    let (_, job) = app.create_droplet("taken-droplet", "debian-12-x64").await;
    app.wait_for_job(&job, "COMPLETED", std::time::Duration::from_secs(30))
        .await;
    let before = app.event_count().await;

    let droplet = |name: &str, region: &str, size: &str, image: &str| json!({ "i": { "name": name, "region": region, "size": size, "image": image } });
    let create_droplet =
        "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } } }";
    let create_cluster =
        "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }";
    let long = "a".repeat(300);
    let cases: Vec<(&str, &str, Value, &str)> = vec![
        (
            "unknown region",
            create_droplet,
            droplet("x", "mars1", "s-1vcpu-1gb", "debian-12-x64"),
            "BAD_USER_INPUT",
        ),
        (
            "unknown size",
            create_droplet,
            droplet("x", "nyc1", "huge", "debian-12-x64"),
            "BAD_USER_INPUT",
        ),
        (
            "unknown image",
            create_droplet,
            droplet("x", "nyc1", "s-1vcpu-1gb", "windows-95"),
            "BAD_USER_INPUT",
        ),
        (
            "empty name",
            create_droplet,
            droplet("", "nyc1", "s-1vcpu-1gb", "debian-12-x64"),
            "BAD_USER_INPUT",
        ),
        (
            "300-character name",
            create_droplet,
            droplet(&long, "nyc1", "s-1vcpu-1gb", "debian-12-x64"),
            "BAD_USER_INPUT",
        ),
        (
            "duplicate droplet name",
            create_droplet,
            droplet("taken-droplet", "nyc1", "s-1vcpu-1gb", "debian-12-x64"),
            "CONFLICT",
        ),
        (
            "duplicate cluster name",
            create_cluster,
            json!({ "i": { "name": "taken", "region": "nyc1" } }),
            "CONFLICT",
        ),
        (
            "empty cluster name",
            create_cluster,
            json!({ "i": { "name": "", "region": "nyc1" } }),
            "BAD_USER_INPUT",
        ),
        (
            "long cluster name",
            create_cluster,
            json!({ "i": { "name": long, "region": "nyc1" } }),
            "BAD_USER_INPUT",
        ),
        (
            "bad label",
            create_cluster,
            json!({ "i": { "name": "ok", "region": "nyc1", "labels": [{"key": "Bad Key", "value": "x"}] } }),
            "BAD_USER_INPUT",
        ),
        (
            "unknown cluster",
            create_droplet,
            json!({ "i": { "name": "x", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "clusterId": uuid::Uuid::new_v4().to_string() } }),
            "BAD_USER_INPUT",
        ),
        (
            "unknown droplet id",
            "mutation($id: ID!) { destroyDroplet(id: $id) { position } }",
            json!({ "id": uuid::Uuid::new_v4().to_string() }),
            "NOT_FOUND",
        ),
        (
            "malformed droplet id",
            "mutation($id: ID!) { destroyDroplet(id: $id) { position } }",
            json!({ "id": "not-a-uuid" }),
            "BAD_USER_INPUT",
        ),
        (
            "unknown job id",
            "mutation($id: ID!) { cancelJob(id: $id) { position } }",
            json!({ "id": uuid::Uuid::new_v4().to_string() }),
            "NOT_FOUND",
        ),
        (
            "unknown cluster id",
            "mutation($id: ID!) { deleteCluster(id: $id) { position } }",
            json!({ "id": uuid::Uuid::new_v4().to_string() }),
            "NOT_FOUND",
        ),
        (
            "resize to unknown size",
            "mutation($id: ID!) { resizeDroplet(id: $id, size: \"xxl\") { position } }",
            json!({ "id": uuid::Uuid::new_v4().to_string() }),
            "BAD_USER_INPUT",
        ),
        (
            "page too large",
            "{ droplets(first: 100000) { totalCount } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            "bad cursor",
            "{ droplets(after: \"garbage\") { totalCount } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            "unknown field",
            "{ droplets { nope } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        (
            "missing variable",
            create_droplet,
            json!({}),
            "BAD_USER_INPUT",
        ),
    ];
    for (what, query, vars, code) in cases {
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
    assert_eq!(error_code(&r).as_deref(), Some("BAD_USER_INPUT"), "{r}");
    let (status, _) = app.post_raw("this is not json").await;
    assert_eq!(status, 400);
    let deep = "{ droplets { edges { node { cluster { droplets { edges { node { cluster { droplets { edges { node { cluster { name } } } } } } } } } } } } }";
    let r = app.gql(deep, json!({})).await;
    assert_eq!(error_code(&r).as_deref(), Some("BAD_USER_INPUT"), "{r}");

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
    assert_eq!(error_code(&r).as_deref(), Some("UNAUTHENTICATED"), "{r}");

    assert_eq!(
        app.event_count().await,
        before,
        "no event may be appended by refused input"
    );
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
    assert_eq!(
        app.event_count().await,
        before,
        "refused input appended events"
    );

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
