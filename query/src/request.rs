//! Reading a GraphQL request from an HTTP POST, bounded before any work is done: only JSON
//! content types (a form or `text/plain` POST is what another site's page can send without
//! asking), at most `max_body_bytes`, within `body_timeout`, and errors that name the problem
//! without echoing what was sent.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest};
use futures::StreamExt;
use std::time::Duration;

/// Content types a GraphQL POST may carry.
const JSON_TYPES: &[&str] = &["application/json", "application/graphql-response+json"];

/// Why a request body was refused, with the HTTP status it gets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Not a JSON content type (415).
    #[error("requests must be sent as Content-Type: application/json")]
    UnsupportedMediaType,
    /// Larger than the limit (413).
    #[error("the request body is larger than {0} bytes")]
    TooLarge(usize),
    /// Not received in time (408).
    #[error("the request body was not received within {0:?}")]
    TimedOut(Duration),
    /// The connection broke while the body was read (400).
    #[error("the request body could not be read")]
    Incomplete,
    /// Not a GraphQL request document (400).
    #[error("the request body is not a GraphQL request: {0}")]
    NotARequest(String),
}

impl BodyError {
    /// The HTTP status to answer with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
            Self::Incomplete | Self::NotARequest(_) => StatusCode::BAD_REQUEST,
        }
    }
}

/// Limits applied to every request body.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    /// Largest body, bytes.
    pub max_bytes: usize,
    /// Time to receive all of it.
    pub timeout: Duration,
}

/// Checks the content type, reads the body within the limits and parses it.
pub async fn read_graphql_request(
    http: &HttpRequest,
    payload: web::Payload,
    limits: BodyLimits,
) -> Result<async_graphql::Request, BodyError> {
    parse(&read_json_body(http, payload, limits).await?)
}

/// Checks the content type and reads the body within the limits (a GraphQL request, or a
/// REST v1 body).
pub async fn read_json_body(
    http: &HttpRequest,
    payload: web::Payload,
    limits: BodyLimits,
) -> Result<Vec<u8>, BodyError> {
    let content_type = http
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        });
    if !content_type.is_some_and(|t| JSON_TYPES.contains(&t.as_str())) {
        return Err(BodyError::UnsupportedMediaType);
    }
    let declared = http
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_bytes as u64) {
        return Err(BodyError::TooLarge(limits.max_bytes));
    }
    tokio::time::timeout(limits.timeout, read_body(payload, limits.max_bytes))
        .await
        .map_err(|_| BodyError::TimedOut(limits.timeout))?
}

async fn read_body(mut payload: web::Payload, max: usize) -> Result<Vec<u8>, BodyError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| BodyError::Incomplete)?;
        if body.len() + chunk.len() > max {
            return Err(BodyError::TooLarge(max));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses `{"query": …, "operationName": …, "variables": {…}}`; the messages say which member
/// is wrong, never what it contained.
pub fn parse(body: &[u8]) -> Result<async_graphql::Request, BodyError> {
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        BodyError::NotARequest(format!(
            "invalid JSON at line {} column {}",
            e.line(),
            e.column()
        ))
    })?;
    let serde_json::Value::Object(mut map) = value else {
        let what = if value.is_array() {
            "batched requests (a JSON array) are not supported; send one object"
        } else {
            "expected a JSON object with a \"query\" string"
        };
        return Err(BodyError::NotARequest(what.into()));
    };
    let bad = |m: &str| BodyError::NotARequest(m.into());
    let query = match map.remove("query") {
        Some(serde_json::Value::String(q)) => q,
        Some(_) => return Err(bad("\"query\" must be a string")),
        None => return Err(bad("\"query\" is missing")),
    };
    let mut request = async_graphql::Request::new(query);
    match map.remove("operationName") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err(bad("\"operationName\" must be a string")),
    }
    match map.remove("variables") {
        None | Some(serde_json::Value::Null) => {}
        Some(v @ serde_json::Value::Object(_)) => {
            request = request.variables(async_graphql::Variables::from_json(v))
        }
        Some(_) => return Err(bad("\"variables\" must be an object")),
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_do_not_echo_the_body() {
        let huge = "A".repeat(10_000);
        for body in [
            format!("{{\"query\": 5, \"x\": \"{huge}\"}}"),
            format!("{{\"query\": \"{{ a }}\", \"variables\": \"{huge}\"}}"),
            format!("[\"{huge}\"]"),
            format!("{{\"query\": \"{huge}"),
        ] {
            let err = parse(body.as_bytes()).unwrap_err().to_string();
            assert!(err.len() < 200, "{err}");
        }
        let ok = parse(br#"{"query": "{ a }", "operationName": null, "variables": {"x": 1}}"#);
        assert!(ok.is_ok());
    }
}
