//! Search latency over a full activity log on Postgres: the table filled by one
//! `INSERT … SELECT … FROM generate_series` (72 hours ending now, in time order as the writer
//! stores them, 7 services, ~1 % error, 4 % warn, 80 % info, the rest debug; a fifth of the
//! records name one or two resources), `ANALYZE`d, then `ActivityLog::search` for a first page
//! of 50, newest first.

use super::LogsPlan;
use hdrhistogram::Histogram;
use schema::logs::{LogLevel, LogQuery, SERVICES};
use serde::Serialize;
use std::time::Instant;
use store::activity_log::ActivityLog;

/// The page every search asks for.
const PAGE: i64 = 50;
/// Hours of records in the table (the default retention).
const HOURS: i64 = 72;
const HOUR_US: i64 = 3_600_000_000;
/// Stored records per resource id (so the resource lookup reads the same number at every
/// size: a larger log is a larger fleet).
const RECORDS_PER_RESOURCE: i64 = 1_000;
/// The text of the text search: in a tenth of the warnings, 0.4 % of all records.
const RARE_TEXT: &str = "connection reset";
/// Searches run, unmeasured, before each measured series (the first reads of freshly
/// inserted pages set their hint bits).
const WARMUP: usize = 5;

/// One search's latency at one size.
#[derive(Debug, Clone, Serialize)]
pub struct SearchLatency {
    pub search: String,
    /// Records a search returned, on average.
    pub mean_rows: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
}

/// One table size: how it was filled, how large it is, and the searches over it.
#[derive(Debug, Clone, Serialize)]
pub struct SearchSize {
    pub records: i64,
    /// Rows of `log_resources`.
    pub resource_links: i64,
    /// Seconds of the `log_records` INSERT, and of the `log_resources` one.
    pub fill_records_s: f64,
    pub fill_resources_s: f64,
    pub analyze_s: f64,
    /// `pg_total_relation_size` (table, its indexes and TOAST).
    pub records_bytes: i64,
    pub resources_bytes: i64,
    pub searches: Vec<SearchLatency>,
}

/// The records' INSERT: `$1` the first record's time, `$2` µs between records, `$3` records,
/// `$4` resource ids. Everything is a function of the series number (hashint8extended, its sign
/// bit cleared), so two runs fill the same table.
const FILL_RECORDS: &str = r#"
INSERT INTO log_records (at_us, level, service, instance, target, message, fields,
    resource_ids, correlation_id, trace_id)
SELECT
    $1::bigint + floor(g * $2::float8)::bigint - h1 % 1000000,
    level,
    service,
    'bench-' || (h2 % 3) || ':' || (4000 + h2 % 3),
    'clustergenie::roles::' || service,
    CASE level
        WHEN 5 THEN 'job ' || (h3 % 100000) || ' failed: provisioning droplet web-' || (h3 % 977)
            || ' in nyc1 timed out after 30 s (attempt 3)'
        WHEN 4 THEN CASE WHEN h2 % 10 = 0
            THEN 'health check api-' || (h3 % 500) || ' failed: connection reset by peer after '
                || (h1 % 900 + 100) || ' ms, retrying'
            ELSE 'health check api-' || (h3 % 500) || ' is slow: ' || (h1 % 900 + 1000)
                || ' ms against a 1000 ms budget, connection kept' END
        WHEN 3 THEN 'mutation createDroplet ok: droplet web-' || (h3 % 977)
            || ' in nyc1, size s-1vcpu-1gb, ' || (h1 % 90 + 10) || ' ms, page 1'
        ELSE 'projector applied event ' || g || ' of droplet web-' || (h3 % 977)
            || ' at position ' || g || ' in ' || (h1 % 900) || ' us'
    END,
    format('{"operation":"%s","root_fields":"%s","elapsed_ms":%s,"attempt":%s,"region":"nyc1"}',
        CASE WHEN level = 2 THEN 'event' ELSE 'mutation' END,
        CASE WHEN level = 2 THEN 'projector' ELSE 'createDroplet' END,
        round((h1 % 900) / 10.0, 1), 1 + h2 % 3),
    CASE WHEN h4 % 10 = 0 THEN r1 || ' ' || r2 WHEN h4 % 10 = 1 THEN r1 ELSE '' END,
    CASE WHEN h5 % 10 < 7 THEN md5('c' || g)::uuid::text END,
    CASE WHEN h5 % 2 = 0 THEN md5('t' || g) END
FROM (
    SELECT g, h1, h2, h3, h4, h5,
        CASE WHEN h0 % 100 < 1 THEN 5 WHEN h0 % 100 < 5 THEN 4 WHEN h0 % 100 < 85 THEN 3 ELSE 2 END
            AS level,
        (ARRAY['api', 'worker', 'projector', 'relay', 'scheduler', 'simulator', 'system'])
            [1 + h2 / 7 % 7] AS service,
        md5('r' || (h3 % $4::bigint))::uuid::text AS r1,
        md5('r' || (h4 / 10 % $4::bigint))::uuid::text AS r2
    FROM (
        SELECT g,
            (hashint8extended(g, 0) & 9223372036854775807) AS h0, (hashint8extended(g, 1) & 9223372036854775807) AS h1,
            (hashint8extended(g, 2) & 9223372036854775807) AS h2, (hashint8extended(g, 3) & 9223372036854775807) AS h3,
            (hashint8extended(g, 4) & 9223372036854775807) AS h4, (hashint8extended(g, 5) & 9223372036854775807) AS h5
        FROM generate_series(1, $3::bigint) AS g
    ) AS hashed
) AS x
"#;

