//! Secret material of users and API tokens, kept out of the events: the `credentials` table
//! (written by [`crate::EventStore::append`] with the event that sets a secret, read here
//! to verify one) and `auth_keys` (the JWT signing secret a server generates when none is
//! configured). Nothing in this module logs a value it reads.

use crate::error::StoreError;
use crate::event_store::EventStore;
use crate::on_pool;
use sqlx::Row;

/// Stores or replaces a principal's secret hash (portable upsert: Postgres and SQLite).
pub(crate) const STORE_SECRET: &str =
    "INSERT INTO credentials (principal_id, kind, secret_hash, updated_us) VALUES ($1, $2, $3, $4) \
     ON CONFLICT (principal_id) DO UPDATE SET kind = excluded.kind, \
     secret_hash = excluded.secret_hash, updated_us = excluded.updated_us";

/// Kind of a user's password hash.
pub const PASSWORD: &str = "password";
/// Kind of an API token's secret hash.
pub const API_TOKEN: &str = "api_token";

impl EventStore {
    /// The stored hash of `kind` for `principal_id` (a user or API-token id), if any.
    pub async fn secret_hash(
        &self,
        principal_id: &str,
        kind: &str,
    ) -> Result<Option<String>, StoreError> {
        let db = self.db();
        let sql =
            db.sql("SELECT secret_hash FROM credentials WHERE principal_id = $1 AND kind = $2");
        // The writing pool: a password set a moment ago must be seen.
        on_pool!(db.writes(), p => {
            let row = sqlx::query(&sql).bind(principal_id).bind(kind).fetch_optional(p).await?;
            Ok(match row {
                Some(r) => Some(r.try_get(0)?),
                None => None,
            })
        })
    }

    /// The owner of a claimed unique value (`scope`, `value`), if someone holds it.
    pub async fn claim_owner(
        &self,
        scope: &str,
        value: &str,
    ) -> Result<Option<String>, StoreError> {
        let db = self.db();
        let sql = db.sql("SELECT owner FROM unique_claims WHERE scope = $1 AND value = $2");
        on_pool!(db.writes(), p => {
            let row = sqlx::query(&sql).bind(scope).bind(value).fetch_optional(p).await?;
            Ok(match row {
                Some(r) => Some(r.try_get(0)?),
                None => None,
            })
        })
    }

    /// The owners of every claimed value of `scope`, in value order.
    pub async fn claim_owners(&self, scope: &str) -> Result<Vec<String>, StoreError> {
        let db = self.db();
        let sql = db.sql("SELECT owner FROM unique_claims WHERE scope = $1 ORDER BY value");
        on_pool!(db.writes(), p => {
            let rows = sqlx::query(&sql).bind(scope).fetch_all(p).await?;
            rows.iter().map(|r| r.try_get(0).map_err(StoreError::from)).collect()
        })
    }

    /// How many values of `scope` are claimed (the number of users, for example).
    pub async fn claim_count(&self, scope: &str) -> Result<i64, StoreError> {
        let db = self.db();
        let sql = db.sql("SELECT COUNT(*) FROM unique_claims WHERE scope = $1");
        on_pool!(db.writes(), p => {
            let row = sqlx::query(&sql).bind(scope).fetch_one(p).await?;
            Ok(row.try_get(0)?)
        })
    }

    /// The signing key `name`: the stored one, or `generated` stored now when there is none
    /// (two servers starting at once agree on whichever was stored first).
    pub async fn auth_key(&self, name: &str, generated: &str) -> Result<String, StoreError> {
        let db = self.db();
        let insert = db.sql(
            "INSERT INTO auth_keys (name, secret, created_us) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        );
        let select = db.sql("SELECT secret FROM auth_keys WHERE name = $1");
        on_pool!(db.writes(), p => {
            sqlx::query(&insert)
                .bind(name)
                .bind(generated)
                .bind(crate::db::now_us())
                .execute(p)
                .await?;
            let row = sqlx::query(&select).bind(name).fetch_one(p).await?;
            Ok(row.try_get(0)?)
        })
    }
}
