//! How far a reader of the global log is behind: the committed events after its cursor, in
//! the log's order, and how long the first of them has waited. The projector's checkpoint
//! and the relay's (`relay_checkpoints`, row [`RELAY_CHECKPOINT`]) are such cursors, stored
//! where every process on the database can read them.
//!
//! The count walks the log's order index from the cursor and stops at [`BACKLOG_CAP`], so
//! asking costs at most that many index entries however far behind the reader is.

use crate::event::LogCursor;
use crate::event_store::EventStore;
use crate::{on_pool, Dialect};
use sqlx::Row;

/// The most events [`EventStore::backlog`] counts; a longer backlog reads as this many.
pub const BACKLOG_CAP: i64 = 100_000;

/// The relay's row in `relay_checkpoints` (distributed mode).
pub const RELAY_CHECKPOINT: &str = "kafka";

/// The events a reader has yet to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    /// Committed events after the cursor (at most [`BACKLOG_CAP`]).
    pub events: i64,
    /// When the first of them was recorded, in microseconds since the epoch; `None` when
    /// there are none.
    pub oldest_us: Option<i64>,
}

impl Backlog {
    /// How long the first waiting event has waited at `now_us`, in seconds (0 when none waits).
    pub fn seconds_behind(&self, now_us: i64) -> f64 {
        self.oldest_us
            .map_or(0.0, |at| (now_us - at).max(0) as f64 / 1e6)
    }
}

/// The backlog query: a capped count and the first event's time, after `($1, $2)` in log order.
fn backlog_sql(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => {
            let after = "(transaction_id, global_position) > ($1::text::xid8, $2)";
            format!(
                "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE {after} LIMIT $3) AS behind) AS n, \
                 (SELECT (extract(epoch from recorded_at) * 1000000)::bigint FROM events WHERE {after} \
                  ORDER BY transaction_id, global_position LIMIT 1) AS oldest_us"
            )
        }
        Dialect::Sqlite => {
            let after = "?1 >= 0 AND global_position > ?2";
            format!(
                "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM events WHERE {after} LIMIT ?3)) AS n, \
                 (SELECT recorded_us FROM events WHERE {after} ORDER BY global_position LIMIT 1) AS oldest_us"
            )
        }
    }
}

impl EventStore {
    /// The committed events after `after`, whether or not a reader may read them yet (an
    /// event behind an older running transaction waits too).
    pub async fn backlog(&self, after: LogCursor) -> Result<Backlog, sqlx::Error> {
        let db = self.db();
        let sql = backlog_sql(db.dialect);
        on_pool!(db.reads(), p => {
            let row = sqlx::query(&sql)
                .bind(after.tx.to_string())
                .bind(after.position)
                .bind(BACKLOG_CAP)
                .fetch_one(p)
                .await?;
            Ok(Backlog {
                events: row.try_get("n")?,
                oldest_us: row.try_get("oldest_us")?,
            })
        })
    }

    /// The relay's checkpoint, `None` when no relay has confirmed a batch here.
    pub async fn relay_checkpoint(&self) -> Result<Option<LogCursor>, sqlx::Error> {
        let db = self.db();
        let sql = db.sql("SELECT tx, position FROM relay_checkpoints WHERE name = $1");
        on_pool!(db.reads(), p => {
            let row = sqlx::query(&sql).bind(RELAY_CHECKPOINT).fetch_optional(p).await?;
            row.map(|r| {
                Ok(LogCursor {
                    tx: r.try_get("tx")?,
                    position: r.try_get("position")?,
                })
            })
            .transpose()
        })
    }
}
