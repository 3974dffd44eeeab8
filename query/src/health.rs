//! `/health` and `/metrics`, one implementation for every role (`serve`, `api`, `projector`,
//! `worker`, `relay`).
//!
//! `/health` pings the database and asks each of the role's other dependencies (broker,
//! projector, subscriptions, relay lock) through a [`HealthCheck`]; it answers 200 when all
//! are healthy and 503 otherwise, with every check's detail either way. `/metrics` renders
//! the process's Prometheus registry, after refreshing the per-status read-model gauges in the
//! roles that serve read models and the read models' backlog in the roles that know it.

use actix_web::{web, HttpResponse};
use command::Db;
use metrics_exporter_prometheus::PrometheusHandle;
use projector::{ChangeFeed, ReadModels};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A `/health` check of one dependency: whether it is healthy and what to show.
pub type HealthCheck = Arc<dyn Fn() -> (bool, serde_json::Value) + Send + Sync>;

/// How long `/health` waits for the database before calling it down.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// What one role's `/health` checks and `/metrics` renders.
#[derive(Clone)]
pub struct RoleHealth {
    role: &'static str,
    db: Db,
    metrics: PrometheusHandle,
    checks: Vec<(&'static str, HealthCheck)>,
    status_counts: Option<ReadModels>,
    cluster_metrics: Option<store::metrics::MetricsStore>,
    backlog: Option<ReadModels>,
}

impl RoleHealth {
    /// The endpoints of `role`, which uses `db`, rendering `metrics`.
    pub fn new(role: &'static str, db: Db, metrics: PrometheusHandle) -> Self {
        Self {
            role,
            db,
            metrics,
            checks: Vec::new(),
            status_counts: None,
            cluster_metrics: None,
            backlog: None,
        }
    }

    /// Adds the check of a dependency, shown under `checks.<name>`.
    pub fn with_check(mut self, name: &'static str, check: HealthCheck) -> Self {
        self.checks.push((name, check));
        self
    }

    /// Publishes the objects per status of every read model with each `/metrics` scrape.
    pub fn with_status_counts(mut self, reads: ReadModels) -> Self {
        self.status_counts = Some(reads);
        self
    }

    /// Publishes how many committed events the read models do not include yet
    /// (`clustergenie_projector_lag_events`, from the checkpoint in the database) with each
    /// `/metrics` scrape.
    pub fn with_projector_backlog(mut self, reads: ReadModels) -> Self {
        self.backlog = Some(reads);
        self
    }

    /// The `/health` answer: 200 when every check passes, 503 otherwise.
    pub async fn report(&self) -> (bool, serde_json::Value) {
        let started = Instant::now();
        let ping = tokio::time::timeout(DATABASE_TIMEOUT, self.db.ping()).await;
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        let (mut healthy, db_error) = match ping {
            Ok(Ok(())) => (true, None),
            Ok(Err(e)) => (false, Some(e.to_string())),
            Err(_) => (
                false,
                Some(format!("timed out after {}s", DATABASE_TIMEOUT.as_secs())),
            ),
        };
        let mut checks = serde_json::json!({
            "database": {
                "status": if healthy { "up" } else { "down" },
                "backend": self.db.description,
                "latency_ms": (latency_ms * 10.0).round() / 10.0,
                "error": db_error,
            },
        });
        for (name, check) in &self.checks {
            let (ok, detail) = check();
            healthy &= ok;
            checks[*name] = detail;
        }
        let body = serde_json::json!({
            "status": if healthy { "ok" } else { "degraded" },
            "role": self.role,
            "version": env!("CARGO_PKG_VERSION"),
            "checks": checks,
        });
        (healthy, body)
    }

    /// Adds the newest value of every cluster series to each `/metrics` scrape
    /// (`clustergenie_cluster_cpu_percent{cluster="prod"}` …: one per cluster, not per droplet).
    pub fn with_cluster_metrics(mut self, store: store::metrics::MetricsStore) -> Self {
        self.cluster_metrics = Some(store);
        self
    }

