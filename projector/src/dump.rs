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

/// The line of one row of a dumped table.
type Line<DB> = Box<dyn Fn(&<DB as Backend>::Row) -> Result<String, ProjectorError> + Send + Sync>;

/// One table to dump: its name, the statement that reads it in order, and its line codec.
struct Dumped<DB: Backend> {
    table: &'static str,
    sql: String,
    line: Line<DB>,
}

fn json_line(table: &'static str, value: &impl Serialize) -> Result<String, ProjectorError> {
    let json = serde_json::to_string(value)
        .map_err(|source| ProjectorError::Serialise { table, source })?;
    Ok(format!("{table}: {json}"))
}

/// Every row of `T`, ordered by `key`, decoded as the read side decodes it.
fn table<T: Table, DB: Backend>(key: &str) -> Dumped<DB> {
    Dumped {
        table: T::NAME,
        sql: format!("SELECT {} FROM {} ORDER BY {key}", T::COLUMNS, T::NAME),
        line: Box::new(|row| json_line(T::NAME, &T::decode(row)?)),
    }
}

/// Every row (`filter`ed) of a bookkeeping table keyed by `name`, with the integer columns
/// `numbers`, as a JSON object of those columns.
fn named<DB: Backend>(
    table: &'static str,
    numbers: &'static [&'static str],
    filter: &str,
) -> Dumped<DB> {
    Dumped {
        table,
        sql: format!(
            "SELECT name, {} FROM {table} {filter} ORDER BY name",
            numbers.join(", ")
        ),
        line: Box::new(move |row| {
            let mut object = serde_json::Map::new();
            object.insert("name".into(), row.text("name")?.into());
            for col in numbers {
                object.insert((*col).into(), row.int(col)?.into());
            }
            json_line(table, &object)
        }),
    }
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
    all.push(named(counts::TABLE, &["n"], "WHERE n <> 0"));
    all.push(named(checkpoint::TABLE, &["tx", "position", "ordinal"], ""));
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
