//! The HTTP limiter: an actix middleware that takes one token per request from the client
//! address's bucket (`CLUSTERGENIE_HTTP_RATE_LIMIT`, off by default) and from the bucket of
//! any GLOBAL rule named `http`. `/health` and `/metrics` (and their
//! `/api/v1` twins) are never limited.
//!
//! Every answer that went through a limit carries `RateLimit-Limit`, `RateLimit-Remaining`
//! and `RateLimit-Reset` (seconds until the bucket is full) and the same as `X-RateLimit-*`;
//! a limited request is answered `429` with `Retry-After` and a GraphQL-shaped body
//! (`RATE_LIMITED`, `extensions.retryAfterSeconds`; REST v1's shape under `/api/v1`) and
//! goes no further.

use crate::errors::ErrorCode;
use crate::rate_limits::retry_after_seconds;
use crate::rate_limits::rules::{Applied, Source, Subject};
use crate::rest::error::RestError;
use crate::state::AppState;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, HttpResponse, ResponseError};
use command::rate_limit::Decision;
use schema::rate_limits::RateLimitScope;

/// The limiter name HTTP rules use.
pub const HTTP_LIMITER: &str = "http";

/// Paths no limit applies to: probes and scrapes must get through a flood.
const UNLIMITED_PATHS: &[&str] = &["/health", "/metrics", "/api/v1/health", "/api/v1/metrics"];

/// The middleware (`App::new().wrap(from_fn(limit_by_client))`).
pub async fn limit_by_client(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let Some(state) = state.filter(|_| !UNLIMITED_PATHS.contains(&req.path())) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let limits = &state.rate_limits;
    let mut applied = limits
        .rule_set()
        .applicable(HTTP_LIMITER, &Subject::default());
    if let Some(limit) = limits.http_limit() {
        // The connection's address: forwarding headers are the client's to forge.
        let client = req
            .peer_addr()
            .map_or_else(|| "unknown".to_string(), |a| a.ip().to_string());
        applied.insert(
            0,
            Applied {
                scope: RateLimitScope::Global,
                bucket: format!("{HTTP_LIMITER}:client:{client}"),
                limit,
                source: Source::Default,
            },
        );
    }
    if applied.is_empty() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let decision = match limits.take(applied).await {
        Ok(Some(d)) if d.enforced => d,
        Ok(_) => return Ok(next.call(req).await?.map_into_boxed_body()),
        Err(e) => {
            tracing::warn!(error = %e, "HTTP request refused: the rate-limit store is unavailable (failure mode closed)");
            let message = "the rate-limit store is unavailable; try again";
            let response = if is_rest(&req) {
                RestError::new(ErrorCode::Unavailable, message).error_response()
            } else {
                crate::errors::http_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::Unavailable,
                    message,
                )
            };
            return Ok(req.into_response(response));
        }
    };
    if !decision.allowed {
        let seconds = retry_after_seconds(&decision);
        let message = format!("too many requests from this address; retry in {seconds} s");
        let mut response = if is_rest(&req) {
            RestError {
                retry_after: Some(seconds),
                ..RestError::new(ErrorCode::RateLimited, message)
            }
            .error_response()
        } else {
            HttpResponse::TooManyRequests().json(serde_json::json!({
                "errors": [{
                    "message": message,
                    "extensions": { "code": ErrorCode::RateLimited.as_str(), "retryAfterSeconds": seconds },
                }]
            }))
        };
        add_headers(response.headers_mut(), &decision);
        insert(response.headers_mut(), "retry-after", seconds);
        return Ok(req.into_response(response));
    }
    let mut response = next.call(req).await?.map_into_boxed_body();
    add_headers(response.headers_mut(), &decision);
    Ok(response)
}

/// Whether REST v1 answers `req` (its errors have REST's shape).
fn is_rest(req: &ServiceRequest) -> bool {
    req.path().starts_with(crate::rest::PREFIX)
}

/// `RateLimit-*` and `X-RateLimit-*` of `d`.
fn add_headers(headers: &mut HeaderMap, d: &Decision) {
    let reset = d.reset_after.as_secs_f64().ceil() as u64;
    for prefix in ["", "x-"] {
        insert(headers, &format!("{prefix}ratelimit-limit"), d.limit);
        insert(
            headers,
            &format!("{prefix}ratelimit-remaining"),
            d.remaining,
        );
        insert(headers, &format!("{prefix}ratelimit-reset"), reset);
    }
}

fn insert(headers: &mut HeaderMap, name: &str, value: impl Into<u64>) {
    if let Ok(name) = HeaderName::try_from(name) {
        headers.insert(name, HeaderValue::from(value.into()));
    }
}
