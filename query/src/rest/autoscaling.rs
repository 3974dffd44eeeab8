//! `/api/v1/autoscaling/policies`: list, create, read, change, pause, resume, delete and
//! evaluate scaling policies through GraphQL's paths — the `scalingPolicies` read model and
//! the scaling-policy mutations (one function each in [`crate::graphql::types`], which both
//! APIs call), and their roles.

use super::error::{ErrorBody, RestError};
use super::request::{etag, idempotency_key, if_match, names_of, JsonBody, QueryParams, Rest};
use crate::graphql::read_model::find;
use crate::graphql::types::{
    self as gql, CreateScalingPolicyInput, ScalingBehaviorInput, ScalingPolicyLifecycle,
    ScalingTemplateInput, UpdateScalingPolicyInput,
};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::{Mutation, Query};
use async_graphql::ID;
use chrono::{DateTime, Utc};
use projector::models::scaling_policies::ScalingPolicies;
use projector::{ScalingPolicyFilter, ScalingPolicyRow};
use schema::autoscale::{Behavior as StoredBehavior, ScalingMetric, ScalingMode, StepAmount};
use schema::scaling_policy::{hourly_price, ScalingPolicyStatus};
use schema::{ClusterId, ScalingPolicyId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// One direction's behaviour (Kubernetes' `behavior.scaleUp` / `scaleDown`).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Behavior {
    /// 0–86400.
    pub stabilization_window_seconds: Option<i64>,
    /// At most this many droplets per period (1–100)…
    pub max_step_droplets: Option<i64>,
    /// …or at most this percent of the count at the period's start (1–1000).
    pub max_step_percent: Option<i64>,
    /// The step's period, 1–86400 seconds.
    pub period_seconds: Option<i64>,
}

impl From<StoredBehavior> for Behavior {
    fn from(b: StoredBehavior) -> Self {
        let (droplets, percent, period) = match b.max_step {
            Some(s) => match s.amount {
                StepAmount::Droplets(n) => (Some(n.into()), None, Some(s.period_seconds.into())),
                StepAmount::Percent(p) => (None, Some(p.into()), Some(s.period_seconds.into())),
            },
            None => (None, None, None),
        };
        Self {
            stabilization_window_seconds: Some(b.stabilization_window_seconds.into()),
            max_step_droplets: droplets,
            max_step_percent: percent,
            period_seconds: period,
        }
    }
}

impl From<Behavior> for ScalingBehaviorInput {
    fn from(b: Behavior) -> Self {
        Self {
            stabilization_window_seconds: b.stabilization_window_seconds,
            max_step_droplets: b.max_step_droplets,
            max_step_percent: b.max_step_percent,
            period_seconds: b.period_seconds,
        }
    }
}

/// What new droplets of a horizontal policy are created with: catalog slugs.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Template {
    pub size: String,
    pub image: String,
    /// What one droplet of the size costs an hour, US dollars (in answers only).
    #[serde(default, skip_deserializing)]
    pub hourly_price: Option<f64>,
}

/// A scaling policy of one cluster.
#[derive(Debug, Serialize, ToSchema)]
pub struct Policy {
    pub id: String,
    pub cluster_id: String,
    pub name: String,
    /// Whether it is evaluated (status ACTIVE).
    pub enabled: bool,
    /// ACTIVE, PAUSED or DELETED.
    pub status: String,
    /// HORIZONTAL or VERTICAL.
    pub mode: String,
    /// CPU, MEMORY or QUEUE_DEPTH.
    pub metric: String,
    pub target: f64,
    pub tolerance: f64,
    pub window_seconds: u32,
    pub min_droplets: u32,
    pub max_droplets: u32,
    pub scale_up: Behavior,
    pub scale_down: Behavior,
    pub cooldown_seconds: u32,
    pub cost_limit_per_hour: Option<f64>,
    pub template: Option<Template>,
    pub min_size: Option<String>,
    pub max_size: Option<String>,
    pub dry_run: bool,
    /// The aggregate's version (also the `ETag`); `If-Match` expects it.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ScalingPolicyRow> for Policy {
    fn from(row: &ScalingPolicyRow) -> Self {
        let spec = &row.state.spec;
        Self {
            id: row.id.clone(),
            cluster_id: row.state.cluster_id.to_string(),
            name: spec.name.clone(),
            enabled: row.state.status == ScalingPolicyStatus::Active,
            status: row.state.status.as_str().to_string(),
            mode: spec.mode.as_str().to_string(),
            metric: spec.metric.as_str().to_string(),
            target: spec.target,
            tolerance: spec.tolerance,
            window_seconds: spec.window_seconds,
            min_droplets: spec.min_droplets,
            max_droplets: spec.max_droplets,
            scale_up: spec.scale_up.into(),
            scale_down: spec.scale_down.into(),
            cooldown_seconds: spec.cooldown_seconds,
            cost_limit_per_hour: spec.cost_limit_per_hour,
            template: spec.template.as_ref().map(|t| Template {
                size: t.size.to_string(),
                image: t.image.to_string(),
                hourly_price: Some(hourly_price(&t.size)),
            }),
            min_size: spec.min_size.as_ref().map(ToString::to_string),
            max_size: spec.max_size.as_ref().map(ToString::to_string),
            dry_run: spec.dry_run,
            version: row.version,
            created_at: gql::time(row.created_us),
            updated_at: gql::time(row.updated_us),
        }
    }
}

