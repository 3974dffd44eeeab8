//! A fresh database per test on either backend, removed afterwards (also when the test
//! fails), and small builders of appends.

#![allow(dead_code)]

use futures::FutureExt;
use schema::{AggregateType, EventMetadata};
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use store::{Append, Claim, Db, EventStore, IdempotencyRecord, NewEvent};

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Declares each `async fn(TestDb)` named as two tests, `<name>::postgres` and
/// `<name>::sqlite`, each on a fresh database of its own.
#[macro_export]
macro_rules! on_both_backends {
    ($($test:ident),+ $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    $crate::common::run($crate::common::Backend::Postgres, super::$test).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::common::run($crate::common::Backend::Sqlite, super::$test).await
                }
            }
        )+
    };
}

/// Base URL of the Postgres server tests create databases on.
fn postgres_base() -> String {
    std::env::var("CLUSTERGENIE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// One test's database (cloning shares it).
#[derive(Clone)]
pub struct TestDb {
    pub db: Db,
}

impl TestDb {
    /// A store on this database.
    pub fn store(&self) -> EventStore {
        EventStore::new(self.db.clone())
    }
}

/// Where a test database lives, so that it can be removed.
enum Place {
    Postgres(String),
    Sqlite(PathBuf),
}

/// Runs `test` on a fresh, migrated database on `backend`, then closes and removes the
/// database, whether the test passed or not (a failure is passed on afterwards).
pub async fn run<F, Fut>(backend: Backend, test: F)
where
    F: FnOnce(TestDb) -> Fut,
    Fut: Future<Output = ()>,
{
    let (t, place) = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!("cg-store-test-{}", uuid::Uuid::new_v4()));
            let db = Db::sqlite(&dir).await.expect("open sqlite");
            (TestDb { db }, Place::Sqlite(dir))
        }
        Backend::Postgres => {
            let name = format!("cg_test_{}", uuid::Uuid::new_v4().simple());
            admin_execute(&format!("CREATE DATABASE {name}")).await;
            let db = Db::postgres(&format!("{}/{name}", postgres_base()), 8)
                .await
                .expect("open postgres");
            (TestDb { db }, Place::Postgres(name))
        }
    };
    let outcome = AssertUnwindSafe(test(t.clone())).catch_unwind().await;
    t.db.close().await;
    match place {
        Place::Postgres(name) => {
            admin_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
        }
        Place::Sqlite(dir) => std::fs::remove_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot remove {}: {e}", dir.display())),
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs one statement on the server's `postgres` database.
async fn admin_execute(sql: &str) {
    let mut admin =
        <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{}/postgres", postgres_base()))
            .await
            .expect("tests need Postgres at CLUSTERGENIE_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432)");
    sqlx::Executor::execute(&mut admin, sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// One event for cluster `id` at `sequence`, with `note` in its payload to tell appends apart.
pub fn event(id: &str, sequence: i64, note: &str) -> NewEvent {
    NewEvent {
        aggregate_type: AggregateType::Cluster,
        aggregate_id: id.to_string(),
        sequence,
        event_type: "ClusterCreated",
        event_version: "1",
        payload: serde_json::json!({"name": note, "region": "nyc1", "labels": {}}),
    }
}

/// An append of `events` with nothing else.
pub fn append(events: Vec<NewEvent>) -> Append {
    Append {
        events,
        metadata: EventMetadata {
            actor: "test".into(),
            correlation_id: "c".into(),
            causation_id: "c".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A cluster-name claim of `value` by `owner`.
pub fn claim(value: &str, owner: &str) -> Claim {
    Claim {
        scope: "cluster-name",
        value: value.into(),
        owner: owner.into(),
    }
}

/// An idempotency record.
pub fn key(scope_key: &str, request_hash: &str, response: &str) -> IdempotencyRecord {
    IdempotencyRecord {
        scope_key: scope_key.into(),
        request_hash: request_hash.into(),
        response: response.into(),
    }
}

/// A fresh aggregate id.
pub fn id() -> String {
    uuid::Uuid::new_v4().to_string()
}
