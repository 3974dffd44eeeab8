//! `/api/v1/healthchecks`: list, create, read, change, delete and run health checks through
//! GraphQL's paths — the `healthChecks` read model and `createHealthCheck`,
//! `updateHealthCheck`, `deleteHealthCheck` and `runHealthCheck` (one function each in
//! [`crate::graphql::types`], which both APIs call), and their roles.
//!
//! A check watches a cluster (`cluster_id`) or a droplet (`droplet_id`), as over GraphQL.

use super::error::{ErrorBody, RestError};
use super::request::{etag, idempotency_key, if_match, names_of, JsonBody, QueryParams, Rest};
use crate::graphql::read_model::find;
use crate::graphql::types::{self as gql, CreateHealthCheckInput, UpdateHealthCheckInput};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::{Mutation, Query};
use async_graphql::{MaybeUndefined, ID};
use chrono::{DateTime, Utc};
use projector::models::health_checks::HealthChecks;
use projector::{HealthCheckFilter, HealthCheckRow};
use schema::health_check::Watched;
use schema::values::{HealthCheckKind, HealthCheckStatus, HealthState};
use schema::HealthCheckId;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// A Gatus-style health check.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthCheck {
    pub id: String,
    pub name: String,
    /// HTTP, TCP or INTERNAL.
    #[schema(example = "HTTP")]
    pub kind: String,
    /// A URL (HTTP), `host:port` (TCP) or `database`, `broker`, `projector_lag`,
    /// `api_latency` (INTERNAL).
    pub target: String,
    pub interval_seconds: u32,
    pub timeout_ms: u32,
    /// Gatus conditions, normalized.
    pub conditions: Vec<String>,
    pub failure_threshold: u32,
    pub success_threshold: u32,
    pub enabled: bool,
    /// The cluster it watches over, if any.
    pub cluster_id: Option<String>,
    /// The droplet it watches over, if any.
    pub droplet_id: Option<String>,
    /// UNKNOWN, HEALTHY or UNHEALTHY (after the thresholds).
    pub state: String,
    /// ACTIVE or DELETED.
    pub status: String,
    /// The aggregate's version (also the `ETag`); `If-Match` expects it.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&HealthCheckRow> for HealthCheck {
    fn from(row: &HealthCheckRow) -> Self {
        let s = &row.state;
        let (cluster_id, droplet_id) = match s.spec.watches {
            Some(Watched::Cluster(c)) => (Some(c.to_string()), None),
            Some(Watched::Droplet(d)) => (None, Some(d.to_string())),
            None => (None, None),
        };
        Self {
            id: row.id.clone(),
            name: s.spec.name.clone(),
            kind: s.spec.kind().as_str().to_string(),
            target: s.spec.target.to_string(),
            interval_seconds: s.spec.interval_seconds,
            timeout_ms: s.spec.timeout_ms,
            conditions: s.spec.conditions.clone(),
            failure_threshold: s.spec.failure_threshold,
            success_threshold: s.spec.success_threshold,
            enabled: s.spec.enabled,
            cluster_id,
            droplet_id,
            state: s.health.as_str().to_string(),
            status: s.status.as_str().to_string(),
            version: row.version,
            created_at: gql::time(row.created_us),
            updated_at: gql::time(row.updated_us),
        }
    }
}

/// A page of health checks, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthCheckList {
    pub healthchecks: Vec<HealthCheck>,
    /// Checks matching the filter on every page.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// One condition of a run.
#[derive(Debug, Serialize, ToSchema)]
pub struct Condition {
    pub condition: String,
    pub success: bool,
    /// What the left side was (`(none)` when the run could not observe it).
    pub actual: String,
}

/// One run of a check.
#[derive(Debug, Serialize, ToSchema)]
pub struct RunResult {
    pub at: DateTime<Utc>,
    /// Whether every condition held.
    pub success: bool,
    pub duration_ms: f64,
    /// HTTP status, when there was an answer.
    pub status: Option<i64>,
    pub condition_results: Vec<Condition>,
    /// Why the run could not observe its target.
    pub error: Option<String>,
}

/// A created, changed or deleted check.
#[derive(Debug, Serialize, ToSchema)]
pub struct HealthCheckAnswer {
    /// Null only when the read models lag behind the write (read it again by id).
    pub healthcheck: Option<HealthCheck>,
}

names_of!(
    /// A health check kind.
    HealthCheckKindName = HealthCheckKind::ALL
);
names_of!(
    /// A health state.
    HealthStateName = HealthState::ALL
);
names_of!(
    /// A health check status.
    HealthCheckStatusName = HealthCheckStatus::ALL
);

