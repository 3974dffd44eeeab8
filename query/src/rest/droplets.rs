//! `/api/v1/droplets`: list, create, read and destroy droplets through GraphQL's paths —
//! the `droplets` read model, `createDroplet` and `destroyDroplet` (one function each in
//! [`crate::graphql::types`], which both APIs call), and their roles.
//!
//! `Idempotency-Key` is the commands' `idempotencyKey`; a droplet's `ETag` is its version
//! and `If-Match` on DELETE its `expectedVersion`: a stale one is 409, as every conflict.

use super::error::{ErrorBody, RestError};
use super::request::{etag, idempotency_key, if_match, names_of, JsonBody, QueryParams, Rest};
use crate::errors::ErrorCode;
use crate::graphql::read_model::find;
use crate::graphql::types::{self as gql, CreateDropletInput, DropletPayload};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::{Mutation, Query};
use async_graphql::ID;
use chrono::{DateTime, Utc};
use command::aggregates::DropletOperation;
use projector::models::droplets::Droplets;
use projector::{DropletFilter, DropletRow};
use schema::{DropletId, DropletStatus};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// Most tags a create may carry.
pub const MAX_TAGS: usize = 50;

/// A virtual machine.
#[derive(Debug, Serialize, ToSchema)]
pub struct Droplet {
    pub id: String,
    pub name: String,
    /// PROVISIONING, RUNNING, FAILED, STOPPED, DESTROYING or DESTROYED.
    #[schema(example = "RUNNING")]
    pub status: String,
    #[schema(example = "nyc1")]
    pub region: String,
    #[schema(example = "s-1vcpu-1gb")]
    pub size: String,
    #[schema(example = "ubuntu-24-04-x64")]
    pub image: String,
    /// Its address once RUNNING.
    pub ip: Option<String>,
    pub cluster_id: Option<String>,
    /// The most recent job started for it.
    pub job_id: String,
    /// The aggregate's version (also the `ETag`); `If-Match` on DELETE expects it.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Newest CPU, memory and disk samples (only on `GET /droplets/{id}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Usage>,
}

/// A droplet's newest samples, percent; null before it reports (it reports while RUNNING).
#[derive(Debug, Serialize, ToSchema)]
pub struct Usage {
    pub cpu_usage: Option<f64>,
    pub memory_usage: Option<f64>,
    pub disk_usage: Option<f64>,
}

impl From<&DropletRow> for Droplet {
    fn from(row: &DropletRow) -> Self {
        let s = &row.state;
        Self {
            id: row.id.clone(),
            name: s.name.clone(),
            status: s.status.as_str().to_string(),
            region: s.region.clone(),
            size: s.size.clone(),
            image: s.image.clone(),
            ip: s.ip.clone(),
            cluster_id: s.cluster_id.map(|c| c.to_string()),
            job_id: s.job_id.to_string(),
            version: row.version,
            created_at: gql::time(row.created_us),
            updated_at: gql::time(row.updated_us),
            metrics: None,
        }
    }
}

/// A page of droplets, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DropletList {
    pub droplets: Vec<Droplet>,
    /// Droplets matching the filter on every page.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

names_of!(
    /// A droplet status.
    DropletStatusName = DropletStatus::ALL
);

/// Query parameters of the list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct ListParams {
    /// Only droplets with this status (any letter case).
    #[param(value_type = Option<DropletStatusName>, inline)]
    status: Option<String>,
    /// At most this many; more than the API's page size cap (100 by default) is cut to it.
    #[param(default = 50, minimum = 1)]
    limit: Option<i64>,
    /// Skip this many.
    #[param(default = 0, minimum = 0, maximum = 1_000_000)]
    offset: Option<i64>,
}

/// Body of a create.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct CreateDropletRequest {
    /// DNS label, unique among live droplets.
    #[schema(example = "web-1")]
    name: String,
    /// Size slug from the catalog.
    #[schema(example = "s-1vcpu-1gb")]
    size: String,
    /// Image slug from the catalog.
    #[schema(example = "ubuntu-24-04-x64")]
    image: String,
    /// Region slug from the catalog.
    #[schema(example = "nyc1")]
    region: String,
    /// Accepted for the original API's clients and not stored: droplets have no tags yet.
    tags: Option<Vec<String>>,
    /// The cluster to place it in (same region).
    #[schema(value_type = Option<uuid::Uuid>)]
    cluster_id: Option<String>,
}

/// A created droplet and its provisioning job.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedDroplet {
    /// Null only when the read models lag behind the write (read it again by id).
    pub droplet: Option<Droplet>,
    pub job_id: String,
}

/// The droplet with `id`, parsed (a malformed id is a 400 naming `id`).
fn droplet_id(raw: &str) -> Result<DropletId, RestError> {
    DropletId::parse(raw).map_err(|e| RestError::bad_input("id", e))
}

