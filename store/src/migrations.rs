//! Applies the schema: the SQL lives in the top-level `migrations/` folder, one set per
//! backend, embedded at compile time.

use crate::db::{DbError, Pool};

/// Brings the database behind `pool` (the writing pool) up to the newest migration.
pub(crate) async fn run(pool: &Pool) -> Result<(), DbError> {
    match pool {
        Pool::Postgres(p) => sqlx::migrate!("../migrations/postgres").run(p).await?,
        Pool::Sqlite(p) => sqlx::migrate!("../migrations/sqlite").run(p).await?,
    }
    Ok(())
}
