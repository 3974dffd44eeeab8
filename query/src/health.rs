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
        self.metrics.render()
    }
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

async fn metrics(endpoints: web::Data<RoleHealth>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(endpoints.render_metrics().await)
}
