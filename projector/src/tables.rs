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

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// How one read-model table's rows are read and written.
pub(crate) struct Table<R> {
    name: &'static str,
    cols: &'static str,
    decode: fn(&AnyRow) -> Result<R, sqlx::Error>,
    bind: for<'q> fn(AnyQuery<'q>, &'q R) -> AnyQuery<'q>,
    id: fn(&R) -> &str,
}

impl<R> Table<R> {
    /// The table's name.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }
}

pub(crate) const CLUSTERS: Table<ClusterRow> = Table {
    name: "clusters",
    cols: CLUSTER_COLS,
    decode: cluster_from,
    bind: bind_cluster,
    id: |r| &r.id,
};
pub(crate) const DROPLETS: Table<DropletRow> = Table {
    name: "droplets",
    cols: DROPLET_COLS,
    decode: droplet_from,
    bind: bind_droplet,
    id: |r| &r.id,
};
pub(crate) const JOBS: Table<JobRow> = Table {
    name: "jobs",
    cols: JOB_COLS,
    decode: job_from,
    bind: bind_job,
    id: |r| &r.id,
};

/// Ids per `SELECT … WHERE id IN (…)`.
const LOAD_CHUNK: usize = 500;

/// Loads the rows with these ids inside the projector's transaction, one statement per
/// [`LOAD_CHUNK`] ids.
pub(crate) async fn load_many<R>(
    db: &Db,
    conn: &mut AnyConnection,
    table: &Table<R>,
    ids: &[&str],
) -> Result<Vec<(String, R)>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(LOAD_CHUNK) {
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {} FROM {} WHERE id IN ({})",
            table.cols,
            table.name,
            params.join(", ")
        );
        let sql = db.sql(&sql);
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *conn).await? {
            let r = (table.decode)(&row)?;
            out.push(((table.id)(&r).to_string(), r));
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

/// Writes `rows` with as few statements as the backend does best ([`write_chunk`] rows
/// each); `sql(n)` is the statement for `n` rows, `bind` adds one row's values.
async fn write_chunked<T>(
    db: &Db,
    conn: &mut AnyConnection,
    rows: &[&T],
    sql: impl Fn(usize) -> String,
    bind: for<'q> fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> Result<(), sqlx::Error> {
    let mut cached: Option<(usize, String)> = None;
    for chunk in rows.chunks(write_chunk(db)) {
        if cached.as_ref().is_none_or(|(n, _)| *n != chunk.len()) {
            cached = Some((chunk.len(), db.sql(&sql(chunk.len())).into_owned()));
        }
        let sql = &cached.as_ref().expect("set above").1;
        let mut q = sqlx::query(sql);
        for r in chunk {
            q = bind(q, r);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts or replaces `rows`.
pub(crate) async fn save_many<R>(
    db: &Db,
    conn: &mut AnyConnection,
    table: &Table<R>,
    rows: &[&R],
) -> Result<(), sqlx::Error> {
    let names: Vec<&str> = table.cols.split(',').map(str::trim).collect();
    let updates: Vec<String> = names[1..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let sql = |n| {
        format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT (id) DO UPDATE SET {}",
            table.name,
            table.cols,
            values_list(n, names.len()),
            updates.join(", ")
        )
    };
    write_chunked(db, conn, rows, sql, table.bind).await
}

fn bind_cluster<'q>(q: AnyQuery<'q>, r: &'q ClusterRow) -> AnyQuery<'q> {
    q.bind(&r.id)
        .bind(r.ordinal)
        .bind(&r.name)
        .bind(&r.region)
        .bind(serde_json::to_string(&r.labels).unwrap_or_default())
        .bind(&r.status)
        .bind(r.droplet_count)
        .bind(r.version)
        .bind(r.created_us)
        .bind(r.updated_us)
}

fn bind_droplet<'q>(q: AnyQuery<'q>, r: &'q DropletRow) -> AnyQuery<'q> {
    q.bind(&r.id)
        .bind(r.ordinal)
        .bind(&r.name)
        .bind(r.cluster_id.as_deref())
        .bind(&r.region)
        .bind(&r.size)
        .bind(&r.image)
        .bind(&r.status)
        .bind(r.ip.as_deref())
        .bind(r.job_id.as_deref())
        .bind(r.version)
        .bind(r.created_us)
        .bind(r.updated_us)
}

fn bind_job<'q>(q: AnyQuery<'q>, r: &'q JobRow) -> AnyQuery<'q> {
    q.bind(&r.id)
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
        .bind(r.worker.as_deref())
        .bind(r.lease_expires_us)
        .bind(r.not_before_us)
        .bind(r.error.as_deref())
        .bind(r.result.as_ref().map(|v| v.to_string()))
        .bind(serde_json::to_string(&r.timeline).unwrap_or_default())
        .bind(r.version)
        .bind(r.created_us)
        .bind(r.updated_us)
}

/// Inserts audit rows.
pub(crate) async fn insert_audits(
    db: &Db,
    conn: &mut AnyConnection,
    rows: &[AuditRow],
) -> Result<(), sqlx::Error> {
    let rows: Vec<&AuditRow> = rows.iter().collect();
    let width = AUDIT_COLS.split(',').count();
    let sql = |n| {
        format!(
            "INSERT INTO audit_log ({AUDIT_COLS}) VALUES {}",
            values_list(n, width)
        )
    };
    write_chunked(db, conn, &rows, sql, bind_audit).await
}

fn bind_audit<'q>(q: AnyQuery<'q>, r: &'q AuditRow) -> AnyQuery<'q> {
    q.bind(r.ordinal)
        .bind(r.position)
        .bind(r.aggregate_type.as_str())
        .bind(r.aggregate_id.as_str())
        .bind(r.sequence)
        .bind(r.event_type.as_str())
        .bind(r.event_version.as_str())
        .bind(r.event_id.as_str())
        .bind(r.actor.as_str())
        .bind(r.correlation_id.as_str())
        .bind(r.causation_id.as_str())
        .bind(r.payload.to_string())
        .bind(r.metadata.to_string())
        .bind(r.recorded_us)
}
