//! The activity log (`log_records`, `log_resources`): the structured records every role
//! writes, in batches, kept `CLUSTERGENIE_LOG_RETENTION_HOURS`. Records, not events: they
//! are searched newest first on `(at_us, id)` and tailed in the order they were stored
//! (`id`), which is also the order they commit in (see [`ActivityLog::append`]).

use crate::{on_pool, Db};
use schema::logs::{LogLevel, LogQuery, LogRecordView};
use serde_json::{Map, Value};
use sqlx::Row;

/// One structured log record.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// The order it was stored in (0 before it is).
    pub id: i64,
    /// When it was written, µs since the epoch.
    pub at_us: i64,
    pub level: LogLevel,
    /// The part of ClusterGenie that wrote it (one of [`schema::logs::SERVICES`]).
    pub service: String,
    /// The process (`host:pid`).
    pub instance: String,
    /// The Rust module.
    pub target: String,
    pub message: String,
    /// Its other fields and those of the spans it was written in.
    pub fields: Map<String, Value>,
    /// The droplet, cluster, job and health-check ids it names.
    pub resource_ids: Vec<String>,
    pub correlation_id: Option<String>,
    pub trace_id: Option<String>,
}

impl LogRecord {
    /// The parts a [`LogQuery`] matches on.
    pub fn view(&self) -> LogRecordView<'_> {
        LogRecordView {
            at_us: self.at_us,
            level: self.level,
            service: &self.service,
            instance: &self.instance,
            message: &self.message,
            resource_ids: &self.resource_ids,
            correlation_id: self.correlation_id.as_deref(),
            trace_id: self.trace_id.as_deref(),
        }
    }
}

/// Where a newest-first search continues: strictly older than this record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Before {
    pub at_us: i64,
    pub id: i64,
}

/// Rows per INSERT statement (11 parameters each; under both backends' limits).
const ROWS_PER_STATEMENT: usize = 400;
/// Records deleted per statement by [`ActivityLog::prune`].
const PRUNE_CHUNK: i64 = 5_000;
/// The advisory lock every Postgres append takes, so ids commit in the order they were
/// drawn and a tail reading `id > last` never passes over a record still being written.
const APPEND_LOCK: i64 = 0x6c6f_6773; // "logs"

const COLUMNS: &str = "id, at_us, level, service, instance, target, message, fields, \
    resource_ids, correlation_id, trace_id";

/// The activity log over the database of the event store.
#[derive(Clone, Debug)]
pub struct ActivityLog {
    db: Db,
}