    /// The `/metrics` text, with the per-status gauges refreshed first.
    pub async fn render_metrics(&self) -> String {
        if let Some(reads) = &self.status_counts {
            for kind in schema::AggregateType::ALL {
                let table = projector::table_of(*kind);
                // Every status, 0 included: a status whose last row moved on reads 0, not
                // the count it had before (`clustergenie_jobs{status="QUEUED"}` is the queue).
                let statuses = projector::models::statuses_of(table).unwrap_or_default();
                if let Ok(counts) = reads.kept_status_counts(table, &statuses).await {
                    for (status, n) in counts {
                        let name = format!("clustergenie_{table}");
                        metrics::gauge!(name, "status" => status).set(n as f64);
                    }
                }
            }
        }
        if let Some(reads) = &self.backlog {
            if let Ok(backlog) = reads.backlog().await {
                metrics::gauge!("clustergenie_projector_lag_events").set(backlog.events as f64);
            }
        }
        let mut text = self.metrics.render();
        if let Some(reads) = &self.status_counts {
            match reads.health_states().await {
                Ok(states) => text.push_str(&check_gauges(&states)),
                Err(e) => tracing::warn!(error = %e, "cannot read the health checks' states"),
            }
        }
        if let Some(store) = &self.cluster_metrics {
            match store.latest().await {
                Ok(latest) => text.push_str(&cluster_gauges(&latest)),
                Err(e) => tracing::warn!(error = %e, "cannot read the newest cluster metrics"),
            }
        }
        text
    }
}

/// The per-cluster gauges in Prometheus' text format: the average over a cluster's RUNNING
/// droplets of each droplet metric, and its work queue.
fn cluster_gauges(latest: &[store::metrics::Latest]) -> String {
    use std::fmt::Write;
    let mut by_metric: std::collections::BTreeMap<&str, Vec<&store::metrics::Latest>> =
        Default::default();
    for l in latest {
        by_metric.entry(l.metric.as_str()).or_default().push(l);
    }
    let mut out = String::new();
    for (metric, rows) in by_metric {
        let Some(m) = schema::metrics::MetricName::parse(metric) else {
            continue;
        };
        let name = format!("clustergenie_cluster_{}", m.prometheus_name());
        let what = if m == schema::metrics::MetricName::QueueDepth {
            "Items in the cluster's simulated work queue".to_string()
        } else {
            format!(
                "{metric} averaged over the cluster's running droplets ({})",
                m.unit()
            )
        };
        let _ = writeln!(out, "# HELP {name} {what}.\n# TYPE {name} gauge");
        for r in rows {
            let id = r.series.split(':').nth(1).unwrap_or_default();
            let _ = writeln!(
                out,
                "{name}{{cluster=\"{}\",cluster_id=\"{id}\"}} {}",
                escape_label(&r.label),
                r.value
            );
        }
    }
    out
}

/// One gauge per active health check: 1 while HEALTHY, 0 while UNHEALTHY, NaN before its
/// thresholds decided (UNKNOWN).
fn check_gauges(states: &[(String, String, String)]) -> String {
    use std::fmt::Write;
    if states.is_empty() {
        return String::new();
    }
    let name = "clustergenie_health_check_up";
    let mut out = format!(
        "# HELP {name} Whether a health check is HEALTHY (1), UNHEALTHY (0) or UNKNOWN (NaN).\n# TYPE {name} gauge\n"
    );
    for (id, check, health) in states {
        let value = match health.as_str() {
            "HEALTHY" => "1",
            "UNHEALTHY" => "0",
            _ => "NaN",
        };
        let _ = writeln!(
            out,
            "{name}{{check=\"{}\",check_id=\"{id}\"}} {value}",
            escape_label(check)
        );
    }
    out
}

/// A Prometheus label value: backslash, quote and newline escaped.
fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The projector's progress as this process sees it through `feed` (in-process in `serve`,
/// through the changes topic in `api`).
pub fn projector_check(feed: ChangeFeed) -> HealthCheck {
    Arc::new(move || {
        let checkpoint = feed.checkpoint().borrow().ordinal;
        (
            true,
            serde_json::json!({ "status": "up", "events_projected": checkpoint }),
        )
    })
}

/// The live subscriptions this process serves from `feed`.
pub fn subscriptions_check(feed: ChangeFeed) -> HealthCheck {
    Arc::new(move || (true, serde_json::json!({ "active": feed.subscribers() })))
}

/// Registers `/health` and `/metrics`; the app provides the role's
/// `web::Data<RoleHealth>`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/health", web::get().to(health))
        .route("/metrics", web::get().to(metrics));
}

async fn health(endpoints: web::Data<RoleHealth>) -> HttpResponse {
    let (healthy, body) = endpoints.report().await;
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

/// `/metrics` (and REST v1's `/api/v1/metrics`).
pub(crate) async fn metrics(endpoints: web::Data<RoleHealth>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(endpoints.render_metrics().await)
}