/// The resources the records name, as the writer links them.
const FILL_RESOURCES: &str = "INSERT INTO log_resources (resource_id, log_id) \
    SELECT unnest(string_to_array(resource_ids, ' ')), id FROM log_records \
    WHERE resource_ids <> '' ON CONFLICT DO NOTHING";

/// The resource id numbered `k`, as [`FILL_RECORDS`] makes them.
async fn resource_id(pool: &sqlx::PgPool, k: i64) -> anyhow::Result<String> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT md5('r' || $1::bigint)::uuid::text")
            .bind(k)
            .fetch_one(pool)
            .await?,
    )
}

async fn execute(pool: &sqlx::PgPool, sql: &str) -> anyhow::Result<f64> {
    let started = Instant::now();
    sqlx::raw_sql(sql).execute(pool).await?;
    Ok(started.elapsed().as_secs_f64())
}

/// p50, p99 (ms) and mean rows of `n` searches, the `i`-th one `query(i)`.
async fn latency(
    log: &ActivityLog,
    name: &str,
    n: usize,
    query: impl Fn(usize) -> LogQuery,
) -> anyhow::Result<SearchLatency> {
    for i in 0..WARMUP {
        log.search(&query(i), None, PAGE).await?;
    }
    let mut h = Histogram::<u64>::new(3)?;
    let mut rows = 0usize;
    for i in 0..n {
        let q = query(i);
        let started = Instant::now();
        rows += log.search(&q, None, PAGE).await?.len();
        h.record((started.elapsed().as_micros() as u64).max(1))?;
    }
    Ok(SearchLatency {
        search: name.into(),
        mean_rows: rows as f64 / n.max(1) as f64,
        p50_ms: h.value_at_quantile(0.5) as f64 / 1000.0,
        p99_ms: h.value_at_quantile(0.99) as f64 / 1000.0,
    })
}

/// Fills a fresh Postgres database at `url` to each size of the plan and measures the
/// searches.
pub async fn measure(url: &str, plan: &LogsPlan) -> anyhow::Result<Vec<SearchSize>> {
    let db = store::Db::postgres(url, 4).await?;
    let store::Pool::Postgres(pool) = db.writes().clone() else {
        anyhow::bail!("search latency is measured on Postgres");
    };
    let log = ActivityLog::new(db.clone());
    let mut out = Vec::new();
    for &records in &plan.search_records {
        execute(
            &pool,
            "TRUNCATE log_records, log_resources RESTART IDENTITY",
        )
        .await?;
        let resources = (records / RECORDS_PER_RESOURCE).max(10);
        let now = store::now_us();
        let started = Instant::now();
        sqlx::query(FILL_RECORDS)
            .bind(now - HOURS * HOUR_US)
            .bind((HOURS * HOUR_US) as f64 / records as f64)
            .bind(records)
            .bind(resources)
            .execute(&pool)
            .await?;
        let fill_records_s = started.elapsed().as_secs_f64();
        let fill_resources_s = execute(&pool, FILL_RESOURCES).await?;
        let analyze_s = execute(&pool, "ANALYZE log_records, log_resources").await?;
        let (links, records_bytes, resources_bytes): (i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM log_resources), \
             pg_total_relation_size('log_records'), pg_total_relation_size('log_resources')",
        )
        .fetch_one(&pool)
        .await?;
        eprintln!(
            "   {records} records filled in {fill_records_s:.1} s (+ {fill_resources_s:.1} s for \
             {links} resource links), {:.0} MiB",
            (records_bytes + resources_bytes) as f64 / 1048576.0
        );

        let service = |i: usize| vec![SERVICES[i % SERVICES.len()].to_string()];
        let hour_ago = || store::now_us() - HOUR_US;
        let mut searches = Vec::new();
        searches.push(
            latency(
                &log,
                "errors of one service, last hour",
                plan.searches,
                |i| LogQuery {
                    services: service(i),
                    min_level: Some(LogLevel::Error),
                    since_us: Some(hour_ago()),
                    ..LogQuery::default()
                },
            )
            .await?,
        );
        searches.push(
            latency(
                &log,
                &format!("text \"{RARE_TEXT}\", last hour"),
                plan.searches,
                |_| LogQuery {
                    since_us: Some(hour_ago()),
                    contains: vec![RARE_TEXT.into()],
                    ..LogQuery::default()
                },
            )
            .await?,
        );
        let mut ids = Vec::new();
        for k in 0..plan.searches.max(WARMUP) as i64 {
            ids.push(resource_id(&pool, k * 7919 % resources).await?);
        }
        searches.push(
            latency(&log, "resourceId", plan.searches, |i| LogQuery {
                resource_id: Some(ids[i % ids.len()].clone()),
                ..LogQuery::default()
            })
            .await?,
        );
        for s in &searches {
            eprintln!(
                "   {records}: {}: p50 {:.2} ms, p99 {:.2} ms, {:.1} rows",
                s.search, s.p50_ms, s.p99_ms, s.mean_rows
            );
        }
        out.push(SearchSize {
            records,
            resource_links: links,
            fill_records_s,
            fill_resources_s,
            analyze_s,
            records_bytes,
            resources_bytes,
            searches,
        });
    }
    db.close().await;
    Ok(out)
}
