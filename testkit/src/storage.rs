//! Throwaway storage: a directory and a Postgres database per test, both removed when the
//! guard is dropped (also when the test fails).

use std::path::{Path, PathBuf};

/// Base URL of the Postgres server tests create databases on
/// (`CLUSTERGENIE_TEST_POSTGRES`, default `postgres://postgres@127.0.0.1:5432`).
pub fn postgres_base() -> String {
    std::env::var("CLUSTERGENIE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// A fresh directory under the system temp dir, removed with everything in it on drop.
#[derive(Debug)]
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    /// Creates `<tmp>/<prefix>-<uuid>`.
    pub fn new(prefix: &str) -> Self {
        let path = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        Self { path }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a process still writing into it may recreate a file; nothing to do then.
        std::fs::remove_dir_all(&self.path).ok();
    }
}

/// A fresh Postgres database, dropped (connections and all) on drop.
#[derive(Debug)]
pub struct PostgresDatabase {
    name: String,
    url: String,
}

impl PostgresDatabase {
    /// Creates a database named `<prefix>_<uuid>`.
    pub async fn create(prefix: &str) -> Self {
        let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
        let mut conn = admin_connection().await;
        sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        Self {
            url: format!("{}/{name}", postgres_base()),
            name,
        }
    }

    /// Its connection URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for PostgresDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its own
        // with its own runtime does the work.
        let dropped = crate::process::on_own_runtime(async move {
            let mut conn = admin_connection().await;
            sqlx::Executor::execute(
                &mut conn,
                format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str(),
            )
            .await
            .map(|_| ())
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop test database {}: {e}", self.name);
        }
    }
}

async fn admin_connection() -> sqlx::PgConnection {
    let admin = format!("{}/postgres", postgres_base());
    <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
        .await
        .expect("tests need Postgres at CLUSTERGENIE_TEST_POSTGRES (default postgres://postgres@127.0.0.1:5432)")
}
