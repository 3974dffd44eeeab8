//! The one place where errors become GraphQL errors with `extensions.code`.

use async_graphql::{Error, ErrorExtensions};
use command::CommandError;

/// Builds a GraphQL error with a code from the SPEC.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message.into()).extend_with(|_, e| e.set("code", code))
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
                "UNAVAILABLE",
                "the database is busy or unreachable; nothing was changed, try again",
            )
        }
        CommandError::Internal(detail) => {
            tracing::error!(error = %detail, "command failed");
            coded("INTERNAL", "internal error; nothing was changed")
        }
        other => coded(other.code(), other.to_string()),
    }
}

/// Maps a read-model failure.
pub fn read(e: sqlx::Error) -> Error {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => {
            coded("UNAVAILABLE", "the database is unavailable; try again")
        }
        other => {
            tracing::error!(error = %other, "read model query failed");
            coded("INTERNAL", "internal error while reading")
        }
    }
}

/// A bad argument.
pub fn bad_input(message: impl Into<String>) -> Error {
    coded("BAD_USER_INPUT", message)
}

/// Missing object.
pub fn not_found(message: impl Into<String>) -> Error {
    coded("NOT_FOUND", message)
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
            ext.set("code", "BAD_USER_INPUT");
        }
    }
}

/// Whether a response failed for want of valid credentials (answered with HTTP 401).
pub fn is_unauthenticated(response: &async_graphql::Response) -> bool {
    response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| *c == async_graphql::Value::from("UNAUTHENTICATED"))
    })
}

/// An HTTP error answer in the GraphQL response shape: `{"errors": [{message, extensions.code}]}`.
pub fn http_error(
    status: actix_web::http::StatusCode,
    code: &str,
    message: impl Into<String>,
) -> actix_web::HttpResponse {
    let mut response = actix_web::HttpResponse::build(status);
    if status == actix_web::http::StatusCode::UNAUTHORIZED {
        response.insert_header(("WWW-Authenticate", "Bearer"));
    }
    response.json(serde_json::json!({
        "errors": [{ "message": message.into(), "extensions": { "code": code } }]
    }))
}