impl ActivityLog {
    /// The log over `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Stores `records` (their `id` is ignored) in one transaction and returns the ids they
    /// got, in order.
    pub async fn append(&self, records: &[LogRecord]) -> Result<Vec<i64>, sqlx::Error> {
        if records.is_empty() {
            return Ok(Vec::new());
        }
        on_pool!(self.db.writes(), p => {
            let mut tx = p.begin().await?;
            if self.db.dialect == crate::Dialect::Postgres {
                sqlx::query(&self.db.sql("SELECT pg_advisory_xact_lock($1)"))
                    .bind(APPEND_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut ids = Vec::with_capacity(records.len());
            for chunk in records.chunks(ROWS_PER_STATEMENT) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO log_records (at_us, level, service, instance, target, message, \
                     fields, resource_ids, correlation_id, trace_id) ",
                );
                qb.push_values(chunk, |mut b, r| {
                    b.push_bind(r.at_us)
                        .push_bind(r.level.rank())
                        .push_bind(&r.service)
                        .push_bind(&r.instance)
                        .push_bind(&r.target)
                        .push_bind(&r.message)
                        .push_bind(Value::Object(r.fields.clone()).to_string())
                        .push_bind(r.resource_ids.join(" "))
                        .push_bind(&r.correlation_id)
                        .push_bind(&r.trace_id);
                });
                qb.push(" RETURNING id");
                let rows = qb.build().fetch_all(&mut *tx).await?;
                // One statement draws consecutive ids in the order of its rows (the lock
                // above, or SQLite's single writer, keeps other appends out).
                let mut got: Vec<i64> = rows
                    .iter()
                    .map(|r| r.try_get::<i64, _>(0))
                    .collect::<Result<_, _>>()?;
                got.sort_unstable();
                ids.extend(got);
            }
            let named: Vec<(&str, i64)> = records
                .iter()
                .zip(&ids)
                .flat_map(|(r, id)| r.resource_ids.iter().map(move |rid| (rid.as_str(), *id)))
                .collect();
            for chunk in named.chunks(ROWS_PER_STATEMENT * 5) {
                let mut qb =
                    sqlx::QueryBuilder::new("INSERT INTO log_resources (resource_id, log_id) ");
                qb.push_values(chunk, |mut b, (rid, id)| {
                    b.push_bind(*rid).push_bind(*id);
                });
                qb.push(" ON CONFLICT DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(ids)
        })
    }

    /// Records matching `query`, newest first, strictly older than `before`, at most `limit`.
    pub async fn search(
        &self,
        query: &LogQuery,
        before: Option<Before>,
        limit: i64,
    ) -> Result<Vec<LogRecord>, sqlx::Error> {
        on_pool!(self.db.reads(), p => {
            let mut qb = sqlx::QueryBuilder::new(format!("SELECT {COLUMNS} FROM log_records WHERE 1 = 1"));
            push_filter(&mut qb, query);
            if let Some(b) = before {
                qb.push(" AND (at_us < ").push_bind(b.at_us);
                qb.push(" OR (at_us = ").push_bind(b.at_us);
                qb.push(" AND id < ").push_bind(b.id).push("))");
            }
            qb.push(" ORDER BY at_us DESC, id DESC LIMIT ").push_bind(limit);
            let rows = qb.build().fetch_all(p).await?;
            rows.iter().map(decode).collect()
        })
    }

    /// Records stored after `after_id`, in the order they were stored, at most `limit`.
    pub async fn after(&self, after_id: i64, limit: i64) -> Result<Vec<LogRecord>, sqlx::Error> {
        let sql = format!("SELECT {COLUMNS} FROM log_records WHERE id > $1 ORDER BY id LIMIT $2");
        let sql = self.db.sql(&sql);
        on_pool!(self.db.reads(), p => {
            let rows = sqlx::query(&sql).bind(after_id).bind(limit).fetch_all(p).await?;
            rows.iter().map(decode).collect()
        })
    }

    /// Records matching `query` with `from_id < id < to_id`: what a tail skipped.
    pub async fn count_between(
        &self,
        query: &LogQuery,
        from_id: i64,
        to_id: i64,
    ) -> Result<i64, sqlx::Error> {
        on_pool!(self.db.reads(), p => {
            let mut qb = sqlx::QueryBuilder::new("SELECT COUNT(*) FROM log_records WHERE id > ");
            qb.push_bind(from_id).push(" AND id < ").push_bind(to_id);
            push_filter(&mut qb, query);
            qb.build().fetch_one(p).await?.try_get::<i64, _>(0)
        })
    }

    /// The id of the newest stored record (0 when there is none).
    pub async fn newest_id(&self) -> Result<i64, sqlx::Error> {
        on_pool!(self.db.reads(), p => {
            sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) FROM log_records")
                .fetch_one(p)
                .await?
                .try_get::<i64, _>(0)
        })
    }

    /// Deletes records written before `before_us`, in chunks; returns how many.
    pub async fn prune(&self, before_us: i64) -> Result<u64, sqlx::Error> {
        let pick = self
            .db
            .sql("SELECT id FROM log_records WHERE at_us < $1 ORDER BY at_us LIMIT $2");
        let mut deleted = 0;
        loop {
            let n = on_pool!(self.db.writes(), p => {
                let mut tx = p.begin().await?;
                let ids: Vec<i64> = sqlx::query(&pick)
                    .bind(before_us)
                    .bind(PRUNE_CHUNK)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|r| r.try_get::<i64, _>(0))
                    .collect::<Result<_, _>>()?;
                if !ids.is_empty() {
                    for table in [("log_resources", "log_id"), ("log_records", "id")] {
                        let mut qb = sqlx::QueryBuilder::new(format!(
                            "DELETE FROM {} WHERE {} IN ",
                            table.0, table.1
                        ));
                        qb.push_tuples(&ids, |mut b, id| {
                            b.push_bind(*id);
                        });
                        qb.build().execute(&mut *tx).await?;
                    }
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(ids.len() as u64)
            })?;
            deleted += n;
            if n < PRUNE_CHUNK as u64 {
                return Ok(deleted);
            }
        }
    }
}

/// `AND …` for every part of `query`.
fn push_filter<'a, DB>(qb: &mut sqlx::QueryBuilder<'a, DB>, query: &'a LogQuery)
where
    DB: sqlx::Database,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i16: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let list =
        |qb: &mut sqlx::QueryBuilder<'a, DB>, column: &str, not: bool, values: &'a [String]| {
            qb.push(format!(
                " AND {column} {}IN (",
                if not { "NOT " } else { "" }
            ));
            let mut sep = qb.separated(", ");
            for v in values {
                sep.push_bind(v.as_str());
            }
            qb.push(")");
        };
    if !query.services.is_empty() {
        list(qb, "service", false, &query.services);
    }
    if !query.exclude_services.is_empty() {
        list(qb, "service", true, &query.exclude_services);
    }
    if let Some(min) = query.min_level {
        qb.push(" AND level >= ").push_bind(min.rank());
    }
    if !query.levels.is_empty() {
        qb.push(" AND level IN (");
        let mut sep = qb.separated(", ");
        for l in &query.levels {
            sep.push_bind(l.rank());
        }
        qb.push(")");
    }
    if let Some(since) = query.since_us {
        qb.push(" AND at_us >= ").push_bind(since);
    }
    if let Some(until) = query.until_us {
        qb.push(" AND at_us <= ").push_bind(until);
    }
    for (texts, not) in [(&query.contains, false), (&query.excludes, true)] {
        for t in texts {
            qb.push(format!(
                " AND LOWER(message) {}LIKE ",
                if not { "NOT " } else { "" }
            ))
            .push_bind(like_pattern(t))
            .push(" ESCAPE '\\'");
        }
    }
    if let Some(id) = &query.resource_id {
        qb.push(" AND id IN (SELECT log_id FROM log_resources WHERE resource_id = ")
            .push_bind(id.as_str())
            .push(")");
    }
    for (column, value) in [
        ("correlation_id", &query.correlation_id),
        ("trace_id", &query.trace_id),
        ("instance", &query.instance),
    ] {
        if let Some(v) = value {
            qb.push(format!(" AND {column} = ")).push_bind(v.as_str());
        }
    }
}

/// `%text%` in lower case with `%`, `_` and `\` escaped.
fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

fn decode<R: Row>(row: &R) -> Result<LogRecord, sqlx::Error>
where
    for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> i16: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'c> &'c str: sqlx::ColumnIndex<R>,
{
    let level: i16 = row.try_get("level")?;
    let fields: String = row.try_get("fields")?;
    let resource_ids: String = row.try_get("resource_ids")?;
    Ok(LogRecord {
        id: row.try_get("id")?,
        at_us: row.try_get("at_us")?,
        level: LogLevel::from_rank(level).unwrap_or(LogLevel::Info),
        service: row.try_get("service")?,
        instance: row.try_get("instance")?,
        target: row.try_get("target")?,
        message: row.try_get("message")?,
        fields: match serde_json::from_str(&fields) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        },
        resource_ids: resource_ids
            .split_whitespace()
            .map(str::to_string)
            .collect(),
        correlation_id: row.try_get("correlation_id")?,
        trace_id: row.try_get("trace_id")?,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::like_pattern("50%_A\\b"), "%50\\%\\_a\\\\b%");
    }
}
