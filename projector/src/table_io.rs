//! Batch reads and writes of read-model tables inside the projector's transaction: one
//! `SELECT … WHERE id IN (…)` per chunk of ids, and multi-row inserts and upserts.

use crate::backend::Backend;
use crate::error::ProjectorError;
use crate::models::audit::{AuditLog, AuditRow};
use crate::models::{ReadModel, Table};
use command::Db;

/// Ids per `SELECT … WHERE id IN (…)`.
const LOAD_CHUNK: usize = 500;

/// Loads the rows of `M` with these ids, one statement per [`LOAD_CHUNK`] ids.
pub(crate) async fn load_many<M: ReadModel, DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    ids: &[&str],
) -> Result<Vec<M::Row>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(LOAD_CHUNK) {
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE id IN ({})",
            M::COLUMNS,
            M::NAME,
            params.join(", ")
        );
        let sql = db.sql(&sql);
        let q = chunk
            .iter()
            .fold(DB::query(&sql), |q, id| crate::backend::Bind::text(q, id));
        for row in DB::fetch_all(&mut *conn, q).await? {
            out.push(M::decode(&row)?);
        }
    }
    Ok(out)
}

/// Rows per `INSERT` (audit rows and upserts). Postgres: 500 rows per statement halved the
/// rebuild time against one row per statement (fewer round trips). SQLite: every statement
/// is a round trip to sqlx's SQLite worker thread, but very wide statements cost more than
/// they save: 1M-event rebuild 33.3 s with 16 rows, 38.9 s with 1, 58.8 s with 64, and 2.4×
/// slower with 500 (see BENCHMARKS.md).
fn write_chunk(db: &Db) -> usize {
    match db.dialect {
        command::Dialect::Postgres => 500,
        command::Dialect::Sqlite => 16,
    }
}

/// `($1, …, $w), ($w+1, …)` for `rows` rows of `width` values.
pub(crate) fn values_list(rows: usize, width: usize) -> String {
    (0..rows)
        .map(|r| {
            let params: Vec<String> = (1..=width).map(|c| format!("${}", r * width + c)).collect();
            format!("({})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes `rows` of `table` with as few statements as the backend does best
/// ([`write_chunk`] rows each); `sql(n)` is the statement for `n` rows, `bind` adds one row.
async fn write_chunked<'r, T, DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    table: &'static str,
    rows: &[&'r T],
    sql: impl Fn(usize) -> String,
    bind: impl for<'q> Fn(DB::Query<'q>, &'q T) -> Result<DB::Query<'q>, serde_json::Error>,
) -> Result<(), ProjectorError> {
    let mut cached: Option<(usize, String)> = None;
    for chunk in rows.chunks(write_chunk(db)) {
        if cached.as_ref().is_none_or(|(n, _)| *n != chunk.len()) {
            cached = Some((chunk.len(), db.sql(&sql(chunk.len())).into_owned()));
        }
        let sql = &cached.as_ref().expect("set above").1;
        let mut q = DB::query(sql);
        for r in chunk {
            q = bind(q, r).map_err(|source| ProjectorError::Serialise { table, source })?;
        }
        DB::execute(&mut *conn, q).await?;
    }
    Ok(())
}

/// Inserts or replaces `rows` of `M`.
pub(crate) async fn save_many<M: ReadModel, DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    rows: &[&M::Row],
) -> Result<(), ProjectorError> {
    let names: Vec<&str> = M::COLUMNS.split(',').map(str::trim).collect();
    let updates: Vec<String> = names[1..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let sql = |n| {
        format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT (id) DO UPDATE SET {}",
            M::NAME,
            M::COLUMNS,
            values_list(n, names.len()),
            updates.join(", ")
        )
    };
    write_chunked::<M::Row, DB>(db, conn, M::NAME, rows, sql, |q, r| M::bind(q, r)).await
}

/// Appends audit rows.
pub(crate) async fn insert_audits<DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    rows: &[AuditRow],
) -> Result<(), ProjectorError> {
    let rows: Vec<&AuditRow> = rows.iter().collect();
    let width = AuditLog::COLUMNS.split(',').count();
    let sql = |n| {
        format!(
            "INSERT INTO {} ({}) VALUES {}",
            AuditLog::NAME,
            AuditLog::COLUMNS,
            values_list(n, width)
        )
    };
    write_chunked::<AuditRow, DB>(db, conn, AuditLog::NAME, &rows, sql, |q, r| {
        AuditRow::bind(q, r)
    })
    .await
}
