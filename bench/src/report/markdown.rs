//! The report as Markdown: one table per measurement, each under its heading.

use super::kafka::kafka_markdown;
use super::{Report, REST_CREATE_RPS, REST_HEALTH_RPS, REST_HEAP_MB, REST_LIST_RPS};
use crate::hostile::HostileResult;
use std::fmt::Write;

/// Writes a section: the `title` heading, then the table head `columns` (names and
/// alignment rows); the caller writes the rows.
pub(super) fn table(s: &mut String, title: &str, columns: &str) {
    let _ = writeln!(s, "\n### {title}\n");
    let _ = writeln!(s, "{columns}");
}

/// A row of a memory table: the `leading` cells, then idle (— when not measured), peak and
/// after in MiB.
pub(super) fn memory_row(
    s: &mut String,
    leading: &str,
    idle_kib: Option<u64>,
    peak_kib: u64,
    after_kib: u64,
) {
    let mib = |kib: u64| format!("{:.1}", kib as f64 / 1024.0);
    let idle = idle_kib.map_or_else(|| "—".to_string(), mib);
    let _ = writeln!(
        s,
        "| {leading} | {idle} | {} | {} |",
        mib(peak_kib),
        mib(after_kib)
    );
}

impl Report {
    /// The report as Markdown tables.
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Run {} on {}, commit {}{}.",
            self.date,
            self.machine,
            self.commit,
            if self.quick {
                " (--quick: figures are not meaningful)"
            } else {
                ""
            }
        );
        table(
            &mut s,
            "Event append vs raw INSERT (same table, same concurrency)",
            "| backend | writers | createCluster commands/s | raw INSERT/s | raw ÷ command |\n|---|---:|---:|---:|---:|",
        );
        for a in &self.append {
            let _ = writeln!(
                s,
                "| {} | {} | {:.0} | {:.0} | {:.2}× |",
                a.backend, a.writers, a.command_per_sec, a.raw_insert_per_sec, a.ratio
            );
        }
        table(
            &mut s,
            "HTTP (wrk; 100 connections for reads, 64 for createDroplet)",
            "| backend | request | req/s | vs earlier REST design | p50 ms | p99 ms | p99.9 ms | errors |\n|---|---|---:|---:|---:|---:|---:|---:|",
        );
        for h in &self.http {
            for (name, r, reference) in [
                ("GET /health", h.health, REST_HEALTH_RPS),
                ("droplets(first: 20)", h.list_droplets, REST_LIST_RPS),
                ("createDroplet", h.create_droplet, REST_CREATE_RPS),
            ] {
                let _ = writeln!(s, "| {} | {name} | {:.0} | {:.1}× of {reference:.0} | {:.2} | {:.2} | {:.2} | {} |", h.backend, r.requests_per_sec, r.requests_per_sec / reference, r.p50_ms, r.p99_ms, r.p999_ms, r.errors + r.bad_answers);
            }
        }
        table(
            &mut s,
            "Live delivery (mutation sent → `events` subscription message received)",
            "| backend | subscribers | deliveries | p50 ms | p99 ms | server KiB per subscriber |\n|---|---:|---:|---:|---:|---:|",
        );
        for l in &self.live {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2} | {:.2} | {:.1} |",
                l.backend, l.subscribers, l.delivered, l.p50_ms, l.p99_ms, l.kib_per_subscriber
            );
        }
        table(
            &mut s,
            &format!("Memory of the server process (RSS; earlier design: {REST_HEAP_MB:.0} MB heap)"),
            "| backend | idle MiB | peak under HTTP load MiB | 2 s after load MiB |\n|---|---:|---:|---:|",
        );
        for m in &self.memory {
            let (idle, peak, after) = (m.idle_kib, m.peak_under_load_kib, m.after_load_kib);
            memory_row(&mut s, &m.backend, Some(idle), peak, after);
        }
        table(
            &mut s,
            "Rebuild and scale curve (10 generated events per droplet)",
            "| backend | events | droplets | rebuild s | rebuild events/s | droplets(first: 20) p50 / p99 ms | createCluster p50 / p99 ms |\n|---|---:|---:|---:|---:|---:|---:|",
        );
        for c in &self.scale {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.2} | {:.0} | {:.2} / {:.2} | {:.2} / {:.2} |",
                c.backend,
                c.events,
                c.droplets,
                c.rebuild.rebuild_seconds,
                c.rebuild.events_per_sec,
                c.query_p50_ms,
                c.query_p99_ms,
                c.append_p50_ms,
                c.append_p99_ms
            );
        }
        if let Some(k) = &self.kafka {
            kafka_markdown(&mut s, k);
        } else if let Some(why) = &self.kafka_skipped {
            let _ = writeln!(s, "\nKafka path not measured: {why}.");
        }
        hostile_markdown(&mut s, &self.hostile);
        telemetry_markdown(&mut s, &self.telemetry);
        logs_markdown(&mut s, &self.logs);
        s
    }
}

