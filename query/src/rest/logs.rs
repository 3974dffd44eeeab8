//! `/api/v1/logs`: the activity logs of every role, newest first, through the search
//! GraphQL's `logs` runs (its filter, [`crate::graphql::types::log_search`], and the same
//! store), and its role.

use super::error::{ErrorBody, RestError};
use super::request::{names_of, QueryParams, Rest};
use crate::graphql::types::{self as gql, log_search, LogFilter};
use crate::state::AppState;
use actix_web::{get, web, HttpRequest, HttpResponse};
use async_graphql::parser::types::OperationType::Query;
use chrono::{DateTime, Utc};
use schema::logs::{LogLevel, SERVICES};
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

/// Records listed when `limit` is not given (the original's default).
pub const DEFAULT_LIMIT: i64 = 100;

/// One structured record.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogEntry {
    pub timestamp: DateTime<Utc>,
    /// TRACE, DEBUG, INFO, WARN or ERROR.
    #[schema(example = "INFO")]
    pub level: String,
    /// The part of ClusterGenie that wrote it.
    #[schema(example = "api")]
    pub service: String,
    pub message: String,
    /// The first droplet, cluster, job or health check it names.
    pub resource_id: Option<String>,
}

/// The newest matching records.
#[derive(Debug, Serialize, ToSchema)]
pub struct LogList {
    pub logs: Vec<LogEntry>,
    /// Records matching the filter in all.
    pub total: i64,
}

names_of!(
    /// A service of ClusterGenie's.
    ServiceName = SERVICES,
    |s| *s
);
names_of!(
    /// A log level.
    LogLevelName = LogLevel::ALL
);

/// Query parameters of the search.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)] // The document's parameters; the query is read with QueryParams.
pub struct LogParams {
    /// This level and more severe ones (any letter case).
    #[param(value_type = Option<LogLevelName>, inline)]
    level: Option<String>,
    /// Only records of this service (see GraphQL's `logServices`).
    #[param(value_type = Option<ServiceName>, inline)]
    service: Option<String>,
    /// Written at or after (RFC 3339).
    start_time: Option<DateTime<Utc>>,
    /// Written at or before (RFC 3339).
    end_time: Option<DateTime<Utc>>,
    /// At most this many; more than the API's page size cap (100 by default) is cut to it.
    #[param(default = 100, minimum = 1)]
    limit: Option<i64>,
}

/// Parameter `name` as an RFC 3339 time, if given.
fn time(q: &QueryParams, name: &str) -> Result<Option<DateTime<Utc>>, RestError> {
    q.get(name)?
        .map(|raw| {
            DateTime::parse_from_rfc3339(raw)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| {
                    RestError::bad_input(
                        name,
                        format!("{} is not an RFC 3339 time", schema::excerpt(raw)),
                    )
                })
        })
        .transpose()
}

/// Searches the activity logs, newest first (GraphQL's `logs`).
#[utoipa::path(
    operation_id = "listLogs",
    tag = "logs",
    params(LogParams),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The newest matching records", body = LogList),
        (status = 400, description = "A parameter is invalid", body = ErrorBody),
        (status = 401, description = "No valid credentials", body = ErrorBody),
        (status = 403, description = "The page's origin may not call the API", body = ErrorBody),
        (status = 503, description = "The logs cannot be read now", body = ErrorBody),
    )
)]
#[get("/logs")]
pub async fn list(
    state: web::Data<AppState>,
    http: HttpRequest,
) -> Result<HttpResponse, RestError> {
    Rest::authorize(&state, &http, Query, "logs").await?;
    let q = QueryParams::of(&http)?;
    let level = q.one_of("level", LogLevel::ALL, |l| l.as_str())?;
    let service = q.one_of("service", SERVICES, |s| *s)?;
    let (since, until) = (time(&q, "start_time")?, time(&q, "end_time")?);
    if let (Some(since), Some(until)) = (&since, &until) {
        if since > until {
            return Err(RestError::bad_input("start_time", "is after end_time"));
        }
    }
    let filter = LogFilter {
        services: service.map(|s| vec![s.to_string()]),
        min_level: level.map(Into::into),
        since,
        until,
        ..LogFilter::default()
    };
    let limit = q.limit(DEFAULT_LIMIT, state.settings.max_page_size)?;
    let search = log_search(Some(filter), None)?;
    let log = state.logs.log();
    let records = log
        .search(&search, None, limit)
        .await
        .map_err(crate::errors::read)?;
    let total = log
        .count_between(&search, 0, i64::MAX)
        .await
        .map_err(crate::errors::read)?;
    Ok(HttpResponse::Ok().json(LogList {
        logs: records
            .into_iter()
            .map(|r| LogEntry {
                timestamp: gql::time(r.at_us),
                level: r.level.as_str().to_string(),
                service: r.service,
                message: r.message,
                resource_id: r.resource_ids.into_iter().next(),
            })
            .collect(),
        total,
    }))
}
