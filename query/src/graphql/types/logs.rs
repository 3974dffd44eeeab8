//! Activity logs: `logs` (a newest-first search by filter or LogQL-like query),
//! `logServices`, and the `LogRecord` a search and the `logTail` subscription return.

use crate::errors;
use crate::graphql::pagination;
use crate::state::AppState;
use async_graphql::connection::{ConnectionNameType, EdgeNameType, EmptyFields};
use async_graphql::{
    Context, Enum, InputObject, Json, Object, OutputType, Result, SimpleObject, ID,
};
use base64::Engine;
use chrono::{DateTime, Utc};
use schema::logs::{LogQuery, LogQueryError, SERVICES};
use store::activity_log::{Before, LogRecord as StoredRecord};

/// Severity of a log record, least severe first.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "schema::logs::LogLevel")]
pub enum LogLevel {
    Trace,
    Debug,
    Info,
    Warn,
    Error,
}

/// Which records a search or a tail returns; every field narrows it.
#[derive(InputObject, Default, Debug, Clone)]
pub struct LogFilter {
    /// Only these services (see `logServices`).
    pub services: Option<Vec<String>>,
    /// This level and more severe ones.
    pub min_level: Option<LogLevel>,
    /// Written at or after.
    pub since: Option<DateTime<Utc>>,
    /// Written at or before.
    pub until: Option<DateTime<Utc>>,
    /// The message contains this, case-insensitively.
    pub text: Option<String>,
    /// The record names this droplet, cluster, job or health check.
    pub resource_id: Option<String>,
    pub correlation_id: Option<String>,
    pub trace_id: Option<String>,
}

impl LogFilter {
    fn into_query(self) -> LogQuery {
        let some = |s: Option<String>| s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        LogQuery {
            services: self.services.unwrap_or_default(),
            min_level: self.min_level.map(Into::into),
            since_us: self.since.map(|t| t.timestamp_micros()),
            until_us: self.until.map(|t| t.timestamp_micros()),
            contains: some(self.text).into_iter().collect(),
            resource_id: some(self.resource_id),
            correlation_id: some(self.correlation_id),
            trace_id: some(self.trace_id),
            ..LogQuery::default()
        }
    }
}

/// The search `filter` or `query` (a LogQL-like string) asks for, checked.
pub(crate) fn search_of(filter: Option<LogFilter>, query: Option<String>) -> Result<LogQuery> {
    let refused = |e: LogQueryError| errors::bad_input(e.to_string());
    match (filter, query) {
        (Some(_), Some(_)) => Err(errors::bad_input(
            "query: give `filter` or `query`, not both",
        )),
        (None, Some(q)) => schema::logs::logql::parse(&q).map_err(refused),
        (filter, None) => {
            let q = filter.unwrap_or_default().into_query();
            q.validate("filter").map_err(refused)?;
            Ok(q)
        }
    }
}

/// One structured record of a role's activity.
pub struct LogRecord(pub StoredRecord);

#[Object]
impl LogRecord {
    /// The order it was stored in.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// Where a search continues after it, or a tail resumes (`after`).
    async fn cursor(&self) -> String {
        encode(&self.0)
    }
    /// When it was written.
    async fn at(&self) -> DateTime<Utc> {
        super::time(self.0.at_us)
    }
    async fn level(&self) -> LogLevel {
        self.0.level.into()
    }
    /// The part of ClusterGenie that wrote it (one of `logServices`).
    async fn service(&self) -> &str {
        &self.0.service
    }
    /// The process: `host:pid`.
    async fn instance(&self) -> &str {
        &self.0.instance
    }
    /// The Rust module that wrote it.
    async fn target(&self) -> &str {
        &self.0.target
    }
    async fn message(&self) -> &str {
        &self.0.message
    }
    /// Its other fields and those of the spans it was written in (secrets redacted).
    async fn fields(&self) -> Json<serde_json::Value> {
        Json(serde_json::Value::Object(self.0.fields.clone()))
    }
    /// The droplets, clusters, jobs and health checks it names.
    async fn resource_ids(&self) -> &[String] {
        &self.0.resource_ids
    }
    /// The request it belongs to, shared with the audit events it caused.
    async fn correlation_id(&self) -> Option<&str> {
        self.0.correlation_id.as_deref()
    }
    /// The trace it was written in.
    async fn trace_id(&self) -> Option<&str> {
        self.0.trace_id.as_deref()
    }
}

/// Names the connection `LogConnection`.
pub struct LogConnectionName;
impl ConnectionNameType for LogConnectionName {
    fn type_name<T: OutputType>() -> String {
        "LogConnection".into()
    }
}
/// Names the edge `LogEdge`.
pub struct LogEdgeName;
impl EdgeNameType for LogEdgeName {
    fn type_name<T: OutputType>() -> String {
        "LogEdge".into()
    }
}

/// A page of records, newest first.
pub type LogConnection = async_graphql::connection::Connection<
    String,
    LogRecord,
    EmptyFields,
    EmptyFields,
    LogConnectionName,
    LogEdgeName,
>;

/// A record of the live tail.
#[derive(SimpleObject)]
pub struct LogTailMessage {
    pub record: LogRecord,
    /// Resumes the tail after this record (`logTail(after:)`).
    pub cursor: String,
    /// Matching records skipped just before this one because the client read too slowly.
    pub dropped: i64,
}

const ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The cursor of a record: its time and its id.
pub(crate) fn encode(record: &StoredRecord) -> String {
    ENGINE.encode(format!("log:{}:{}", record.at_us, record.id))
}

/// Reads a cursor made by [`encode`]; `arg` names the argument in the error.
pub(crate) fn decode(arg: &str, cursor: &str) -> Result<Before> {
    ENGINE
        .decode(cursor.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            let rest = s.strip_prefix("log:")?;
            let (at, id) = rest.split_once(':')?;
            Some(Before {
                at_us: at.parse().ok()?,
                id: id.parse().ok().filter(|id: &i64| *id >= 0)?,
            })
        })
        .ok_or_else(|| errors::bad_input(format!("{arg}: {cursor:?} is not a valid log cursor")))
}

#[derive(Default)]
pub struct LogsQuery;

#[Object]
impl LogsQuery {
    /// The activity logs of every role, newest first: by `filter`, or by `query`, a
    /// LogQL-like string such as `{service="api", level="error"} |= "timeout"`. `after` (an
    /// `endCursor`) continues with older records.
    async fn logs(
        &self,
        ctx: &Context<'_>,
        filter: Option<LogFilter>,
        query: Option<String>,
        #[graphql(default = 50)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<LogConnection> {
        let state = ctx.data_unchecked::<AppState>();
        let limit = pagination::page_size(state, "first", Some(first.unwrap_or(50)))?;
        let before = after.as_deref().map(|c| decode("after", c)).transpose()?;
        let search = search_of(filter, query)?;
        let mut records = state
            .logs
            .log()
            .search(&search, before, limit + 1)
            .await
            .map_err(errors::read)?;
        let more = records.len() as i64 > limit;
        records.truncate(limit as usize);
        let mut connection = LogConnection::new(before.is_some(), more);
        connection.edges.extend(
            records
                .into_iter()
                .map(|r| async_graphql::connection::Edge::new(encode(&r), LogRecord(r))),
        );
        Ok(connection)
    }

    /// The services log records come from.
    async fn log_services(&self) -> Vec<&'static str> {
        SERVICES.to_vec()
    }
}
