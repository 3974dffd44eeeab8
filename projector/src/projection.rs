//! Where read models are built: applies a batch of events to the read-model tables and
//! advances the checkpoint in the same transaction.
//!
//! An event whose sequence is not newer than its row's version has been applied already and
//! is skipped, so applying an event twice changes nothing.

use crate::counts::Deltas;
use crate::fold;
use crate::rows::{AuditRow, Change, ChangedRow, ClusterRow, DropletRow, JobRow};
use crate::tables;
use command::store::StoredEvent;
use command::{Db, LogCursor};
use schema::events::upcast;
use schema::{AggregateType, ClusterEvent, DropletEvent, JobEvent};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// Name of the checkpoint of the read models.
pub const CHECKPOINT: &str = "read-models";

/// How far the read models have been built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checkpoint {
    /// The last event applied.
    pub cursor: LogCursor,
    /// The number of events applied (the last audit ordinal).
    pub ordinal: i64,
}

/// Reads the checkpoint (zero when nothing was projected yet).
pub async fn load_checkpoint(db: &Db, conn: &mut AnyConnection) -> Result<Checkpoint, sqlx::Error> {
    let row = sqlx::query(
        &db.sql("SELECT tx, position, ordinal FROM projector_checkpoints WHERE name = $1"),
    )
    .bind(CHECKPOINT)
    .fetch_optional(conn)
    .await?;
    Ok(match row {
        Some(r) => Checkpoint {
            cursor: LogCursor {
                tx: r.try_get("tx")?,
                position: r.try_get("position")?,
            },
            ordinal: r.try_get("ordinal")?,
        },
        None => Checkpoint::default(),
    })
}

async fn save_checkpoint(
    db: &Db,
    conn: &mut AnyConnection,
    cp: &Checkpoint,
) -> Result<(), sqlx::Error> {
    sqlx::query(&db.sql(
        "INSERT INTO projector_checkpoints (name, tx, position, ordinal, updated_us) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (name) DO UPDATE SET tx = excluded.tx, position = excluded.position, \
         ordinal = excluded.ordinal, updated_us = excluded.updated_us",
    ))
    .bind(CHECKPOINT)
    .bind(cp.cursor.tx)
    .bind(cp.cursor.position)
    .bind(cp.ordinal)
    .bind(chrono::Utc::now().timestamp_micros())
    .execute(conn)
    .await
    .map(|_| ())
}

/// A read-model row with the sequence of the last event applied to it.
trait Versioned: Clone {
    fn version(&self) -> i64;
    fn status(&self) -> &'static str;
}
impl Versioned for ClusterRow {
    fn version(&self) -> i64 {
        self.version
    }
    fn status(&self) -> &'static str {
        self.state.status.as_str()
    }
}
impl Versioned for DropletRow {
    fn version(&self) -> i64 {
        self.version
    }
    fn status(&self) -> &'static str {
        self.state.status.as_str()
    }
}
impl Versioned for JobRow {
    fn version(&self) -> i64 {
        self.version
    }
    fn status(&self) -> &'static str {
        self.state.status.as_str()
    }
}

/// The read-model table of each aggregate type. The match is exhaustive, so a new
/// [`AggregateType`] does not compile until it has a table (and with it a projection below,
/// a rebuild entry and per-status metrics, which all derive from this).
pub fn table_of(kind: AggregateType) -> &'static str {
    match kind {
        AggregateType::Cluster => tables::CLUSTERS.name(),
        AggregateType::Droplet => tables::DROPLETS.name(),
        AggregateType::Job => tables::JOBS.name(),
    }
}

/// One row a batch touches.
struct Slot<R> {
    /// The row as the batch has it so far (`None` before its creation).
    row: Option<R>,
    /// Its status when the batch began (`None` if it did not exist), for the counts.
    before: Option<&'static str>,
    /// Whether the batch changed it.
    changed: bool,
}

/// The rows of one table a batch touches: loaded with one query up front, changed in memory,
/// written back once at the end.
struct Rows<R> {
    slots: HashMap<String, Slot<R>>,
}

impl<R: Versioned> Rows<R> {
    /// Loads the rows of `ids`; every id gets a slot, empty when it has no row yet.
    async fn load(
        db: &Db,
        conn: &mut AnyConnection,
        table: &tables::Table<R>,
        ids: Vec<&str>,
    ) -> Result<Self, sqlx::Error> {
        let mut slots: HashMap<String, Slot<R>> = ids
            .iter()
            .map(|id| {
                let empty = Slot {
                    row: None,
                    before: None,
                    changed: false,
                };
                (id.to_string(), empty)
            })
            .collect();
        for (id, row) in tables::load_many(db, conn, table, &ids).await? {
            let before = Some(row.status());
            let stored = Slot {
                row: Some(row),
                before,
                changed: false,
            };
            slots.insert(id, stored);
        }
        Ok(Self { slots })
    }

    /// Applies one event (of an id given to [`Rows::load`]) to its row: `None` when the row
    /// has seen it already (skip it), otherwise the row after the event if it changed. `fold`
    /// is not called when the event cannot be decoded.
    fn apply<E>(
        &mut self,
        e: &StoredEvent,
        event: impl FnOnce() -> Option<E>,
        fold: impl FnOnce(Option<R>, &E) -> Option<R>,
    ) -> Option<Option<&R>> {
        let slot = self
            .slots
            .get_mut(&e.aggregate_id)
            .expect("every id of the batch was loaded");
        if slot.row.as_ref().is_some_and(|r| r.version() >= e.sequence) {
            return None;
        }
        let Some(event) = event() else {
            return Some(None);
        };
        // A fold only returns `None` when it was given `None` (an event before creation), so
        // taking the row out loses nothing.
        match fold(slot.row.take(), &event) {
            Some(next) => {
                slot.changed = true;
                Some(Some(&*slot.row.insert(next)))
            }
            None => Some(None),
        }
    }

