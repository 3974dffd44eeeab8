//! Migration 0004 seeds `read_model_counts` from the rows already there: a database that had
//! read models before the counts existed gets the same counts the projector keeps.

use crate::helpers::{spawn_app, spawn_app_on, Backend, Storage, DELETE_CLUSTER};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::time::Duration;

const COUNTS: &str = "{ clusters { totalCount } active: clusters(filter: {status: ACTIVE}) { totalCount } \
    deleted: clusters(filter: {status: DELETED}) { totalCount } droplets { totalCount } \
    running: droplets(filter: {status: RUNNING}) { totalCount } failed: droplets(filter: {status: FAILED}) { totalCount } \
    jobs { totalCount } completed: jobs(filter: {status: COMPLETED}) { totalCount } \
    cancelled: jobs(filter: {status: CANCELLED}) { totalCount } events { totalCount } }";

/// Turns the database back into one from before 0004: no counts table, 0004 not applied.
async fn undo_migration_0004(storage: &Storage) {
    let db = storage.db().await;
    let sql = [
        "DROP TABLE read_model_counts",
        "DELETE FROM _sqlx_migrations WHERE version = 4",
    ];
    match &storage.database_url {
        Some(url) => {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url)
                .await
                .unwrap();
            for s in sql {
                sqlx::Executor::execute(&mut conn, s).await.unwrap();
            }
        }
        None => {
            let path = storage.data_dir.join("clustergenie.db");
            assert!(
                path.exists(),
                "the SQLite database is at {}",
                path.display()
            );
            let url = format!("sqlite://{}", path.display());
            let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url)
                .await
                .unwrap();
            for s in sql {
                sqlx::Executor::execute(&mut conn, s).await.unwrap();
            }
        }
    }
    db.close().await;
}

async fn counts_are_seeded_from_rows_written_before_them(backend: Backend) {
    let app = spawn_app(backend).await;
    for name in ["kept-1", "kept-2"] {
        app.create_cluster(name, "nyc1").await;
    }
    let gone = app.create_cluster("gone", "nyc1").await;
    let r = app.gql_id(DELETE_CLUSTER, &gone).await;
    assert_eq!(
        r["data"]["deleteCluster"]["cluster"]["status"], "DELETED",
        "{r}"
    );
    let (_, ok) = app.create_droplet("counted-1", "debian-12-x64").await;
    let (_, bad) = app
        .create_droplet("counted-2", schema::catalog::ALWAYS_FAILING_IMAGE)
        .await;
    app.completed(&ok).await;
    app.wait_for_job(&bad, "FAILED", Duration::from_secs(90))
        .await;
    let r = app
        .gql(
            "query($p: Int) { clusters(minPosition: $p) { totalCount } }",
            json!({ "p": app.store_head().await }),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
    let before: Value = app.gql(COUNTS, json!({})).await;
    assert!(before["errors"].is_null(), "{before}");
    assert_eq!(before["data"]["clusters"]["totalCount"], 3, "{before}");
    assert_eq!(before["data"]["deleted"]["totalCount"], 1, "{before}");
    assert_eq!(before["data"]["running"]["totalCount"], 1, "{before}");
    assert_eq!(before["data"]["failed"]["totalCount"], 1, "{before}");
    let storage = app.stop().await;

    undo_migration_0004(&storage).await;
    let app = spawn_app_on(storage, |_| {}).await;
    let after = app.gql(COUNTS, json!({})).await;
    assert_eq!(after, before, "seeded counts equal the kept ones");
    app.stop().await;
}
on_both_backends!(counts_are_seeded_from_rows_written_before_them);
