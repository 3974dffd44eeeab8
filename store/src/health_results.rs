//! Health-check results and run claims (`health_check_results`, `health_check_runs`): what
//! each run of a check observed, kept for a retention period, and which scheduler runs a
//! check next. Not events: a result is an observation, not a decision; the change of health
//! it may lead to is an event of the HealthCheck aggregate.

use crate::schedule::Schedule;
use crate::{on_pool, Db};
use sqlx::Row;

/// One stored run.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredResult {
    /// The check.
    pub check_id: String,
    /// When the run started, in microseconds since the epoch.
    pub at_us: i64,
    /// Whether every condition held.
    pub success: bool,
    /// How long the run took, in microseconds.
    pub duration_us: i64,
    /// HTTP status, when there was an answer.
    pub status: Option<i64>,
    /// The condition results as JSON (`[{condition, success, actual}]`).
    pub conditions: String,
    /// Why the run could not observe its target.
    pub error: Option<String>,
}

/// Runs and successes within a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Uptime {
    /// Runs in the window.
    pub runs: i64,
    /// Of them, successful.
    pub successes: i64,
}

/// The results store and the scheduler's claims, over the database of the event store.
#[derive(Clone, Debug)]
pub struct HealthResults {
    db: Db,
}

const COLUMNS: &str = "check_id, at_us, success, duration_us, status, conditions, error";

/// Decodes result rows inside an [`on_pool!`] body (compiled once per backend's row type).
macro_rules! decode_rows {
    ($rows:expr) => {
        $rows
            .iter()
            .map(|r| {
                Ok(StoredResult {
                    check_id: r.try_get("check_id")?,
                    at_us: r.try_get("at_us")?,
                    success: r.try_get::<i64, _>("success")? != 0,
                    duration_us: r.try_get("duration_us")?,
                    status: r.try_get("status")?,
                    conditions: r.try_get("conditions")?,
                    error: r.try_get("error")?,
                })
            })
            .collect()
    };
}

impl HealthResults {
    /// The store over `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Stores one run (a second run of the same check in the same microsecond is dropped).
    pub async fn insert(&self, r: &StoredResult) -> Result<(), sqlx::Error> {
        let sql = self.db.sql(
            "INSERT INTO health_check_results (check_id, at_us, success, duration_us, status, conditions, error) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (check_id, at_us) DO NOTHING",
        );
        on_pool!(self.db.writes(), p => {
            sqlx::query(&sql)
                .bind(&r.check_id)
                .bind(r.at_us)
                .bind(i64::from(r.success))
                .bind(r.duration_us)
                .bind(r.status)
                .bind(&r.conditions)
                .bind(&r.error)
                .execute(p)
                .await
                .map(|_| ())
        })
    }

    /// Up to `first` runs of a check, newest first, older than `before_us` when given.
    pub async fn latest(
        &self,
        check_id: &str,
        first: i64,
        before_us: Option<i64>,
    ) -> Result<Vec<StoredResult>, sqlx::Error> {
        let sql = self
            .db
            .sql(&format!(
                "SELECT {COLUMNS} FROM health_check_results WHERE check_id = $1 AND at_us < $2 \
             ORDER BY at_us DESC LIMIT $3"
            ))
            .into_owned();
        let before = before_us.unwrap_or(i64::MAX);
        // The writing pool: the scheduler reads the run it stored a moment ago.
        on_pool!(self.db.writes(), p => {
            let rows = sqlx::query(&sql)
                .bind(check_id)
                .bind(before)
                .bind(first)
                .fetch_all(p)
                .await?;
            decode_rows!(rows)
        })
    }

    /// Runs of a check newer than `after_us`, oldest first (for live delivery).
    pub async fn since(
        &self,
        check_id: &str,
        after_us: i64,
    ) -> Result<Vec<StoredResult>, sqlx::Error> {
        let sql = self
            .db
            .sql(&format!(
                "SELECT {COLUMNS} FROM health_check_results WHERE check_id = $1 AND at_us > $2 \
             ORDER BY at_us LIMIT 100"
            ))
            .into_owned();
        on_pool!(self.db.reads(), p => {
            let rows = sqlx::query(&sql).bind(check_id).bind(after_us).fetch_all(p).await?;
            decode_rows!(rows)
        })
    }

    /// Runs and successes of a check since `since_us`.
    pub async fn uptime(&self, check_id: &str, since_us: i64) -> Result<Uptime, sqlx::Error> {
        let sql = self.db.sql(
            "SELECT COUNT(*), CAST(COALESCE(SUM(success), 0) AS BIGINT) FROM health_check_results \
             WHERE check_id = $1 AND at_us >= $2",
        );
        on_pool!(self.db.reads(), p => {
            let row = sqlx::query(&sql).bind(check_id).bind(since_us).fetch_one(p).await?;
            Ok(Uptime {
                runs: row.try_get(0)?,
                successes: row.try_get(1)?,
            })
        })
    }

    /// Deletes runs older than `before_us`; how many.
    pub async fn prune(&self, before_us: i64) -> Result<u64, sqlx::Error> {
        let sql = self
            .db
            .sql("DELETE FROM health_check_results WHERE at_us < $1");
        on_pool!(self.db.writes(), p => {
            sqlx::query(&sql).bind(before_us).execute(p).await.map(|r| r.rows_affected())
        })
    }

    /// Claims check `check_id`'s run due at or before `now_us` for `runner`, moving its next
    /// run to `next_us`: true for exactly one of the schedulers that try.
    pub async fn claim(
        &self,
        check_id: &str,
        now_us: i64,
        next_us: i64,
        runner: &str,
    ) -> Result<bool, sqlx::Error> {
        const SCHEDULE: Schedule = Schedule {
            table: "health_check_runs",
            key: "check_id",
            next: "next_run_us",
        };
        SCHEDULE
            .claim(&self.db, check_id, now_us, next_us, runner)
            .await
    }

    /// The checks due at `now_us` (a scheduled run at or before it), with when each was due
    /// (0: made due by an operator, [`Self::due_now`]).
    pub async fn due(&self, now_us: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let sql = self.db.sql(
            "SELECT check_id, next_run_us FROM health_check_runs WHERE next_run_us <= $1 \
             ORDER BY next_run_us",
        );
        on_pool!(self.db.writes(), p => {
            sqlx::query_as::<_, (String, i64)>(&sql).bind(now_us).fetch_all(p).await
        })
    }

    /// Every check that has a scheduled run (the others have never been claimed).
    pub async fn scheduled(&self) -> Result<Vec<String>, sqlx::Error> {
        on_pool!(self.db.writes(), p => {
            sqlx::query_scalar::<_, String>("SELECT check_id FROM health_check_runs")
                .fetch_all(p)
                .await
        })
    }

    /// Makes check `check_id` due now (it is new, an operator asked for a run, or its
    /// interval changed): the schedulers read the checks again and run it on their next tick.
    pub async fn due_now(&self, check_id: &str) -> Result<(), sqlx::Error> {
        // A new check has no run row yet: this makes one, due now, that any scheduler claims.
        let sql = self.db.sql(
            "INSERT INTO health_check_runs (check_id, next_run_us, runner) VALUES ($1, 0, '') \
             ON CONFLICT (check_id) DO UPDATE SET next_run_us = 0",
        );
        on_pool!(self.db.writes(), p => {
            sqlx::query(&sql).bind(check_id).execute(p).await.map(|_| ())
        })
    }
}
