//! Activity logs: the vocabulary of the structured records every role writes and of a search
//! over them ([`LogQuery`]), parsed at the edge from GraphQL filters or a LogQL-like string
//! ([`logql`]).

pub mod logql;

use crate::values::string_enum;
use serde::{Deserialize, Serialize};

string_enum!(
    /// Severity of a record, least severe first (`minLevel` includes it and everything after).
    LogLevel {
        Trace => "TRACE",
        Debug => "DEBUG",
        Info => "INFO",
        Warn => "WARN",
        Error => "ERROR",
    }
);

impl LogLevel {
    /// The number stored for the level (1 = TRACE … 5 = ERROR), so `level >= n` selects a
    /// minimum level.
    pub fn rank(self) -> i16 {
        match self {
            LogLevel::Trace => 1,
            LogLevel::Debug => 2,
            LogLevel::Info => 3,
            LogLevel::Warn => 4,
            LogLevel::Error => 5,
        }
    }

    /// The level stored as `rank`.
    pub fn from_rank(rank: i16) -> Option<Self> {
        LogLevel::ALL.iter().copied().find(|l| l.rank() == rank)
    }

    /// Parses a level name in any case (`error`, `WARN`, `warning`).
    pub fn parse_loose(s: &str) -> Option<Self> {
        match s.to_ascii_uppercase().as_str() {
            "WARNING" => Some(LogLevel::Warn),
            "ERR" => Some(LogLevel::Error),
            upper => LogLevel::parse(upper),
        }
    }
}

/// The services records come from: the part of ClusterGenie that wrote them, whichever
/// process it runs in (`serve` runs them all).
pub const SERVICES: &[&str] = &[
    "api",
    "worker",
    "projector",
    "relay",
    "scheduler",
    "simulator",
    "system",
];

/// Whether `name` is one of [`SERVICES`].
pub fn is_service(name: &str) -> bool {
    SERVICES.contains(&name)
}

/// Longest text a search matches (characters).
pub const MAX_TEXT_CHARS: usize = 256;
/// Longest id a search names (resource, correlation or trace id).
pub const MAX_ID_CHARS: usize = 128;

/// A search over the stored records. Every part narrows it; empty lists and `None` match all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogQuery {
    /// Only these services.
    pub services: Vec<String>,
    /// None of these services.
    pub exclude_services: Vec<String>,
    /// This level and more severe ones.
    pub min_level: Option<LogLevel>,
    /// Only exactly these levels.
    pub levels: Vec<LogLevel>,
    /// Written at or after (µs since the epoch).
    pub since_us: Option<i64>,
    /// Written at or before (µs since the epoch).
    pub until_us: Option<i64>,
    /// The message contains every one of these, case-insensitively.
    pub contains: Vec<String>,
    /// The message contains none of these, case-insensitively.
    pub excludes: Vec<String>,
    /// The record names this resource (a droplet, cluster, job or health check id).
    pub resource_id: Option<String>,
    pub correlation_id: Option<String>,
    pub trace_id: Option<String>,
    /// Only records of this instance.
    pub instance: Option<String>,
}

/// A part of a search that cannot be run, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct LogQueryError {
    /// The GraphQL field (or `query` for the LogQL string).
    pub field: String,
    pub message: String,
}

impl LogQueryError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl LogQuery {
    /// Checks the search as a whole: known services, `since` not after `until`, texts and ids
    /// within their limits. `field` names the part in errors (`filter` or `query`).
    pub fn validate(&self, field: &str) -> Result<(), LogQueryError> {
        for s in self.services.iter().chain(&self.exclude_services) {
            if !is_service(s) {
                return Err(LogQueryError::new(
                    format!("{field}.services"),
                    format!("unknown service `{s}` (one of {})", SERVICES.join(", ")),
                ));
            }
        }
        if let (Some(since), Some(until)) = (self.since_us, self.until_us) {
            if since > until {
                return Err(LogQueryError::new(
                    format!("{field}.since"),
                    "`since` is after `until`",
                ));
            }
        }
        for t in self.contains.iter().chain(&self.excludes) {
            if t.chars().count() > MAX_TEXT_CHARS {
                return Err(LogQueryError::new(
                    format!("{field}.text"),
                    format!("the text is longer than {MAX_TEXT_CHARS} characters"),
                ));
            }
        }
        for (name, id) in [
            ("resourceId", &self.resource_id),
            ("correlationId", &self.correlation_id),
            ("traceId", &self.trace_id),
            ("instance", &self.instance),
        ] {
            if id
                .as_ref()
                .is_some_and(|v| v.chars().count() > MAX_ID_CHARS)
            {
                return Err(LogQueryError::new(
                    format!("{field}.{name}"),
                    format!("longer than {MAX_ID_CHARS} characters"),
                ));
            }
        }
        Ok(())
    }

