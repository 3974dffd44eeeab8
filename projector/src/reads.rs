//! Queries over the read models, used by the API. Lists are ordered by creation (ordinal)
//! and paged with a cursor on it; each read model's filter lives in its module.

use crate::backend::{AnyBackend, Backend, Bind, Columns};
use crate::checkpoint::{self, Checkpoint};
use crate::models::audit::{AuditLog, AuditRow, EventFilter};
use crate::models::clusters::{ClusterFilter, ClusterRow, Clusters};
use crate::models::droplets::{DropletFilter, DropletRow, Droplets};
use crate::models::jobs::{JobFilter, JobRow, Jobs};
use crate::models::Listed;
use crate::page::{self, Page, Slice};
use command::Db;

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

    /// The row of `T` with this id.
    pub async fn get<T: Listed>(&self, id: &str) -> Result<Option<T::Row>, sqlx::Error> {
        let mut conn = self.db.reader.acquire().await?;
        page::by_id::<T, AnyBackend>(&self.db, &mut conn, id).await
    }

    /// A page of `T`: `limit` rows of `slice` under `filter`, with the total when asked.
    pub async fn list<T: Listed>(
        &self,
        filter: &T::Filter,
        slice: Slice,
        limit: i64,
        total: bool,
    ) -> Result<Page<T::Row>, sqlx::Error> {
        let mut conn = self.db.reader.acquire().await?;
        page::page::<T, AnyBackend>(&self.db, &mut conn, filter, slice, limit, total).await
    }

    /// One cluster.
    pub async fn cluster(&self, id: &str) -> Result<Option<ClusterRow>, sqlx::Error> {
        self.get::<Clusters>(id).await
    }

    /// A page of clusters.
    pub async fn clusters(
        &self,
        f: &ClusterFilter,
        after: Option<i64>,
        limit: i64,
        total: bool,
    ) -> Result<Page<ClusterRow>, sqlx::Error> {
        self.list::<Clusters>(f, Slice::After(after), limit, total)
            .await
    }

    /// One droplet.
    pub async fn droplet(&self, id: &str) -> Result<Option<DropletRow>, sqlx::Error> {
        self.get::<Droplets>(id).await
    }

    /// A page of droplets.
    pub async fn droplets(
        &self,
        f: &DropletFilter,
        after: Option<i64>,
        limit: i64,
        total: bool,
    ) -> Result<Page<DropletRow>, sqlx::Error> {
        self.list::<Droplets>(f, Slice::After(after), limit, total)
            .await
    }

    /// One job.
    pub async fn job(&self, id: &str) -> Result<Option<JobRow>, sqlx::Error> {
        self.get::<Jobs>(id).await
    }

    /// A page of jobs.
    pub async fn jobs(
        &self,
        f: &JobFilter,
        after: Option<i64>,
        limit: i64,
        total: bool,
    ) -> Result<Page<JobRow>, sqlx::Error> {
        self.list::<Jobs>(f, Slice::After(after), limit, total)
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
        self.list::<AuditLog>(f, Slice::After(after), limit, total)
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
        self.list::<AuditLog>(f, slice, limit, total).await
    }

    /// True once the read models include the event at global `position`.
    pub async fn includes_position(&self, position: i64) -> Result<bool, sqlx::Error> {
        let mut conn = self.db.reader.acquire().await?;
        let sql = self
            .db
            .sql("SELECT 1 AS one FROM audit_log WHERE global_position = $1");
        let q = AnyBackend::query(&sql).int(position);
        Ok(AnyBackend::fetch_optional(&mut conn, q).await?.is_some())
    }

    /// The projector's checkpoint.
    pub async fn checkpoint(&self) -> Result<Checkpoint, sqlx::Error> {
        let mut conn = self.db.reader.acquire().await?;
        checkpoint::load::<AnyBackend>(&self.db, &mut conn).await
    }

    /// Row counts grouped by status, for the table of a read model (see
    /// [`crate::models::tables`]).
    pub async fn count_by_status(&self, table: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let mut conn = self.db.reader.acquire().await?;
        let sql =
            format!("SELECT status, COUNT(*) AS n FROM {table} GROUP BY status ORDER BY status");
        let rows = AnyBackend::fetch_all(&mut conn, AnyBackend::query(&sql)).await?;
        rows.iter()
            .map(|r| Ok((r.text("status")?, r.int("n")?)))
            .collect()
    }

    /// Every read-model row as `table: JSON` lines, for comparing two builds: every read
    /// model, the audit log, the kept counts and the checkpoint (a row that cannot be serialised fails it).
    pub async fn dump(&self) -> Result<Vec<String>, crate::ProjectorError> {
        let mut conn = self.db.reader.acquire().await?;
        crate::dump::dump::<AnyBackend>(&mut conn).await
    }
}

#[async_trait::async_trait]
impl command::worker::JobFeed for ReadModels {
    async fn runnable(&self, now_us: i64, limit: i64) -> Result<Vec<String>, String> {
        let ids = async {
            let mut conn = self.db.reader.acquire().await?;
            runnable::<AnyBackend>(&self.db, &mut conn, now_us, limit).await
        };
        ids.await.map_err(|e: sqlx::Error| e.to_string())
    }
}

/// Jobs a worker may take now: queued and due, or running with an expired lease.
async fn runnable<DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    now_us: i64,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let sql = db.sql(
        "SELECT id FROM jobs WHERE (status = 'QUEUED' AND (not_before_us IS NULL OR not_before_us <= $1)) \
         OR (status = 'RUNNING' AND lease_expires_us IS NOT NULL AND lease_expires_us <= $2) \
         ORDER BY ordinal LIMIT $3",
    );
    let q = DB::query(&sql).int(now_us).int(now_us).int(limit);
    let rows = DB::fetch_all(conn, q).await?;
    rows.iter().map(|r| r.text("id")).collect()
}
