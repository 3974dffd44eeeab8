//! The one place where errors get their `extensions.code`: every code the API answers with
//! is an [`ErrorCode`], and every error type it can answer with maps to one in [`Coded`].
//! GraphQL resolvers, the HTTP routes and the WebSocket all take their codes from here.

use crate::auth::AuthError;
use crate::request::BodyError;
use async_graphql::{Error, ErrorExtensions};
use command::CommandError;
use schema::{InvalidId, ValueError};
use std::fmt::Display;

/// Every `extensions.code` of the SPEC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The request or one of its values is invalid.
    BadUserInput,
    /// The addressed object does not exist.
    NotFound,
    /// A taken unique value, a stale expected version or a lost race.
    Conflict,
    /// Not allowed in the object's current state.
    FailedPrecondition,
    /// No valid credentials.
    Unauthenticated,
    /// Not allowed from here (origin).
    Forbidden,
    /// Too many of something at once.
    RateLimited,
    /// The database or the read models cannot answer now; try again.
    Unavailable,
    /// A fault of ours.
    Internal,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: &'static [ErrorCode] = &[
        Self::BadUserInput,
        Self::NotFound,
        Self::Conflict,
        Self::FailedPrecondition,
        Self::Unauthenticated,
        Self::Forbidden,
        Self::RateLimited,
        Self::Unavailable,
        Self::Internal,
    ];

    /// The code as clients see it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::NotFound => "NOT_FOUND",
            Self::Conflict => "CONFLICT",
            Self::FailedPrecondition => "FAILED_PRECONDITION",
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::RateLimited => "RATE_LIMITED",
            Self::Unavailable => "UNAVAILABLE",
            Self::Internal => "INTERNAL",
        }
    }
}

impl ErrorCode {
    /// The code named `name` (an `extensions.code`), if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == name)
    }

    /// The HTTP status REST v1 answers with (the original REST API's statuses): a stale
    /// `If-Match`, a taken name and a refused state change are all 409.
    pub fn http_status(self) -> actix_web::http::StatusCode {
        use actix_web::http::StatusCode as S;
        match self {
            Self::BadUserInput => S::BAD_REQUEST,
            Self::Unauthenticated => S::UNAUTHORIZED,
            Self::Forbidden => S::FORBIDDEN,
            Self::NotFound => S::NOT_FOUND,
            Self::Conflict | Self::FailedPrecondition => S::CONFLICT,
            Self::RateLimited => S::TOO_MANY_REQUESTS,
            Self::Unavailable => S::SERVICE_UNAVAILABLE,
            Self::Internal => S::INTERNAL_SERVER_ERROR,
        }
    }
}

impl Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error the API can answer with, and its code.
pub trait Coded {
    /// The code clients get for it.
    fn code(&self) -> ErrorCode;
}

impl Coded for CommandError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::BadInput(_) => ErrorCode::BadUserInput,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Conflict(_) | Self::Race(_) => ErrorCode::Conflict,
            Self::FailedPrecondition(_) => ErrorCode::FailedPrecondition,
            Self::Unavailable(_) => ErrorCode::Unavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }
}

/// Read-model failures: the driver's error.
impl Coded for sqlx::Error {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Io(_) | Self::PoolTimedOut | Self::PoolClosed => ErrorCode::Unavailable,
            _ => ErrorCode::Internal,
        }
    }
}

impl Coded for ValueError {
    fn code(&self) -> ErrorCode {
        ErrorCode::BadUserInput
    }
}

impl Coded for InvalidId {
    fn code(&self) -> ErrorCode {
        ErrorCode::BadUserInput
    }
}

impl Coded for AuthError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Malformed | Self::Invalid(_) | Self::BadCredentials => ErrorCode::Unauthenticated,
            Self::Unavailable(_) => ErrorCode::Unavailable,
        }
    }
}

impl Coded for BodyError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::UnsupportedMediaType
            | Self::TooLarge(_)
            | Self::TimedOut(_)
            | Self::Incomplete
            | Self::NotARequest(_) => ErrorCode::BadUserInput,
        }
    }
}

/// Builds a GraphQL error with a code.
pub fn coded(code: ErrorCode, message: impl Into<String>) -> Error {
    Error::new(message.into()).extend_with(|_, e| e.set("code", code.as_str()))
}

/// A client's error as a GraphQL error, with its message and code.
pub fn refused<E: Coded + Display>(e: E) -> Error {
    coded(e.code(), e.to_string())
}

/// Longest error message a response carries; longer ones (which can only come from echoing
/// input) are cut.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// Maps a command failure. Database and internal failures get a fixed message: theirs come
/// from the driver ("pool timed out…") and mean nothing to a client.
pub fn command(e: CommandError) -> Error {
    match e {
        CommandError::Unavailable(detail) => {
            tracing::warn!(error = %detail, "command failed: database unavailable");
            coded(
                ErrorCode::Unavailable,
                "the database is busy or unreachable; nothing was changed, try again",
            )
        }
        CommandError::Internal(detail) => {
            tracing::error!(error = %detail, "command failed");
            coded(ErrorCode::Internal, "internal error; nothing was changed")
        }
        other => refused(other),
    }
}

/// Maps a read-model failure, with a fixed message for the same reason.
pub fn read(e: sqlx::Error) -> Error {
    match e.code() {
        ErrorCode::Unavailable => coded(
            ErrorCode::Unavailable,
            "the database is unavailable; try again",
        ),
        code => {
            tracing::error!(error = %e, "read model query failed");
            coded(code, "internal error while reading")
        }
    }
}

/// A bad argument.
pub fn bad_input(message: impl Into<String>) -> Error {
    coded(ErrorCode::BadUserInput, message)
}

/// Missing object.
pub fn not_found(message: impl Into<String>) -> Error {
    coded(ErrorCode::NotFound, message)
}

