//! `/api/v1/observability/ratelimit`: set, read, list and delete rate-limit rules by their
//! key (limiter `name`, `scope_type`, `scope_id`) and read a bucket's figures, through
//! GraphQL's paths — the `rateLimitRules` read model, `createRateLimitRule`,
//! `updateRateLimitRule`, `deleteRateLimitRule` and `rateLimitStatus` (one function each in
//! [`crate::graphql::types`], which both APIs call), and their roles (VIEWER reads, ADMIN
//! changes).
//!
//! The original product addressed a rule by its key, not its id: `POST …/config` creates the
//! key's rule when it has no ACTIVE one and otherwise changes that rule's rate and capacity.
//! A key without `scope_id` is the rule for each user (USER), each cluster (CLUSTER) or
//! everyone (GLOBAL). Messages of refused values name the REST fields (`scope_id`,
//! `refill_rate`), not GraphQL's.

use super::error::{ErrorBody, RestError};
use super::request::{etag, idempotency_key, if_match, names_of, JsonBody, QueryParams, Rest};
use crate::errors::ErrorCode;
use crate::graphql::access;
use crate::graphql::types::{
    self as gql, CreateRateLimitRuleInput, RateLimitSource, UpdateRateLimitRuleInput,
};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::{Mutation, Query};
use async_graphql::ID;
use chrono::{DateTime, Utc};
use projector::models::rate_limit_rules::RateLimitRules;
use projector::{RateLimitRuleFilter, RateLimitRuleRow, Slice};
use schema::rate_limits::{LimiterName, RateLimitRuleStatus, RateLimitScope, RuleTarget};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// A rate-limit rule: limiter `name`'s bucket for `scope_type` (and `scope_id`) holds
/// `capacity` tokens and gains `refill_rate` per second; each request takes one.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateLimitRule {
    pub id: String,
    /// The limiter: `jobs`, `diagnosis`, `http`, or one to come.
    #[schema(example = "jobs")]
    pub name: String,
    /// USER, CLUSTER or GLOBAL.
    #[schema(example = "USER")]
    pub scope_type: String,
    /// The one user (USER) or cluster (CLUSTER) it is for; null for each of them.
    pub scope_id: Option<String>,
    /// Tokens added per second.
    pub refill_rate: f64,
    /// Most tokens the bucket holds: the largest burst.
    pub capacity: u32,
    /// ACTIVE or DELETED.
    pub status: String,
    /// The aggregate's version (also the `ETag`); `If-Match` expects it.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&RateLimitRuleRow> for RateLimitRule {
    fn from(row: &RateLimitRuleRow) -> Self {
        let s = &row.state;
        Self {
            id: row.id.clone(),
            name: s.name.clone(),
            scope_type: s.scope.as_str().to_string(),
            scope_id: s.scope_id.clone(),
            refill_rate: s.refill_rate,
            capacity: s.capacity,
            status: s.status.as_str().to_string(),
            version: row.version,
            created_at: gql::time(row.created_us),
            updated_at: gql::time(row.updated_us),
        }
    }
}

/// A created or changed rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateLimitRuleAnswer {
    /// Null only when the read models lag behind the write (read it again by its key).
    pub rule: Option<RateLimitRule>,
}

/// A page of rules, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateLimitRuleList {
    pub rules: Vec<RateLimitRule>,
    /// Rules matching the filter on every page.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A bucket's figures now (taking nothing); the numbers are null when it is unlimited.
#[derive(Debug, Serialize, ToSchema)]
pub struct RateLimitStatus {
    pub name: String,
    /// USER, CLUSTER or GLOBAL.
    pub scope_type: String,
    /// The user or cluster whose bucket this is (null for GLOBAL and for your own).
    pub scope_id: Option<String>,
    /// What decides the limit: RULE (`rule_id`), DEFAULT (the limiter's built-in default)
    /// or UNLIMITED.
    #[schema(example = "RULE")]
    pub source: String,
    /// The rule in force, when `source` is RULE.
    pub rule_id: Option<String>,
    /// Most tokens the bucket holds.
    pub capacity: Option<i64>,
    /// Tokens left: requests allowed now.
    pub remaining: Option<i64>,
    /// Tokens added per second.
    pub refill_rate: Option<f64>,
    /// When the bucket is full again.
    pub reset_at: Option<DateTime<Utc>>,
    /// False when the store could not be asked and the open failure mode lets requests
    /// through unlimited (the figures are the limit's, not measurements).
    pub enforced: bool,
}

