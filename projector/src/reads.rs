//! Queries over the read models, used by the API. Lists are ordered by creation (ordinal)
//! and paged with a cursor on it; each read model's filter lives in its module. Every method
//! picks its backend's own driver once, at the top ([`on_backend!`]).

use crate::backend::{on_backend, Backend, Bind, Columns};
use crate::checkpoint::{self, Checkpoint};
use crate::counts;
use crate::models::audit::{AuditLog, AuditRow, EventFilter};
use crate::models::jobs::{JobRow, Jobs};
use crate::models::Listed;
use crate::page::{self, Page, Slice};
use command::store::lag::Backlog;
use command::{Db, EventStore};

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
        on_backend!(self.db.reads(), p, B => {
            let mut conn = p.acquire().await?;
            page::by_id::<T, B>(&self.db, &mut conn, id).await
        })
    }

    /// A page of `T`: `limit` rows of `slice` under `filter`, with the total when asked.
    pub async fn list<T: Listed>(
        &self,
        filter: &T::Filter,
        slice: Slice,
        limit: i64,
        total: bool,
    ) -> Result<Page<T::Row>, sqlx::Error> {
        on_backend!(self.db.reads(), p, B => {
            let mut conn = p.acquire().await?;
            page::page::<T, B>(&self.db, &mut conn, filter, slice, limit, total).await
        })
    }

    /// One job.
    pub async fn job(&self, id: &str) -> Result<Option<JobRow>, sqlx::Error> {
        self.get::<Jobs>(id).await
    }

    /// A page of the audit log in global order, after an ordinal.
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
        self.list::<AuditLog>(f, slice, limit, total).await
    }

    /// True once the read models include the event at global `position`.
    pub async fn includes_position(&self, position: i64) -> Result<bool, sqlx::Error> {
        let sql = self
            .db
            .sql("SELECT 1 AS one FROM audit_log WHERE global_position = $1");
        on_backend!(self.db.reads(), p, B => {
            let mut conn = p.acquire().await?;
            let q = B::query(&sql).int(position);
            Ok(B::fetch_optional(&mut conn, q).await?.is_some())
        })
    }

    /// The projector's checkpoint.
    pub async fn checkpoint(&self) -> Result<Checkpoint, sqlx::Error> {
        on_backend!(self.db.reads(), p, B => {
            let mut conn = p.acquire().await?;
            checkpoint::load::<B>(&self.db, &mut conn).await
        })
    }

    /// How many rows of `table` are in each of `statuses`, in that order, from the counts
    /// the projector keeps (one indexed lookup, no `COUNT(*)`); 0 for a status no row has had.
    pub async fn kept_status_counts<'s>(
        &self,
        table: &str,
        statuses: &[&'s str],
    ) -> Result<Vec<(&'s str, i64)>, sqlx::Error> {
        let keys: Vec<String> = statuses
            .iter()
            .map(|s| counts::key(table, Some(s)))
            .collect();
        let sql = self
            .db
            .sql(&format!(
                "SELECT name, n FROM {} WHERE name IN ({})",
                counts::TABLE,
                (1..=keys.len())
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into_owned();
        let kept: Vec<(String, i64)> = on_backend!(self.db.reads(), p, B => {
            let mut conn = p.acquire().await?;
            let q = keys.iter().fold(B::query(&sql), |q, k| q.text(k));
            let rows = B::fetch_all(&mut conn, q).await?;
            rows.iter()
                .map(|r| Ok((r.text("name")?, r.int("n")?)))
                .collect::<Result<_, sqlx::Error>>()
        })?;
        Ok(statuses
            .iter()
            .zip(&keys)
            .map(|(s, k)| {
                (
                    *s,
                    kept.iter()
                        .find(|(name, _)| name == k)
                        .map_or(0, |(_, n)| *n),
                )
            })
            .collect())
    }

    /// How far the read models are behind the event store: the committed events after the
    /// checkpoint. (In distributed mode, where the projector applies each partition's events
    /// as they come, the checkpoint is the furthest event applied, so events of a partition
    /// that fell behind the others are not counted; the consumer group's lag counts those.)
    pub async fn backlog(&self) -> Result<Backlog, sqlx::Error> {
        let cp = self.checkpoint().await?;
        EventStore::new(self.db.clone()).backlog(cp.cursor).await
    }

    /// Row counts grouped by status, for the table of a read model (see
    /// [`crate::models::tables`]).
    pub async fn count_by_status(&self, table: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let sql =
            format!("SELECT status, COUNT(*) AS n FROM {table} GROUP BY status ORDER BY status");
        on_backend!(self.db.reads(), p, B => {
            let mut conn = p.acquire().await?;
            let rows = B::fetch_all(&mut conn, B::query(&sql)).await?;
            rows.iter()
                .map(|r| Ok((r.text("status")?, r.int("n")?)))
                .collect()
        })
    }

    /// Every read-model row as `table: JSON` lines, for comparing two builds: every read
    /// model, the audit log, the kept counts and the checkpoint (a row that cannot be serialised fails it).
    pub async fn dump(&self) -> Result<Vec<String>, crate::ProjectorError> {
        on_backend!(self.db.reads(), p, B => {
            let mut conn = p.acquire().await?;
            crate::dump::dump::<B>(&mut conn).await
        })
    }
}

#[async_trait::async_trait]
impl command::worker::JobFeed for ReadModels {
    async fn runnable(
        &self,
        now_us: i64,
        limit: i64,
    ) -> Result<Vec<schema::JobId>, command::worker::JobFeedError> {
        let ids = async {
            on_backend!(self.db.reads(), p, B => {
                let mut conn = p.acquire().await?;
                runnable::<B>(&self.db, &mut conn, now_us, limit).await
            })
        };
        ids.await
            .map_err(|e: sqlx::Error| command::worker::JobFeedError(Box::new(e)))
    }
}

/// Jobs a worker may take now: queued and due, or running with an expired lease.
async fn runnable<DB: Backend>(
    db: &Db,
    conn: &mut DB::Conn,
    now_us: i64,
    limit: i64,
) -> Result<Vec<schema::JobId>, sqlx::Error> {
    let sql = db.sql(
        "SELECT id FROM jobs WHERE (status = 'QUEUED' AND (not_before_us IS NULL OR not_before_us <= $1)) \
         OR (status = 'RUNNING' AND lease_expires_us IS NOT NULL AND lease_expires_us <= $2) \
         ORDER BY ordinal LIMIT $3",
    );
    let q = DB::query(&sql).int(now_us).int(now_us).int(limit);
    let rows = DB::fetch_all(conn, q).await?;
    rows.iter()
        .map(|r| crate::codec::typed(r, "id", |t| t.parse().ok()))
        .collect()
}

#[async_trait::async_trait]
impl command::health::CheckFeed for ReadModels {
    async fn active_checks(
        &self,
    ) -> Result<Vec<command::health::ActiveCheck>, command::health::CheckFeedError> {
        let checks = async {
            on_backend!(self.db.reads(), p, B => {
                let mut conn = p.acquire().await?;
                let sql = "SELECT id, spec, health FROM health_checks \
                           WHERE status = 'ACTIVE' AND enabled = 1 ORDER BY ordinal";
                let rows = B::fetch_all(&mut conn, B::query(sql)).await?;
                rows.iter()
                    .map(|r| {
                        Ok(command::health::ActiveCheck {
                            id: crate::codec::typed(r, "id", |t| t.parse().ok())?,
                            spec: crate::codec::json(r, "spec")?,
                            health: crate::codec::typed(r, "health", schema::values::HealthState::parse)?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            })
        };
        checks
            .await
            .map_err(|e: sqlx::Error| command::health::CheckFeedError(Box::new(e)))
    }
}

#[async_trait::async_trait]
impl command::telemetry::Fleet for ReadModels {
    async fn fleet(&self) -> Result<command::telemetry::FleetView, command::telemetry::FleetError> {
        use crate::codec::{json_opt, typed, typed_opt};
        use command::telemetry::{FleetCluster, FleetDroplet, FleetView};
        let view = async {
            on_backend!(self.db.reads(), p, B => {
                let mut conn = p.acquire().await?;
                let sql = "SELECT id, cluster_id, size, created_us, load FROM droplets \
                           WHERE status = 'RUNNING' ORDER BY ordinal";
                let rows = B::fetch_all(&mut conn, B::query(sql)).await?;
                let droplets = rows
                    .iter()
                    .map(|r| {
                        Ok(FleetDroplet {
                            id: typed(r, "id", |t| t.parse().ok())?,
                            cluster_id: typed_opt(r, "cluster_id", |t| t.parse().ok())?,
                            size: r.text("size")?,
                            created_us: r.int("created_us")?,
                            load: json_opt(r, "load")?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()?;
                let sql = "SELECT id, name, load FROM clusters WHERE status = 'ACTIVE' ORDER BY ordinal";
                let rows = B::fetch_all(&mut conn, B::query(sql)).await?;
                let clusters = rows
                    .iter()
                    .map(|r| {
                        Ok(FleetCluster {
                            id: typed(r, "id", |t| t.parse().ok())?,
                            name: r.text("name")?,
                            load: json_opt(r, "load")?,
                        })
                    })
                    .collect::<Result<Vec<_>, sqlx::Error>>()?;
                Ok::<_, sqlx::Error>(FleetView { droplets, clusters })
            })
        };
        view.await
            .map_err(|e| command::telemetry::FleetError(Box::new(e)))
    }
}

impl ReadModels {
    /// Every active check's id, name and health (for `/metrics`: one gauge per check).
    pub async fn health_states(&self) -> Result<Vec<(String, String, String)>, sqlx::Error> {
        on_backend!(self.db.reads(), p, B => {
            let mut conn = p.acquire().await?;
            let sql = "SELECT id, name, health FROM health_checks WHERE status = 'ACTIVE' ORDER BY ordinal";
            let rows = B::fetch_all(&mut conn, B::query(sql)).await?;
            rows.iter()
                .map(|r| Ok((r.text("id")?, r.text("name")?, r.text("health")?)))
                .collect()
        })
    }
}
