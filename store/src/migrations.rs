//! Applies the schema. The SQL lives in the top-level `migrations/` folder, embedded at
//! compile time:
//!
//! - `migrations/shared/`: one file per migration, applied as it is on both backends (the
//!   read models' DDL is portable: `TEXT`, `BIGINT`, `IF NOT EXISTS`). A new migration goes
//!   here.
//! - `migrations/postgres/` and `migrations/sqlite/`: a migration whose SQL differs per
//!   dialect (`0001_event_store.sql`), as one file of the same version in each.
//!
//! Each backend's migrator is its own folder plus the shared one, in version order. sqlx
//! records every applied migration's version and SHA-384 checksum of its SQL and refuses
//! to start on a database whose record differs, so migration files never change once
//! released; moving an unchanged file between folders keeps its checksum (see the test).

use crate::db::{DbError, Pool};
use sqlx::migrate::{Migration, Migrator};
use std::borrow::Cow;

/// Migrations applied on both backends.
static SHARED: Migrator = sqlx::migrate!("../migrations/shared");
/// Migrations whose SQL is Postgres's own.
static POSTGRES: Migrator = sqlx::migrate!("../migrations/postgres");
/// Migrations whose SQL is SQLite's own.
static SQLITE: Migrator = sqlx::migrate!("../migrations/sqlite");

/// A backend's migrator: its own migrations and the shared ones, in version order.
fn migrator(own: &Migrator) -> Migrator {
    let mut migrations: Vec<Migration> = own.iter().chain(SHARED.iter()).cloned().collect();
    migrations.sort_by_key(|m| m.version);
    // sqlx has no public constructor from a list; its fields are public for `migrate!` (and
    // semver-exempt): Cargo.lock pins sqlx, and the tests below fail if this stops working.
    Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    }
}