/// Query parameters of the list (the filters of GraphQL's `healthChecks`).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct ListParams {
    /// Only checks whose name contains this.
    #[param(min_length = 1)]
    name: Option<String>,
    /// Only checks of this kind (HTTP, TCP, INTERNAL; any letter case).
    #[param(value_type = Option<HealthCheckKindName>, inline)]
    kind: Option<String>,
    /// Only checks in this state (UNKNOWN, HEALTHY, UNHEALTHY; any letter case).
    #[param(value_type = Option<HealthStateName>, inline)]
    state: Option<String>,
    /// Only checks with this status (ACTIVE, DELETED; any letter case).
    #[param(value_type = Option<HealthCheckStatusName>, inline)]
    status: Option<String>,
    /// Only enabled (true) or disabled (false) checks.
    enabled: Option<bool>,
    /// At most this many; more than the API's page size cap (100 by default) is cut to it.
    #[param(default = 50, minimum = 1)]
    limit: Option<i64>,
    /// Skip this many.
    #[param(default = 0, minimum = 0, maximum = 1_000_000)]
    offset: Option<i64>,
}

/// Body of a create; omitted numbers take GraphQL's defaults.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct CreateHealthCheckRequest {
    #[schema(example = "api")]
    name: String,
    /// HTTP, TCP or INTERNAL (any letter case).
    #[schema(example = "INTERNAL")]
    kind: String,
    #[schema(example = "database")]
    target: String,
    interval_seconds: Option<i64>,
    timeout_ms: Option<i64>,
    conditions: Option<Vec<String>>,
    failure_threshold: Option<i64>,
    success_threshold: Option<i64>,
    enabled: Option<bool>,
    /// The cluster it watches over (at most one of cluster_id and droplet_id).
    cluster_id: Option<String>,
    /// The droplet it watches over.
    droplet_id: Option<String>,
}

/// Body of a change: the fields to change; `cluster_id`/`droplet_id` null removes the link.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct UpdateHealthCheckRequest {
    name: Option<String>,
    kind: Option<String>,
    target: Option<String>,
    interval_seconds: Option<i64>,
    timeout_ms: Option<i64>,
    conditions: Option<Vec<String>>,
    failure_threshold: Option<i64>,
    success_threshold: Option<i64>,
    enabled: Option<bool>,
    cluster_id: Option<String>,
    droplet_id: Option<String>,
}

/// The path's id, parsed (a malformed id is a 400 naming `id`).
fn check_id(raw: &str) -> Result<HealthCheckId, RestError> {
    HealthCheckId::parse(raw).map_err(|e| RestError::bad_input("id", e))
}

/// Field `kind` of a body, by name in any letter case.
fn kind(body: &mut JsonBody) -> Result<Option<gql::HealthCheckKind>, RestError> {
    let Some(raw) = body.string("kind")? else {
        return Ok(None);
    };
    HealthCheckKind::ALL
        .iter()
        .find(|k| k.as_str().eq_ignore_ascii_case(&raw))
        .map(|k| Some((*k).into()))
        .ok_or_else(|| {
            RestError::bad_input(
                "kind",
                format!(
                    "{} is not one of HTTP, TCP, INTERNAL",
                    schema::excerpt(&raw)
                ),
            )
        })
}

/// A check answered with its `ETag`.
fn answer(
    mut response: actix_web::HttpResponseBuilder,
    check: Option<HealthCheck>,
) -> HttpResponse {
    if let Some(c) = &check {
        response.insert_header((header::ETAG, etag(c.version)));
    }
    response.json(HealthCheckAnswer { healthcheck: check })
}

/// Lists health checks, oldest first.
#[utoipa::path(
    operation_id = "listHealthChecks",
    tag = "healthchecks",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of health checks", body = HealthCheckList),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/healthchecks")]
pub async fn list(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "healthChecks").await?;
    let q = QueryParams::of(&http)?;
    let enabled = q.one_of(
        "enabled",
        &[true, false],
        |b| if *b { "true" } else { "false" },
    )?;
    let filter = HealthCheckFilter {
        name: q.get("name")?.map(str::to_string),
        kind: q.one_of("kind", HealthCheckKind::ALL, |k| k.as_str())?,
        health: q.one_of("state", HealthState::ALL, |h| h.as_str())?,
        status: q.one_of("status", HealthCheckStatus::ALL, |s| s.as_str())?,
        enabled,
    };
    let page = q.offset_page::<HealthChecks>(&state, &filter).await?;
    Ok(HttpResponse::Ok().json(HealthCheckList {
        healthchecks: page.rows.iter().map(HealthCheck::from).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Creates a health check; it runs at once and then on its interval (`createHealthCheck`).
#[utoipa::path(
    operation_id = "createHealthCheck",
    tag = "healthchecks",
    request_body = CreateHealthCheckRequest,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried create with the same key returns the first check and creates nothing")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = HealthCheckAnswer,
            headers(("Location" = String, description = "The check"), ("ETag" = String, description = "Its version"))),
        (status = 400, description = "A field is missing or invalid (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not create checks (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "The watched cluster or droplet does not exist", body = ErrorBody),
        (status = 409, description = "The key was used for another request", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now; nothing was created", body = ErrorBody),
    )
)]
#[post("/healthchecks")]
pub async fn create(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "createHealthCheck").await?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let input = CreateHealthCheckInput {
        name: body.required_string("name")?,
        kind: kind(&mut body)?.ok_or_else(|| RestError::bad_input("kind", "is required"))?,
        target: body.required_string("target")?,
        interval_seconds: body.int("interval_seconds")?,
        timeout_ms: body.int("timeout_ms")?,
        conditions: body.strings("conditions")?,
        failure_threshold: body.int("failure_threshold")?,
        success_threshold: body.int("success_threshold")?,
        enabled: body.bool("enabled")?,
        cluster_id: body.string("cluster_id")?.map(ID),
        droplet_id: body.string("droplet_id")?.map(ID),
        idempotency_key: idempotency_key(&http)?,
    };
    let payload = gql::create_health_check(&state, &rest.context, input).await?;
    let check = payload
        .health_check
        .as_ref()
        .map(|c| HealthCheck::from(&c.0));
    let mut response = HttpResponse::Created();
    if let Some(c) = &check {
        response.insert_header((
            header::LOCATION,
            format!("{}/healthchecks/{}", super::PREFIX, c.id),
        ));
    }
    Ok(answer(response, check))
}