names_of!(
    /// A rate-limit scope.
    RateLimitScopeName = RateLimitScope::ALL
);
names_of!(
    /// A rate-limit rule status.
    RateLimitRuleStatusName = RateLimitRuleStatus::ALL
);

/// Query parameters naming one rule (its key).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct KeyParams {
    /// The limiter (`jobs`, `diagnosis`, `http`, …).
    #[param(min_length = 1, max_length = 64, pattern = "^[a-z0-9_-]+$")]
    name: String,
    /// USER, CLUSTER or GLOBAL (any letter case).
    #[param(value_type = RateLimitScopeName, inline)]
    scope_type: String,
    /// The one user (USER) or cluster (CLUSTER), a UUID; left out for the rule for each of
    /// them, and for GLOBAL.
    #[param(value_type = Option<uuid::Uuid>)]
    scope_id: Option<String>,
}

/// Query parameters of a bucket's status.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct StatusParams {
    /// The limiter (`jobs`, `diagnosis`, `http`, …).
    #[param(min_length = 1, max_length = 64, pattern = "^[a-z0-9_-]+$")]
    name: String,
    /// USER, CLUSTER or GLOBAL (any letter case).
    #[param(value_type = RateLimitScopeName, inline)]
    scope_type: String,
    /// A user id for USER (your own bucket when left out), a cluster id for CLUSTER
    /// (required), none for GLOBAL.
    #[param(value_type = Option<uuid::Uuid>)]
    scope_id: Option<String>,
}

/// Query parameters of the list (the filters of GraphQL's `rateLimitRules`; no status
/// filter unless given, so deleted rules are listed too).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct ListParams {
    /// Only rules of this limiter, exactly.
    #[param(min_length = 1)]
    name: Option<String>,
    /// Only rules of this scope (USER, CLUSTER, GLOBAL; any letter case).
    #[param(value_type = Option<RateLimitScopeName>, inline)]
    scope_type: Option<String>,
    /// Only rules for this user or cluster id, exactly.
    #[param(min_length = 1)]
    scope_id: Option<String>,
    /// Only rules with this status (ACTIVE, DELETED; any letter case); all when left out.
    #[param(value_type = Option<RateLimitRuleStatusName>, inline)]
    status: Option<String>,
    /// At most this many; more than the API's page size cap (100 by default) is cut to it.
    #[param(default = 50, minimum = 1)]
    limit: Option<i64>,
    /// Skip this many.
    #[param(default = 0, minimum = 0, maximum = 1_000_000)]
    offset: Option<i64>,
}

/// Body of a set.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct SetRateLimitRuleRequest {
    /// The limiter: `jobs`, `diagnosis`, `http`, or any other 1–64 of a-z, 0-9, '_', '-'.
    #[schema(
        example = "jobs",
        min_length = 1,
        max_length = 64,
        pattern = "^[a-z0-9_-]+$"
    )]
    name: String,
    /// USER, CLUSTER or GLOBAL (any letter case).
    #[schema(example = "user")]
    scope_type: String,
    /// A user id (USER) or cluster id (CLUSTER) for a rule of that one; left out for each of
    /// them, and for GLOBAL.
    #[schema(value_type = Option<uuid::Uuid>)]
    scope_id: Option<String>,
    /// Tokens added per second, above 0.
    #[schema(example = 0.5, exclusive_minimum = 0)]
    refill_rate: f64,
    /// Most tokens the bucket holds, at least 1.
    #[schema(example = 10, minimum = 1, maximum = 4_294_967_295_i64)]
    capacity: i64,
}

/// GraphQL's field names in a refused value's message, as REST spells them.
const FIELD_NAMES: &[(&str, &str)] = &[("scopeId:", "scope_id:"), ("refillRate:", "refill_rate:")];

/// `e`, naming REST's field where GraphQL's message names GraphQL's.
fn rest_names(e: impl Into<RestError>) -> RestError {
    let mut e = e.into();
    if e.code == ErrorCode::BadUserInput {
        if let Some((graphql, rest)) = FIELD_NAMES.iter().find(|(g, _)| e.message.starts_with(g)) {
            e.message = format!("{rest}{}", &e.message[graphql.len()..]);
        }
    }
    e
}