/// Lists droplets, oldest first.
#[utoipa::path(
    operation_id = "listDroplets",
    tag = "droplets",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of droplets", body = DropletList),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/droplets")]
pub async fn list(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "droplets").await?;
    let q = QueryParams::of(&http)?;
    let status = q.one_of("status", DropletStatus::ALL, |s| s.as_str())?;
    let filter = DropletFilter {
        status,
        ..DropletFilter::default()
    };
    let page = q.offset_page::<Droplets>(&state, &filter).await?;
    Ok(HttpResponse::Ok().json(DropletList {
        droplets: page.rows.iter().map(Droplet::from).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Creates a droplet and starts its provisioning job (GraphQL's `createDroplet`).
#[utoipa::path(
    operation_id = "createDroplet",
    tag = "droplets",
    request_body = CreateDropletRequest,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried create with the same key returns the first droplet and job and creates nothing")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; provisioning started", body = CreatedDroplet,
            headers(("Location" = String, description = "The droplet"), ("ETag" = String, description = "Its version"))),
        (status = 400, description = "A field is missing or invalid (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not create droplets (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 409, description = "The name is taken by a live droplet, or the key was used for another request", body = ErrorBody),
        (status = 429, description = "Too many jobs; see Retry-After", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now; nothing was created", body = ErrorBody),
    )
)]
#[post("/droplets")]
pub async fn create(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "createDroplet").await?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let input = CreateDropletInput {
        name: body.required_string("name")?,
        region: body.required_string("region")?,
        size: body.required_string("size")?,
        image: body.required_string("image")?,
        cluster_id: body.string("cluster_id")?.map(ID),
        idempotency_key: idempotency_key(&http)?,
    };
    let tags = body.strings("tags")?.unwrap_or_default();
    if tags.len() > MAX_TAGS {
        return Err(RestError::bad_input("tags", format!("at most {MAX_TAGS}")));
    }
    let payload = gql::create_droplet(&state, rest.user(), &rest.context, input).await?;
    let (droplet, job_id) = parts(payload)?;
    let mut response = HttpResponse::Created();
    if let Some(d) = &droplet {
        response.insert_header((
            header::LOCATION,
            format!("{}/droplets/{}", super::PREFIX, d.id),
        ));
        response.insert_header((header::ETAG, etag(d.version)));
    }
    Ok(response.json(CreatedDroplet { droplet, job_id }))
}

/// The droplet and job id of a droplet command's payload.
fn parts(payload: DropletPayload) -> Result<(Option<Droplet>, String), RestError> {
    let job_id = payload.job.map(|j| j.0.id).ok_or_else(|| {
        RestError::new(
            ErrorCode::Unavailable,
            "the job is not readable yet; list /api/v1/jobs",
        )
    })?;
    Ok((
        payload.droplet.as_ref().map(|d| Droplet::from(&d.0)),
        job_id,
    ))
}

/// One droplet, with its newest metrics; its `ETag` is its version.
#[utoipa::path(
    operation_id = "getDroplet",
    tag = "droplets",
    params(("id" = uuid::Uuid, Path, description = "The droplet's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The droplet", body = Droplet,
            headers(("ETag" = String, description = "Its version, for If-Match"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such droplet", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/droplets/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "droplet").await?;
    let id = droplet_id(&id)?;
    let Some(row) = find::<gql::Droplet>(&state, &id.to_string()).await? else {
        return Err(RestError::not_found(format!("droplet {id} not found")));
    };
    let [cpu_usage, memory_usage, disk_usage] = gql::droplet_usage(&state, &id).await?;
    let mut droplet = Droplet::from(&row.0);
    droplet.metrics = Some(Usage {
        cpu_usage,
        memory_usage,
        disk_usage,
    });
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(droplet.version)))
        .json(droplet))
}

/// Starts destroying a droplet (GraphQL's `destroyDroplet`).
#[utoipa::path(
    operation_id = "deleteDroplet",
    tag = "droplets",
    params(
        ("id" = uuid::Uuid, Path, description = "The droplet's id"),
        ("If-Match" = Option<String>, Header, nullable = false, description = "The ETag (version) the droplet must still have", pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried delete with the same key changes nothing"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Destroying started"),
        (status = 400, description = "The id, If-Match or Idempotency-Key is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not destroy droplets (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such droplet", body = ErrorBody),
        (status = 409, description = "The droplet changed since the If-Match version, or cannot be destroyed in its state", body = ErrorBody),
        (status = 429, description = "Too many jobs; see Retry-After", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[delete("/droplets/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "destroyDroplet").await?;
    let options = gql::Options {
        expected_version: if_match(&http)?,
        idempotency_key: idempotency_key(&http)?,
    };
    let id = ID(id.into_inner());
    let operation = DropletOperation::Destroy;
    gql::operate_droplet(&state, rest.user(), &rest.context, id, operation, options).await?;
    Ok(HttpResponse::NoContent().finish())
}