/// Brings the database behind `pool` (the writing pool) up to the newest migration.
pub(crate) async fn run(pool: &Pool) -> Result<(), DbError> {
    match pool {
        Pool::Postgres(p) => migrator(&POSTGRES).run(p).await?,
        Pool::Sqlite(p) => migrator(&SQLITE).run(p).await?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Every migration as the per-backend files of the first releases recorded it in
    /// `_sqlx_migrations`: version, description and SHA-384 of the SQL (computed with
    /// `sha384sum migrations/{postgres,sqlite}/*.sql` before 0002–0005 moved to `shared/`).
    /// A database migrated by those files starts only if these stay the same.
    const RELEASED: [(&str, i64, &str, &str); 24] = [
        ("postgres", 1, "event store", "b4d9f3ba94e1f720b5ff0c9172f3fe09cb7d20ec72300e43a9e7d41abe65325b63df552d48ea7433e237c0960f87ac29"),
        ("postgres", 2, "read models", "642d0db4cb04842c2efad6f9b9948dfc5cfa92ac72535d5b435aa50f0e143eab77cf8bce146b986388fb955c7b143e27"),
        ("postgres", 3, "relay", "6571155d4a9ed29fdca1b00c6fa3ca0212bc91f2b0cefbd6a5b5b15a4d7c99e521361ea8f02b61c27912f6222501af4e"),
        ("postgres", 4, "read model counts", "c3287f2047f46cfaa58769828b80a383aa52ce9c402501da206efbc97dbd99dad7f6e49e23eca3501d1d41c0b6d47440"),
        ("postgres", 5, "droplet status before destroy", "2d2eab388d1f5767d840763ce4d24068c3f2007a417e22e7e04951add45e14e1d885d0a0126d948a34fcd778e0815252"),
        ("postgres", 6, "health checks", "e41c43254a2ce63c2ed259f8cee49de49c84695b682024dbbcb0b20aa7700cff8460cc15265273d22562fa20ac2dbdfd"),
        ("postgres", 7, "metrics", "923b28efaa5b03b1af8bbc897c5a21f55b8237229a23d46bd0f66300e8030ec3b381d2f40a6f9dde82e19c7b022f7dea"),
        ("postgres", 8, "worker pool", "e7fc1d262aae3312b0d55f1fad2e9f099c97f821d98baaa3bb49504900291500435b8d6ed4e1a06657c8ce8e6726b4ad"),
        ("postgres", 9, "health check due", "6afb24856ce9cd4a7f4c1bb07d050d8e0d890d87ded1db88aab8270e3e683ae6302a85ef3fe82b4e6957b743c7b11d11"),
        ("postgres", 10, "activity logs", "faa485218dc289af80b2aa6a200f5ac55f960f25ca56fc2c1934a63bb7604802e48361123ede9b74dc6214699be3d006"),
        ("postgres", 11, "users", "0cb1b813c0390c177ae5eada587512f760302232ecc7f1828ec72532439807265314904c94c79421215a8ca583aa59e2"),
        ("postgres", 12, "rate limit rules", "54df1455a83a026c05bcbca67035ba1bc0809ba34aa58941e247644eb353cee8eec132b601058635646b6a6bf8549181"),
        ("sqlite", 1, "event store", "24c8b9bb5ebbe09cfd03ce825f28b7b9c1fccd58bc86e91968404210cc67474445b077d92b26d9de1a54b458df00514a"),
        ("sqlite", 2, "read models", "642d0db4cb04842c2efad6f9b9948dfc5cfa92ac72535d5b435aa50f0e143eab77cf8bce146b986388fb955c7b143e27"),
        ("sqlite", 3, "relay", "6571155d4a9ed29fdca1b00c6fa3ca0212bc91f2b0cefbd6a5b5b15a4d7c99e521361ea8f02b61c27912f6222501af4e"),
        ("sqlite", 4, "read model counts", "c3287f2047f46cfaa58769828b80a383aa52ce9c402501da206efbc97dbd99dad7f6e49e23eca3501d1d41c0b6d47440"),
        ("sqlite", 5, "droplet status before destroy", "2d2eab388d1f5767d840763ce4d24068c3f2007a417e22e7e04951add45e14e1d885d0a0126d948a34fcd778e0815252"),
        ("sqlite", 6, "health checks", "e41c43254a2ce63c2ed259f8cee49de49c84695b682024dbbcb0b20aa7700cff8460cc15265273d22562fa20ac2dbdfd"),
        ("sqlite", 7, "metrics", "923b28efaa5b03b1af8bbc897c5a21f55b8237229a23d46bd0f66300e8030ec3b381d2f40a6f9dde82e19c7b022f7dea"),
        ("sqlite", 8, "worker pool", "e7fc1d262aae3312b0d55f1fad2e9f099c97f821d98baaa3bb49504900291500435b8d6ed4e1a06657c8ce8e6726b4ad"),
        ("sqlite", 9, "health check due", "6afb24856ce9cd4a7f4c1bb07d050d8e0d890d87ded1db88aab8270e3e683ae6302a85ef3fe82b4e6957b743c7b11d11"),
        ("sqlite", 10, "activity logs", "4f0fd70d60d8345ba92edce8f60ef05812442a4efc06faa7a180e60e4308a659984a05d636cbb4f715bc20b3ce47b163"),
        ("sqlite", 11, "users", "0cb1b813c0390c177ae5eada587512f760302232ecc7f1828ec72532439807265314904c94c79421215a8ca583aa59e2"),
        ("sqlite", 12, "rate limit rules", "54df1455a83a026c05bcbca67035ba1bc0809ba34aa58941e247644eb353cee8eec132b601058635646b6a6bf8549181"),
    ];

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn backend(name: &str) -> Migrator {
        migrator(if name == "postgres" {
            &POSTGRES
        } else {
            &SQLITE
        })
    }

    #[test]
    fn released_migrations_keep_their_versions_and_checksums() {
        for name in ["postgres", "sqlite"] {
            let released: Vec<_> = RELEASED
                .iter()
                .filter(|r| r.0 == name)
                .map(|r| (r.1, r.2.to_string(), r.3.to_string()))
                .collect();
            let now: Vec<_> = backend(name)
                .iter()
                .map(|m| (m.version, m.description.to_string(), hex(&m.checksum)))
                .take(released.len())
                .collect();
            assert_eq!(now, released, "{name}: a released migration changed");
        }
    }

    #[test]
    fn each_version_is_shared_or_per_backend_not_both() {
        let shared: BTreeSet<i64> = SHARED.iter().map(|m| m.version).collect();
        let postgres: BTreeSet<i64> = POSTGRES.iter().map(|m| m.version).collect();
        let sqlite: BTreeSet<i64> = SQLITE.iter().map(|m| m.version).collect();
        assert!(shared.is_disjoint(&postgres), "in shared/ and postgres/");
        assert!(shared.is_disjoint(&sqlite), "in shared/ and sqlite/");
        assert_eq!(
            postgres, sqlite,
            "a dialect-specific migration needs both files"
        );
    }

    #[tokio::test]
    async fn records_match_the_released_files_and_a_database_with_them_starts() {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        migrator(&SQLITE).run(&pool).await.unwrap();
        // What sqlx recorded is what the released files recorded …
        let rows: Vec<(i64, String, Vec<u8>)> = sqlx::query_as(
            "SELECT version, description, checksum FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let released: Vec<_> = RELEASED
            .iter()
            .filter(|r| r.0 == "sqlite")
            .map(|r| (r.1, r.2.to_string(), r.3.to_string()))
            .collect();
        let recorded: Vec<_> = rows
            .into_iter()
            .map(|(v, d, c)| (v, d, hex(&c)))
            .take(released.len())
            .collect();
        assert_eq!(recorded, released);
        // … and a start on such a database (which validates those records) succeeds.
        migrator(&SQLITE).run(&pool).await.unwrap();
    }
}