/// A rule's key: limiter, scope and (for one user or cluster) its id.
struct Key {
    name: LimiterName,
    target: RuleTarget,
}

impl Key {
    /// Parses a key as the commands do (a scope id is a UUID, none for GLOBAL).
    fn parse(name: &str, scope: RateLimitScope, scope_id: Option<&str>) -> Result<Self, RestError> {
        let name = LimiterName::parse(name).map_err(|e| rest_names(crate::errors::refused(e)))?;
        let target = RuleTarget::parse(scope, scope_id)
            .map_err(|e| rest_names(crate::errors::refused(e)))?;
        Ok(Self { name, target })
    }

    /// The key in query parameters `name`, `scope_type` and `scope_id`.
    fn of_query(q: &QueryParams) -> Result<Self, RestError> {
        let name = q
            .get("name")?
            .ok_or_else(|| RestError::bad_input("name", "is required"))?;
        let scope = scope_type(q)?;
        Self::parse(name, scope, q.get("scope_id")?)
    }

    /// Its rules with status `wanted`, oldest first: `limit` of them from `offset`, and their total.
    async fn rules(
        &self,
        state: &AppState,
        wanted: RateLimitRuleStatus,
        offset: i64,
        limit: i64,
    ) -> Result<projector::Page<RateLimitRuleRow>, RestError> {
        let filter = RateLimitRuleFilter {
            name: Some(self.name.to_string()),
            scope: Some(self.target.scope),
            scope_id: Some(self.target.scope_id.clone()),
            status: Some(wanted),
        };
        state
            .reads
            .list::<RateLimitRules>(&filter, Slice::Offset(offset), limit, true)
            .await
            .map_err(|e| crate::errors::read(e).into())
    }

    /// Its ACTIVE rule (there is at most one).
    async fn active(&self, state: &AppState) -> Result<Option<RateLimitRuleRow>, RestError> {
        let page = self.rules(state, RateLimitRuleStatus::Active, 0, 1).await?;
        Ok(page.items.into_iter().next())
    }

    /// Its last deleted rule, if any.
    async fn last_deleted(&self, state: &AppState) -> Result<Option<RateLimitRuleRow>, RestError> {
        let deleted = RateLimitRuleStatus::Deleted;
        let total = self.rules(state, deleted, 0, 1).await?.total;
        if total == 0 {
            return Ok(None);
        }
        let page = self.rules(state, deleted, total - 1, 1).await?;
        Ok(page.items.into_iter().next())
    }

    /// Where its rule is read.
    fn location(&self) -> String {
        let mut at = format!(
            "{}/observability/ratelimit/config?name={}&scope_type={}",
            super::PREFIX,
            self.name,
            self.target.scope.as_str().to_ascii_lowercase()
        );
        if let Some(id) = &self.target.scope_id {
            at.push_str(&format!("&scope_id={id}"));
        }
        at
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = self.target.scope_id.as_deref().unwrap_or("(each)");
        match self.target.scope {
            RateLimitScope::Global => write!(f, "{} GLOBAL", self.name),
            scope => write!(f, "{} {scope} {id}", self.name),
        }
    }
}

/// Query parameter `scope_type`, required.
fn scope_type(q: &QueryParams) -> Result<RateLimitScope, RestError> {
    q.one_of("scope_type", RateLimitScope::ALL, |s| s.as_str())?
        .ok_or_else(|| RestError::bad_input("scope_type", "is required"))
}

/// A rule answered with its `ETag`.
fn answer(
    mut response: actix_web::HttpResponseBuilder,
    payload: gql::RateLimitRulePayload,
) -> HttpResponse {
    let rule = payload
        .rate_limit_rule
        .as_ref()
        .map(|r| RateLimitRule::from(&r.0));
    if let Some(r) = &rule {
        response.insert_header((header::ETAG, etag(r.version)));
    }
    response.json(RateLimitRuleAnswer { rule })
}

