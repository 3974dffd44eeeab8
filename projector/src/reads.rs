//! Queries over the read models, used by the API. Lists are ordered by creation (ordinal)
//! and paged with a cursor on it.

use crate::counts::{self, TABLE as COUNTS};
use crate::projection::{self, Checkpoint};
use crate::rows::{AuditRow, ClusterRow, DropletRow, JobRow};
use crate::tables::{self, AUDIT_COLS, CLUSTER_COLS, DROPLET_COLS, JOB_COLS};
use command::Db;
use schema::{AggregateType, ClusterStatus, DropletStatus, JobStatus, JobType};
use sqlx::any::AnyRow;
use sqlx::Row;

/// Filters of the `clusters` list.
#[derive(Debug, Clone, Default)]
pub struct ClusterFilter {
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<ClusterStatus>,
}

/// Filters of the `droplets` list.
#[derive(Debug, Clone, Default)]
pub struct DropletFilter {
    pub name: Option<String>,
    pub region: Option<String>,
    pub status: Option<DropletStatus>,
    pub cluster_id: Option<String>,
}

/// Filters of the `jobs` list.
#[derive(Debug, Clone, Default)]
pub struct JobFilter {
    pub status: Option<JobStatus>,
    pub job_type: Option<JobType>,
    pub target_id: Option<String>,
}

/// Filters of the audit log.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub aggregate_type: Option<AggregateType>,
    pub aggregate_id: Option<String>,
    pub event_type: Option<String>,
    pub actor: Option<String>,
    pub correlation_id: Option<String>,
    pub since_us: Option<i64>,
    pub until_us: Option<i64>,
    /// Case-insensitive substring of the actor.
    pub actor_contains: Option<String>,
    /// Event types to leave out (e.g. `JobProgressed`).
    pub exclude_event_types: Vec<String>,
}

/// Which part of a filtered list a page holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slice {
    /// The first items after an ordinal (or from the start).
    After(Option<i64>),
    /// The last items before an ordinal (or up to the end), still in list order.
    Before(Option<i64>),
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub has_next: bool,
    /// Whether items come before this page (only known for [`Slice::Before`] pages).
    pub has_previous: bool,
    /// Items matching the filter on all pages (0 when not asked for).
    pub total: i64,
}

/// A WHERE clause under construction with numbered parameters.
#[derive(Default, Clone)]
struct Where {
    clauses: Vec<String>,
    text: Vec<String>,
    numbers: Vec<(usize, i64)>,
}

impl Where {
    fn eq(&mut self, col: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.text.push(v.to_string());
            self.clauses
                .push(format!("{col} = ${}", self.text.len() + self.numbers.len()));
        }
    }
    fn like(&mut self, col: &str, value: &Option<String>) {
        if let Some(v) = value {
            let escaped = v
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            self.text.push(format!("%{escaped}%"));
            self.clauses.push(format!(
                "{col} LIKE ${} ESCAPE '\\'",
                self.text.len() + self.numbers.len()
            ));
        }
    }
    fn like_ci(&mut self, col: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.like(&format!("LOWER({col})"), &Some(v.to_lowercase()));
        }
    }
    fn not_in(&mut self, col: &str, values: &[String]) {
        if values.is_empty() {
            return;
        }
        let params: Vec<String> = values
            .iter()
            .map(|v| format!("${}", self.param(v.clone())))
            .collect();
        self.clauses
            .push(format!("{col} NOT IN ({})", params.join(", ")));
    }
    fn num(&mut self, col: &str, op: &str, value: Option<i64>) {
        if let Some(v) = value {
            let n = self.text.len() + self.numbers.len() + 1;
            self.numbers.push((n, v));
            self.clauses.push(format!("{col} {op} ${n}"));
        }
    }
    /// A parameter that no clause uses (yet); returns its number.
    fn param(&mut self, value: String) -> usize {
        self.text.push(value);
        self.text.len() + self.numbers.len()
    }
    fn sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.clauses.join(" AND "))
        }
    }
    fn bind<'q>(
        &'q self,
        mut q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        // Parameters were numbered in the order they were added; bind in that order.
        let mut all: Vec<(usize, Result<&str, i64>)> = Vec::new();
        let mut t = 0;
        let mut n = 0;
        for i in 1..=self.text.len() + self.numbers.len() {
            if n < self.numbers.len() && self.numbers[n].0 == i {
                all.push((i, Err(self.numbers[n].1)));
                n += 1;
            } else {
                all.push((i, Ok(self.text[t].as_str())));
                t += 1;
            }
        }
        for (_, v) in all {
            q = match v {
                Ok(s) => q.bind(s),
                Err(n) => q.bind(n),
            };
        }
        q
    }
}

