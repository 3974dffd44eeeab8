//! The metrics store (`metric_samples`, its one-minute and one-hour rollups, the newest value
//! of each cluster series and the simulator's tick claim): time series, not events. Samples
//! are written in batches; a chart reads the resolution that fits its range, so a week reads
//! 168 hourly rows per series however long the history.

use crate::schedule::Schedule;
use crate::{on_pool, Db};
use sqlx::Row;

/// One sample of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// `droplet:<id>`, `cluster:<id>:<AGGREGATE>` or `cluster:<id>`.
    pub series: String,
    /// The metric's stable name (`CPU`, …).
    pub metric: &'static str,
    /// When, in microseconds since the epoch.
    pub at_us: i64,
    /// The value, in the metric's unit.
    pub value: f64,
}

/// One point of a read series: a bucket's start, its samples' count and their mean, least
/// and greatest value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bucket {
    pub t_us: i64,
    /// Samples in it.
    pub n: i64,
    pub mean: f64,
    pub least: f64,
    pub greatest: f64,
}

/// The newest value of a cluster series, with the label `/metrics` shows (the cluster's name).
#[derive(Debug, Clone, PartialEq)]
pub struct Latest {
    pub series: String,
    pub metric: String,
    pub label: String,
    pub value: f64,
}

/// A rollup level.
#[derive(Debug, Clone, Copy)]
enum Level {
    Minute,
    Hour,
}

impl Level {
    fn unit(self) -> i64 {
        match self {
            Level::Minute => MINUTE_US,
            Level::Hour => HOUR_US,
        }
    }
    fn mark(self) -> &'static str {
        match self {
            Level::Minute => "1m",
            Level::Hour => "1h",
        }
    }
}

/// A table's rows combined into buckets: what to select from it.
struct Source {
    from: &'static str,
    time: &'static str,
    n: &'static str,
    mean: &'static str,
    least: &'static str,
    greatest: &'static str,
}

impl Source {
    fn of(table: Table) -> Self {
        // Rollups combine as a mean weighted by their counts.
        let rollup = |from| Source {
            from,
            time: "bucket_us",
            n: "CAST(SUM(n) AS BIGINT)",
            mean: "SUM(mean * n) / CAST(SUM(n) AS DOUBLE PRECISION)",
            least: "MIN(least)",
            greatest: "MAX(greatest)",
        };
        match table {
            Table::Raw => Source {
                from: "metric_samples",
                time: "at_us",
                n: "COUNT(*)",
                mean: "AVG(value)",
                least: "MIN(value)",
                greatest: "MAX(value)",
            },
            Table::Minute => rollup("metric_rollups_1m"),
            Table::Hour => rollup("metric_rollups_1h"),
        }
    }
}

/// Which table a read uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    Raw,
    Minute,
    Hour,
}

const MINUTE_US: i64 = 60_000_000;
const HOUR_US: i64 = 3_600_000_000;
/// Most rows [`MetricsStore::since`] returns at once.
pub const SINCE_LIMIT: usize = 700;
/// Rows per INSERT statement (4 parameters each; well under both backends' limits).
const ROWS_PER_STATEMENT: usize = 500;

/// The metrics store over the database of the event store.
#[derive(Clone, Debug)]
pub struct MetricsStore {
    db: Db,
}