/// The activity-log tables, when they were measured.
fn logs_markdown(s: &mut String, logs: &crate::logs::LogsResult) {
    if !logs.ingest.is_empty() {
        table(
            s,
            "Activity log ingest (`ActivityLog::append`, batches of 1,000 records: ~80-character message, 5 fields, 1–2 resource ids, correlation and trace ids)",
            "| backend | writers | records | resource links | records/s | batch p50 ms | batch p99 ms |\n|---|---:|---:|---:|---:|---:|---:|",
        );
        for i in &logs.ingest {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {:.0} | {:.1} | {:.1} |",
                i.backend,
                i.writers,
                i.records,
                i.resource_links,
                i.records_per_sec,
                i.batch_p50_ms,
                i.batch_p99_ms
            );
        }
    }
    if let Some(first) = logs.api.first() {
        table(
            s,
            &format!(
                "Cost of the activity log on `droplets(first: 20)` (wrk, 100 connections, {} s, a fresh server each run; median of {} rounds, levels alternating)",
                first.seconds,
                first.rounds_per_sec.len()
            ),
            "| backend | `CLUSTERGENIE_LOG_STORE_LEVEL` | req/s | cost vs off | p50 ms | p99 ms | records stored/s | stored per request | dropped | every round req/s |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
        );
        for a in &logs.api {
            let rounds: Vec<String> = a.rounds_per_sec.iter().map(|r| format!("{r:.0}")).collect();
            let _ = writeln!(
                s,
                "| {} | {} | {:.0} | {:.1} % | {:.2} | {:.2} | {:.0} | {:.2} | {} | {} |",
                a.backend,
                a.level,
                a.load.requests_per_sec,
                a.cost * 100.0,
                a.load.p50_ms,
                a.load.p99_ms,
                a.stored_per_sec,
                a.stored_per_request,
                a.dropped,
                rounds.join(", ")
            );
        }
    }
    if !logs.search.is_empty() {
        let mib = |b: i64| b as f64 / 1048576.0;
        table(
            s,
            "Activity log on Postgres: fill (one `INSERT … SELECT … generate_series`, 72 h in time order, then `ANALYZE`) and size (`pg_total_relation_size`)",
            "| records | log_resources rows | records INSERT s | records/s | log_resources INSERT s | ANALYZE s | log_records MiB | log_resources MiB | bytes per record (both) |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        );
        for z in &logs.search {
            let _ = writeln!(
                s,
                "| {} | {} | {:.1} | {:.0} | {:.1} | {:.1} | {:.0} | {:.0} | {:.0} |",
                z.records,
                z.resource_links,
                z.fill_records_s,
                z.records as f64 / z.fill_records_s.max(1e-9),
                z.fill_resources_s,
                z.analyze_s,
                mib(z.records_bytes),
                mib(z.resources_bytes),
                (z.records_bytes + z.resources_bytes) as f64 / z.records.max(1) as f64
            );
        }
        table(
            s,
            "Activity log search on Postgres (`ActivityLog::search`, first page of 50 newest first, sequential)",
            "| records | search | rows returned (mean) | p50 ms | p99 ms |\n|---:|---|---:|---:|---:|",
        );
        for z in &logs.search {
            for q in &z.searches {
                let _ = writeln!(
                    s,
                    "| {} | {} | {:.1} | {:.2} | {:.2} |",
                    z.records, q.search, q.mean_rows, q.p50_ms, q.p99_ms
                );
            }
        }
    }
    if let Some(why) = &logs.search_skipped {
        let _ = writeln!(s, "\nActivity log search not measured: {why}.");
    }
}