/// The SQL of `table`'s count under the filter `w`: the row `counted` of `read_model_counts`
/// when given (binding its name as a new parameter of `w`), else `COUNT(*)`.
fn total_expr(table: &str, counted: &Option<String>, w: &mut Where) -> String {
    match counted {
        Some(key) => {
            let n = w.param(key.clone());
            format!("COALESCE((SELECT n FROM {COUNTS} WHERE name = ${n}), 0)")
        }
        None => format!("(SELECT COUNT(*) FROM {table} {})", w.sql()),
    }
}

/// A table listed by ordinal, and how to decode its rows.
struct Listing<T> {
    table: &'static str,
    cols: &'static str,
    decode: fn(&AnyRow) -> Result<T, sqlx::Error>,
}

/// Read access to the read models.
#[derive(Clone, Debug)]
pub struct ReadModels {
    db: Db,
}

impl ReadModels {
    /// Over open pools.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// The pools.
    pub fn db(&self) -> &Db {
        &self.db
    }

    async fn by_id<T>(
        &self,
        table: &str,
        cols: &str,
        id: &str,
        decode: fn(&AnyRow) -> Result<T, sqlx::Error>,
    ) -> Result<Option<T>, sqlx::Error> {
        let sql = format!("SELECT {cols} FROM {table} WHERE id = $1");
        let row = sqlx::query(&self.db.sql(&sql))
            .bind(id)
            .fetch_optional(&self.db.reader)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    /// A page of `listing` (the `slice` of it), with `totalCount` when `total` is set.
    ///
    /// The total is a scalar subquery of the page's own statement: one round trip, and the
    /// page and its total come from one snapshot. With `counted` (the filter is one that
    /// `read_model_counts` keeps, see [`counts::key`]) it is that row, not a `COUNT(*)`.
    async fn page<T>(
        &self,
        listing: Listing<T>,
        w: Where,
        counted: Option<String>,
        slice: Slice,
        limit: i64,
        total: bool,
    ) -> Result<Page<T>, sqlx::Error> {
        let Listing {
            table,
            cols,
            decode,
        } = listing;
        let filter = w.clone();
        let mut w = w;
        let total_col = if total {
            format!(", {} AS total_count", total_expr(table, &counted, &mut w))
        } else {
            String::new()
        };
        // A backward page reads newest first from the ordinal index, then turns around.
        let order = match slice {
            Slice::After(after) => {
                w.num("ordinal", ">", after);
                "ordinal"
            }
            Slice::Before(before) => {
                w.num("ordinal", "<", before);
                "ordinal DESC"
            }
        };
        let sql = format!(
            "SELECT {cols}{total_col} FROM {table} {} ORDER BY {order} LIMIT {}",
            w.sql(),
            limit + 1
        );
        let rows = w
            .bind(sqlx::query(&self.db.sql(&sql)))
            .fetch_all(&self.db.reader)
            .await?;
        let total = match rows.first() {
            _ if !total => 0,
            Some(r) => r.try_get("total_count")?,
            // An empty page (past the end, or nothing matches) still reports the total.
            None => {
                let mut w = if counted.is_some() {
                    Where::default()
                } else {
                    filter
                };
                let sql = format!("SELECT {} AS n", total_expr(table, &counted, &mut w));
                w.bind(sqlx::query(&self.db.sql(&sql)))
                    .fetch_one(&self.db.reader)
                    .await?
                    .try_get("n")?
            }
        };
        let mut items = rows.iter().map(decode).collect::<Result<Vec<_>, _>>()?;
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        let (has_next, has_previous) = match slice {
            Slice::After(_) => (more, false),
            Slice::Before(before) => {
                items.reverse();
                (before.is_some(), more)
            }
        };
        Ok(Page {
            items,
            has_next,
            has_previous,
            total,
        })
    }

    /// One cluster.
    pub async fn cluster(&self, id: &str) -> Result<Option<ClusterRow>, sqlx::Error> {
        self.by_id("clusters", CLUSTER_COLS, id, tables::cluster_from)
            .await
    }

    /// A page of clusters.
    pub async fn clusters(
        &self,
        f: &ClusterFilter,
        after: Option<i64>,
        limit: i64,
        total: bool,
    ) -> Result<Page<ClusterRow>, sqlx::Error> {
        let mut w = Where::default();
        w.like("name", &f.name);
        w.eq("region", f.region.as_deref());
        w.eq("status", f.status.map(|s| s.as_str()));
        let counted = (f.name.is_none() && f.region.is_none())
            .then(|| counts::key("clusters", f.status.map(|s| s.as_str())));
        self.page(
            Listing {
                table: "clusters",
                cols: CLUSTER_COLS,
                decode: tables::cluster_from,
            },
            w,
            counted,
            Slice::After(after),
            limit,
            total,
        )
        .await
    }

    /// One droplet.
    pub async fn droplet(&self, id: &str) -> Result<Option<DropletRow>, sqlx::Error> {
        self.by_id("droplets", DROPLET_COLS, id, tables::droplet_from)
            .await
    }

    /// A page of droplets.
    pub async fn droplets(
        &self,
        f: &DropletFilter,
        after: Option<i64>,
        limit: i64,
        total: bool,
    ) -> Result<Page<DropletRow>, sqlx::Error> {
        let mut w = Where::default();
        w.like("name", &f.name);
        w.eq("region", f.region.as_deref());
        w.eq("status", f.status.map(|s| s.as_str()));
        w.eq("cluster_id", f.cluster_id.as_deref());
        let counted = (f.name.is_none() && f.region.is_none() && f.cluster_id.is_none())
            .then(|| counts::key("droplets", f.status.map(|s| s.as_str())));
        self.page(
            Listing {
                table: "droplets",
                cols: DROPLET_COLS,
                decode: tables::droplet_from,
            },
            w,
            counted,
            Slice::After(after),
            limit,
            total,
        )
        .await
    }

    /// One job.
    pub async fn job(&self, id: &str) -> Result<Option<JobRow>, sqlx::Error> {
        self.by_id("jobs", JOB_COLS, id, tables::job_from).await
    }

    /// A page of jobs.
    pub async fn jobs(
        &self,
        f: &JobFilter,
        after: Option<i64>,
        limit: i64,
        total: bool,
    ) -> Result<Page<JobRow>, sqlx::Error> {
        let mut w = Where::default();
        w.eq("status", f.status.map(|s| s.as_str()));
        w.eq("job_type", f.job_type.map(|s| s.as_str()));
        w.eq("target_id", f.target_id.as_deref());
        let counted = (f.job_type.is_none() && f.target_id.is_none())
            .then(|| counts::key("jobs", f.status.map(|s| s.as_str())));
        self.page(
            Listing {
                table: "jobs",
                cols: JOB_COLS,
                decode: tables::job_from,
            },
            w,
            counted,
            Slice::After(after),
            limit,
            total,
        )
        .await
    }

    /// A page of the audit log in global order.
    pub async fn events(
        &self,
        f: &EventFilter,
        after: Option<i64>,
        limit: i64,
        total: bool,
    ) -> Result<Page<AuditRow>, sqlx::Error> {
        self.events_slice(f, Slice::After(after), limit, total)
            .await
    }

    /// A page of the audit log: `limit` events of `slice`, in global order.
    pub async fn events_slice(
        &self,
        f: &EventFilter,
        slice: Slice,
        limit: i64,
        total: bool,
    ) -> Result<Page<AuditRow>, sqlx::Error> {
        let mut w = Where::default();
        w.eq("aggregate_type", f.aggregate_type.map(|s| s.as_str()));
        w.eq("aggregate_id", f.aggregate_id.as_deref());
        w.eq("event_type", f.event_type.as_deref());
        w.eq("actor", f.actor.as_deref());
        w.eq("correlation_id", f.correlation_id.as_deref());
        w.num("recorded_us", ">=", f.since_us);
        w.num("recorded_us", "<=", f.until_us);
        w.like_ci("actor", &f.actor_contains);
        w.not_in("event_type", &f.exclude_event_types);
        let counted = w.clauses.is_empty().then(|| counts::key("audit_log", None));
        self.page(
            Listing {
                table: "audit_log",
                cols: AUDIT_COLS,
                decode: tables::audit_from,
            },
            w,
            counted,
            slice,
            limit,
            total,
        )
        .await
    }

    /// True once the read models include the event at global `position`.
    pub async fn includes_position(&self, position: i64) -> Result<bool, sqlx::Error> {
        let row = sqlx::query(
            &self
                .db
                .sql("SELECT 1 AS one FROM audit_log WHERE global_position = $1"),
        )
        .bind(position)
        .fetch_optional(&self.db.reader)
        .await?;
        Ok(row.is_some())
    }

    /// The projector's checkpoint.
    pub async fn checkpoint(&self) -> Result<Checkpoint, sqlx::Error> {
        let mut conn = self.db.reader.acquire().await?;
        projection::load_checkpoint(&self.db, &mut conn).await
    }

    /// Row counts grouped by status, for `table` in clusters/droplets/jobs.
    pub async fn count_by_status(&self, table: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let sql =
            format!("SELECT status, COUNT(*) AS n FROM {table} GROUP BY status ORDER BY status");
        let rows = sqlx::query(&sql).fetch_all(&self.db.reader).await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }

    /// Every read-model row as JSON text, for comparing two builds.
    pub async fn dump(&self) -> Result<Vec<String>, sqlx::Error> {
        let mut out = Vec::new();
        for (table, cols, key) in [
            ("clusters", CLUSTER_COLS, "id"),
            ("droplets", DROPLET_COLS, "id"),
            ("jobs", JOB_COLS, "id"),
            ("audit_log", AUDIT_COLS, "ordinal"),
        ] {
            let rows = sqlx::query(&format!("SELECT {cols} FROM {table} ORDER BY {key}"))
                .fetch_all(&self.db.reader)
                .await?;
            for r in &rows {
                let line = match table {
                    "clusters" => serde_json::to_string(&tables::cluster_from(r)?),
                    "droplets" => serde_json::to_string(&tables::droplet_from(r)?),
                    "jobs" => serde_json::to_string(&tables::job_from(r)?),
                    _ => serde_json::to_string(&tables::audit_from(r)?),
                };
                out.push(format!("{table}: {}", line.unwrap_or_default()));
            }
        }
        Ok(out)
    }
}

#[async_trait::async_trait]
impl command::worker::JobFeed for ReadModels {
    async fn runnable(&self, now_us: i64, limit: i64) -> Result<Vec<String>, String> {
        let rows = sqlx::query(&self.db.sql(
            "SELECT id FROM jobs WHERE (status = 'QUEUED' AND (not_before_us IS NULL OR not_before_us <= $1)) \
             OR (status = 'RUNNING' AND lease_expires_us IS NOT NULL AND lease_expires_us <= $2) \
             ORDER BY ordinal LIMIT $3",
        ))
        .bind(now_us)
        .bind(now_us)
        .bind(limit)
        .fetch_all(&self.db.reader)
        .await
        .map_err(|e| e.to_string())?;
        rows.iter()
            .map(|r| r.try_get::<String, _>("id").map_err(|e| e.to_string()))
            .collect()
    }
}

impl DropletFilter {
    /// Whether a row passes the filter (for live subscriptions).
    pub fn matches(&self, r: &DropletRow) -> bool {
        self.name
            .as_ref()
            .is_none_or(|n| r.state.name.contains(n.as_str()))
            && self.region.as_ref().is_none_or(|v| &r.state.region == v)
            && self.status.is_none_or(|v| r.state.status == v)
            && self
                .cluster_id
                .as_ref()
                .is_none_or(|v| r.state.cluster_id.is_some_and(|c| c.to_string() == *v))
    }
}

impl JobFilter {
    /// Whether a row passes the filter (for live subscriptions).
    pub fn matches(&self, r: &JobRow) -> bool {
        self.status.is_none_or(|v| r.state.status == v)
            && self.job_type.is_none_or(|v| r.state.job_type == v)
            && self
                .target_id
                .as_ref()
                .is_none_or(|v| &r.state.target_id == v)
    }
}

impl EventFilter {
    /// Whether an event passes the filter (for live subscriptions).
    pub fn matches(&self, r: &AuditRow) -> bool {
        self.aggregate_type
            .is_none_or(|v| r.aggregate_type == v.as_str())
            && self
                .aggregate_id
                .as_ref()
                .is_none_or(|v| &r.aggregate_id == v)
            && self.event_type.as_ref().is_none_or(|v| &r.event_type == v)
            && self.actor.as_ref().is_none_or(|v| &r.actor == v)
            && self
                .correlation_id
                .as_ref()
                .is_none_or(|v| &r.correlation_id == v)
            && self.since_us.is_none_or(|t| r.recorded_us >= t)
            && self.until_us.is_none_or(|t| r.recorded_us <= t)
            && self
                .actor_contains
                .as_ref()
                .is_none_or(|v| r.actor.to_lowercase().contains(&v.to_lowercase()))
            && !self.exclude_event_types.contains(&r.event_type)
    }
}
