//! Operations: health, metrics, the checked-in SDL, configuration errors, the playground.

use crate::helpers::{spawn_app, Backend};
use std::process::Command;
use testkit::storage::{postgres_base, TempDir};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_metrics_and_playground_answer() {
    let app = spawn_app(Backend::Sqlite).await;
    app.create_cluster("observed", "nyc1").await;
    let (status, body) = app.health().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ok");
    assert_eq!(body["checks"]["database"]["status"], "up");

    let metrics = app.get("/metrics").await.text().await.unwrap();
    for name in [
        "clustergenie_commands_total",
        "clustergenie_event_append_seconds",
        "clustergenie_projector_lag_seconds",
        "clustergenie_clusters",
    ] {
        assert!(
            metrics.contains(name),
            "{name} missing from /metrics:\n{metrics}"
        );
    }

    let page = app
        .client
        .get(format!("{}/graphql", app.address))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("graphiql"), "GraphiQL page expected");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_503_when_the_database_is_gone() {
    let app = spawn_app(Backend::Postgres).await;
    let name = app
        .storage
        .postgres_url()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let mut admin =
        <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{}/postgres", postgres_base()))
            .await
            .unwrap();
    sqlx::Executor::execute(
        &mut admin,
        format!("DROP DATABASE {name} WITH (FORCE)").as_str(),
    )
    .await
    .unwrap();
    let (status, body) = app.health().await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["checks"]["database"]["status"], "down");
    // Commands now fail with a code, not a panic.
    let r = app.try_create_cluster(None, "late", "nyc1").await;
    let code = crate::helpers::error_code(&r);
    assert!(
        matches!(code.as_deref(), Some("UNAVAILABLE" | "INTERNAL")),
        "{r}"
    );
}

#[test]
fn checked_in_sdl_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/clustergenie.graphql");
    let checked_in = std::fs::read_to_string(path).expect("schema/clustergenie.graphql exists");
    let current = query::sdl();
    assert!(
        checked_in == current,
        "schema/clustergenie.graphql is stale; run `cargo run -- sdl > schema/clustergenie.graphql`"
    );
}

#[test]
fn a_bad_configuration_value_stops_start_up_with_one_line() {
    let data_dir = TempDir::new("cg-bad-config");
    for (var, value) in [
        ("CLUSTERGENIE_WORKER_COUNT", "lots"),
        ("CLUSTERGENIE_WORKER_QUEUE", "0"),
        ("CLUSTERGENIE_LISTEN", "not-an-address"),
        ("DATABASE_URL", "mysql://nope"),
        ("KAFKA_BROKERS", "no-port"),
        ("REDIS_URL", "http://not-redis"),
        ("CLUSTERGENIE_KAFKA_STALL_SECONDS", "1"),
        ("CLUSTERGENIE_KAFKA_STALL_SECONDS", "soon"),
        ("CLUSTERGENIE_KAFKA_DEBUG", "cgrp,everything"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_clustergenie"))
            .arg("serve")
            .env(var, value)
            .env("CLUSTERGENIE_DATA_DIR", data_dir.path())
            .output()
            .expect("clustergenie runs");
        assert_eq!(out.status.code(), Some(2), "{var}={value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.trim().lines().count(), 1, "{var}: {stderr}");
        assert!(stderr.contains(var), "{var} not named in: {stderr}");
    }
}
