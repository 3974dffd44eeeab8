//! Where read models are built: applies a batch of events to every read model (the list in
//! [`crate::models::each`]) and the audit log, and advances the checkpoint, all in one
//! [`Transaction`].
//!
//! An event whose sequence is not newer than its row's version has been applied already and
//! is skipped, so applying an event twice changes nothing. An event that cannot be decoded
//! (or of an aggregate type this build does not know) is counted, logged and recorded in the
//! audit log only: the checkpoint moves past it, so it never stalls the projector.

use crate::backend::Backend;
use crate::batch::{Applied, ModelBatch, Rows};
use crate::checkpoint;
pub use crate::checkpoint::{Checkpoint, CHECKPOINT};
use crate::counts::Deltas;
use crate::error::ProjectorError;
pub use crate::models::table_of;
use crate::models::{each, ForEach, ReadModel};
use crate::rows::{AuditRow, Change};
use crate::table_io;
use command::{Db, StoredEvent};
use schema::AggregateType;

/// A transaction on the database's write pool, in its backend's own driver: a batch, its
/// kept counts and the checkpoint are applied in one of these, so they commit together or
/// not at all. Dropping it uncommitted rolls it back.
pub enum Transaction {
    /// On Postgres.
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    /// On SQLite (its one writing connection).
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
}

/// Runs `$body` with `$c` the transaction's connection and `$B` its [`Backend`].
macro_rules! on_transaction {
    ($tx:expr, $c:ident, $B:ident => $body:expr) => {
        match $tx {
            Transaction::Postgres(tx) => {
                type $B = crate::backend::Postgres;
                let $c = &mut **tx;
                $body
            }
            Transaction::Sqlite(tx) => {
                type $B = crate::backend::Sqlite;
                let $c = &mut **tx;
                $body
            }
        }
    };
}

impl Transaction {
    /// Begins a transaction on `db`'s write pool.
    pub async fn begin(db: &Db) -> Result<Self, sqlx::Error> {
        Ok(match db.writes() {
            store::Pool::Postgres(p) => Self::Postgres(p.begin().await?),
            store::Pool::Sqlite(p) => Self::Sqlite(p.begin().await?),
        })
    }

    /// Reads the checkpoint (zero when nothing was projected yet), locking it until this
    /// transaction ends; call it first, before anything is written.
    pub async fn checkpoint(&mut self, db: &Db) -> Result<Checkpoint, sqlx::Error> {
        on_transaction!(self, conn, B => checkpoint::load_for_update::<B>(db, conn).await)
    }

    /// Applies `events` (in global order, after `cp`) and saves the new checkpoint, in this
    /// transaction. Returns the checkpoint and what changed.
    pub async fn apply(
        &mut self,
        db: &Db,
        cp: Checkpoint,
        events: &[StoredEvent],
    ) -> Result<(Checkpoint, Vec<Change>), ProjectorError> {
        self.apply_batch(db, cp, events, true).await
    }

    /// [`Transaction::apply`], returning the changes only when `collect` is set (a rebuild
    /// has no listeners).
    pub(crate) async fn apply_batch(
        &mut self,
        db: &Db,
        cp: Checkpoint,
        events: &[StoredEvent],
        collect: bool,
    ) -> Result<(Checkpoint, Vec<Change>), ProjectorError> {
        on_transaction!(self, conn, B => apply_batch::<B>(db, conn, cp, events, collect).await)
    }

    /// Runs a statement without parameters (a rebuild's `DELETE`s).
    pub(crate) async fn execute(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        on_transaction!(self, conn, B => B::execute(conn, B::query(sql)).await)
    }

    /// Commits.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Self::Postgres(tx) => tx.commit().await,
            Self::Sqlite(tx) => tx.commit().await,
        }
    }
}

/// One [`ModelBatch`] per read model, for `events`.
fn batches<DB: Backend>(events: &[StoredEvent]) -> Vec<Box<dyn ModelBatch<DB>>> {
    struct Batches<'e, DB: Backend>(&'e [StoredEvent], Vec<Box<dyn ModelBatch<DB>>>);
    impl<DB: Backend> ForEach for Batches<'_, DB> {
        fn read_model<M: ReadModel>(&mut self) {
            self.1.push(Box::new(Rows::<M, DB>::of(self.0)));
        }
    }
    each(Batches(events, vec![])).1
}

/// [`Transaction::apply_batch`] on backend `DB`.
async fn apply_batch<DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    mut cp: Checkpoint,
    events: &[StoredEvent],
    collect: bool,
) -> Result<(Checkpoint, Vec<Change>), ProjectorError> {
    let mut models = batches::<DB>(events);
    for model in &mut models {
        model.load(db, &mut *conn).await?;
    }
    let mut audits = Vec::with_capacity(events.len());
    let mut changes = Vec::with_capacity(if collect { events.len() } else { 0 });
    'events: for e in events {
        // A redelivered older event must not move the checkpoint backwards.
        cp.cursor = cp.cursor.max(e.cursor());
        let ordinal = cp.ordinal + 1;
        let kind = AggregateType::parse(&e.aggregate_type);
        if kind.is_none() {
            metrics::counter!("clustergenie_projector_undecodable_events_total").increment(1);
            tracing::warn!(
                aggregate_type = e.aggregate_type,
                position = e.position,
                "event of unknown aggregate type; recorded in the audit log only"
            );
        }
        let mut changed = None;
        for model in models.iter_mut().filter(|m| Some(m.aggregate()) == kind) {
            match model.apply(e, ordinal, collect) {
                // Every read model of the type is written in the same transaction, so one
                // that has seen the event means all have.
                Applied::Seen => continue 'events,
                Applied::Done(row) => changed = changed.or(row.map(|r| *r)),
            }
        }
        cp.ordinal = ordinal;
        let audit = AuditRow::of(ordinal, e).map_err(|source| ProjectorError::Serialise {
            table: "audit_log",
            source,
        })?;
        if collect {
            changes.push(Change {
                audit: audit.clone(),
                row: changed,
            });
        }
        audits.push(audit);
    }
    let mut counts = Deltas::default();
    counts.audit(audits.len());
    for model in models {
        model.save(db, &mut *conn, &mut counts).await?;
    }
    table_io::insert_audits::<DB>(db, &mut *conn, &audits).await?;
    counts.save::<DB>(db, &mut *conn).await?;
    checkpoint::save::<DB>(db, conn, &cp).await?;
    Ok((cp, changes))
}
