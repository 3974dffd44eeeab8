//! The projector's checkpoint: how far the read models have been built, saved in the same
//! transaction as the batch it follows.

use crate::backend::{Backend, Bind, Columns};
use command::{Db, Dialect, LogCursor};

/// Name of the checkpoint of the read models.
pub const CHECKPOINT: &str = "read-models";

/// The table of the checkpoints.
pub const TABLE: &str = "projector_checkpoints";

/// How far the read models have been built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checkpoint {
    /// The last event applied.
    pub cursor: LogCursor,
    /// The number of events applied (the last audit ordinal).
    pub ordinal: i64,
}

/// Reads the checkpoint (zero when nothing was projected yet).
pub(crate) async fn load<DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
) -> Result<Checkpoint, sqlx::Error> {
    read::<DB>(db, conn, "").await
}

/// Reads the checkpoint as the first statement of the projector's transaction, its row
/// locked on Postgres (SQLite has one writer already). A second projector waits here, before
/// it has written anything, instead of building the same batch; and while it waits it has no
/// transaction id, so it holds back no reader's safe-read horizon (`store::log`), which is
/// the oldest transaction running anywhere on the server, not only in this database.
pub(crate) async fn load_for_update<DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
) -> Result<Checkpoint, sqlx::Error> {
    let lock = match db.dialect {
        Dialect::Postgres => " FOR UPDATE",
        Dialect::Sqlite => "",
    };
    read::<DB>(db, conn, lock).await
}

async fn read<DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    lock: &str,
) -> Result<Checkpoint, sqlx::Error> {
    let sql =
        format!("SELECT tx, position, ordinal FROM projector_checkpoints WHERE name = $1{lock}");
    let sql = db.sql(&sql);
    let row = DB::fetch_optional(conn, DB::query(&sql).text(CHECKPOINT)).await?;
    Ok(match row {
        Some(r) => Checkpoint {
            cursor: LogCursor {
                tx: r.int("tx")?,
                position: r.int("position")?,
            },
            ordinal: r.int("ordinal")?,
        },
        None => Checkpoint::default(),
    })
}

/// Saves the checkpoint.
pub(crate) async fn save<DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    cp: &Checkpoint,
) -> Result<(), sqlx::Error> {
    let sql = db.sql(
        "INSERT INTO projector_checkpoints (name, tx, position, ordinal, updated_us) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (name) DO UPDATE SET tx = excluded.tx, position = excluded.position, \
         ordinal = excluded.ordinal, updated_us = excluded.updated_us",
    );
    let q = DB::query(&sql)
        .text(CHECKPOINT)
        .int(cp.cursor.tx)
        .int(cp.cursor.position)
        .int(cp.ordinal)
        .int(chrono::Utc::now().timestamp_micros());
    DB::execute(conn, q).await
}
