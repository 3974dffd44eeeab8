//! Reading and writing read-model rows. The SQL is shared by both backends.

use crate::rows::{AuditRow, ClusterRow, DropletRow, JobRow};
use command::Db;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

pub(crate) const CLUSTER_COLS: &str =
    "id, ordinal, name, region, labels, status, droplet_count, version, created_us, updated_us";
pub(crate) const DROPLET_COLS: &str = "id, ordinal, name, cluster_id, region, size, image, status, ip, job_id, version, created_us, updated_us";
pub(crate) const JOB_COLS: &str = "id, ordinal, job_type, target_type, target_id, status, progress, stage, message, attempts, max_attempts, worker, lease_expires_us, not_before_us, error, result, timeline, version, created_us, updated_us";
pub(crate) const AUDIT_COLS: &str = "ordinal, global_position, aggregate_type, aggregate_id, sequence, event_type, event_version, event_id, actor, correlation_id, causation_id, payload, metadata, recorded_us";

fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

pub(crate) fn cluster_from(row: &AnyRow) -> Result<ClusterRow, sqlx::Error> {
    Ok(ClusterRow {
        id: row.try_get("id")?,
        ordinal: row.try_get("ordinal")?,
        name: row.try_get("name")?,
        region: row.try_get("region")?,
        labels: json(row, "labels")?,
        status: row.try_get("status")?,
        droplet_count: row.try_get("droplet_count")?,
        version: row.try_get("version")?,
        created_us: row.try_get("created_us")?,
        updated_us: row.try_get("updated_us")?,
    })
}

pub(crate) fn droplet_from(row: &AnyRow) -> Result<DropletRow, sqlx::Error> {
    Ok(DropletRow {
        id: row.try_get("id")?,
        ordinal: row.try_get("ordinal")?,
        name: row.try_get("name")?,
        cluster_id: row.try_get("cluster_id")?,
        region: row.try_get("region")?,
        size: row.try_get("size")?,
        image: row.try_get("image")?,
        status: row.try_get("status")?,
        ip: row.try_get("ip")?,
        job_id: row.try_get("job_id")?,
        version: row.try_get("version")?,
        created_us: row.try_get("created_us")?,
        updated_us: row.try_get("updated_us")?,
    })
}

pub(crate) fn job_from(row: &AnyRow) -> Result<JobRow, sqlx::Error> {
    let result: Option<String> = row.try_get("result")?;
    Ok(JobRow {
        id: row.try_get("id")?,
        ordinal: row.try_get("ordinal")?,
        job_type: row.try_get("job_type")?,
        target_type: row.try_get("target_type")?,
        target_id: row.try_get("target_id")?,
        status: row.try_get("status")?,
        progress: row.try_get("progress")?,
        stage: row.try_get("stage")?,
        message: row.try_get("message")?,
        attempts: row.try_get("attempts")?,
        max_attempts: row.try_get("max_attempts")?,
        worker: row.try_get("worker")?,
        lease_expires_us: row.try_get("lease_expires_us")?,
        not_before_us: row.try_get("not_before_us")?,
        error: row.try_get("error")?,
        result: result.and_then(|r| serde_json::from_str(&r).ok()),
        timeline: json(row, "timeline")?,
        version: row.try_get("version")?,
        created_us: row.try_get("created_us")?,
        updated_us: row.try_get("updated_us")?,
    })
}

pub(crate) fn audit_from(row: &AnyRow) -> Result<AuditRow, sqlx::Error> {
    Ok(AuditRow {
        ordinal: row.try_get("ordinal")?,
        position: row.try_get("global_position")?,
        aggregate_type: row.try_get("aggregate_type")?,
        aggregate_id: row.try_get("aggregate_id")?,
        sequence: row.try_get("sequence")?,
        event_type: row.try_get("event_type")?,
        event_version: row.try_get("event_version")?,
        event_id: row.try_get("event_id")?,
        actor: row.try_get("actor")?,
        correlation_id: row.try_get("correlation_id")?,
        causation_id: row.try_get("causation_id")?,
        payload: json(row, "payload")?,
        metadata: json(row, "metadata")?,
        recorded_us: row.try_get("recorded_us")?,
    })
}

