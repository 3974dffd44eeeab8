//! `/api/v1/diagnose`: ask the assistant to diagnose a cluster or a droplet, and read what it
//! found, through GraphQL's paths — `diagnose` (admission, the `diagnosis` rate limit and the
//! command: one function in [`crate::graphql::types`], which both APIs call) and the
//! `diagnoses` and `jobs` read models — and their roles.
//!
//! A diagnosis is carried out by a DIAGNOSE job; REST names it by that job's id, as the
//! original product did. `options.timeout` makes the POST wait that long for the report (200
//! when it came, 202 otherwise); `options.verbose` (or `?verbose=true` on the GET) adds each
//! check's findings with their evidence and recommendations.

use super::error::{ErrorBody, RestError};
use super::request::{idempotency_key, named, JsonBody, QueryParams, Rest};
use crate::errors::ErrorCode;
use crate::graphql::read_model::find;
use crate::graphql::types::{self as gql, DiagnoseInput, DiagnosisCheck, DiagnosisTarget};
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::{Mutation, Query};
use async_graphql::ID;
use chrono::{DateTime, Utc};
use command::aggregates::DiagnosisState;
use projector::models::diagnoses::Diagnoses;
use projector::{DiagnosisFilter, DiagnosisRow, Slice};
use schema::diagnosis::{self as d, DiagnosisStatus};
use schema::{AggregateType, JobId, JobType};
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use utoipa::ToSchema;

/// The longest `options.timeout`, seconds: a request waits at most this long for a report.
pub const MAX_WAIT_SECONDS: i64 = 60;

/// The time to completion assumed when no diagnosis has completed yet.
const DEFAULT_ESTIMATE: Duration = Duration::from_secs(5);

/// Completed diagnoses the estimate of a new one averages over.
const ESTIMATE_SAMPLE: i64 = 20;

/// What to diagnose: a cluster or a droplet by id.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct Target {
    /// cluster or droplet (any letter case).
    #[schema(value_type = TargetName, example = "droplet")]
    r#type: String,
    #[schema(value_type = uuid::Uuid)]
    id: String,
}

super::request::names_of!(
    /// A diagnosis target type.
    TargetName = d::DiagnosisTarget::ALL, |t| t.as_str()
);
super::request::names_of!(
    /// A diagnosis check.
    CheckName = d::DiagnosisCheck::ALL, |c| c.as_str()
);

/// How to answer.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct Options {
    /// Seconds to wait for the report before answering (0, the default, answers at once
    /// with 202).
    #[schema(minimum = 0, maximum = 60)]
    timeout: Option<i64>,
    /// Add each check's findings (evidence, recommendation) to the results.
    verbose: Option<bool>,
}

/// Body of a diagnose request.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // The document's schema; the body is read field by field (JsonBody).
pub struct DiagnoseRequest {
    /// A cluster's or droplet's id, or `{type, id}`.
    #[schema(value_type = TargetRef)]
    target: String,
    /// The checks to run (connectivity, performance, capacity, reliability, security; any
    /// letter case); every check when omitted or empty.
    #[schema(value_type = Option<Vec<CheckName>>)]
    checks: Option<Vec<String>>,
    /// What you want to know, in your words.
    #[schema(max_length = 2000)]
    question: Option<String>,
    options: Option<Options>,
}

/// A target: an id (of a droplet, else of a cluster) or `{type, id}`.
#[derive(Debug, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)] // The document's schema.
pub enum TargetRef {
    Id(uuid::Uuid),
    Typed(Target),
}

/// A diagnosis not finished yet.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pending {
    /// The DIAGNOSE job; `GET /api/v1/diagnose/{job_id}` reads the diagnosis.
    pub job_id: String,
    pub diagnosis_id: String,
    /// queued or running.
    #[schema(example = "queued")]
    pub status: String,
    /// The job's progress, 0–100.
    pub progress: i64,
    /// What the job is doing now.
    pub stage: String,
    /// When it should be done: the request's time plus the mean time the last completed
    /// diagnoses took, from request to report (5 s before any completed).
    pub estimated_completion: DateTime<Utc>,
    /// Where to read it.
    pub status_url: String,
}