    /// Whether a record matches (the live tail filters in memory what a search filters in
    /// the database; both follow this).
    pub fn matches(&self, record: &LogRecordView<'_>) -> bool {
        let service = record.service;
        if !self.services.is_empty() && !self.services.iter().any(|s| s == service) {
            return false;
        }
        if self.exclude_services.iter().any(|s| s == service) {
            return false;
        }
        if self
            .min_level
            .is_some_and(|m| record.level.rank() < m.rank())
        {
            return false;
        }
        if !self.levels.is_empty() && !self.levels.contains(&record.level) {
            return false;
        }
        if self.since_us.is_some_and(|s| record.at_us < s)
            || self.until_us.is_some_and(|u| record.at_us > u)
        {
            return false;
        }
        if !self.contains.is_empty() || !self.excludes.is_empty() {
            let message = record.message.to_lowercase();
            if !self
                .contains
                .iter()
                .all(|t| message.contains(&t.to_lowercase()))
                || self
                    .excludes
                    .iter()
                    .any(|t| message.contains(&t.to_lowercase()))
            {
                return false;
            }
        }
        if let Some(id) = &self.resource_id {
            if !record.resource_ids.iter().any(|r| r == id) {
                return false;
            }
        }
        if self.correlation_id.is_some() && self.correlation_id.as_deref() != record.correlation_id
        {
            return false;
        }
        if self.trace_id.is_some() && self.trace_id.as_deref() != record.trace_id {
            return false;
        }
        if self.instance.is_some() && self.instance.as_deref() != Some(record.instance) {
            return false;
        }
        true
    }
}

/// The parts of a record a [`LogQuery`] looks at.
#[derive(Debug, Clone, Copy)]
pub struct LogRecordView<'a> {
    pub at_us: i64,
    pub level: LogLevel,
    pub service: &'a str,
    pub instance: &'a str,
    pub message: &'a str,
    pub resource_ids: &'a [String],
    pub correlation_id: Option<&'a str>,
    pub trace_id: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(message: &'a str, ids: &'a [String]) -> LogRecordView<'a> {
        LogRecordView {
            at_us: 100,
            level: LogLevel::Warn,
            service: "api",
            instance: "host:1",
            message,
            resource_ids: ids,
            correlation_id: Some("c-1"),
            trace_id: None,
        }
    }

    #[test]
    fn levels_order_and_parse_in_any_case() {
        assert!(LogLevel::Error.rank() > LogLevel::Warn.rank());
        assert_eq!(LogLevel::parse_loose("warning"), Some(LogLevel::Warn));
        assert_eq!(LogLevel::parse_loose("error"), Some(LogLevel::Error));
        assert_eq!(LogLevel::parse_loose("loud"), None);
        for l in LogLevel::ALL {
            assert_eq!(LogLevel::from_rank(l.rank()), Some(*l));
        }
    }

    #[test]
    fn a_query_matches_on_every_part() {
        let ids = vec!["d-1".to_string()];
        let record = view("Connection TIMEOUT to db", &ids);
        let mut q = LogQuery {
            services: vec!["api".into()],
            min_level: Some(LogLevel::Info),
            contains: vec!["timeout".into()],
            resource_id: Some("d-1".into()),
            correlation_id: Some("c-1".into()),
            ..Default::default()
        };
        assert!(q.matches(&record));
        q.min_level = Some(LogLevel::Error);
        assert!(!q.matches(&record));
        q.min_level = None;
        q.excludes = vec!["db".into()];
        assert!(!q.matches(&record));
        q.excludes.clear();
        q.resource_id = Some("d-2".into());
        assert!(!q.matches(&record));
        q.resource_id = None;
        q.services = vec!["worker".into()];
        assert!(!q.matches(&record));
    }

    #[test]
    fn validation_names_the_field() {
        let bad = LogQuery {
            services: vec!["apii".into()],
            ..Default::default()
        };
        assert_eq!(bad.validate("filter").unwrap_err().field, "filter.services");
        let bad = LogQuery {
            since_us: Some(2),
            until_us: Some(1),
            ..Default::default()
        };
        assert_eq!(bad.validate("filter").unwrap_err().field, "filter.since");
        let bad = LogQuery {
            contains: vec!["x".repeat(MAX_TEXT_CHARS + 1)],
            ..Default::default()
        };
        assert_eq!(bad.validate("filter").unwrap_err().field, "filter.text");
    }
}