/// Loads one row by id inside the projector's transaction.
pub(crate) async fn load_by_id<T>(
    db: &Db,
    conn: &mut AnyConnection,
    table: &str,
    cols: &str,
    id: &str,
    decode: fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> Result<Option<T>, sqlx::Error> {
    let sql = format!("SELECT {cols} FROM {table} WHERE id = $1");
    let row = sqlx::query(&db.sql(&sql))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(decode).transpose()
}

fn upsert_sql(db: &Db, table: &str, cols: &str) -> String {
    let names: Vec<&str> = cols.split(',').map(str::trim).collect();
    let params: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let updates: Vec<String> = names[1..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    db.sql(&format!(
        "INSERT INTO {table} ({cols}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        params.join(", "),
        updates.join(", ")
    ))
    .into_owned()
}

pub(crate) async fn save_cluster(
    db: &Db,
    conn: &mut AnyConnection,
    r: &ClusterRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(&upsert_sql(db, "clusters", CLUSTER_COLS))
        .bind(&r.id)
        .bind(r.ordinal)
        .bind(&r.name)
        .bind(&r.region)
        .bind(serde_json::to_string(&r.labels).unwrap_or_default())
        .bind(&r.status)
        .bind(r.droplet_count)
        .bind(r.version)
        .bind(r.created_us)
        .bind(r.updated_us)
        .execute(conn)
        .await
        .map(|_| ())
}

pub(crate) async fn save_droplet(
    db: &Db,
    conn: &mut AnyConnection,
    r: &DropletRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(&upsert_sql(db, "droplets", DROPLET_COLS))
        .bind(&r.id)
        .bind(r.ordinal)
        .bind(&r.name)
        .bind(r.cluster_id.clone())
        .bind(&r.region)
        .bind(&r.size)
        .bind(&r.image)
        .bind(&r.status)
        .bind(r.ip.clone())
        .bind(r.job_id.clone())
        .bind(r.version)
        .bind(r.created_us)
        .bind(r.updated_us)
        .execute(conn)
        .await
        .map(|_| ())
}

pub(crate) async fn save_job(
    db: &Db,
    conn: &mut AnyConnection,
    r: &JobRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(&upsert_sql(db, "jobs", JOB_COLS))
        .bind(&r.id)
        .bind(r.ordinal)
        .bind(&r.job_type)
        .bind(&r.target_type)
        .bind(&r.target_id)
        .bind(&r.status)
        .bind(r.progress)
        .bind(&r.stage)
        .bind(&r.message)
        .bind(r.attempts)
        .bind(r.max_attempts)
        .bind(r.worker.clone())
        .bind(r.lease_expires_us)
        .bind(r.not_before_us)
        .bind(r.error.clone())
        .bind(r.result.as_ref().map(|v| v.to_string()))
        .bind(serde_json::to_string(&r.timeline).unwrap_or_default())
        .bind(r.version)
        .bind(r.created_us)
        .bind(r.updated_us)
        .execute(conn)
        .await
        .map(|_| ())
}

/// Audit rows per `INSERT`. Multi-row statements halved rebuild time on Postgres (fewer round
/// trips) but made it 2.4× slower on SQLite, where a cached single-row statement is cheapest
/// (measured with the bench's 1M-event rebuild; see BENCHMARKS.md).
fn audit_chunk(db: &Db) -> usize {
    match db.dialect {
        command::Dialect::Postgres => 500,
        command::Dialect::Sqlite => 1,
    }
}

/// Inserts audit rows with as few statements as possible.
pub(crate) async fn insert_audits(
    db: &Db,
    conn: &mut AnyConnection,
    rows: &[AuditRow],
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(audit_chunk(db)) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| {
                let params: Vec<String> = (1..=14).map(|c| format!("${}", r * 14 + c)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO audit_log ({AUDIT_COLS}) VALUES {}",
            values.join(", ")
        );
        let sql = db.sql(&sql);
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = q
                .bind(r.ordinal)
                .bind(r.position)
                .bind(r.aggregate_type.clone())
                .bind(r.aggregate_id.clone())
                .bind(r.sequence)
                .bind(r.event_type.clone())
                .bind(r.event_version.clone())
                .bind(r.event_id.clone())
                .bind(r.actor.clone())
                .bind(r.correlation_id.clone())
                .bind(r.causation_id.clone())
                .bind(r.payload.to_string())
                .bind(r.metadata.to_string())
                .bind(r.recorded_us);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}