/// Gives every error without a code one. Our resolvers always set a code, so an error
/// without one comes from parsing, validation or argument coercion: the client's fault.
/// Also cuts messages to [`MAX_MESSAGE_CHARS`], so that no error echoes a large input.
pub fn ensure_codes(response: &mut async_graphql::Response) {
    for err in &mut response.errors {
        if let Some((cut, _)) = err.message.char_indices().nth(MAX_MESSAGE_CHARS) {
            err.message.truncate(cut);
            err.message.push('…');
        }
        let has_code = err
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if !has_code {
            let ext = err.extensions.get_or_insert_with(Default::default);
            ext.set("code", ErrorCode::BadUserInput.as_str());
        }
    }
}

/// Whether a request was refused for want of valid credentials before it ran (answered with
/// HTTP 401). A field that fails so (a wrong password in `login`) is a field error: 200.
pub fn is_unauthenticated(response: &async_graphql::Response) -> bool {
    let unauthenticated = async_graphql::Value::from(ErrorCode::Unauthenticated.as_str());
    response.errors.iter().any(|e| {
        e.path.is_empty()
            && e.extensions
                .as_ref()
                .and_then(|x| x.get("code"))
                .is_some_and(|c| *c == unauthenticated)
    })
}

/// An HTTP error answer in the GraphQL response shape: `{"errors": [{message, extensions.code}]}`.
pub fn http_error(
    status: actix_web::http::StatusCode,
    code: ErrorCode,
    message: impl Into<String>,
) -> actix_web::HttpResponse {
    let mut response = actix_web::HttpResponse::build(status);
    if status == actix_web::http::StatusCode::UNAUTHORIZED {
        response.insert_header(("WWW-Authenticate", "Bearer"));
    }
    response.json(serde_json::json!({
        "errors": [{ "message": message.into(), "extensions": { "code": code.as_str() } }]
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// One example of every variant of every error type, with the code it must get. The
    /// `match`es in [`Coded`] are exhaustive, so a new variant does not compile until it
    /// has a code; adding it here then checks which.
    fn examples() -> Vec<(Box<dyn Coded>, &'static str)> {
        let m = || "m".to_string();
        vec![
            (Box::new(CommandError::BadInput(m())), "BAD_USER_INPUT"),
            (Box::new(CommandError::NotFound(m())), "NOT_FOUND"),
            (Box::new(CommandError::Conflict(m())), "CONFLICT"),
            (Box::new(CommandError::Race(m())), "CONFLICT"),
            (
                Box::new(CommandError::FailedPrecondition(m())),
                "FAILED_PRECONDITION",
            ),
            (Box::new(CommandError::Unavailable(m())), "UNAVAILABLE"),
            (Box::new(CommandError::Internal(m())), "INTERNAL"),
            (Box::new(sqlx::Error::PoolTimedOut), "UNAVAILABLE"),
            (Box::new(sqlx::Error::PoolClosed), "UNAVAILABLE"),
            (Box::new(sqlx::Error::RowNotFound), "INTERNAL"),
            (Box::new(ValueError::new("name", "bad")), "BAD_USER_INPUT"),
            (
                Box::new(schema::ClusterId::parse("x").unwrap_err()),
                "BAD_USER_INPUT",
            ),
            (Box::new(AuthError::Malformed), "UNAUTHENTICATED"),
            (Box::new(AuthError::BadCredentials), "UNAUTHENTICATED"),
            (Box::new(AuthError::Invalid("x")), "UNAUTHENTICATED"),
            (Box::new(BodyError::UnsupportedMediaType), "BAD_USER_INPUT"),
            (Box::new(BodyError::TooLarge(1)), "BAD_USER_INPUT"),
            (
                Box::new(BodyError::TimedOut(std::time::Duration::ZERO)),
                "BAD_USER_INPUT",
            ),
            (Box::new(BodyError::Incomplete), "BAD_USER_INPUT"),
            (Box::new(BodyError::NotARequest(m())), "BAD_USER_INPUT"),
        ]
    }

    #[test]
    fn every_error_maps_to_its_code() {
        for (i, (error, code)) in examples().into_iter().enumerate() {
            assert_eq!(error.code().as_str(), code, "example {i}");
        }
    }

    #[test]
    fn the_codes_are_the_spec_s_nine_and_distinct() {
        let names: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), 9);
        // Exhaustive: a new code must be added to ALL too.
        for code in ErrorCode::ALL {
            match code {
                ErrorCode::BadUserInput
                | ErrorCode::NotFound
                | ErrorCode::Conflict
                | ErrorCode::FailedPrecondition
                | ErrorCode::Unauthenticated
                | ErrorCode::Forbidden
                | ErrorCode::RateLimited
                | ErrorCode::Unavailable
                | ErrorCode::Internal => {}
            }
        }
        for name in names {
            assert!(name.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        }
    }

    #[test]
    fn every_code_has_its_name_and_a_client_or_server_status() {
        for code in ErrorCode::ALL {
            assert_eq!(ErrorCode::from_name(code.as_str()), Some(*code));
            let status = code.http_status();
            let server = matches!(code, ErrorCode::Unavailable | ErrorCode::Internal);
            assert_eq!(status.is_server_error(), server, "{code}");
            assert!(
                status.is_client_error() || status.is_server_error(),
                "{code}"
            );
        }
        assert_eq!(ErrorCode::from_name("TEAPOT"), None);
    }

    #[test]
    fn read_failures_hide_the_driver_s_message() {
        let e = read(sqlx::Error::PoolTimedOut);
        assert_eq!(e.message, "the database is unavailable; try again");
        let e = command(CommandError::Internal("secret detail".into()));
        assert!(!e.message.contains("secret"));
    }
}
