//! The relay's checkpoint: the log cursor up to which the broker has confirmed everything,
//! one row in `relay_checkpoints`.

use super::{postgres, CHECKPOINT};
use crate::error::RelayError;
use command::{Db, LogCursor};
use sqlx::{PgConnection, Row};

/// The saved cursor (the start of the log when there is none).
pub(super) async fn load_checkpoint(conn: &mut PgConnection) -> Result<LogCursor, RelayError> {
    let row = sqlx::query("SELECT tx, position FROM relay_checkpoints WHERE name = $1")
        .bind(CHECKPOINT)
        .fetch_optional(conn)
        .await?;
    Ok(match row {
        Some(r) => LogCursor {
            tx: r.try_get("tx")?,
            position: r.try_get("position")?,
        },
        None => LogCursor::default(),
    })
}

/// Moves the checkpoint to `cursor`, on the lock-holding connection.
pub(super) async fn save_checkpoint(
    conn: &mut PgConnection,
    cursor: LogCursor,
) -> Result<(), RelayError> {
    sqlx::query(
        "INSERT INTO relay_checkpoints (name, tx, position, updated_us) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (name) DO UPDATE SET tx = excluded.tx, position = excluded.position, \
         updated_us = excluded.updated_us",
    )
    .bind(CHECKPOINT)
    .bind(cursor.tx)
    .bind(cursor.position)
    .bind(chrono::Utc::now().timestamp_micros())
    .execute(conn)
    .await
    .map_err(RelayError::SaveCheckpoint)?;
    Ok(())
}

/// The relay's checkpoint, for health checks and tests.
pub async fn checkpoint(db: &Db) -> Result<LogCursor, RelayError> {
    let mut conn = postgres(db.reads())?.acquire().await?;
    load_checkpoint(&mut conn).await
}