impl MetricsStore {
    /// The store over `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Writes samples in multi-row statements inside one transaction; a sample already
    /// stored (same series, metric and time) is kept as it was.
    pub async fn write(&self, samples: &[Sample]) -> Result<(), sqlx::Error> {
        if samples.is_empty() {
            return Ok(());
        }
        on_pool!(self.db.writes(), p => {
            let mut tx = p.begin().await?;
            for chunk in samples.chunks(ROWS_PER_STATEMENT) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO metric_samples (series, metric, at_us, value) ",
                );
                qb.push_values(chunk, |mut b, s| {
                    b.push_bind(&s.series)
                        .push_bind(s.metric)
                        .push_bind(s.at_us)
                        .push_bind(s.value);
                });
                qb.push(" ON CONFLICT (series, metric, at_us) DO NOTHING");
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await
        })
    }

    /// Replaces the newest values of the cluster series with `latest` (taken at `at_us`):
    /// clusters not in it stop appearing in `/metrics`.
    pub async fn set_latest(&self, at_us: i64, latest: &[Latest]) -> Result<(), sqlx::Error> {
        on_pool!(self.db.writes(), p => {
            let mut tx = p.begin().await?;
            for chunk in latest.chunks(ROWS_PER_STATEMENT) {
                let mut qb = sqlx::QueryBuilder::new(
                    "INSERT INTO metric_latest (series, metric, label, at_us, value) ",
                );
                qb.push_values(chunk, |mut b, l| {
                    b.push_bind(&l.series)
                        .push_bind(&l.metric)
                        .push_bind(&l.label)
                        .push_bind(at_us)
                        .push_bind(l.value);
                });
                qb.push(
                    " ON CONFLICT (series, metric) DO UPDATE SET label = excluded.label, \
                     at_us = excluded.at_us, value = excluded.value",
                );
                qb.build().execute(&mut *tx).await?;
            }
            let sql = self.db.sql("DELETE FROM metric_latest WHERE at_us < $1");
            sqlx::query(&sql).bind(at_us).execute(&mut *tx).await?;
            tx.commit().await
        })
    }

    /// The newest value of every cluster series.
    pub async fn latest(&self) -> Result<Vec<Latest>, sqlx::Error> {
        on_pool!(self.db.reads(), p => {
            let rows = sqlx::query(
                "SELECT series, metric, label, value FROM metric_latest ORDER BY label, series, metric",
            )
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(Latest {
                        series: r.try_get("series")?,
                        metric: r.try_get("metric")?,
                        label: r.try_get("label")?,
                        value: r.try_get("value")?,
                    })
                })
                .collect()
        })
    }

    /// A series between `from_us` (inclusive) and `to_us` (exclusive) in buckets of
    /// `step_us` starting on multiples of it, read from `table`, oldest first. What `table`
    /// has not rolled up yet (the current hour, the current minute) is read from the finer
    /// tables, so a chart reaches the present at any resolution.
    pub async fn read(
        &self,
        table: Table,
        series: &str,
        metric: &str,
        from_us: i64,
        to_us: i64,
        step_us: i64,
    ) -> Result<Vec<Bucket>, sqlx::Error> {
        // The tables to read, coarsest first, each up to where the next finer one takes over.
        let minute_mark = match table {
            Table::Raw => None,
            _ => Some(self.mark("1m", false).await?.unwrap_or(i64::MIN)),
        };
        let hour_mark = match table {
            Table::Hour => Some(self.mark("1h", false).await?.unwrap_or(i64::MIN)),
            _ => None,
        };
        let mut parts = Vec::new();
        if let Some(hour) = hour_mark {
            parts.push((Table::Hour, from_us, hour.min(to_us)));
        }
        if let Some(minute) = minute_mark {
            let start = hour_mark.map_or(from_us, |h| h.max(from_us));
            parts.push((Table::Minute, start, minute.min(to_us)));
        }
        let raw_from = minute_mark.map_or(from_us, |m| m.max(from_us));
        parts.push((Table::Raw, raw_from, to_us));

        let mut merged: Vec<Bucket> = Vec::new();
        for (part, lo, hi) in parts {
            if lo >= hi {
                continue;
            }
            for b in self.read_one(part, series, metric, lo, hi, step_us).await? {
                match merged.last_mut() {
                    // A bucket split by a mark: combine its halves.
                    Some(last) if last.t_us == b.t_us => {
                        let n = last.n + b.n;
                        last.mean = (last.mean * last.n as f64 + b.mean * b.n as f64) / n as f64;
                        last.least = last.least.min(b.least);
                        last.greatest = last.greatest.max(b.greatest);
                        last.n = n;
                    }
                    _ => merged.push(b),
                }
            }
        }
        Ok(merged)
    }

    async fn read_one(
        &self,
        table: Table,
        series: &str,
        metric: &str,
        from_us: i64,
        to_us: i64,
        step_us: i64,
    ) -> Result<Vec<Bucket>, sqlx::Error> {
        let Source {
            from,
            time,
            n,
            mean,
            least,
            greatest,
        } = Source::of(table);
        let sql = self
            .db
            .sql(&format!(
                "SELECT ({time} / $1) * $1 AS t, {n} AS n, {mean} AS mean, {least} AS least, \
                 {greatest} AS greatest FROM {from} \
                 WHERE series = $2 AND metric = $3 AND {time} >= $4 AND {time} < $5 \
                 GROUP BY 1 ORDER BY 1"
            ))
            .into_owned();
        on_pool!(self.db.reads(), p => {
            let rows = sqlx::query(&sql)
                .bind(step_us)
                .bind(series)
                .bind(metric)
                .bind(from_us)
                .bind(to_us)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(Bucket {
                        t_us: r.try_get("t")?,
                        n: r.try_get("n")?,
                        mean: r.try_get("mean")?,
                        least: r.try_get("least")?,
                        greatest: r.try_get("greatest")?,
                    })
                })
                .collect()
        })
    }

    /// Raw samples of `series` newer than `after_us`, oldest first, at most [`SINCE_LIMIT`],
    /// as `(at_us, metric, value)` (for live delivery).
    pub async fn since(
        &self,
        series: &str,
        after_us: i64,
    ) -> Result<Vec<(i64, String, f64)>, sqlx::Error> {
        let sql = self.db.sql(
            "SELECT at_us, metric, value FROM metric_samples WHERE series = $1 AND at_us > $2 \
             ORDER BY at_us, metric LIMIT $3",
        );
        on_pool!(self.db.reads(), p => {
            let rows = sqlx::query(&sql)
                .bind(series)
                .bind(after_us)
                .bind(SINCE_LIMIT as i64)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                .collect()
        })
    }

    /// The newest raw sample of `series` for `metric`, as `(at_us, value)`.
    pub async fn latest_of(
        &self,
        series: &str,
        metric: &str,
    ) -> Result<Option<(i64, f64)>, sqlx::Error> {
        let sql = self.db.sql(
            "SELECT at_us, value FROM metric_samples WHERE series = $1 AND metric = $2 \
             ORDER BY at_us DESC LIMIT 1",
        );
        on_pool!(self.db.reads(), p => {
            sqlx::query_as::<_, (i64, f64)>(&sql)
                .bind(series)
                .bind(metric)
                .fetch_optional(p)
                .await
        })
    }

    /// Rolls samples before `now_us` up: whole minutes not rolled up yet into
    /// `metric_rollups_1m`, then whole hours into `metric_rollups_1h`, moving the marks.
    /// Idempotent (a bucket rolled again is replaced); returns the rows written.
    pub async fn roll_up(&self, now_us: i64) -> Result<u64, sqlx::Error> {
        let mut written = 0;
        for level in [Level::Minute, Level::Hour] {
            let unit = level.unit();
            let until = now_us.div_euclid(unit) * unit;
            // A new store starts a day back (more raw data than that is not kept anyway).
            let from = self
                .mark(level.mark(), true)
                .await?
                .unwrap_or(until - 24 * HOUR_US);
            if from < until {
                written += self.roll(level, from, until, true).await?;
            }
        }
        Ok(written)
    }

    /// Rolls up the whole minutes and hours between `from_us` and `until_us` again, leaving
    /// the marks alone (for samples written into the past, e.g. an import).
    pub async fn roll_up_between(&self, from_us: i64, until_us: i64) -> Result<u64, sqlx::Error> {
        let mut written = 0;
        for level in [Level::Minute, Level::Hour] {
            let unit = level.unit();
            let (from, until) = (
                from_us.div_euclid(unit) * unit,
                until_us.div_euclid(unit) * unit,
            );
            if from < until {
                written += self.roll(level, from, until, false).await?;
            }
        }
        Ok(written)
    }

    /// Rolls `[from, until)` into `level`'s table, in one transaction with its mark when
    /// `advance`.
    async fn roll(
        &self,
        level: Level,
        from: i64,
        until: i64,
        advance: bool,
    ) -> Result<u64, sqlx::Error> {
        let (source, target) = match level {
            Level::Minute => (Table::Raw, "metric_rollups_1m"),
            Level::Hour => (Table::Minute, "metric_rollups_1h"),
        };
        let Source {
            from: source,
            time,
            n,
            mean,
            least,
            greatest,
        } = Source::of(source);
        let sql = self
            .db
            .sql(&format!(
                "INSERT INTO {target} (series, metric, bucket_us, n, mean, least, greatest) \
                 SELECT series, metric, ({time} / $1) * $1, {n}, {mean}, {least}, {greatest} \
                 FROM {source} WHERE {time} >= $2 AND {time} < $3 \
                 GROUP BY series, metric, 3 \
                 ON CONFLICT (series, metric, bucket_us) DO UPDATE SET n = excluded.n, \
                 mean = excluded.mean, least = excluded.least, greatest = excluded.greatest"
            ))
            .into_owned();
        let upsert_mark = self.db.sql(
            "INSERT INTO metric_rollup_marks (resolution, done_until_us) VALUES ($1, $2) \
             ON CONFLICT (resolution) DO UPDATE SET done_until_us = excluded.done_until_us",
        );
        on_pool!(self.db.writes(), p => {
            let mut tx = p.begin().await?;
            let rows = sqlx::query(&sql)
                .bind(level.unit())
                .bind(from)
                .bind(until)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if advance {
                sqlx::query(&upsert_mark).bind(level.mark()).bind(until).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(rows)
        })
    }

    /// Where `resolution`'s rollup has got to (read on the writing pool when `writing`).
    async fn mark(&self, resolution: &str, writing: bool) -> Result<Option<i64>, sqlx::Error> {
        let sql = self
            .db
            .sql("SELECT done_until_us FROM metric_rollup_marks WHERE resolution = $1");
        let pool = if writing {
            self.db.writes()
        } else {
            self.db.reads()
        };
        on_pool!(pool, p => {
            sqlx::query_scalar::<_, i64>(&sql).bind(resolution).fetch_optional(p).await
        })
    }

    /// Deletes raw samples older than `raw_before_us` and rollups older than
    /// `rollups_before_us`; how many rows.
    pub async fn prune(
        &self,
        raw_before_us: i64,
        rollups_before_us: i64,
    ) -> Result<u64, sqlx::Error> {
        let mut deleted = 0;
        for (table, time, before) in [
            ("metric_samples", "at_us", raw_before_us),
            ("metric_rollups_1m", "bucket_us", rollups_before_us),
            ("metric_rollups_1h", "bucket_us", rollups_before_us),
        ] {
            let sql = self
                .db
                .sql(&format!("DELETE FROM {table} WHERE {time} < $1"))
                .into_owned();
            deleted += on_pool!(self.db.writes(), p => {
                sqlx::query(&sql).bind(before).execute(p).await?.rows_affected()
            });
        }
        Ok(deleted)
    }

    /// Claims the tick at `tick_us` for `runner`, moving the next one to `next_us`: true for
    /// exactly one of the simulators that try.
    pub async fn claim_tick(
        &self,
        tick_us: i64,
        next_us: i64,
        runner: &str,
    ) -> Result<bool, sqlx::Error> {
        const SCHEDULE: Schedule = Schedule {
            table: "metric_ticks",
            key: "name",
            next: "next_tick_us",
        };
        SCHEDULE
            .claim(&self.db, "simulator", tick_us, next_us, runner)
            .await
    }
}
