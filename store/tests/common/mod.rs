//! A fresh database per test on either backend, removed afterwards, and small builders of
//! appends.

#![allow(dead_code)]

use schema::{AggregateType, EventMetadata};
use std::path::PathBuf;
use store::{Append, Claim, Db, EventStore, IdempotencyRecord, NewEvent};

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// Base URL of the Postgres server tests create databases on.
fn postgres_base() -> String {
    std::env::var("CLUSTERGENIE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// One test's own database; [`TestDb::finish`] removes it.
pub struct TestDb {
    pub db: Db,
    postgres_name: Option<String>,
    data_dir: PathBuf,
}

impl TestDb {
    /// A fresh, migrated database on `backend`.
    pub async fn fresh(backend: Backend) -> Self {
        let data_dir = std::env::temp_dir().join(format!("cg-store-test-{}", uuid::Uuid::new_v4()));
        match backend {
            Backend::Sqlite => Self {
                db: Db::sqlite(&data_dir).await.expect("open sqlite"),
                postgres_name: None,
                data_dir,
            },
            Backend::Postgres => {
                let name = format!("cg_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = admin().await;
                sqlx::Executor::execute(&mut admin, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                let db = Db::postgres(&format!("{}/{name}", postgres_base()), 8)
                    .await
                    .expect("open postgres");
                Self {
                    db,
                    postgres_name: Some(name),
                    data_dir,
                }
            }
        }
    }

    /// A store on this database.
    pub fn store(&self) -> EventStore {
        EventStore::new(self.db.clone())
    }

    /// Closes the pools and removes the database.
    pub async fn finish(self) {
        self.db.close().await;
        if let Some(name) = self.postgres_name {
            let mut admin = admin().await;
            sqlx::Executor::execute(
                &mut admin,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
            )
            .await
            .expect("drop test database");
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

async fn admin() -> sqlx::PgConnection {
    <sqlx::PgConnection as sqlx::Connection>::connect(&format!("{}/postgres", postgres_base()))
        .await
        .expect("tests need Postgres at CLUSTERGENIE_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432)")
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