/// Sets the rule of (`name`, `scope_type`, `scope_id`): creates it when the key has no
/// ACTIVE rule (`createRateLimitRule`), otherwise gives that rule the new rate and capacity
/// (`updateRateLimitRule`; its buckets keep what they owe). In force on this instance when
/// answered.
#[utoipa::path(
    operation_id = "setRateLimitRule",
    tag = "ratelimit",
    request_body = SetRateLimitRuleRequest,
    params(
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the key's rule must still have; with a version, the rule must exist"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried set with the same key returns the first rule and changes nothing more"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The key's rule was changed", body = RateLimitRuleAnswer,
            headers(("ETag" = String, description = "Its new version"))),
        (status = 201, description = "Created", body = RateLimitRuleAnswer,
            headers(("Location" = String, description = "Where the rule is read"), ("ETag" = String, description = "Its version"))),
        (status = 400, description = "A field, If-Match or Idempotency-Key is missing or invalid (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not change rules (ADMIN needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 409, description = "The rule changed since the If-Match version (or there is none to match), a concurrent set created it, or the key was used for another request", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now; nothing was changed", body = ErrorBody),
    )
)]
#[post("/observability/ratelimit/config")]
pub async fn set(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "createRateLimitRule").await?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let name = body.required_string("name")?;
    let scope = body
        .one_of("scope_type", RateLimitScope::ALL, |s| s.as_str())?
        .ok_or_else(|| RestError::bad_input("scope_type", "is required"))?;
    let scope_id = body.string("scope_id")?;
    if scope_id.as_deref().is_some_and(|id| id.trim().is_empty()) {
        return Err(RestError::bad_input(
            "scope_id",
            "is empty; leave it out (or null) for each",
        ));
    }
    let refill_rate = body
        .float("refill_rate")?
        .ok_or_else(|| RestError::bad_input("refill_rate", "is required"))?;
    let capacity = body
        .int("capacity")?
        .ok_or_else(|| RestError::bad_input("capacity", "is required"))?;
    let key = Key::parse(&name, scope, scope_id.as_deref())?;
    let expected = if_match(&http)?;
    let idempotency = idempotency_key(&http)?;
    let Some(rule) = key.active(&state).await? else {
        if let Some(version) = expected {
            return Err(RestError::new(
                ErrorCode::Conflict,
                format!("{key} has no active rule (If-Match expects version {version})"),
            ));
        }
        let input = CreateRateLimitRuleInput {
            name: key.name.to_string(),
            scope: scope.into(),
            scope_id: key.target.scope_id.clone().map(ID),
            refill_rate,
            capacity,
            idempotency_key: idempotency,
        };
        let payload = gql::create_rate_limit_rule(&state, &rest.context, input)
            .await
            .map_err(rest_names)?;
        let mut response = HttpResponse::Created();
        response.insert_header((header::LOCATION, key.location()));
        return Ok(answer(response, payload));
    };
    access::permit(&rest.caller, Mutation, "updateRateLimitRule")
        .map_err(|(code, m)| RestError::new(code, m))?;
    let input = UpdateRateLimitRuleInput {
        refill_rate,
        capacity,
    };
    let id = ID(rule.id);
    let payload =
        gql::update_rate_limit_rule(&state, &rest.context, id, input, expected, idempotency)
            .await
            .map_err(rest_names)?;
    Ok(answer(HttpResponse::Ok(), payload))
}

/// The ACTIVE rule of (`name`, `scope_type`, `scope_id`); its `ETag` is its version.
#[utoipa::path(
    operation_id = "getRateLimitRule",
    tag = "ratelimit",
    params(KeyParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The rule", body = RateLimitRule,
            headers(("ETag" = String, description = "Its version, for If-Match"))),
        (status = 400, description = "A parameter is missing or invalid (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "The key has no active rule", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/observability/ratelimit/config")]
pub async fn get(state: web::Data<AppState>, http: HttpRequest) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "rateLimitRules").await?;
    let key = Key::of_query(&QueryParams::of(&http)?)?;
    let Some(row) = key.active(&state).await? else {
        return Err(RestError::not_found(format!("{key} has no active rule")));
    };
    let rule = RateLimitRule::from(&row);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(rule.version)))
        .json(rule))
}

