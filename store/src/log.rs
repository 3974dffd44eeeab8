//! Reading the store: one aggregate's stream, and the global log in an order no reader can
//! ever see change.
//!
//! **The safe-read rule.** On Postgres, positions are allocated by an identity column but
//! transactions may commit out of allocation order; readers therefore read in
//! `(transaction_id, global_position)` order and only below
//! `pg_snapshot_xmin(pg_current_snapshot())`, the oldest transaction still running, so an
//! event of a slow, still-running transaction can never appear behind a reader's cursor.
//! That horizon is server-wide: a long transaction in any database of the server holds every
//! reader back for as long as it runs (so the projector, which could wait for a lock, takes
//! its checkpoint's lock before it writes anything: waiting, it has no transaction id).
//! SQLite has one writer, so its positions are already in commit order.

use crate::db::Dialect;
use crate::error::StoreError;
use crate::event::{LogCursor, StoredEvent};
use crate::event_store::EventStore;
use crate::on_pool;
use schema::AggregateType;
use sqlx::{Decode, Row, Type};

/// The columns of a [`StoredEvent`], in the names [`decode`] reads.
fn select_list(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => {
            "global_position, transaction_id::text::bigint AS tx, event_id::text AS event_id, \
             aggregate_type, aggregate_id, sequence, event_type, event_version, \
             payload::text AS payload, metadata::text AS metadata, \
             (extract(epoch from recorded_at) * 1000000)::bigint AS recorded_us"
        }
        Dialect::Sqlite => {
            "global_position, 0 AS tx, event_id, aggregate_type, aggregate_id, sequence, \
             event_type, event_version, payload, metadata, recorded_us"
        }
    }
}

/// The global-log query: strictly after a cursor, in global order, below the horizon.
fn log_sql(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => format!(
            "SELECT {} FROM events \
             WHERE (transaction_id, global_position) > ($1::text::xid8, $2) \
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot()) \
             ORDER BY transaction_id, global_position LIMIT $3",
            select_list(dialect)
        ),
        Dialect::Sqlite => format!(
            "SELECT {} FROM events WHERE ?1 >= 0 AND global_position > ?2 \
             ORDER BY global_position LIMIT ?3",
            select_list(dialect)
        ),
    }
}

/// One row of [`select_list`] as a [`StoredEvent`], on either backend.
pub(crate) fn decode<R>(row: &R) -> Result<StoredEvent, StoreError>
where
    R: Row,
    &'static str: sqlx::ColumnIndex<R>,
    i64: for<'r> Decode<'r, R::Database> + Type<R::Database>,
    String: for<'r> Decode<'r, R::Database> + Type<R::Database>,
{
    let position: i64 = row.try_get("global_position")?;
    let corrupt = |reason: String| StoreError::Corrupt { position, reason };
    let payload: String = row.try_get("payload")?;
    let metadata: String = row.try_get("metadata")?;
    Ok(StoredEvent {
        position,
        tx: row.try_get("tx")?,
        event_id: row.try_get("event_id")?,
        aggregate_type: row.try_get("aggregate_type")?,
        aggregate_id: row.try_get("aggregate_id")?,
        sequence: row.try_get("sequence")?,
        event_type: row.try_get("event_type")?,
        event_version: row.try_get("event_version")?,
        payload: serde_json::from_str(&payload).map_err(|e| corrupt(e.to_string()))?,
        metadata: serde_json::from_str(&metadata).map_err(|e| corrupt(e.to_string()))?,
        recorded_us: row.try_get("recorded_us")?,
    })
}

impl EventStore {
    /// Loads one aggregate's events in sequence order.
    pub async fn load(
        &self,
        aggregate_type: AggregateType,
        aggregate_id: &str,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let db = self.db();
        let sql = format!(
            "SELECT {} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence",
            select_list(db.dialect)
        );
        let sql = db.sql(&sql);
        on_pool!(db.reads(), p => {
            let rows = sqlx::query(&sql)
                .bind(aggregate_type.as_str())
                .bind(aggregate_id)
                .fetch_all(p)
                .await?;
            rows.iter().map(decode).collect()
        })
    }

    /// The newest event of one of `event_types` in one aggregate's stream, if any.
    pub async fn latest_of(
        &self,
        aggregate_type: AggregateType,
        aggregate_id: &str,
        event_types: &[&str],
    ) -> Result<Option<StoredEvent>, StoreError> {
        let db = self.db();
        let types = (0..event_types.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {} FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 \
             AND event_type IN ({types}) ORDER BY sequence DESC LIMIT 1",
            select_list(db.dialect)
        );
        let sql = db.sql(&sql);
        on_pool!(db.reads(), p => {
            let mut query = sqlx::query(&sql)
                .bind(aggregate_type.as_str())
                .bind(aggregate_id);
            for t in event_types {
                query = query.bind(*t);
            }
            let row = query.fetch_optional(p).await?;
            row.as_ref().map(decode).transpose()
        })
    }

    /// Reads up to `limit` events of the global log strictly after `after`, in global order,
    /// never returning an event that a still-running transaction could precede.
    pub async fn read_log(
        &self,
        after: LogCursor,
        limit: i64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let db = self.db();
        let sql = log_sql(db.dialect);
        on_pool!(db.reads(), p => {
            let rows = sqlx::query(&sql)
                .bind(after.tx.to_string())
                .bind(after.position)
                .bind(limit)
                .fetch_all(p)
                .await?;
            rows.iter().map(decode).collect()
        })
    }

    /// The global position of the newest committed event (0 when the log is empty).
    pub async fn head(&self) -> Result<i64, StoreError> {
        let sql = "SELECT COALESCE(MAX(global_position), 0) AS head FROM events";
        on_pool!(self.db().reads(), p => {
            Ok(sqlx::query(sql).fetch_one(p).await?.try_get("head")?)
        })
    }

    /// The number of events stored.
    pub async fn count(&self) -> Result<i64, StoreError> {
        let sql = "SELECT COUNT(*) AS n FROM events";
        on_pool!(self.db().reads(), p => {
            Ok(sqlx::query(sql).fetch_one(p).await?.try_get("n")?)
        })
    }
}