    /// Writes the changed rows back (in id order) and adds their status moves to `counts`.
    async fn save(
        self,
        db: &Db,
        conn: &mut AnyConnection,
        table: &tables::Table<R>,
        counts: &mut Deltas,
    ) -> Result<(), sqlx::Error> {
        let mut changed: Vec<(&String, &Slot<R>)> =
            self.slots.iter().filter(|(_, s)| s.changed).collect();
        changed.sort_unstable_by_key(|(id, _)| *id);
        let mut rows = Vec::with_capacity(changed.len());
        for (_, slot) in changed {
            if let Some(row) = &slot.row {
                counts.row(table.name(), slot.before, row.status());
                rows.push(row);
            }
        }
        tables::save_many(db, conn, table, &rows).await
    }
}

/// Distinct ids of `aggregate_type` in `events`.
fn ids_of(events: &[StoredEvent], aggregate_type: AggregateType) -> Vec<&str> {
    let mut ids: Vec<&str> = events
        .iter()
        .filter(|e| e.aggregate_type == aggregate_type.as_str())
        .map(|e| e.aggregate_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// Applies `events` (in global order, after `cp`) inside the caller's transaction and saves
/// the new checkpoint there too. Returns the checkpoint and what changed.
pub async fn apply(
    db: &Db,
    conn: &mut AnyConnection,
    cp: Checkpoint,
    events: &[StoredEvent],
) -> Result<(Checkpoint, Vec<Change>), sqlx::Error> {
    apply_batch(db, conn, cp, events, true).await
}

/// [`apply`], returning the changes only when `collect` is set (a rebuild has no listeners).
pub(crate) async fn apply_batch(
    db: &Db,
    conn: &mut AnyConnection,
    mut cp: Checkpoint,
    events: &[StoredEvent],
    collect: bool,
) -> Result<(Checkpoint, Vec<Change>), sqlx::Error> {
    use AggregateType as T;
    let mut clusters = Rows::load(
        db,
        &mut *conn,
        &tables::CLUSTERS,
        ids_of(events, T::Cluster),
    )
    .await?;
    let mut droplets = Rows::load(
        db,
        &mut *conn,
        &tables::DROPLETS,
        ids_of(events, T::Droplet),
    )
    .await?;
    let mut jobs = Rows::load(db, &mut *conn, &tables::JOBS, ids_of(events, T::Job)).await?;
    let mut audits = Vec::with_capacity(events.len());
    let mut changes = Vec::with_capacity(if collect { events.len() } else { 0 });
    for e in events {
        // A redelivered older event must not move the checkpoint backwards.
        cp.cursor = cp.cursor.max(e.cursor());
        let ordinal = cp.ordinal + 1;
        let changed = match T::parse(&e.aggregate_type) {
            Some(T::Cluster) => match clusters.apply(
                e,
                || decode::<ClusterEvent>(e),
                |row, ev| fold::cluster(row, ordinal, e, ev),
            ) {
                None => continue,
                Some(row) => row.filter(|_| collect).cloned().map(ChangedRow::Cluster),
            },
            Some(T::Droplet) => match droplets.apply(
                e,
                || decode::<DropletEvent>(e),
                |row, ev| fold::droplet(row, ordinal, e, ev),
            ) {
                None => continue,
                Some(row) => row.filter(|_| collect).cloned().map(ChangedRow::Droplet),
            },
            Some(T::Job) => match jobs.apply(
                e,
                || decode::<JobEvent>(e),
                |row, ev| fold::job(row, ordinal, e, ev),
            ) {
                None => continue,
                Some(row) => row.filter(|_| collect).cloned().map(ChangedRow::Job),
            },
            None => {
                tracing::warn!(
                    aggregate_type = e.aggregate_type,
                    position = e.position,
                    "event of unknown aggregate type; recorded in the audit log only"
                );
                None
            }
        };
        cp.ordinal = ordinal;
        let audit = audit_row(ordinal, e);
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
    clusters
        .save(db, &mut *conn, &tables::CLUSTERS, &mut counts)
        .await?;
    droplets
        .save(db, &mut *conn, &tables::DROPLETS, &mut counts)
        .await?;
    jobs.save(db, &mut *conn, &tables::JOBS, &mut counts)
        .await?;
    tables::insert_audits(db, &mut *conn, &audits).await?;
    counts.save(db, &mut *conn).await?;
    save_checkpoint(db, conn, &cp).await?;
    Ok((cp, changes))
}

fn decode<E: for<'de> serde::Deserialize<'de>>(e: &StoredEvent) -> Option<E> {
    match upcast::<E>(&e.event_type, &e.event_version, e.payload.clone()) {
        Ok(ev) => Some(ev),
        Err(err) => {
            metrics::counter!("clustergenie_projector_undecodable_events_total").increment(1);
            tracing::error!(position = e.position, error = %err, "cannot decode event; recorded in the audit log only");
            None
        }
    }
}

fn audit_row(ordinal: i64, e: &StoredEvent) -> AuditRow {
    AuditRow {
        ordinal,
        position: e.position,
        aggregate_type: e.aggregate_type.clone(),
        aggregate_id: e.aggregate_id.clone(),
        sequence: e.sequence,
        event_type: e.event_type.clone(),
        event_version: e.event_version.clone(),
        event_id: e.event_id.clone(),
        actor: e.metadata.actor.clone(),
        correlation_id: e.metadata.correlation_id.clone(),
        causation_id: e.metadata.causation_id.clone(),
        payload: e.payload.clone(),
        metadata: serde_json::to_value(&e.metadata).unwrap_or_default(),
        recorded_us: e.recorded_us,
    }
}
