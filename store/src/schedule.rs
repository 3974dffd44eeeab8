//! Due-time claims: many processes run the same schedule (health checks, the metrics
//! simulator's ticks, the autoscaler's evaluations); each due run is taken by exactly one.

use crate::{on_pool, Db};

/// Where a schedule keeps its rows: the table, its key column and its next-due column (a
/// row per key, with a `runner` column naming who took the last run).
pub(crate) struct Schedule {
    pub table: &'static str,
    pub key: &'static str,
    pub next: &'static str,
}

impl Schedule {
    /// Takes the run of `key` due at or before `now_us` for `runner` and moves the next
    /// one to `next_us`: true for exactly one of the processes that try (and for the
    /// first run of a key never claimed).
    pub(crate) async fn claim(
        &self,
        db: &Db,
        key: &str,
        now_us: i64,
        next_us: i64,
        runner: &str,
    ) -> Result<bool, sqlx::Error> {
        let Self {
            table,
            key: k,
            next,
        } = self;
        let sql = format!(
            "INSERT INTO {table} ({k}, {next}, runner) VALUES ($1, $2, $3) \
             ON CONFLICT ({k}) DO UPDATE SET {next} = excluded.{next}, runner = excluded.runner \
             WHERE {table}.{next} <= $4"
        );
        let sql = db.sql(&sql);
        on_pool!(db.writes(), p => {
            sqlx::query(&sql)
                .bind(key)
                .bind(next_us)
                .bind(runner)
                .bind(now_us)
                .execute(p)
                .await
                .map(|r| r.rows_affected() == 1)
        })
    }
}