/// The result of one check.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckOutcome {
    /// pass, warning or fail.
    #[schema(example = "warning")]
    pub status: String,
    pub summary: String,
    pub details: Vec<String>,
    /// Figures the check looked at, by name.
    pub metrics: BTreeMap<String, f64>,
    /// The check's findings, worst first (only when verbose).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub findings: Option<Vec<serde_json::Value>>,
}

/// A finished diagnosis.
#[derive(Debug, Serialize, ToSchema)]
pub struct Finished {
    pub job_id: String,
    pub diagnosis_id: String,
    /// completed or failed.
    #[schema(example = "completed")]
    pub status: String,
    /// cluster or droplet.
    pub target_type: String,
    pub target_id: String,
    /// One result per check that ran, by check name (lower case).
    pub results: BTreeMap<String, CheckOutcome>,
    /// The model's summary, when one answered.
    pub summary: Option<String>,
    /// `builtin` or `openai:<model>`.
    pub backend: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    pub completed_at: DateTime<Utc>,
}

/// Asks for a diagnosis (`diagnose`). One runs per target at a time: asking again
/// meanwhile answers with the running one.
#[utoipa::path(
    operation_id = "diagnose",
    tag = "diagnose",
    request_body = DiagnoseRequest,
    params(("Idempotency-Key" = Option<String>, Header, nullable = false, min_length = 1, max_length = 200, description = "A retried request with the same key answers with the first diagnosis and starts nothing")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Finished within options.timeout", body = Finished),
        (status = 202, description = "Queued or running; read it at status_url", body = Pending,
            headers(("Location" = String, description = "Where to read it"))),
        (status = 400, description = "A field is missing or invalid (the message names it)", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The caller's role may not diagnose (OPERATOR needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No such cluster or droplet", body = ErrorBody),
        (status = 409, description = "The target is deleted or destroyed, or the key was used for another request", body = ErrorBody),
        (status = 429, description = "Too many diagnoses; see Retry-After", body = ErrorBody),
        (status = 503, description = "The database cannot take the write now; nothing was started", body = ErrorBody),
    )
)]
#[post("/diagnose")]
pub async fn diagnose(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    let rest = Rest::authorize(&state, &http, Mutation, "diagnose").await?;
    let mut body = JsonBody::read(&state, &http, payload).await?;
    let target = body
        .object::<serde_json::Value>("target", "an id or {type, id}")?
        .ok_or_else(|| RestError::bad_input("target", "is required"))?;
    let (target_type, target_id) = target_of(&state, target).await?;
    let checks = body
        .strings("checks")?
        .unwrap_or_default()
        .iter()
        .map(|c| named("checks", c, d::DiagnosisCheck::ALL, |c| c.as_str()))
        .collect::<Result<Vec<_>, _>>()?;
    let question = body.string("question")?;
    let mut options = JsonBody::of(
        body.object::<serde_json::Map<String, serde_json::Value>>("options", "an object")?
            .unwrap_or_default(),
    );
    let within = |e: RestError| e.within("options");
    let timeout = options.int("timeout").map_err(within)?.unwrap_or(0);
    if !(0..=MAX_WAIT_SECONDS).contains(&timeout) {
        return Err(RestError::bad_input(
            "options.timeout",
            format!("must be within 0..={MAX_WAIT_SECONDS} seconds"),
        ));
    }
    let verbose = options.bool("verbose").map_err(within)?.unwrap_or(false);
    let input = DiagnoseInput {
        target_type: DiagnosisTarget::from(target_type),
        target_id: ID(target_id.to_string()),
        checks: Some(checks.into_iter().map(DiagnosisCheck::from).collect()),
        question,
        idempotency_key: idempotency_key(&http)?,
    };
    let answered = gql::diagnose(&state, rest.user(), &rest.context, input).await?;
    let ids = answered.ids;
    let wait = Duration::from_secs(u64::try_from(timeout).unwrap_or_default());
    let row = settled(&state, &ids.diagnosis_id.to_string(), wait).await?;
    answer(&state, ids.job_id, row, verbose).await
}

