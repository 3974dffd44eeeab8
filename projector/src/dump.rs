//! Every row the projector writes, as `table: JSON` lines in a stable order, for comparing
//! two builds of the read models (a replay must give the same lines as the live projector).
//!
//! Wall-clock bookkeeping (the checkpoint's `updated_us`) is left out, and a kept count of 0
//! is the same as no count row (both read as 0). A row that cannot be decoded or serialised
//! fails the dump: a comparison must never see two broken rows as equal.

use crate::backend::{Backend, Columns};
use crate::checkpoint;
use crate::counts;
use crate::error::ProjectorError;
use crate::models::audit::AuditLog;
use crate::models::{each, ForEach, ReadModel, Table};
use serde::Serialize;

/// One table to dump: its name, the statement that reads it in order, and its line codec.
struct Dumped<DB: Backend> {
    table: &'static str,
    sql: String,
    line: fn(&DB::Row) -> Result<String, ProjectorError>,
}

/// The line of a row of `T`.
fn line_of<T: Table, DB: Backend>(row: &DB::Row) -> Result<String, ProjectorError> {
    json_line(T::NAME, &T::decode(row)?)
}

fn json_line(table: &'static str, value: &impl Serialize) -> Result<String, ProjectorError> {
    let json = serde_json::to_string(value)
        .map_err(|source| ProjectorError::Serialise { table, source })?;
    Ok(format!("{table}: {json}"))
}

fn table<T: Table, DB: Backend>(key: &str) -> Dumped<DB> {
    Dumped {
        table: T::NAME,
        sql: format!("SELECT {} FROM {} ORDER BY {key}", T::COLUMNS, T::NAME),
        line: line_of::<T, DB>,
    }
}

/// A kept count, as dumped.
#[derive(Serialize)]
struct Count {
    name: String,
    n: i64,
}

fn count_line<DB: Backend>(row: &DB::Row) -> Result<String, ProjectorError> {
    let count = Count {
        name: row.text("name")?,
        n: row.int("n")?,
    };
    json_line(counts::TABLE, &count)
}

/// A checkpoint, as dumped.
#[derive(Serialize)]
struct Position {
    name: String,
    tx: i64,
    position: i64,
    ordinal: i64,
}

fn checkpoint_line<DB: Backend>(row: &DB::Row) -> Result<String, ProjectorError> {
    let cp = Position {
        name: row.text("name")?,
        tx: row.int("tx")?,
        position: row.int("position")?,
        ordinal: row.int("ordinal")?,
    };
    json_line(checkpoint::TABLE, &cp)
}

/// Every table the projector writes: each read model's (from [`each`]), the audit log, the
/// kept counts and the checkpoints.
fn dumped<DB: Backend>() -> Vec<Dumped<DB>> {
    struct Models<DB: Backend>(Vec<Dumped<DB>>);
    impl<DB: Backend> ForEach for Models<DB> {
        fn read_model<M: ReadModel>(&mut self) {
            self.0.push(table::<M, DB>("id"));
        }
    }
    let mut all = each(Models(vec![])).0;
    all.push(table::<AuditLog, DB>("ordinal"));
    all.push(Dumped {
        table: counts::TABLE,
        sql: format!(
            "SELECT name, n FROM {} WHERE n <> 0 ORDER BY name",
            counts::TABLE
        ),
        line: count_line::<DB>,
    });
    all.push(Dumped {
        table: checkpoint::TABLE,
        sql: format!(
            "SELECT name, tx, position, ordinal FROM {} ORDER BY name",
            checkpoint::TABLE
        ),
        line: checkpoint_line::<DB>,
    });
    all
}

/// The dump's lines, table by table.
pub(crate) async fn dump<DB: Backend>(conn: &mut DB::Conn) -> Result<Vec<String>, ProjectorError> {
    let mut out = Vec::new();
    for Dumped { table, sql, line } in dumped::<DB>() {
        let rows = DB::fetch_all(&mut *conn, DB::query(&sql)).await?;
        tracing::trace!(table, rows = rows.len(), "dumped");
        for row in &rows {
            out.push(line(row)?);
        }
    }
    Ok(out)
}