/// A page of policies, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyList {
    pub policies: Vec<Policy>,
    /// Policies matching the filter on every page.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A created or changed policy.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyAnswer {
    /// Null only when the read models lag behind the write (read it again by id).
    pub policy: Option<Policy>,
}

/// An evaluation (`evaluateScalingPolicy`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Evaluated {
    /// The policy after the evaluation.
    pub policy: Option<Policy>,
    /// `{decision {at, current, desired, metric_value, target, reason, capped_by, dry_run,
    /// inputs, …}, outcome, job_id, note}`, as `lastEvaluation` records it.
    #[schema(value_type = Object)]
    pub evaluation: serde_json::Value,
    /// Global position of the decision recorded; 0 when nothing was recorded.
    pub position: i64,
}

names_of!(
    /// A scaling mode.
    ScalingModeName = ScalingMode::ALL
);
names_of!(
    /// A scaling metric.
    ScalingMetricName = ScalingMetric::ALL
);
names_of!(
    /// A scaling policy status.
    ScalingPolicyStatusName = ScalingPolicyStatus::ALL
);

/// Query parameters of the list (the filters of GraphQL's `scalingPolicies`).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct ListParams {
    /// Only the policies of this cluster.
    #[param(value_type = Option<uuid::Uuid>)]
    cluster_id: Option<String>,
    /// Only policies whose name contains this.
    #[param(min_length = 1)]
    name: Option<String>,
    /// HORIZONTAL or VERTICAL (any letter case).
    #[param(value_type = Option<ScalingModeName>, inline)]
    mode: Option<String>,
    /// CPU, MEMORY or QUEUE_DEPTH (any letter case).
    #[param(value_type = Option<ScalingMetricName>, inline)]
    metric: Option<String>,
    /// ACTIVE, PAUSED or DELETED (any letter case).
    #[param(value_type = Option<ScalingPolicyStatusName>, inline)]
    status: Option<String>,
    /// At most this many; more than the API's page size cap (100 by default) is cut to it.
    #[param(default = 50, minimum = 1)]
    limit: Option<i64>,
    /// Skip this many.
    #[param(default = 0, minimum = 0, maximum = 1_000_000)]
    offset: Option<i64>,
}

/// Body of a create; omitted fields take GraphQL's defaults.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct CreatePolicyRequest {
    cluster_id: String,
    #[schema(example = "cpu")]
    name: String,
    /// HORIZONTAL (default) or VERTICAL.
    mode: Option<String>,
    /// CPU, MEMORY or QUEUE_DEPTH.
    #[schema(example = "CPU")]
    metric: String,
    #[schema(example = 70.0)]
    target: f64,
    tolerance: Option<f64>,
    window_seconds: Option<i64>,
    min_droplets: Option<i64>,
    max_droplets: Option<i64>,
    scale_up: Option<Behavior>,
    scale_down: Option<Behavior>,
    cooldown_seconds: Option<i64>,
    cost_limit_per_hour: Option<f64>,
    template: Option<Template>,
    min_size: Option<String>,
    max_size: Option<String>,
    dry_run: Option<bool>,
    /// False creates it PAUSED.
    enabled: Option<bool>,
}

