//! `/api/v1/clusters`: list, create, read and delete clusters through GraphQL's paths — the
//! `clusters` read model, `createCluster` and `deleteCluster` (one function each in
//! [`crate::graphql::types`], which both APIs call), and their roles.
//!
//! `Idempotency-Key` is the commands' `idempotencyKey`; a cluster's `ETag` is its version
//! and `If-Match` on DELETE its `expectedVersion`: a stale one is 409, as every conflict.

use super::error::{ErrorBody, RestError};
use super::request::{etag, idempotency_key, if_match, names_of, JsonBody, QueryParams, Rest};
use crate::graphql::read_model::find;
use crate::graphql::types::{self as gql, ClusterPayload, CreateClusterInput, LabelInput};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::{Mutation, Query};
use async_graphql::ID;
use chrono::{DateTime, Utc};
use projector::models::clusters::Clusters;
use projector::{ClusterFilter, ClusterRow};
use schema::{ClusterId, ClusterStatus};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// A named group of droplets in one region.
#[derive(Debug, Serialize, ToSchema)]
pub struct Cluster {
    pub id: String,
    pub name: String,
    #[schema(example = "nyc1")]
    pub region: String,
    /// Key/value labels.
    pub labels: BTreeMap<String, String>,
    /// ACTIVE or DELETED.
    #[schema(example = "ACTIVE")]
    pub status: String,
    /// Droplets in it that are not destroyed.
    pub droplet_count: i64,
    /// The aggregate's version (also the `ETag`); `If-Match` on DELETE expects it.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&ClusterRow> for Cluster {
    fn from(row: &ClusterRow) -> Self {
        let s = &row.state;
        Self {
            id: row.id.clone(),
            name: s.name.clone(),
            region: s.region.clone(),
            labels: s.labels.clone(),
            status: s.status.as_str().to_string(),
            droplet_count: s.droplet_count,
            version: row.version,
            created_at: gql::time(row.created_us),
            updated_at: gql::time(row.updated_us),
        }
    }
}

/// A page of clusters, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterList {
    pub clusters: Vec<Cluster>,
    /// Clusters matching the filter on every page.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

names_of!(
    /// A cluster status.
    ClusterStatusName = ClusterStatus::ALL
);

/// Query parameters of the list (the filters of GraphQL's `clusters`).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct ListParams {
    /// Only clusters whose name contains this.
    #[param(min_length = 1)]
    name: Option<String>,
    /// Only clusters in this region.
    #[param(min_length = 1)]
    region: Option<String>,
    /// Only clusters with this status (any letter case).
    #[param(value_type = Option<ClusterStatusName>, inline)]
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
pub struct CreateClusterRequest {
    /// DNS label, unique among clusters.
    #[schema(example = "web")]
    name: String,
    /// Region slug from the catalog.
    #[schema(example = "nyc1")]
    region: String,
    /// Key/value labels.
    labels: Option<BTreeMap<String, String>>,
}

/// A created cluster.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedCluster {
    /// Null only when the read models lag behind the write (read it again by id).
    pub cluster: Option<Cluster>,
}

/// Lists clusters, oldest first.
#[utoipa::path(
    operation_id = "listClusters",
    tag = "clusters",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of clusters", body = ClusterList),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/clusters")]
pub async fn list(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "clusters").await?;
    let q = QueryParams::of(&http)?;
    let filter = ClusterFilter {
        name: q.get("name")?.map(str::to_string),
        region: q.get("region")?.map(str::to_string),
        status: q.one_of("status", ClusterStatus::ALL, |s| s.as_str())?,
    };
    let page = q.offset_page::<Clusters>(&state, &filter).await?;
    Ok(HttpResponse::Ok().json(ClusterList {
        clusters: page.rows.iter().map(Cluster::from).collect(),
        total: page.total,
        limit: page.limit,
        offset: page.offset,
    }))
}

/// Creates a cluster (GraphQL's `createCluster`).
#[utoipa::path(
    operation_id = "createCluster",
    tag = "clusters",
    request_body = CreateClusterRequest,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried create with the same key returns the first cluster and creates nothing")),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = CreatedCluster,
            headers(("Location" = String, description = "The cluster"), ("ETag" = String, description = "Its version"))),
        (status = 400, description = "A field is missing or invalid (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not create clusters (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 409, description = "The name is taken, or the key was used for another request", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now; nothing was created", body = ErrorBody),
    )
)]
#[post("/clusters")]
pub async fn create(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "createCluster").await?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let labels = body.string_map("labels")?.map(|labels| {
        labels
            .into_iter()
            .map(|(key, value)| LabelInput { key, value })
            .collect()
    });
    let input = CreateClusterInput {
        name: body.required_string("name")?,
        region: body.required_string("region")?,
        labels,
        idempotency_key: idempotency_key(&http)?,
    };
    let ClusterPayload { cluster, .. } = gql::create_cluster(&state, &rest.context, input).await?;
    let cluster = cluster.as_ref().map(|c| Cluster::from(&c.0));
    let mut response = HttpResponse::Created();
    if let Some(c) = &cluster {
        response.insert_header((
            header::LOCATION,
            format!("{}/clusters/{}", super::PREFIX, c.id),
        ));
        response.insert_header((header::ETAG, etag(c.version)));
    }
    Ok(response.json(CreatedCluster { cluster }))
}

/// One cluster; its `ETag` is its version.
#[utoipa::path(
    operation_id = "getCluster",
    tag = "clusters",
    params(("id" = uuid::Uuid, Path, description = "The cluster's id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The cluster", body = Cluster,
            headers(("ETag" = String, description = "Its version, for If-Match"))),
        (status = 400, description = "The id is not a UUID", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/clusters/{id}")]
pub async fn get(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "cluster").await?;
    let id = ClusterId::parse(&id).map_err(|e| RestError::bad_input("id", e))?;
    let Some(row) = find::<gql::Cluster>(&state, &id.to_string()).await? else {
        return Err(RestError::not_found(format!("cluster {id} not found")));
    };
    let cluster = Cluster::from(&row.0);
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag(cluster.version)))
        .json(cluster))
}

/// Deletes a cluster that has no live droplets (GraphQL's `deleteCluster`).
#[utoipa::path(
    operation_id = "deleteCluster",
    tag = "clusters",
    params(
        ("id" = uuid::Uuid, Path, description = "The cluster's id"),
        ("If-Match" = Option<String>, Header, nullable = false, pattern = r#"^\s*(\*|(W/)?"?[0-9]+"?)?\s*$"#, description = "The ETag (version) the cluster must still have"),
        ("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried delete with the same key changes nothing"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "The id, If-Match or Idempotency-Key is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not delete clusters (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such cluster", body = ErrorBody),
        (status = 409, description = "The cluster changed since the If-Match version, still has live droplets, or is deleted", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now", body = ErrorBody),
    )
)]
#[delete("/clusters/{id}")]
pub async fn delete(
    state: web::Data<AppState>,
    http: HttpRequest,
    id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "deleteCluster").await?;
    let expected_version = if_match(&http)?;
    let key = idempotency_key(&http)?;
    let id = ID(id.into_inner());
    gql::delete_cluster(&state, &rest.context, id, expected_version, key).await?;
    Ok(HttpResponse::NoContent().finish())
}
