//! Why an append or a read of the event store failed, as one typed enum.

/// Why an append or read failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another writer appended to the same aggregate first.
    #[error("concurrent modification of {aggregate_type} {aggregate_id}")]
    Conflict {
        aggregate_type: String,
        aggregate_id: String,
    },
    /// A unique value is held by someone else.
    #[error("{scope} {value:?} is already taken")]
    ClaimTaken { scope: &'static str, value: String },
    /// The idempotency key was used concurrently; read the stored response.
    #[error("idempotency key already used")]
    DuplicateKey,
    /// The idempotency key was first used with a different request.
    #[error("idempotency key was already used with different input")]
    KeyReused,
    /// The event metadata could not be serialized.
    #[error("cannot encode event metadata: {0}")]
    Encode(#[source] serde_json::Error),
    /// The database failed or is unreachable.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored row could not be decoded.
    #[error("corrupt stored event at position {position}: {reason}")]
    Corrupt { position: i64, reason: String },
}

impl StoreError {
    /// True when the database could not be reached at all.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Database(
                sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed
            )
        )
    }
}

/// True when `e` is a unique-constraint violation (Postgres 23505, SQLite 1555/2067).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            matches!(db.kind(), sqlx::error::ErrorKind::UniqueViolation)
                || matches!(db.code().as_deref(), Some("23505" | "1555" | "2067"))
        }
        _ => false,
    }
}

/// The unique constraint `e` violated, when the backend names it (Postgres does).
pub(crate) fn violated_constraint(e: &sqlx::Error) -> Option<&str> {
    match e {
        sqlx::Error::Database(db) => db.constraint(),
        _ => None,
    }
}
