//! Unique values (a cluster name, a live droplet name) and idempotency records, both
//! written in the same transaction as the events that claim, release or answer them, and
//! looked up on their own.

use crate::error::StoreError;
use crate::event::{Append, Claim, FirstResponse};
use crate::event_store::EventStore;
use crate::on_pool;
use sqlx::Row;

/// Claims a value; the primary key refuses a value someone holds.
pub(crate) const CLAIM: &str =
    "INSERT INTO unique_claims (scope, value, owner) VALUES ($1, $2, $3)";

/// Releases a value, only if `owner` holds it.
pub(crate) const RELEASE: &str =
    "DELETE FROM unique_claims WHERE scope = $1 AND value = $2 AND owner = $3";

/// Stores the first response to a key; the primary key refuses a second.
pub(crate) const REMEMBER: &str =
    "INSERT INTO idempotency_keys (scope_key, request_hash, response, position, created_us) \
     VALUES ($1, $2, $3, $4, $5)";

/// Postgres: claims, releases, the events `INSERT` (`events_sql`, whose parameters come first)
/// and the idempotency record as one statement of data-modifying CTEs, atomic without
/// `BEGIN`/`COMMIT`. Parameters after the events': three per claim, three per release, then
/// four for the idempotency record (`scope_key, request_hash, response, created_us`).
pub(crate) fn one_statement_sql(append: &Append, events_sql: &str) -> String {
    let mut next = append.events.len() * 7;
    let mut param = || {
        next += 1;
        format!("${next}")
    };
    let mut ctes = Vec::new();
    for i in 0..append.claims.len() {
        ctes.push(format!(
            "claim_{i} AS (INSERT INTO unique_claims (scope, value, owner) VALUES ({}, {}, {}) RETURNING 1)",
            param(),
            param(),
            param()
        ));
    }
    for i in 0..append.releases.len() {
        ctes.push(format!(
            "release_{i} AS (DELETE FROM unique_claims WHERE scope = {} AND value = {} AND owner = {} RETURNING 1)",
            param(),
            param(),
            param()
        ));
    }
    ctes.push(format!("ev AS ({events_sql})"));
    if append.idempotency.is_some() {
        ctes.push(format!(
            "idem AS (INSERT INTO idempotency_keys (scope_key, request_hash, response, position, created_us) \
             SELECT {}, {}, {}, max(global_position), {} FROM ev RETURNING 1)",
            param(),
            param(),
            param(),
            param()
        ));
    }
    format!(
        "WITH {} SELECT aggregate_id, sequence, global_position FROM ev",
        ctes.join(", ")
    )
}

impl EventStore {
    /// Looks up a stored idempotent response: `(request_hash, response, position)`.
    pub async fn idempotent_response(
        &self,
        scope_key: &str,
    ) -> Result<Option<(String, String, i64)>, StoreError> {
        let db = self.db();
        let sql = db.sql(
            "SELECT request_hash, response, position FROM idempotency_keys WHERE scope_key = $1",
        );
        // The writing pool: a response committed a moment ago must be seen.
        on_pool!(db.writes(), p => {
            let row = sqlx::query(&sql).bind(scope_key).fetch_optional(p).await?;
            Ok(match row {
                Some(r) => Some((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)),
                None => None,
            })
        })
    }

    /// The first response to `scope_key` when the same request (`request_hash`) comes again;
    /// [`StoreError::KeyReused`] when the key was first used with a different request.
    pub async fn first_response(
        &self,
        scope_key: &str,
        request_hash: &str,
    ) -> Result<Option<FirstResponse>, StoreError> {
        match self.idempotent_response(scope_key).await? {
            None => Ok(None),
            Some((stored, response, position)) if stored == request_hash => {
                Ok(Some(FirstResponse { response, position }))
            }
            Some(_) => Err(StoreError::KeyReused),
        }
    }

    /// Which of `claims` someone else holds (the first one when it cannot tell).
    pub(crate) async fn taken_claim<'a>(&self, claims: &'a [Claim]) -> &'a Claim {
        let db = self.db();
        if claims.len() > 1 {
            let sql = db.sql("SELECT 1 AS held FROM unique_claims WHERE scope = $1 AND value = $2");
            for c in claims {
                let held = on_pool!(db.writes(), p => {
                    sqlx::query(&sql)
                        .bind(c.scope)
                        .bind(&c.value)
                        .fetch_optional(p)
                        .await
                        .map(|row| row.is_some())
                });
                if matches!(held, Ok(true)) {
                    return c;
                }
            }
        }
        &claims[0]
    }
}
