//! HTTP routes: `/graphql` (POST queries, WebSocket subscriptions, GraphiQL in a browser),
//! `/health` and `/metrics` ([`crate::health`], with the app's `RoleHealth`), REST v1 at
//! `/api/v1` with Swagger UI at `/swagger/` ([`crate::rest`]), and the web console for
//! every other GET.

use crate::auth::{AuthError, Caller, Credential};
use crate::errors::{self, Coded, ErrorCode};
use crate::graphql::ClusterGenieSchema;
use crate::request::read_graphql_request;
use crate::state::AppState;
use actix_web::http::StatusCode;
use actix_web::{guard, http::header, web, HttpRequest, HttpResponse};
use command::RequestContext;
use opentelemetry::propagation::Extractor;
use std::time::Instant;
use tracing::Instrument;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// Registers every route.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/graphql")
            .route(web::post().to(graphql))
            .route(
                web::get()
                    .guard(guard::Header("upgrade", "websocket"))
                    .to(crate::ws::subscriptions),
            )
            .route(web::get().to(crate::console::graphiql)),
    )
    .configure(crate::health::routes)
    .configure(crate::rest::routes)
    // Last, so that it only gets what nothing above matched.
    .route("/{path:.*}", web::get().to(crate::console::serve));
}

/// The client's IP address (login attempts are limited per address), in request data.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddress(pub Option<std::net::IpAddr>);

struct Headers<'a>(&'a header::HeaderMap);

impl Extractor for Headers<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }
    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// The caller of a request, from its `Authorization` header (or the auth mode without one):
/// the one authentication of `/graphql` and `/api/v1`.
pub async fn caller_of(state: &AppState, http: &HttpRequest) -> Result<Caller, AuthError> {
    let auth = http
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    state.auth.authenticate(auth.map(Credential::Header)).await
}

/// The command context of a request by `caller`: its actor, and the client's
/// `X-Correlation-Id` when it sent a usable one.
pub fn context_of(http: &HttpRequest, caller: &Caller) -> RequestContext {
    let mut context = RequestContext::new(caller.actor.clone());
    if let Some(id) = http
        .headers()
        .get("x-correlation-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 128)
    {
        context.correlation_id = id.to_string();
    }
    context
}

/// `POST /graphql`: checks origin, credentials and body before anything is executed.
async fn graphql(
    schema: web::Data<ClusterGenieSchema>,
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let span = tracing::info_span!(
        "graphql",
        otel.kind = "server",
        otel.name = tracing::field::Empty,
        graphql.operation.type = tracing::field::Empty,
        graphql.operation.name = tracing::field::Empty,
        graphql.root_fields = tracing::field::Empty,
        actor = tracing::field::Empty,
        correlation_id = tracing::field::Empty
    );
    let parent =
        opentelemetry::global::get_text_map_propagator(|p| p.extract(&Headers(http.headers())));
    let _ = span.set_parent(parent);
    // Checked and read before the span is entered: the span is named after the operation,
    // and tracing-opentelemetry fixes a span's name when the span starts.
    if !state.origins.allows_request(http.headers()) {
        return errors::http_error(
            StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "this origin may not call the API (CLUSTERGENIE_ALLOWED_ORIGINS)",
        );
    }
    let caller = match caller_of(&state, &http).await {
        Ok(caller) => caller,
        Err(e) => {
            let status = match e {
                crate::auth::AuthError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::UNAUTHORIZED,
            };
            return errors::http_error(status, e.code(), e.to_string());
        }
    };
    let mut request = match read_graphql_request(&http, payload, state.settings.body).await {
        Ok(request) => request,
        Err(e) => return errors::http_error(e.status(), e.code(), e.to_string()),
    };
    // Parsed here (execution reuses the document).
    let operation = crate::operation::record(&span, &mut request);
    async move {
        tracing::Span::current().record("actor", caller.actor.as_str());
        let context = context_of(&http, &caller);
        tracing::Span::current().record("correlation_id", context.correlation_id.as_str());
        let started = Instant::now();
        let client = ClientAddress(http.peer_addr().map(|a| a.ip()));
        let mut response = schema
            .execute(request.data(context).data(caller).data(client))
            .await;
        errors::ensure_codes(&mut response);
        let outcome = if response.is_ok() { "ok" } else { "error" };
        let elapsed = started.elapsed();
        metrics::histogram!("clustergenie_graphql_request_seconds", "outcome" => outcome)
            .record(elapsed.as_secs_f64());
        log_request(operation.as_ref(), &response, elapsed);
        let status = if errors::is_unauthenticated(&response) {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::OK
        };
        HttpResponse::build(status)
            .content_type("application/graphql-response+json")
            .body(serde_json::to_vec(&response).unwrap_or_default())
    }
    .instrument(span)
    .await
}

/// The request's line in the activity log: every mutation and every failed request at INFO
/// (with the first error's code and message), successful queries at DEBUG (a busy read path
/// would otherwise fill the log).
fn log_request(
    operation: Option<&crate::operation::Operation>,
    response: &async_graphql::Response,
    elapsed: std::time::Duration,
) {
    let kind = operation.map_or("request", |o| o.kind);
    let fields = operation.map_or("", |o| o.root_fields.as_str());
    let ms = (elapsed.as_secs_f64() * 1000.0 * 10.0).round() / 10.0;
    match response.errors.first() {
        Some(first) => {
            let code = first
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .map(|c| c.to_string().trim_matches('"').to_string())
                .unwrap_or_default();
            tracing::info!(
                operation = kind,
                root_fields = fields,
                code,
                errors = response.errors.len(),
                elapsed_ms = ms,
                "{kind} {fields} failed: {}",
                first.message
            );
        }
        None if kind == "mutation" => {
            tracing::info!(
                operation = kind,
                root_fields = fields,
                elapsed_ms = ms,
                "{kind} {fields} ok"
            );
        }
        None => {
            tracing::debug!(
                operation = kind,
                root_fields = fields,
                elapsed_ms = ms,
                "{kind} {fields} ok"
            );
        }
    }
}
