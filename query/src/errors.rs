//! The one place where errors become GraphQL errors with `extensions.code`.

use async_graphql::{Error, ErrorExtensions};
use command::CommandError;

/// Builds a GraphQL error with a code from the SPEC.
pub fn coded(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message.into()).extend_with(|_, e| e.set("code", code))
}

/// Maps a command failure.
pub fn command(e: CommandError) -> Error {
    coded(e.code(), e.to_string())
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
pub fn ensure_codes(response: &mut async_graphql::Response) {
    for err in &mut response.errors {
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