/// Body of a change: the fields to change; `cost_limit_per_hour: null` removes the limit.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct UpdatePolicyRequest {
    name: Option<String>,
    mode: Option<String>,
    metric: Option<String>,
    target: Option<f64>,
    tolerance: Option<f64>,
    window_seconds: Option<i64>,
    min_droplets: Option<i64>,
    max_droplets: Option<i64>,
    scale_up: Option<Behavior>,
    scale_down: Option<Behavior>,
    cooldown_seconds: Option<i64>,
    cost_limit_per_hour: Option<f64>,
    template: Option<Template>,
    min_size: Option<String>,
    max_size: Option<String>,
    dry_run: Option<bool>,
}

/// Query parameter of an evaluation.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct EvaluateParams {
    /// Only show what it would decide, recording nothing.
    #[param(default = false)]
    dry_run: Option<bool>,
}

const BEHAVIOR: &str =
    "an object {stabilization_window_seconds, max_step_droplets, max_step_percent, period_seconds}";
const TEMPLATE: &str = "an object {size, image}";

/// The fields of a body create and change share.
struct Common {
    mode: Option<gql::ScalingMode>,
    scale_up: Option<ScalingBehaviorInput>,
    scale_down: Option<ScalingBehaviorInput>,
    template: Option<ScalingTemplateInput>,
}

fn common(body: &mut JsonBody) -> Result<Common, RestError> {
    let template = body
        .object::<Template>("template", TEMPLATE)?
        .map(|t| ScalingTemplateInput {
            size: t.size,
            image: t.image,
        });
    Ok(Common {
        mode: body
            .one_of("mode", ScalingMode::ALL, |m| m.as_str())?
            .map(Into::into),
        scale_up: body
            .object::<Behavior>("scale_up", BEHAVIOR)?
            .map(Into::into),
        scale_down: body
            .object::<Behavior>("scale_down", BEHAVIOR)?
            .map(Into::into),
        template,
    })
}

fn metric(body: &mut JsonBody) -> Result<Option<gql::ScalingMetric>, RestError> {
    Ok(body
        .one_of("metric", ScalingMetric::ALL, |m| m.as_str())?
        .map(Into::into))
}

/// The path's id, parsed (a malformed id is a 400 naming `id`).
fn policy_id(raw: &str) -> Result<ScalingPolicyId, RestError> {
    ScalingPolicyId::parse(raw).map_err(|e| RestError::bad_input("id", e))
}

/// A policy answered with its `ETag`.
fn answer(mut response: actix_web::HttpResponseBuilder, policy: Option<Policy>) -> HttpResponse {
    if let Some(p) = &policy {
        response.insert_header((header::ETAG, etag(p.version)));
    }
    response.json(PolicyAnswer { policy })
}

/// Lists scaling policies, oldest first.
#[utoipa::path(
    operation_id = "listScalingPolicies",
    tag = "autoscaling",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of policies", body = PolicyList),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/autoscaling/policies")]
pub async fn list(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "scalingPolicies").await?;
    let q = QueryParams::of(&http)?;
    let filter = ScalingPolicyFilter {
        cluster_id: q
            .get("cluster_id")?
            .map(|c| ClusterId::parse(c).map_err(|e| RestError::bad_input("cluster_id", e)))
            .transpose()?
            .map(|c| c.to_string()),
        name: q.get("name")?.map(str::to_string),
        mode: q.one_of("mode", ScalingMode::ALL, |m| m.as_str())?,
        metric: q.one_of("metric", ScalingMetric::ALL, |m| m.as_str())?,
        status: q.one_of("status", ScalingPolicyStatus::ALL, |s| s.as_str())?,
    };
    let page = q.offset_page::<ScalingPolicies>(&state, &filter).await?;
    Ok(HttpResponse::Ok().json(PolicyList {
        policies: page.rows.iter().map(Policy::from).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Creates a policy for a cluster (`createScalingPolicy`).
#[utoipa::path(
    operation_id = "createScalingPolicy",
    tag = "autoscaling",
    request_body = CreatePolicyRequest,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried create with the same key returns the first policy and creates nothing")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = PolicyAnswer,
            headers(("Location" = String, description = "The policy"), ("ETag" = String, description = "Its version"))),
        (status = 400, description = "A field is missing or invalid (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not create policies (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 409, description = "The cluster has a live policy on the metric, or the key was used for another request", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now; nothing was created", body = ErrorBody),
    )
)]
#[post("/autoscaling/policies")]
pub async fn create(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "createScalingPolicy").await?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let c = common(&mut body)?;
    let input = CreateScalingPolicyInput {
        cluster_id: ID(body.required_string("cluster_id")?),
        name: body.required_string("name")?,
        mode: c.mode,
        metric: metric(&mut body)?.ok_or_else(|| RestError::bad_input("metric", "is required"))?,
        target: body
            .float("target")?
            .ok_or_else(|| RestError::bad_input("target", "is required"))?,
        tolerance: body.float("tolerance")?,
        window_seconds: body.int("window_seconds")?,
        min_droplets: body.int("min_droplets")?,
        max_droplets: body.int("max_droplets")?,
        scale_up: c.scale_up,
        scale_down: c.scale_down,
        cooldown_seconds: body.int("cooldown_seconds")?,
        cost_limit_per_hour: body.float("cost_limit_per_hour")?,
        template: c.template,
        min_size: body.string("min_size")?,
        max_size: body.string("max_size")?,
        dry_run: body.bool("dry_run")?,
        enabled: body.bool("enabled")?,
        idempotency_key: idempotency_key(&http)?,
    };
    let payload = gql::create_scaling_policy(&state, &rest.context, input).await?;
    let policy = payload.scaling_policy.as_ref().map(|p| Policy::from(&p.0));
    let mut response = HttpResponse::Created();
    if let Some(p) = &policy {
        response.insert_header((
            header::LOCATION,
            format!("{}/autoscaling/policies/{}", super::PREFIX, p.id),
        ));
    }
    Ok(answer(response, policy))
}

