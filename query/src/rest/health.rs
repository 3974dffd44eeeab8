//! `GET /api/v1/health`: the original's health shape over what `/health` computes
//! ([`RoleHealth::report`]): 200 when every check passes, 503 when degraded.

use crate::health::RoleHealth;
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The API's health.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `healthy`, or `degraded` when a dependency is down (then the status is 503).
    #[schema(example = "healthy")]
    pub status: String,
    /// The server's version.
    pub version: String,
    /// When it was checked.
    pub timestamp: DateTime<Utc>,
    /// Each dependency.
    pub services: Services,
}

/// Each dependency: `up`, `down` (or `stalled`, for Kafka), or `disabled` when this
/// deployment does not use it (no `REDIS_URL`, no `KAFKA_BROKERS`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Services {
    /// The event store and read models (SQLite or Postgres).
    #[schema(example = "up")]
    pub database: String,
    /// The shared rate-limit store.
    #[schema(example = "disabled")]
    pub redis: String,
    /// The broker, in distributed mode.
    #[schema(example = "disabled")]
    pub kafka: String,
}

const DISABLED: &str = "disabled";

impl Health {
    /// The REST shape of a `/health` report.
    fn of(healthy: bool, report: &serde_json::Value) -> Self {
        let checks = &report["checks"];
        let status =
            |check: &serde_json::Value| check["status"].as_str().unwrap_or(DISABLED).to_string();
        let limits = &checks["rate_limits"];
        let redis = if limits["backend"] == "redis" {
            status(limits)
        } else {
            DISABLED.to_string()
        };
        Self {
            status: if healthy { "healthy" } else { "degraded" }.to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            timestamp: Utc::now(),
            services: Services {
                database: status(&checks["database"]),
                redis,
                kafka: status(&checks["broker"]),
            },
        }
    }
}

/// Liveness and each dependency's status. Needs no credentials.
#[utoipa::path(
    operation_id = "getHealth",
    tag = "health",
    responses(
        (status = 200, description = "Every dependency is up", body = Health),
        (status = 503, description = "A dependency is down", body = Health),
    )
)]
#[get("/health")]
pub async fn health(endpoints: web::Data<RoleHealth>) -> HttpResponse {
    let (healthy, report) = endpoints.report().await;
    let body = Health::of(healthy, &report);
    if healthy {
        HttpResponse::Ok().json(body)
    } else {
        HttpResponse::ServiceUnavailable().json(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_come_from_the_report_s_checks() {
        let report = serde_json::json!({ "checks": {
            "database": { "status": "up" },
            "rate_limits": { "status": "down", "backend": "redis" },
            "broker": { "status": "stalled" },
        }});
        let h = Health::of(false, &report);
        assert_eq!(h.status, "degraded");
        assert_eq!(
            (
                h.services.database.as_str(),
                h.services.redis.as_str(),
                h.services.kafka.as_str()
            ),
            ("up", "down", "stalled")
        );
        let report = serde_json::json!({ "checks": {
            "database": { "status": "up" },
            "rate_limits": { "status": "up", "backend": "memory" },
        }});
        let h = Health::of(true, &report);
        assert_eq!(
            (
                h.status.as_str(),
                h.services.redis.as_str(),
                h.services.kafka.as_str()
            ),
            ("healthy", "disabled", "disabled")
        );
    }
}
