//! REST v1's error answers: `{error, code, reason, timestamp}`, where `code` is the HTTP
//! status (the original REST API's) and `reason` the GraphQL `extensions.code` it comes
//! from. Every error a route can meet is first the same coded error GraphQL answers with
//! (from [`crate::errors`]); [`RestError`] only gives it its status ([`ErrorCode::http_status`]).

use crate::errors::{ErrorCode, MAX_MESSAGE_CHARS};
use actix_web::http::{header, StatusCode};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every REST v1 error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people; names the field when a value was refused.
    #[schema(example = "name: must be a DNS label")]
    pub error: String,
    /// The HTTP status.
    #[schema(example = 400)]
    pub code: u16,
    /// The GraphQL `extensions.code` of the same error: BAD_USER_INPUT, NOT_FOUND,
    /// CONFLICT, FAILED_PRECONDITION, UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED,
    /// UNAVAILABLE or INTERNAL.
    #[schema(example = "BAD_USER_INPUT")]
    pub reason: String,
    /// When it was answered.
    pub timestamp: DateTime<Utc>,
}

/// A refused REST v1 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestError {
    /// Its code (the status follows from it).
    pub code: ErrorCode,
    /// Its message, at most [`MAX_MESSAGE_CHARS`] characters.
    pub message: String,
    /// Seconds until a retry may succeed (`Retry-After`, with RATE_LIMITED).
    pub retry_after: Option<u64>,
}

impl RestError {
    /// An error with `code`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        let mut message = message.into();
        if let Some((cut, _)) = message.char_indices().nth(MAX_MESSAGE_CHARS) {
            message.truncate(cut);
            message.push('…');
        }
        Self {
            code,
            message,
            retry_after: None,
        }
    }

    /// A bad value of `field`.
    pub fn bad_input(field: &str, reason: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::BadUserInput, format!("{field}: {reason}"))
    }

    /// This error of a field of object `parent` (a body's nested object), naming it
    /// `parent.field`.
    pub fn within(mut self, parent: &str) -> Self {
        self.message = format!("{parent}.{}", self.message);
        self
    }

    /// A missing object.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
}

impl std::fmt::Display for RestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// The coded errors of resolvers, command and read paths: their code, message and
/// `retryAfterSeconds`. An error without a code is the client's (as in
/// [`crate::errors::ensure_codes`]).
impl From<async_graphql::Error> for RestError {
    fn from(e: async_graphql::Error) -> Self {
        let extension = |name: &str| e.extensions.as_ref().and_then(|x| x.get(name).cloned());
        let code = match extension("code") {
            Some(async_graphql::Value::String(name)) => ErrorCode::from_name(&name),
            Some(async_graphql::Value::Enum(name)) => ErrorCode::from_name(name.as_str()),
            _ => None,
        }
        .unwrap_or(ErrorCode::BadUserInput);
        let retry_after = match extension("retryAfterSeconds") {
            Some(async_graphql::Value::Number(n)) => n.as_u64(),
            _ => None,
        };
        Self {
            retry_after,
            ..Self::new(code, e.message)
        }
    }
}

impl From<crate::request::BodyError> for RestError {
    fn from(e: crate::request::BodyError) -> Self {
        use crate::errors::Coded;
        Self::new(e.code(), e.to_string())
    }
}

impl ResponseError for RestError {
    fn status_code(&self) -> StatusCode {
        self.code.http_status()
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code());
        if self.code == ErrorCode::Unauthenticated {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds));
        }
        response.json(ErrorBody {
            error: self.message.clone(),
            code: self.status_code().as_u16(),
            reason: self.code.as_str().to_string(),
            timestamp: Utc::now(),
        })
    }
}

/// What `/api/v1` answers for a path or method it does not serve: 405 with `Allow` for a
/// path the document declares with other methods, else 404.
pub async fn no_route(http: HttpRequest) -> Result<HttpResponse, RestError> {
    let path = schema::values::excerpt(http.path());
    let allowed = declared_methods(http.path());
    if !allowed.is_empty() {
        let allow = allowed.join(", ");
        let status = StatusCode::METHOD_NOT_ALLOWED;
        return Ok(HttpResponse::build(status)
            .insert_header((header::ALLOW, allow.clone()))
            .json(ErrorBody {
                error: format!("{} {path} is not served; it takes {allow}", http.method()),
                code: status.as_u16(),
                reason: ErrorCode::BadUserInput.as_str().to_string(),
                timestamp: Utc::now(),
            }));
    }
    Err(RestError::not_found(format!(
        "no route {} {path}; see /api/v1/openapi.json",
        http.method()
    )))
}

/// A path of the document as segments (`{id}` matches any one segment), and its methods.
type DeclaredPath = (Vec<String>, Vec<&'static str>);

/// The methods the OpenAPI document declares for `path` (none for a path it does not have).
fn declared_methods(path: &str) -> Vec<&'static str> {
    static PATHS: std::sync::OnceLock<Vec<DeclaredPath>> = std::sync::OnceLock::new();
    let paths = PATHS.get_or_init(|| {
        let doc = super::openapi();
        doc.paths
            .paths
            .iter()
            .map(|(template, item)| {
                let segments = template.split('/').map(str::to_string).collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ];
                let methods = methods.iter().filter(|m| m.1).map(|m| m.0).collect();
                (segments, methods)
            })
            .collect()
    });
    let asked: Vec<&str> = path.split('/').collect();
    paths
        .iter()
        .find(|(segments, _)| {
            segments.len() == asked.len()
                && segments.iter().zip(&asked).all(|(s, a)| {
                    s == a || (s.starts_with('{') && s.ends_with('}') && !a.is_empty())
                })
        })
        .map(|(_, methods)| methods.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::declared_methods;

    #[test]
    fn the_methods_of_a_path_come_from_the_document() {
        assert_eq!(declared_methods("/api/v1/droplets/abc"), ["GET", "DELETE"]);
        assert_eq!(declared_methods("/api/v1/droplets"), ["GET", "POST"]);
        assert!(declared_methods("/api/v1/droplets/").is_empty());
        assert!(declared_methods("/api/v1/nothing").is_empty());
    }
}
