//! A LogQL-like query string (`{service="api", level="error"} |= "timeout"`), parsed into a
//! [`LogQuery`](super::LogQuery).

use super::{LogQuery, LogQueryError};

/// Parses a LogQL-like query. Errors name the field `query` and say where the syntax broke.
pub fn parse(input: &str) -> Result<LogQuery, LogQueryError> {
    let _ = input;
    Err(LogQueryError::new(
        "query",
        "LogQL queries are not parsed yet",
    ))
}