/// One policy; its `ETag` is its version.
#[utoipa::path(
    operation_id = "getScalingPolicy",
    tag = "autoscaling",
    params(("id" = uuid::Uuid, Path, description = "The policy's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The policy", body = Policy,
            headers(("ETag" = String, description = "Its version, for If-Match"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such policy", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/autoscaling/policies/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "scalingPolicy").await?;
    let id = policy_id(&id)?;
    let Some(row) = find::<gql::ScalingPolicy>(&state, &id.to_string()).await? else {
        return Err(RestError::not_found(format!(
            "scaling policy {id} not found"
        )));
    };
    let policy = Policy::from(&row.0);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(policy.version)))
        .json(policy))
}

/// Changes the given fields of a policy (`updateScalingPolicy`); the result is checked as a
/// new policy would be.
#[utoipa::path(
    operation_id = "updateScalingPolicy",
    tag = "autoscaling",
    request_body = UpdatePolicyRequest,
    params(
        ("id" = uuid::Uuid, Path, description = "The policy's id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the policy must still have"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried change with the same key changes nothing more"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Changed", body = PolicyAnswer,
            headers(("ETag" = String, description = "Its new version"))),
        (status = 400, description = "A field, the id, If-Match or Idempotency-Key is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not change policies (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such policy, or it is deleted", body = ErrorBody),
        (status = 409, description = "The policy changed since the If-Match version, or another live policy has the metric", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[put("/autoscaling/policies/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "updateScalingPolicy").await?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let c = common(&mut body)?;
    let input = UpdateScalingPolicyInput {
        name: body.string("name")?,
        mode: c.mode,
        metric: metric(&mut body)?,
        target: body.float("target")?,
        tolerance: body.float("tolerance")?,
        window_seconds: body.int("window_seconds")?,
        min_droplets: body.int("min_droplets")?,
        max_droplets: body.int("max_droplets")?,
        scale_up: c.scale_up,
        scale_down: c.scale_down,
        cooldown_seconds: body.int("cooldown_seconds")?,
        cost_limit_per_hour: body.nullable_float("cost_limit_per_hour")?,
        template: c.template,
        min_size: body.string("min_size")?,
        max_size: body.string("max_size")?,
        dry_run: body.bool("dry_run")?,
    };
    let expected = if_match(&http)?;
    let key = idempotency_key(&http)?;
    let id = ID(id.into_inner());
    let payload =
        gql::update_scaling_policy(&state, &rest.context, id, input, expected, key).await?;
    let policy = payload.scaling_policy.as_ref().map(|p| Policy::from(&p.0));
    Ok(answer(HttpResponse::Ok(), policy))
}

/// Runs a lifecycle change of the policy at `id` and answers with the policy (or 204).
async fn change(
    state: &AppState,
    http: &HttpRequest,
    id: String,
    field: &str,
    change: ScalingPolicyLifecycle,
) -> Result<Option<Policy>, RestError> {
    let rest = Rest::authorize(state, http, Mutation, field).await?;
    let expected = if_match(http)?;
    let key = idempotency_key(http)?;
    let payload =
        gql::scaling_policy_lifecycle(state, &rest.context, ID(id), expected, key, change).await?;
    Ok(payload.scaling_policy.as_ref().map(|p| Policy::from(&p.0)))
}

/// Deletes a policy (`deleteScalingPolicy`); its cluster and metric may have another.
#[utoipa::path(
    operation_id = "deleteScalingPolicy",
    tag = "autoscaling",
    params(
        ("id" = uuid::Uuid, Path, description = "The policy's id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the policy must still have"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried delete with the same key changes nothing"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id, If-Match or Idempotency-Key is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not delete policies (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such policy, or it is deleted", body = ErrorBody),
        (status = 409, description = "The policy changed since the If-Match version", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[delete("/autoscaling/policies/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    let lifecycle = ScalingPolicyLifecycle::Delete;
    change(
        &state,
        &http,
        id.into_inner(),
        "deleteScalingPolicy",
        lifecycle,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stops evaluating a policy (`pauseScalingPolicy`); it keeps its settings.
#[utoipa::path(
    operation_id = "pauseScalingPolicy",
    tag = "autoscaling",
    params(
        ("id" = uuid::Uuid, Path, description = "The policy's id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the policy must still have"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried request with the same key changes nothing more"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Paused", body = PolicyAnswer,
            headers(("ETag" = String, description = "Its new version"))),
        (status = 400, description = "The id, If-Match or Idempotency-Key is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not change policies (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such policy, or it is deleted", body = ErrorBody),
        (status = 409, description = "The policy changed since the If-Match version, or is not in a state this applies to", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[post("/autoscaling/policies/{id}/pause")]
pub async fn pause(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    let lifecycle = ScalingPolicyLifecycle::Pause;
    let policy = change(
        &state,
        &http,
        id.into_inner(),
        "pauseScalingPolicy",
        lifecycle,
    )
    .await?;
    Ok(answer(HttpResponse::Ok(), policy))
}

/// Evaluates a paused policy again (`resumeScalingPolicy`).
#[utoipa::path(
    operation_id = "resumeScalingPolicy",
    tag = "autoscaling",
    params(
        ("id" = uuid::Uuid, Path, description = "The policy's id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the policy must still have"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried request with the same key changes nothing more"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Active again", body = PolicyAnswer,
            headers(("ETag" = String, description = "Its new version"))),
        (status = 400, description = "The id, If-Match or Idempotency-Key is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not change policies (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such policy, or it is deleted", body = ErrorBody),
        (status = 409, description = "The policy changed since the If-Match version, or is not in a state this applies to", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[post("/autoscaling/policies/{id}/resume")]
pub async fn resume(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    let lifecycle = ScalingPolicyLifecycle::Resume;
    let policy = change(
        &state,
        &http,
        id.into_inner(),
        "resumeScalingPolicy",
        lifecycle,
    )
    .await?;
    Ok(answer(HttpResponse::Ok(), policy))
}

/// Evaluates a policy now, as the autoscaler would (`evaluateScalingPolicy`): a decision
/// that changes the cluster is recorded and its SCALE job queued, unless `dry_run`.
#[utoipa::path(
    operation_id = "evaluateScalingPolicy",
    tag = "autoscaling",
    params(("id" = uuid::Uuid, Path, description = "The policy's id"), EvaluateParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The evaluation", body = Evaluated),
        (status = 400, description = "The id or dry_run is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not evaluate policies (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such policy, or it is deleted", body = ErrorBody),
        (status = 409, description = "A concurrent change to the policy refused the decision", body = ErrorBody),
        (status = 503, description = "The database cannot answer now", body = ErrorBody),
    )
)]
#[post("/autoscaling/policies/{id}/evaluate")]
pub async fn evaluate(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "evaluateScalingPolicy").await?;
    let q = QueryParams::of(&http)?;
    let dry_run = q
        .one_of(
            "dry_run",
            &[true, false],
            |b| if *b { "true" } else { "false" },
        )?
        .unwrap_or(false);
    let id = ID(id.into_inner());
    let e = gql::evaluate_scaling_policy(&state, &rest.context, id, dry_run).await?;
    let evaluation = serde_json::to_value(&e.evaluation).map_err(|err| {
        RestError::new(
            crate::errors::ErrorCode::Internal,
            format!("evaluation: {err}"),
        )
    })?;
    Ok(HttpResponse::Ok().json(Evaluated {
        policy: e.policy.as_ref().map(|p| Policy::from(&p.0)),
        evaluation,
        position: e.position,
    }))
}
