//! Generating a large realistic event log, and rebuilding read models from it.

use crate::server::Storage;
use command::Dialect;
use serde::Serialize;
use sqlx::Executor;
use std::time::Instant;

/// Events generated per droplet: created, queued, started, 5× progressed, completed, provisioned.
pub const EVENTS_PER_DROPLET: u64 = 10;

/// What a rebuild measured.
#[derive(Debug, Clone, Serialize)]
pub struct RebuildResult {
    pub backend: String,
    pub events: u64,
    pub droplets: u64,
    pub generate_seconds: f64,
    pub rebuild_seconds: f64,
    pub events_per_sec: f64,
}

/// The first six values of the ten generated events of droplet `i` (ids `did`, `jid`) and
/// step `k`: aggregate type and id, sequence, event type and version; the same on both
/// backends.
macro_rules! event_columns {
    () => {
        "SELECT CASE WHEN k IN (1, 10) THEN 'Droplet' ELSE 'Job' END, \
                CASE WHEN k IN (1, 10) THEN did ELSE jid END, \
                CASE WHEN k = 1 THEN 1 WHEN k = 10 THEN 2 ELSE k - 1 END, \
                CASE k WHEN 1 THEN 'DropletCreated' WHEN 2 THEN 'JobQueued' WHEN 3 THEN 'JobStarted' \
                       WHEN 9 THEN 'JobCompleted' WHEN 10 THEN 'DropletProvisioned' ELSE 'JobProgressed' END, \
                '1', "
    };
}

/// The payload of step `k`, built with the backend's JSON object function `$object`.
macro_rules! payload {
    ($object:literal) => {
        concat!(
            "CASE k WHEN 1 THEN ", $object, "('name', 'gen-' || i, 'cluster_id', NULL, 'region', 'nyc1', 'size', 's-1vcpu-1gb', 'image', 'debian-12-x64', 'job_id', jid) \
                    WHEN 2 THEN ", $object, "('job_type', 'PROVISION', 'target_type', 'DROPLET', 'target_id', did, 'params', ", $object, "(), 'max_attempts', 3) \
                    WHEN 3 THEN ", $object, "('attempt', 1, 'worker', 'w', 'lease_expires_at', '2026-01-01T00:00:00Z') \
                    WHEN 9 THEN ", $object, "('result', ", $object, "()) \
                    WHEN 10 THEN ", $object, "('ip', '10.0.0.' || (i % 250 + 2)) \
                    ELSE ", $object, "('progress', (k - 3) * 20, 'stage', 'booting', 'message', 'generated', 'lease_expires_at', '2026-01-01T00:00:00Z') END"
        )
    };
}

/// The metadata of every generated event.
macro_rules! metadata {
    () => {
        "'{\"actor\":\"bench\",\"correlation_id\":\"c\",\"causation_id\":\"c\"}'"
    };
}

/// The ten events of droplet `i`, as SQL producing
/// (aggregate_type, aggregate_id, sequence, event_type, payload, k).
fn rows_sql(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => concat!(
            "WITH d AS (SELECT i, lpad(to_hex(i), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0') AS did, \
                              lpad(to_hex(i), 8, '0') || '-0000-4000-9000-' || lpad(to_hex(i), 12, '0') AS jid \
                       FROM generate_series($1::bigint, $2::bigint) AS i), \
                  k AS (SELECT k FROM generate_series(1, 10) AS k) \
             INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) ",
            event_columns!(),
            "(", payload!("json_build_object"), ")::jsonb, ",
            metadata!(), "::jsonb FROM d CROSS JOIN k ORDER BY i, k"
        ),
        Dialect::Sqlite => concat!(
            "WITH RECURSIVE n(i) AS (SELECT ?1 UNION ALL SELECT i + 1 FROM n WHERE i < ?2), \
                  d AS (SELECT i, printf('%08x-0000-4000-8000-%012x', i, i) AS did, printf('%08x-0000-4000-9000-%012x', i, i) AS jid FROM n), \
                  k(k) AS (VALUES (1), (2), (3), (4), (5), (6), (7), (8), (9), (10)) \
             INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, event_id, recorded_us) ",
            event_columns!(),
            payload!("json_object"), ", ",
            metadata!(), ", printf('%08x-%04x-4000-a000-%012x', i, k, i), i * 1000 + k \
             FROM d CROSS JOIN k ORDER BY i, k"
        ),
    }
}

/// Appends the events of `droplets` generated droplets (numbered from `first`).
pub async fn generate(storage: &Storage, first: u64, droplets: u64) -> anyhow::Result<f64> {
    let db = storage.db().await?;
    let started = Instant::now();
    let chunk = 20_000u64;
    let mut from = first;
    while from < first + droplets {
        let to = (from + chunk - 1).min(first + droplets - 1);
        command::on_pool!(db.writes(), p => {
            sqlx::query(rows_sql(db.dialect))
                .bind(from as i64)
                .bind(to as i64)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        from = to + 1;
    }
    if db.dialect == Dialect::Postgres {
        command::on_pool!(db.writes(), p => p.execute("ANALYZE events").await.map(|_| ()))?;
    }
    let seconds = started.elapsed().as_secs_f64();
    db.close().await;
    Ok(seconds)
}

/// Rebuilds every read model from the log and reports the rate.
pub async fn rebuild(storage: &Storage, generate_seconds: f64) -> anyhow::Result<RebuildResult> {
    let db = storage.db().await?;
    let report =
        projector::rebuild::rebuild(&db, projector::rebuild::BATCH_SIZE, |_, _| {}).await?;
    db.close().await;
    Ok(RebuildResult {
        backend: storage.label().into(),
        events: report.events,
        droplets: report.events / EVENTS_PER_DROPLET,
        generate_seconds,
        rebuild_seconds: report.seconds,
        events_per_sec: report.events as f64 / report.seconds.max(1e-9),
    })
}