/// One health check; its `ETag` is its version.
#[utoipa::path(
    operation_id = "getHealthCheck",
    tag = "healthchecks",
    params(("id" = uuid::Uuid, Path, description = "The check's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The check", body = HealthCheck,
            headers(("ETag" = String, description = "Its version, for If-Match"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such check", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/healthchecks/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "healthCheck").await?;
    let id = check_id(&id)?;
    let Some(row) = find::<gql::HealthCheck>(&state, &id.to_string()).await? else {
        return Err(RestError::not_found(format!("health check {id} not found")));
    };
    let check = HealthCheck::from(&row.0);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(check.version)))
        .json(check))
}

/// Changes the given fields of a check (`updateHealthCheck`); the result is checked as a
/// new check would be.
#[utoipa::path(
    operation_id = "updateHealthCheck",
    tag = "healthchecks",
    request_body = UpdateHealthCheckRequest,
    params(
        ("id" = uuid::Uuid, Path, description = "The check's id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the check must still have"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried change with the same key changes nothing more"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = HealthCheckAnswer,
            headers(("ETag" = String, description = "Its new version"))),
        (status = 400, description = "A field, the id, If-Match or Idempotency-Key is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not change checks (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such check (or it is deleted), or the watched cluster or droplet does not exist", body = ErrorBody),
        (status = 409, description = "The check changed since the If-Match version", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[patch("/healthchecks/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "updateHealthCheck").await?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let id_of = |raw: MaybeUndefined<String>| match raw {
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Value(v) => MaybeUndefined::Value(ID(v)),
    };
    let input = UpdateHealthCheckInput {
        name: body.string("name")?,
        kind: kind(&mut body)?,
        target: body.string("target")?,
        interval_seconds: body.int("interval_seconds")?,
        timeout_ms: body.int("timeout_ms")?,
        conditions: body.strings("conditions")?,
        failure_threshold: body.int("failure_threshold")?,
        success_threshold: body.int("success_threshold")?,
        enabled: body.bool("enabled")?,
        cluster_id: id_of(body.nullable_string("cluster_id")?),
        droplet_id: id_of(body.nullable_string("droplet_id")?),
    };
    let expected = if_match(&http)?;
    let key = idempotency_key(&http)?;
    let id = ID(id.into_inner());
    let payload = gql::update_health_check(&state, &rest.context, id, input, expected, key).await?;
    let check = payload
        .health_check
        .as_ref()
        .map(|c| HealthCheck::from(&c.0));
    Ok(answer(HttpResponse::Ok(), check))
}

/// Deletes a check; it runs no more (`deleteHealthCheck`).
#[utoipa::path(
    operation_id = "deleteHealthCheck",
    tag = "healthchecks",
    params(
        ("id" = uuid::Uuid, Path, description = "The check's id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the check must still have"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried delete with the same key changes nothing"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id, If-Match or Idempotency-Key is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not delete checks (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such check, or it is deleted", body = ErrorBody),
        (status = 409, description = "The check changed since the If-Match version", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[delete("/healthchecks/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "deleteHealthCheck").await?;
    let expected = if_match(&http)?;
    let key = idempotency_key(&http)?;
    let id = ID(id.into_inner());
    gql::delete_health_check(&state, &rest.context, id, expected, key).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Runs a check now and answers with the run (`runHealthCheck`); it counts towards the
/// thresholds like a scheduled run.
#[utoipa::path(
    operation_id = "runHealthCheck",
    tag = "healthchecks",
    params(("id" = uuid::Uuid, Path, description = "The check's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The run", body = RunResult),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not run checks (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such active check", body = ErrorBody),
        (status = 503, description = "The database cannot answer now", body = ErrorBody),
    )
)]
#[post("/healthchecks/{id}/run")]
pub async fn run(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Mutation, "runHealthCheck").await?;
    let r = gql::run_health_check(&state, ID(id.into_inner())).await?;
    Ok(HttpResponse::Ok().json(RunResult {
        at: r.at,
        success: r.success,
        duration_ms: r.duration_ms,
        status: r.status,
        condition_results: r
            .condition_results
            .into_iter()
            .map(|c| Condition {
                condition: c.condition,
                success: c.success,
                actual: c.actual,
            })
            .collect(),
        error: r.error,
    }))
}
