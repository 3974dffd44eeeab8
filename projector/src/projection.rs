//! Where read models are built: applies a batch of events to the read-model tables and
//! advances the checkpoint in the same transaction.
//!
//! An event whose sequence is not newer than its row's version has been applied already and
//! is skipped, so applying an event twice changes nothing.

use crate::fold;
use crate::rows::{AuditRow, Change, ChangedRow, ClusterRow, DropletRow, JobRow};
use crate::tables::{self, CLUSTER_COLS, DROPLET_COLS, JOB_COLS};
use command::store::StoredEvent;
use command::{Db, LogCursor};
use schema::events::upcast;
use schema::{ClusterEvent, DropletEvent, JobEvent};
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

/// Rows loaded or changed during one batch, written back once at its end.
#[derive(Default)]
struct Batch {
    clusters: HashMap<String, Option<ClusterRow>>,
    droplets: HashMap<String, Option<DropletRow>>,
    jobs: HashMap<String, Option<JobRow>>,
    dirty_clusters: Vec<String>,
    dirty_droplets: Vec<String>,
    dirty_jobs: Vec<String>,
}

macro_rules! current {
    ($db:expr, $conn:expr, $map:expr, $table:literal, $cols:expr, $id:expr, $decode:path) => {{
        if !$map.contains_key($id) {
            let loaded = tables::load_by_id($db, $conn, $table, $cols, $id, $decode).await?;
            $map.insert($id.to_string(), loaded);
        }
        $map.get($id).cloned().flatten()
    }};
}

/// Applies `events` (in global order, after `cp`) inside the caller's transaction and saves
/// the new checkpoint there too. Returns the checkpoint and what changed.
pub async fn apply(
    db: &Db,
    conn: &mut AnyConnection,
    mut cp: Checkpoint,
    events: &[StoredEvent],
) -> Result<(Checkpoint, Vec<Change>), sqlx::Error> {
    let mut batch = Batch::default();
    let mut changes = Vec::with_capacity(events.len());
    for e in events {
        // A redelivered older event must not move the checkpoint backwards.
        cp.cursor = cp.cursor.max(e.cursor());
        let id = e.aggregate_id.as_str();
        let ordinal = cp.ordinal + 1;
        let changed = match e.aggregate_type.as_str() {
            "Cluster" => {
                let row = current!(
                    db,
                    &mut *conn,
                    batch.clusters,
                    "clusters",
                    CLUSTER_COLS,
                    id,
                    tables::cluster_from
                );
                if row.as_ref().is_some_and(|r| r.version >= e.sequence) {
                    continue;
                }
                let next =
                    decode::<ClusterEvent>(e).and_then(|ev| fold::cluster(row, ordinal, e, &ev));
                next.inspect(|r| {
                    batch.clusters.insert(id.into(), Some(r.clone()));
                    batch.dirty_clusters.push(id.into());
                })
                .map(ChangedRow::Cluster)
            }
            "Droplet" => {
                let row = current!(
                    db,
                    &mut *conn,
                    batch.droplets,
                    "droplets",
                    DROPLET_COLS,
                    id,
                    tables::droplet_from
                );
                if row.as_ref().is_some_and(|r| r.version >= e.sequence) {
                    continue;
                }
                let next =
                    decode::<DropletEvent>(e).and_then(|ev| fold::droplet(row, ordinal, e, &ev));
                next.inspect(|r| {
                    batch.droplets.insert(id.into(), Some(r.clone()));
                    batch.dirty_droplets.push(id.into());
                })
                .map(ChangedRow::Droplet)
            }
            "Job" => {
                let row = current!(
                    db,
                    &mut *conn,
                    batch.jobs,
                    "jobs",
                    JOB_COLS,
                    id,
                    tables::job_from
                );
                if row.as_ref().is_some_and(|r| r.version >= e.sequence) {
                    continue;
                }
                let next = decode::<JobEvent>(e).and_then(|ev| fold::job(row, ordinal, e, &ev));
                next.inspect(|r| {
                    batch.jobs.insert(id.into(), Some(r.clone()));
                    batch.dirty_jobs.push(id.into());
                })
                .map(ChangedRow::Job)
            }
            other => {
                tracing::warn!(
                    aggregate_type = other,
                    position = e.position,
                    "event of unknown aggregate type; recorded in the audit log only"
                );
                None
            }
        };
        cp.ordinal = ordinal;
        changes.push(Change {
            audit: audit_row(ordinal, e),
            row: changed,
        });
    }
    for id in dedup(batch.dirty_clusters) {
        if let Some(Some(r)) = batch.clusters.get(&id) {
            tables::save_cluster(db, &mut *conn, r).await?;
        }
    }
    for id in dedup(batch.dirty_droplets) {
        if let Some(Some(r)) = batch.droplets.get(&id) {
            tables::save_droplet(db, &mut *conn, r).await?;
        }
    }
    for id in dedup(batch.dirty_jobs) {
        if let Some(Some(r)) = batch.jobs.get(&id) {
            tables::save_job(db, &mut *conn, r).await?;
        }
    }
    let audits: Vec<_> = changes.iter().map(|c| c.audit.clone()).collect();
    tables::insert_audits(db, &mut *conn, &audits).await?;
    save_checkpoint(db, conn, &cp).await?;
    Ok((cp, changes))
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids
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
