//! `/api/v1/workerpool/status`: the job workers of every process and their queue, the read
//! GraphQL's `workerPool` makes ([`crate::graphql::types::worker_pool`]), and its role.

use super::error::{ErrorBody, RestError};
use super::request::Rest;
use crate::graphql::types::worker_pool;
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::Query;
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// The worker pool across every worker process.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkerPoolStatus {
    /// Worker processes alive (a heartbeat in the last 10 seconds).
    pub workers: i64,
    /// Job runners of those workers.
    pub runners: i64,
    /// Jobs QUEUED: waiting for a runner, including retries waiting out their backoff.
    pub queue_length: i64,
    /// Runners running a job now.
    pub running_jobs: i64,
    /// Jobs in each status (QUEUED, RUNNING, COMPLETED, FAILED, CANCELLED), 0 included.
    pub jobs_by_status: BTreeMap<String, i64>,
}

/// The job workers and their queue (GraphQL's `workerPool`).
#[utoipa::path(
    operation_id = "getWorkerPoolStatus",
    tag = "workerpool",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The worker pool", body = WorkerPoolStatus),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The database cannot answer now", body = ErrorBody),
    )
)]
#[get("/workerpool/status")]
pub async fn status(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "workerPool").await?;
    let pool = worker_pool(&state).await?;
    Ok(HttpResponse::Ok().json(WorkerPoolStatus {
        workers: pool.workers,
        runners: pool.runners,
        queue_length: pool.queue_length,
        running_jobs: pool.busy,
        jobs_by_status: pool
            .jobs_by_status
            .iter()
            .map(|c| (c.status.stored().to_string(), c.count))
            .collect(),
    }))
}
