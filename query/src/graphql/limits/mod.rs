//! Bounds on what one GraphQL request may ask for, checked before async-graphql validates or
//! runs it (over HTTP and WebSocket alike): depth, cost with list sizes, mutations per request,
//! document size, introspection, and the size of the answer. An async-graphql [`Extension`].
//!
//! async-graphql's own depth and complexity limits (and its recursion check and validation)
//! expand fragment spreads, which is exponential in the document; [`analysis`] is linear and
//! runs first, so what reaches async-graphql is small once expanded.

pub mod analysis;
pub mod shape;

use crate::auth::Caller;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::Variables;
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult};
use schema::users::Role;
use shape::Shape;
use std::collections::HashSet;
use std::sync::Arc;

/// The configurable limits (the fixed ones are constants in [`analysis`]).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Deepest nesting of fields (introspection counted separately).
    pub max_depth: usize,
    /// Highest cost: every field 1, a paged field's selections times its page size.
    pub max_complexity: usize,
    /// Most mutation fields (aliases included) in one request.
    pub max_mutations: usize,
    /// Largest answer, serialized, in bytes.
    pub max_response_bytes: usize,
    /// Page size assumed when `first` is not given.
    pub default_page_size: i64,
    /// The page-size cap (larger `first` is refused by the resolver).
    pub max_page_size: i64,
    /// A lower cost limit for viewers (scripts with read-only tokens), if set.
    pub viewer_max_complexity: Option<usize>,
}

/// Deepest nesting allowed to a caller without a role (required mode, not signed in): enough
/// for `login` and `me`; introspection is counted apart, so GraphiQL still loads the schema.
pub const ANONYMOUS_MAX_DEPTH: usize = 4;
/// Highest cost allowed to a caller without a role.
pub const ANONYMOUS_MAX_COMPLEXITY: usize = 100;

impl Limits {
    /// The limits for a caller with `role`: anonymous callers get the small fixed ones, a
    /// viewer `viewer_max_complexity` when set, everyone else the configured ones.
    pub fn for_role(&self, role: Option<Role>) -> Limits {
        let mut limits = self.clone();
        match role {
            None => {
                limits.max_depth = limits.max_depth.min(ANONYMOUS_MAX_DEPTH);
                limits.max_complexity = limits.max_complexity.min(ANONYMOUS_MAX_COMPLEXITY);
                limits.max_mutations = 1;
            }
            Some(Role::Viewer) => {
                if let Some(max) = self.viewer_max_complexity {
                    limits.max_complexity = max;
                }
            }
            Some(_) => {}
        }
        limits
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_depth: 10,
            max_complexity: 10_000,
            max_mutations: 10,
            max_response_bytes: 8 << 20,
            default_page_size: 20,
            max_page_size: 100,
            viewer_max_complexity: None,
        }
    }
}

/// Longest error message passed on from validation; longer ones are cut (they quote names
/// from the document, which may be huge).
const MAX_MESSAGE_CHARS: usize = 200;
/// Most validation errors in one answer; the rest are counted in a last error.
const MAX_ERRORS: usize = 20;

/// The extension factory, built once per schema.
pub struct DocumentLimits {
    inner: Arc<Inner>,
}

struct Inner {
    limits: Limits,
    shape: Shape,
}

impl DocumentLimits {
    /// Limits for the schema whose SDL is `sdl`.
    pub fn new(limits: Limits, sdl: &str) -> Self {
        Self {
            inner: Arc::new(Inner {
                limits,
                shape: Shape::from_sdl(sdl),
            }),
        }
    }
}

impl ExtensionFactory for DocumentLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Checker {
            inner: self.inner.clone(),
            operation_name: Default::default(),
        })
    }
}

struct Checker {
    inner: Arc<Inner>,
    /// The operation the request names (set in `prepare_request`).
    operation_name: std::sync::Mutex<Option<String>>,
}

impl std::ops::Deref for Checker {
    type Target = Arc<Inner>;
    fn deref(&self) -> &Arc<Inner> {
        &self.inner
    }
}

/// A client error with `extensions.code` BAD_USER_INPUT.
fn bad_input(message: impl Into<String>) -> ServerError {
    let mut e = ServerError::new(message, None);
    e.extensions
        .get_or_insert_with(Default::default)
        .set("code", crate::errors::ErrorCode::BadUserInput.as_str());
    e
}

fn shorten(message: &str) -> String {
    if message.chars().count() <= MAX_MESSAGE_CHARS {
        return message.to_string();
    }
    let cut: String = message.chars().take(MAX_MESSAGE_CHARS).collect();
    format!("{cut}… (cut)")
}

/// Each distinct message once, none too long, at most [`MAX_ERRORS`].
fn condense(errors: Vec<ServerError>) -> Vec<ServerError> {
    let total = errors.len();
    let mut seen = HashSet::new();
    let mut out: Vec<ServerError> = Vec::new();
    for mut e in errors {
        e.message = shorten(&e.message);
        if seen.insert(e.message.clone()) && out.len() < MAX_ERRORS {
            e.locations.truncate(2);
            out.push(e);
        }
    }
    if out.len() < total {
        let omitted = total - out.len();
        out.push(bad_input(format!(
            "{omitted} more errors like the above were left out"
        )));
    }
    out
}

/// Counts bytes without keeping them.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Checker {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // Parsed once here (a syntax error is left to async-graphql, which reports it;
        // parsing is linear) and checked against the configured limits before async-graphql
        // looks at it (its own checks expand fragments); checked again in `parse_query`,
        // where the caller is known, against the caller's role's limits.
        if let Ok(doc) = async_graphql::parser::parse_query(&request.query) {
            let found = analysis::check(
                &doc,
                &request.variables,
                &self.inner.shape,
                &self.inner.limits,
            );
            if !found.is_empty() {
                metrics::counter!("clustergenie_graphql_refused_total", "reason" => "limits")
                    .increment(1);
                return Err(bad_input(format!("request refused: {}", found.join("; "))));
            }
            request.set_parsed_query(doc);
        }
        *self
            .operation_name
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = request.operation_name.clone();
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let caller = ctx.data_opt::<Caller>();
        let name = self
            .operation_name
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        // Who may run it first: a refusal says "sign in" rather than "too deep".
        if let Err(e) = crate::graphql::access::check(&doc, name.as_deref(), caller) {
            metrics::counter!("clustergenie_graphql_refused_total", "reason" => "access")
                .increment(1);
            return Err(e);
        }
        let limits = self.inner.limits.for_role(caller.and_then(|c| c.role));
        let found = analysis::check(&doc, variables, &self.inner.shape, &limits);
        if !found.is_empty() {
            metrics::counter!("clustergenie_graphql_refused_total", "reason" => "limits")
                .increment(1);
            return Err(bad_input(format!("request refused: {}", found.join("; "))));
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        next.run(ctx).await.map_err(condense)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let response = next.run(ctx, operation_name).await;
        let max = self.inner.limits.max_response_bytes;
        let mut size = Counter(0);
        if serde_json::to_writer(&mut size, &response.data).is_ok() && size.0 > max {
            let message = format!(
                "the answer would be {} bytes, more than the limit of {max}; ask for fewer items or fields",
                size.0
            );
            return Response::from_errors(vec![bad_input(message)]);
        }
        response
    }
}

#[cfg(test)]
mod tests;
