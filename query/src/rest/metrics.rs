//! `GET /api/v1/metrics`: the Prometheus text `/metrics` serves.

use crate::health::RoleHealth;
use actix_web::{get, web, HttpResponse};

/// The process's metrics in Prometheus' text format. Needs no credentials, like `/metrics`.
#[utoipa::path(
    operation_id = "getMetrics",
    tag = "metrics",
    responses((status = 200, description = "Prometheus text format 0.0.4", content_type = "text/plain", body = String))
)]
#[get("/metrics")]
pub async fn metrics(endpoints: web::Data<RoleHealth>) -> HttpResponse {
    crate::health::metrics(endpoints).await
}
