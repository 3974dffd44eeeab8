//! Reading and writing read-model rows. The SQL is shared by both backends.

use crate::rows::{AuditRow, ClusterRow, DropletRow, JobRow};
use chrono::{DateTime, Utc};
use command::aggregates::{ClusterState, DropletState, JobState};
use command::Db;
use schema::{AggregateType, ClusterId, ClusterStatus, DropletStatus, JobId, JobStatus, JobType};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

pub(crate) const CLUSTER_COLS: &str =
    "id, ordinal, name, region, labels, status, droplet_count, version, created_us, updated_us";
pub(crate) const DROPLET_COLS: &str = "id, ordinal, name, cluster_id, region, size, image, status, ip, job_id, status_before_destroy, version, created_us, updated_us";
pub(crate) const JOB_COLS: &str = "id, ordinal, job_type, target_type, target_id, status, progress, stage, message, attempts, max_attempts, worker, lease_expires_us, not_before_us, error, result, timeline, version, created_us, updated_us";
pub(crate) const AUDIT_COLS: &str = "ordinal, global_position, aggregate_type, aggregate_id, sequence, event_type, event_version, event_id, actor, correlation_id, causation_id, payload, metadata, recorded_us";

fn json<T: serde::de::DeserializeOwned>(row: &AnyRow, col: &str) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// A text column that holds a typed value (a status, a type, an id).
fn typed<T>(row: &AnyRow, col: &str, parse: impl Fn(&str) -> Option<T>) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(col)?;
    parse(&text).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: format!("unexpected value {text:?}").into(),
    })
}

/// A nullable text column that holds a typed value.
fn typed_opt<T>(
    row: &AnyRow,
    col: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, sqlx::Error> {
    let text: Option<String> = row.try_get(col)?;
    text.map(|t| {
        parse(&t).ok_or_else(|| sqlx::Error::ColumnDecode {
            index: col.to_string(),
            source: format!("unexpected value {t:?}").into(),
        })
    })
    .transpose()
}

/// A nullable time column in microseconds since the epoch.
fn time_opt(row: &AnyRow, col: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let us: Option<i64> = row.try_get(col)?;
    Ok(us.and_then(DateTime::from_timestamp_micros))
}

fn number<T: TryFrom<i64>>(row: &AnyRow, col: &str) -> Result<T, sqlx::Error> {
    let n: i64 = row.try_get(col)?;
    T::try_from(n).map_err(|_| sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: format!("{n} is out of range").into(),
    })
}

pub(crate) fn cluster_from(row: &AnyRow) -> Result<ClusterRow, sqlx::Error> {
    Ok(ClusterRow {
        id: row.try_get("id")?,
        ordinal: row.try_get("ordinal")?,
        state: ClusterState {
            name: row.try_get("name")?,
            region: row.try_get("region")?,
            labels: json(row, "labels")?,
            status: typed(row, "status", ClusterStatus::parse)?,
            droplet_count: row.try_get("droplet_count")?,
        },
        version: row.try_get("version")?,
        created_us: row.try_get("created_us")?,
        updated_us: row.try_get("updated_us")?,
    })
}

pub(crate) fn droplet_from(row: &AnyRow) -> Result<DropletRow, sqlx::Error> {
    Ok(DropletRow {
        id: row.try_get("id")?,
        ordinal: row.try_get("ordinal")?,
        state: DropletState {
            name: row.try_get("name")?,
            cluster_id: typed_opt(row, "cluster_id", |s| s.parse::<ClusterId>().ok())?,
            region: row.try_get("region")?,
            size: row.try_get("size")?,
            image: row.try_get("image")?,
            status: typed(row, "status", DropletStatus::parse)?,
            ip: row.try_get("ip")?,
            job_id: typed(row, "job_id", |s| s.parse::<JobId>().ok())?,
            status_before_destroy: typed_opt(row, "status_before_destroy", DropletStatus::parse)?,
        },
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
        state: JobState {
            job_type: typed(row, "job_type", JobType::parse)?,
            target_type: typed(row, "target_type", AggregateType::parse)?,
            target_id: row.try_get("target_id")?,
            status: typed(row, "status", JobStatus::parse)?,
            attempts: number(row, "attempts")?,
            max_attempts: number(row, "max_attempts")?,
            worker: row.try_get("worker")?,
            lease_expires_at: time_opt(row, "lease_expires_us")?,
            not_before: time_opt(row, "not_before_us")?,
            progress: number(row, "progress")?,
            stage: row.try_get("stage")?,
            error: row.try_get("error")?,
            result: result.and_then(|r| serde_json::from_str(&r).ok()),
        },
        message: row.try_get("message")?,
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
    let s = &r.state;
    q.bind(&r.id)
        .bind(r.ordinal)
        .bind(&s.name)
        .bind(&s.region)
        .bind(serde_json::to_string(&s.labels).unwrap_or_default())
        .bind(s.status.as_str())
        .bind(s.droplet_count)
        .bind(r.version)
        .bind(r.created_us)
        .bind(r.updated_us)
}

fn bind_droplet<'q>(q: AnyQuery<'q>, r: &'q DropletRow) -> AnyQuery<'q> {
    let s = &r.state;
    q.bind(&r.id)
        .bind(r.ordinal)
        .bind(&s.name)
        .bind(s.cluster_id.map(|c| c.to_string()))
        .bind(&s.region)
        .bind(&s.size)
        .bind(&s.image)
        .bind(s.status.as_str())
        .bind(s.ip.as_deref())
        .bind(s.job_id.to_string())
        .bind(s.status_before_destroy.map(|st| st.as_str()))
        .bind(r.version)
        .bind(r.created_us)
        .bind(r.updated_us)
}

fn bind_job<'q>(q: AnyQuery<'q>, r: &'q JobRow) -> AnyQuery<'q> {
    let s = &r.state;
    q.bind(&r.id)
        .bind(r.ordinal)
        .bind(s.job_type.as_str())
        .bind(s.target_type.as_str())
        .bind(&s.target_id)
        .bind(s.status.as_str())
        .bind(i64::from(s.progress))
        .bind(&s.stage)
        .bind(&r.message)
        .bind(i64::from(s.attempts))
        .bind(i64::from(s.max_attempts))
        .bind(s.worker.as_deref())
        .bind(s.lease_expires_at.map(|t| t.timestamp_micros()))
        .bind(s.not_before.map(|t| t.timestamp_micros()))
        .bind(s.error.as_deref())
        .bind(s.result.as_ref().map(|v| v.to_string()))
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
