//! `GET /api/v1/jobs`: the newest jobs from the `jobs` read model GraphQL's `jobs` reads.

use super::error::{ErrorBody, RestError};
use super::request::{names_of, QueryParams, Rest};
use crate::graphql::types as gql;
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::Query;
use chrono::{DateTime, Utc};
use projector::models::jobs::Jobs;
use projector::{JobFilter, JobRow, Slice};
use schema::{JobStatus, JobType};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// A unit of long-running work.
#[derive(Debug, Serialize, ToSchema)]
pub struct Job {
    pub id: String,
    /// PROVISION, DESTROY, RESIZE, POWER, SCALE or DIAGNOSE.
    #[serde(rename = "type")]
    #[schema(example = "PROVISION")]
    pub job_type: String,
    /// QUEUED, RUNNING, COMPLETED, FAILED or CANCELLED.
    #[schema(example = "RUNNING")]
    pub status: String,
    /// 0–100; never goes backwards.
    pub progress: i64,
    /// What the job's last event said, for people.
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The aggregate the job works on (a droplet, a cluster…).
    pub resource_id: String,
}

impl From<&JobRow> for Job {
    fn from(row: &JobRow) -> Self {
        let s = &row.state;
        Self {
            id: row.id.clone(),
            job_type: s.job_type.as_str().to_string(),
            status: s.status.as_str().to_string(),
            progress: i64::from(s.progress),
            message: row.message.clone(),
            created_at: gql::time(row.created_us),
            updated_at: gql::time(row.updated_us),
            resource_id: s.target_id.clone(),
        }
    }
}

/// The newest jobs, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct JobList {
    pub jobs: Vec<Job>,
    /// Jobs matching the filter in all.
    pub total: i64,
}

names_of!(
    /// A job status.
    JobStatusName = JobStatus::ALL
);
names_of!(
    /// A job type.
    JobTypeName = JobType::ALL
);

/// Query parameters of the list.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct ListParams {
    /// Only jobs with this status (any letter case).
    #[param(value_type = Option<JobStatusName>, inline)]
    status: Option<String>,
    /// Only jobs of this type (any letter case).
    #[param(rename = "type", value_type = Option<JobTypeName>, inline)]
    job_type: Option<String>,
    /// At most this many; more than the API's page size cap (100 by default) is cut to it.
    #[param(default = 50, minimum = 1)]
    limit: Option<i64>,
}

/// The newest jobs, newest first.
#[utoipa::path(
    operation_id = "listJobs",
    tag = "jobs",
    params(ListParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The newest matching jobs", body = JobList),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/jobs")]
pub async fn list(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "jobs").await?;
    let q = QueryParams::of(&http)?;
    let filter = JobFilter {
        status: q.one_of("status", JobStatus::ALL, |s| s.as_str())?,
        job_type: q.one_of("type", JobType::ALL, |t| t.as_str())?,
        target_id: None,
    };
    let limit = q.limit(super::request::DEFAULT_LIMIT, state.settings.max_page_size)?;
    let page = state
        .reads
        .list::<Jobs>(&filter, Slice::Before(None), limit, true)
        .await
        .map_err(crate::errors::read)?;
    Ok(HttpResponse::Ok().json(JobList {
        jobs: page.items.iter().rev().map(Job::from).collect(),
        total: page.total,
    }))
}