/// One diagnosis by its DIAGNOSE job's id: 202 while it runs, 200 once finished.
#[utoipa::path(
    operation_id = "getDiagnosis",
    tag = "diagnose",
    params(
        ("job_id" = uuid::Uuid, Path, description = "The DIAGNOSE job's id"),
        ("verbose" = Option<bool>, Query, description = "Add each check's findings (evidence, recommendation)"),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Finished (completed or failed)", body = Finished),
        (status = 202, description = "Queued or running", body = Pending),
        (status = 400, description = "The id or verbose is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 404, description = "No DIAGNOSE job with this id", body = ErrorBody),
        (status = 503, description = "The read models cannot answer now", body = ErrorBody),
    )
)]
#[get("/diagnose/{job_id}")]
pub async fn get(
    state: web::Data<AppState>,
    http: HttpRequest,
    job_id: web::Path<String>,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "diagnosis").await?;
    let q = QueryParams::of(&http)?;
    let verbose = match q.get("verbose")? {
        None => false,
        Some(v) => v
            .parse::<bool>()
            .map_err(|_| RestError::bad_input("verbose", "must be true or false"))?,
    };
    let job_id: JobId = job_id
        .parse()
        .map_err(|_| RestError::bad_input("job_id", "not an id"))?;
    let not_found = || RestError::not_found(format!("diagnosis job {job_id} not found"));
    let job = find::<gql::Job>(&state, &job_id.to_string())
        .await?
        .filter(|j| {
            j.0.state.job_type == JobType::Diagnose
                && j.0.state.target_type == AggregateType::Diagnosis
        })
        .ok_or_else(not_found)?;
    let row = find::<gql::Diagnosis>(&state, &job.0.state.target_id)
        .await?
        .ok_or_else(not_found)?;
    answer(&state, job_id, row.0, verbose).await
}

/// The `target` of a body: `{type, id}`, or an id of a droplet (else of a cluster).
async fn target_of(
    state: &AppState,
    target: serde_json::Value,
) -> Result<(d::DiagnosisTarget, uuid::Uuid), RestError> {
    let id = |raw: Option<&str>, field: &str| {
        raw.and_then(|r| r.parse::<uuid::Uuid>().ok())
            .ok_or_else(|| RestError::bad_input(field, "must be an id (a UUID)"))
    };
    match &target {
        serde_json::Value::String(raw) => {
            let id = id(Some(raw), "target")?;
            if find::<gql::Droplet>(state, &id.to_string())
                .await?
                .is_some()
            {
                return Ok((d::DiagnosisTarget::Droplet, id));
            }
            if find::<gql::Cluster>(state, &id.to_string())
                .await?
                .is_some()
            {
                return Ok((d::DiagnosisTarget::Cluster, id));
            }
            Err(RestError::not_found(format!("no droplet or cluster {id}")))
        }
        serde_json::Value::Object(fields) => {
            let mut fields = JsonBody::of(fields.clone());
            let kind = fields
                .one_of("type", d::DiagnosisTarget::ALL, |t| t.as_str())
                .map_err(|e| e.within("target"))?
                .ok_or_else(|| RestError::bad_input("target.type", "is required"))?;
            let raw = fields.string("id").ok().flatten();
            Ok((kind, id(raw.as_deref(), "target.id")?))
        }
        _ => Err(RestError::bad_input(
            "target",
            "must be an id or {type, id}",
        )),
    }
}

/// The diagnosis `id` once finished, or as it is after waiting `wait` for that.
async fn settled(state: &AppState, id: &str, wait: Duration) -> Result<DiagnosisRow, RestError> {
    // Subscribed before the first read, so a change between the two is not missed.
    let mut changes = state.feed.subscribe();
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let row = find::<gql::Diagnosis>(state, id).await?.ok_or_else(|| {
            RestError::new(
                ErrorCode::Unavailable,
                "the diagnosis is not readable yet; read it again by its job",
            )
        })?;
        if row.0.state.is_finished() || wait.is_zero() {
            return Ok(row.0);
        }
        // Read again on this diagnosis' next event (or a missed one), until the deadline.
        loop {
            match tokio::time::timeout_at(deadline, changes.recv()).await {
                Err(_) => return Ok(row.0),
                Ok(Ok(change)) if change.audit.aggregate_id != id => continue,
                Ok(Ok(_)) | Ok(Err(RecvError::Lagged(_))) => break,
                Ok(Err(RecvError::Closed)) => return Ok(row.0),
            }
        }
    }
}

