//! Row counts of the read-model tables, in total and by status, kept in `read_model_counts`
//! by the projector in the batch's own transaction. An unfiltered list's `totalCount`, or one
//! filtered by status alone, is then one row lookup instead of a `COUNT(*)` over the table.
//!
//! Read-model rows are never deleted (only a rebuild clears the tables, and it clears this
//! one with them), so a table's count only grows, by the rows a batch creates. The projector
//! loads every row a batch touches before applying it, so each row's status before and after
//! the batch is known: a status count moves when they differ.

use crate::backend::{Backend, Bind};
use crate::models::audit::AuditLog;
use crate::models::Table;
use command::Db;
use std::collections::BTreeMap;

/// The table of the counts.
pub const TABLE: &str = "read_model_counts";

/// The key of a table's count: `table`, or `table.status=STATUS` for its rows in a status.
pub fn key(table: &str, status: Option<&str>) -> String {
    match status {
        None => table.to_string(),
        Some(s) => format!("{table}.status={s}"),
    }
}

/// How one batch moves the counts.
#[derive(Debug, Default)]
pub(crate) struct Deltas(BTreeMap<String, i64>);

impl Deltas {
    /// `n` audit rows appended.
    pub(crate) fn audit(&mut self, n: usize) {
        *self.0.entry(key(AuditLog::NAME, None)).or_default() += n as i64;
    }

    /// A row of `table` went from `before` (its status before the batch, `None` if it did
    /// not exist) to `after`.
    pub(crate) fn row(&mut self, table: &str, before: Option<&str>, after: &str) {
        if before.is_none() {
            *self.0.entry(key(table, None)).or_default() += 1;
        }
        if before != Some(after) {
            if let Some(b) = before {
                *self.0.entry(key(table, Some(b))).or_default() -= 1;
            }
            *self.0.entry(key(table, Some(after))).or_default() += 1;
        }
    }

    /// Adds the deltas to the stored counts, in the batch's transaction, with one statement.
    pub(crate) async fn save<DB: Backend>(
        self,
        db: &Db,
        conn: &mut DB::Conn,
    ) -> Result<(), sqlx::Error> {
        let deltas: Vec<(String, i64)> = self.0.into_iter().filter(|(_, n)| *n != 0).collect();
        if deltas.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "INSERT INTO read_model_counts (name, n) VALUES {} \
             ON CONFLICT (name) DO UPDATE SET n = read_model_counts.n + excluded.n",
            crate::table_io::values_list(deltas.len(), 2)
        );
        let sql = db.sql(&sql);
        let q = deltas
            .into_iter()
            .fold(DB::query(&sql), |q, (name, n)| q.owned(name).int(n));
        DB::execute(conn, q).await
    }
}