/// Deletes the ACTIVE rule of (`name`, `scope_type`, `scope_id`) (`deleteRateLimitRule`): a
/// less specific rule, or the limiter's default, applies again.
#[utoipa::path(
    operation_id = "deleteRateLimitRule",
    tag = "ratelimit",
    params(
        KeyParams,
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the rule must still have"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried delete with the same key answers 204 again and changes nothing"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "A parameter, If-Match or Idempotency-Key is invalid (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not delete rules (ADMIN needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "The key has no active rule", body = ErrorBody),
        (status = 409, description = "The rule changed since the If-Match version, or the key was used for another request", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[delete("/observability/ratelimit/config")]
pub async fn delete(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "deleteRateLimitRule").await?;
    let key = Key::of_query(&QueryParams::of(&http)?)?;
    let expected = if_match(&http)?;
    let idempotency = idempotency_key(&http)?;
    let rule = match key.active(&state).await? {
        Some(rule) => rule,
        // A retried delete: the rule it deleted answers its first result (or NOT_FOUND).
        None if idempotency.is_some() => key
            .last_deleted(&state)
            .await?
            .ok_or_else(|| RestError::not_found(format!("{key} has no active rule")))?,
        None => return Err(RestError::not_found(format!("{key} has no active rule"))),
    };
    gql::delete_rate_limit_rule(&state, &rest.context, ID(rule.id), expected, idempotency)
        .await
        .map_err(rest_names)?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists rules, oldest first; every status unless `status` is given.
#[utoipa::path(
    operation_id = "listRateLimitRules",
    tag = "ratelimit",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of rules", body = RateLimitRuleList),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/observability/ratelimit/config/list")]
pub async fn list(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "rateLimitRules").await?;
    let q = QueryParams::of(&http)?;
    let filter = RateLimitRuleFilter {
        name: q.get("name")?.map(str::to_string),
        scope: q.one_of("scope_type", RateLimitScope::ALL, |s| s.as_str())?,
        scope_id: q.get("scope_id")?.map(|id| Some(id.to_string())),
        status: q.one_of("status", RateLimitRuleStatus::ALL, |s| s.as_str())?,
    };
    let page = q.offset_page::<RateLimitRules>(&state, &filter).await?;
    Ok(HttpResponse::Ok().json(RateLimitRuleList {
        rules: page.rows.iter().map(RateLimitRule::from).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// The bucket of limiter `name` in `scope_type` for `scope_id`, and which limit governs it
/// (`rateLimitStatus`); taking nothing.
#[utoipa::path(
    operation_id = "getRateLimitStatus",
    tag = "ratelimit",
    params(StatusParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The bucket's figures", body = RateLimitStatus),
        (status = 400, description = "A parameter is missing or invalid, or CLUSTER has no scope_id (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The rate-limit store cannot answer now", body = ErrorBody),
    )
)]
#[get("/observability/ratelimit/status")]
pub async fn status(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Query, "rateLimitStatus").await?;
    let q = QueryParams::of(&http)?;
    let name = q
        .get("name")?
        .ok_or_else(|| RestError::bad_input("name", "is required"))?
        .to_string();
    let scope = scope_type(&q)?;
    let scope_id = q.get("scope_id")?.map(|id| ID(id.to_string()));
    let s = gql::rate_limit_status(&state, &rest.user(), name, scope.into(), scope_id)
        .await
        .map_err(rest_names)?;
    Ok(HttpResponse::Ok().json(RateLimitStatus {
        name: s.name,
        scope_type: s.scope.stored().to_string(),
        scope_id: s.scope_id.map(|id| id.0),
        source: match s.source {
            RateLimitSource::Rule => "RULE",
            RateLimitSource::Default => "DEFAULT",
            RateLimitSource::Unlimited => "UNLIMITED",
        }
        .to_string(),
        rule_id: s.rule_id.map(|id| id.0),
        capacity: s.capacity,
        remaining: s.remaining,
        refill_rate: s.refill_rate,
        reset_at: s.reset_at,
        enforced: s.enforced,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refused_values_name_the_rest_fields() {
        let e = rest_names(crate::errors::bad_input("scopeId: is not a user id"));
        assert_eq!(e.message, "scope_id: is not a user id");
        let e = rest_names(crate::errors::bad_input("refillRate: must be above 0"));
        assert_eq!(e.message, "refill_rate: must be above 0");
        let e = rest_names(crate::errors::bad_input("capacity: must be 1–9"));
        assert_eq!(e.message, "capacity: must be 1–9");
        let e = Key::parse(
            "jobs",
            RateLimitScope::Global,
            Some(&uuid::Uuid::new_v4().to_string()),
        );
        assert!(e.err().unwrap().message.starts_with("scope_id:"));
        let key = Key::parse("jobs", RateLimitScope::Cluster, None).unwrap();
        assert_eq!(key.to_string(), "jobs CLUSTER (each)");
        assert_eq!(
            key.location(),
            "/api/v1/observability/ratelimit/config?name=jobs&scope_type=cluster"
        );
    }
}