/// 200 with the results of a finished diagnosis, 202 with the job's progress otherwise.
async fn answer(
    state: &AppState,
    job_id: JobId,
    row: DiagnosisRow,
    verbose: bool,
) -> Result<HttpResponse, RestError> {
    let s = &row.state;
    let mut status_url = format!("{}/diagnose/{job_id}", super::PREFIX);
    if verbose {
        status_url.push_str("?verbose=true");
    }
    if !s.is_finished() {
        let job = find::<gql::Job>(state, &job_id.to_string()).await?;
        let (progress, stage) = job
            .map(|j| (i64::from(j.0.state.progress), j.0.state.stage.clone()))
            .unwrap_or_default();
        let pending = Pending {
            job_id: job_id.to_string(),
            diagnosis_id: row.id.clone(),
            status: s.status.as_str().to_lowercase(),
            progress,
            stage,
            estimated_completion: gql::time(row.created_us) + estimate(state).await?,
            status_url: status_url.clone(),
        };
        return Ok(HttpResponse::Accepted()
            .insert_header((header::LOCATION, status_url))
            .json(pending));
    }
    Ok(HttpResponse::Ok().json(finished(job_id, &row, verbose)))
}

/// What a finished diagnosis found, by check.
fn finished(job_id: JobId, row: &DiagnosisRow, verbose: bool) -> Finished {
    let s: &DiagnosisState = &row.state;
    let results = s
        .report
        .iter()
        .flat_map(|r| r.checks.iter())
        .map(|c| {
            let findings = verbose.then(|| {
                s.report
                    .iter()
                    .flat_map(|r| r.findings.iter())
                    .filter(|f| f.check == c.check)
                    .filter_map(|f| serde_json::to_value(f).ok())
                    .collect()
            });
            let outcome = CheckOutcome {
                status: c.status.as_str().to_lowercase(),
                summary: c.summary.clone(),
                details: c.details.clone(),
                metrics: c.metrics.clone(),
                findings,
            };
            (c.check.as_str().to_lowercase(), outcome)
        })
        .collect();
    Finished {
        job_id: job_id.to_string(),
        diagnosis_id: row.id.clone(),
        status: s.status.as_str().to_lowercase(),
        target_type: s.target_type.as_str().to_lowercase(),
        target_id: s.target_id.clone(),
        results,
        summary: s.report.as_ref().and_then(|r| r.summary.clone()),
        backend: s.report.as_ref().map(|r| r.backend.clone()),
        error: s.error.clone(),
        completed_at: gql::time(row.updated_us),
    }
}

/// How long a diagnosis takes from request to report: the mean of the last
/// [`ESTIMATE_SAMPLE`] completed ones ([`DEFAULT_ESTIMATE`] before any).
async fn estimate(state: &AppState) -> Result<chrono::Duration, RestError> {
    let filter = DiagnosisFilter {
        status: Some(DiagnosisStatus::Completed),
        ..DiagnosisFilter::default()
    };
    let last = state
        .reads
        .list::<Diagnoses>(&filter, Slice::Before(None), ESTIMATE_SAMPLE, false)
        .await
        .map_err(crate::errors::read)?
        .items;
    let took: Vec<i64> = last
        .iter()
        .map(|r| (r.updated_us - r.created_us).max(0))
        .collect();
    let mean_us = match i64::try_from(took.len()) {
        Ok(n) if n > 0 => took.iter().sum::<i64>() / n,
        _ => i64::try_from(DEFAULT_ESTIMATE.as_micros()).unwrap_or_default(),
    };
    Ok(chrono::Duration::microseconds(mean_us))
}
