//! Hostile documents: refused with BAD_USER_INPUT before they cost anything, while the
//! server keeps answering; the standard introspection query is answered in full.

use crate::helpers::{assert_code, spawn_app, Backend, OpenTransaction};
use serde_json::{json, Value};

fn message(r: &Value) -> String {
    r["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_documents_are_refused_while_health_answers() {
    let app = spawn_app(Backend::Sqlite).await;
    let cluster = app.create_cluster("target", "fra1").await;
    let bomb = testkit::hostile::fragment_bomb(25);
    let lists = testkit::hostile::nested_lists(&cluster, 100);
    assert!(bomb.len() < 1200, "{}", bomb.len());
    let attacks = (0..4).flat_map(|_| [bomb.clone(), lists.clone()]);
    let attacks = futures::future::join_all(attacks.map(|q| {
        let app = &app;
        async move { app.gql(&q, json!({})).await }
    }));
    let (answers, (health, body)) = tokio::join!(attacks, app.health());
    assert_eq!(health, 200, "{body}");
    for (i, r) in answers.iter().enumerate() {
        assert_code(r, "BAD_USER_INPUT");
        assert!(r["data"].is_null(), "{r}");
        let expected = if i % 2 == 0 {
            "once its fragments are expanded"
        } else {
            "the query costs"
        };
        assert!(message(r).contains(expected), "{r}");
    }
    // Ordinary pages still work.
    let r = app
        .gql(
            "{ clusters(first: 100) { nodes { name droplets(first: 20) { nodes { id } } } } }",
            json!({}),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_ten_mutations_are_refused_and_append_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    let creates = |n: usize, prefix: &str| -> String {
        let fields: String = (0..n)
            .map(|i| format!("c{i}: createCluster(input: {{name: \"{prefix}-{i}\", region: \"fra1\"}}) {{ position }} "))
            .collect();
        format!("mutation {{ {fields} }}")
    };
    let before = app.event_count().await;
    let r = app.gql(&creates(11, "eleven"), json!({})).await;
    assert_code(&r, "BAD_USER_INPUT");
    assert!(message(&r).contains("11 mutations"), "{r}");
    app.assert_nothing_appended(before).await;

    let r = app.gql(&creates(10, "ten"), json!({})).await;
    assert!(r["errors"].is_null(), "{r}");
    assert_eq!(app.event_count().await, before + 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_do_not_multiply_with_the_input() {
    let app = spawn_app(Backend::Sqlite).await;
    let directives = "@include(if: true) ".repeat(10_000);
    let q = format!("{{ catalog {directives} {{ regions {{ slug }} }} }}");
    let (status, body) = app.post_raw(&json!({ "query": q }).to_string()).await;
    assert_eq!(status, 200);
    assert_code(&body, "BAD_USER_INPUT");
    assert_eq!(body["errors"].as_array().unwrap().len(), 1, "{body}");
    assert!(body.to_string().len() < 1_000, "{body}");

    // Within the caps, async-graphql's own validation errors come once per message, cut.
    let long = "x".repeat(5_000);
    let dupes = (0..5).map(|_| format!("{long} ")).collect::<String>();
    let q = format!("{{ catalog {{ {dupes} }} }}");
    let (_, body) = app.post_raw(&json!({ "query": q }).to_string()).await;
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{body}");
    assert!(message(&body).ends_with("(cut)"), "{body}");
    assert_eq!(
        errors[1]["message"],
        "4 more errors like the above were left out"
    );
    assert!(body.to_string().len() < 1_000, "{body}");
    assert_code(&body, "BAD_USER_INPUT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn standard_introspection_is_answered_and_abusive_introspection_is_not() {
    let app = spawn_app(Backend::Sqlite).await;
    let standard = include_str!("../../query/src/graphql/limits/standard-introspection.graphql");
    let r = app.gql(standard, json!({})).await;
    assert!(r["errors"].is_null(), "{r}");
    let types = r["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|t| t["name"] == "DropletConnection"));
    let abusive =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let r = app.gql(abusive, json!({})).await;
    assert_code(&r, "BAD_USER_INPUT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_position_beyond_the_log_is_refused_at_once() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_cluster("one", "fra1").await;
    // Before: the request waited out the consistency timeout, then said UNAVAILABLE.
    let r = app
        .gql(
            "{ clusters(minPosition: 2147483648) { totalCount } }",
            json!({}),
        )
        .await;
    assert_code(&r, "BAD_USER_INPUT");
    assert!(message(&r).contains("beyond the newest event"), "{r}");
    let r = app
        .gql("{ clusters(minPosition: 1) { totalCount } }", json!({}))
        .await;
    assert_eq!(r["data"]["clusters"]["totalCount"], 1, "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_larger_than_the_limit_is_refused() {
    let storage = crate::helpers::Storage::fresh(Backend::Sqlite).await;
    let app = crate::helpers::spawn_app_on(storage, |s| s.max_response_bytes = 1024).await;
    let all = "{ catalog { regions { slug name } sizes { slug vcpus memoryMb diskGb priceMonthly } images { slug name distribution } } }";
    let r = app.gql(all, json!({})).await;
    assert_code(&r, "BAD_USER_INPUT");
    assert!(message(&r).contains("more than the limit of 1024"), "{r}");
    let r = app.gql("{ catalog { regions { slug } } }", json!({})).await;
    assert!(r["errors"].is_null(), "{r}");
}

/// Reads waiting for `minPosition` are bounded in number: with one permit, of two reads that
/// both have to wait, one is refused at once. The projector is held back by a lock on its
/// checkpoints (its commits wait), so the new event stays unprojected while both reads wait.
/// Not by an open transaction id: Postgres' snapshot horizon spans every database of the
/// server, so that would hold back the projectors of the tests running beside this one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waits_for_read_your_writes_are_bounded_in_number() {
    let storage = crate::helpers::Storage::fresh(Backend::Postgres).await;
    let url = storage.database_url.clone().unwrap();
    let app = crate::helpers::spawn_app_on(storage, |s| {
        s.max_consistency_waits = 1;
        s.consistency_timeout_seconds = 3.0;
    })
    .await;
    let holder = OpenTransaction::hold_projector(&url).await;
    // Appended, but not projected while the transaction above is open.
    let position = app.create_cluster_position("held").await;
    let read = "query($p: Int) { clusters(minPosition: $p) { totalCount } }";
    let (a, b) = tokio::join!(
        app.gql(read, json!({ "p": position })),
        app.gql(read, json!({ "p": position }))
    );
    let refused = [&a, &b]
        .iter()
        .filter(|r| message(r).contains("too many reads are waiting"))
        .count();
    assert_eq!(refused, 1, "{a} {b}");
    for r in [&a, &b] {
        assert_code(r, "UNAVAILABLE");
    }
    holder.rollback().await;
    let r = app.gql(read, json!({ "p": position })).await;
    assert_eq!(r["data"]["clusters"]["totalCount"], 1, "{r}");
}