/// The telemetry tables, when they were measured.
fn telemetry_markdown(s: &mut String, rows: &[crate::telemetry::TelemetryResult]) {
    if rows.is_empty() {
        return;
    }
    table(
        s,
        "Telemetry ingest (simulate, write in one transaction, newest values, roll up; per 10 s tick)",
        "| backend | droplets | samples/tick | tick ms | samples/s | CPU ms/tick | share of one core at 10 s |\n|---|---:|---:|---:|---:|---:|---:|",
    );
    for t in rows {
        for i in &t.ingest {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.1} | {:.0} | {:.1} | {:.2} % |",
                t.backend,
                i.droplets,
                i.samples_per_tick,
                i.tick_ms,
                i.samples_per_sec,
                i.cpu_ms_per_tick,
                i.core_share_at_10s * 100.0
            );
        }
    }
    table(
        s,
        "`droplet.metrics(range: {last: \"7d\"})` over hourly rollups (sequential GraphQL requests)",
        "| backend | history | rollup rows | p50 ms | p99 ms |\n|---|---|---:|---:|---:|",
    );
    for t in rows {
        let _ = writeln!(
            s,
            "| {} | {} days × {} droplets × 6 metrics | {} | {:.2} | {:.2} |",
            t.backend,
            t.history_days,
            t.history_droplets,
            t.history_rows,
            t.week_query_p50_ms,
            t.week_query_p99_ms
        );
    }
    table(
        s,
        "Health-check scheduler (HTTP checks against a local server)",
        "| backend | checks | interval s | runs/s kept | runs/s wanted | lateness p50 ≤ s | lateness p99 ≤ s |\n|---|---:|---:|---:|---:|---:|---:|",
    );
    for t in rows {
        let c = &t.scheduler;
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1} | {:.1} | {} | {} |",
            t.backend,
            c.checks,
            c.interval_s,
            c.runs_per_sec,
            c.wanted_per_sec,
            c.lateness_p50_s,
            c.lateness_p99_s
        );
    }
}

/// The hostile-load table, when it was measured.
fn hostile_markdown(s: &mut String, rows: &[HostileResult]) {
    if rows.is_empty() {
        return;
    }
    table(
            s,
            "Hostile load: `/health` and a `createCluster` round trip while each attack runs",
            "| backend | attack | attack requests | answers | /health ok / failed | /health p50 / p99 ms | createCluster ok / failed | createCluster p50 / p99 ms | /health back after s |\n|---|---|---:|---|---:|---:|---:|---:|---:|",
        );
    for r in rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} / {} | {:.1} / {:.1} | {} / {} | {:.1} / {:.1} | {} |",
            r.backend,
            r.attack,
            r.attack_requests,
            r.attack_answers,
            r.health_ok,
            r.health_failed,
            r.health_p50_ms,
            r.health_p99_ms,
            r.create_ok,
            r.create_failed,
            r.create_p50_ms,
            r.create_p99_ms,
            r.recovery_seconds
                .map(|s| format!("{s:.1}"))
                .unwrap_or_else(|| "> 120".into())
        );
    }
}
