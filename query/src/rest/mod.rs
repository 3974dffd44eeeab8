//! REST API v1: the original product's `/api/v1`, over the same command handlers, read
//! models, roles and error codes as GraphQL (which stays the primary API). One module per
//! resource; [`scope`] registers each route once with `utoipa-actix-web`, so the route and
//! its OpenAPI operation come from one `#[utoipa::path]` handler, and [`openapi`] is the
//! document those handlers make (checked in as `schema/openapi.json`).
//!
//! - [`error`]: `{error, code, reason, timestamp}` answers, from the GraphQL error codes.
//! - [`request`]: who is calling (the credentials and roles of `/graphql`) and the
//!   parsing of headers, query strings and bodies at the edge.
//! - [`health`], [`auth`], [`droplets`], [`clusters`], [`healthchecks`], [`autoscaling`],
//!   [`diagnose`], [`jobs`], [`logs`], [`workerpool`], [`ratelimit`], [`updates`] (the
//!   WebSocket feed), [`metrics`]: the routes.

pub mod auth;
pub mod autoscaling;
pub mod clusters;
pub mod diagnose;
pub mod droplets;
pub mod error;
pub mod health;
pub mod healthchecks;
pub mod jobs;
pub mod logs;
pub mod metrics;
pub mod ratelimit;
pub mod request;
pub mod updates;
pub mod workerpool;

use actix_web::{get, web, HttpResponse};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::AppExt;

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";

/// Where Swagger UI is served.
pub const SWAGGER_PATH: &str = "/swagger/";

/// The document's parts no handler declares: title, security scheme, tags.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ClusterGenie REST API v1",
        description = "The original product's REST API over ClusterGenie's commands and read models. \
GraphQL (`/graphql`) is the primary API; both share credentials, roles and error codes.\n\n\
Errors are `{error, code, reason, timestamp}`: `code` is the HTTP status, `reason` the GraphQL \
`extensions.code`. A stale `If-Match` is 409 (CONFLICT), like every other version conflict.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "health", description = "Liveness and dependencies"),
        (name = "auth", description = "Sessions"),
        (name = "droplets", description = "Virtual machines"),
        (name = "clusters", description = "Named groups of droplets in one region"),
        (name = "healthchecks", description = "Gatus-style checks and their runs"),
        (name = "autoscaling", description = "Scaling policies and their evaluations"),
        (name = "diagnose", description = "The assistant's diagnoses of clusters and droplets"),
        (name = "jobs", description = "Long-running work"),
        (name = "logs", description = "Activity logs of every role"),
        (name = "workerpool", description = "Job workers and their queue"),
        (name = "updates", description = "The live feed (WebSocket)"),
        (name = "ratelimit", description = "Rate-limit rules and buckets"),
        (name = "metrics", description = "Prometheus text"),
        (name = "openapi", description = "This document"),
    )
)]
struct ApiDoc;

/// Declares the `bearer` security scheme the handlers name: a session JWT from
/// `POST /api/v1/auth/login` or an API token.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A session token from POST /api/v1/auth/login, or an API token (cg_…). \
                         Without one, a server in `local` auth mode (loopback only) acts as the \
                         local operator.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Registers every `/api/v1` route, each through `utoipa-actix-web` (a handler without
/// `#[utoipa::path]` does not compile here): the one list both the server and the document
/// are made from.
fn register(cfg: &mut ServiceConfig) {
    cfg.service(
        utoipa_actix_web::scope(PREFIX)
            .service(health::health)
            .service(auth::login)
            .service(droplets::list)
            .service(droplets::create)
            .service(droplets::get)
            .service(droplets::delete)
            .service(clusters::list)
            .service(clusters::create)
            .service(clusters::get)
            .service(clusters::delete)
            .service(healthchecks::list)
            .service(healthchecks::create)
            .service(healthchecks::get)
            .service(healthchecks::update)
            .service(healthchecks::delete)
            .service(healthchecks::run)
            .service(autoscaling::list)
            .service(autoscaling::create)
            .service(autoscaling::get)
            .service(autoscaling::update)
            .service(autoscaling::delete)
            .service(autoscaling::pause)
            .service(autoscaling::resume)
            .service(autoscaling::evaluate)
            .service(diagnose::diagnose)
            .service(diagnose::get)
            .service(jobs::list)
            .service(logs::list)
            .service(workerpool::status)
            .service(updates::updates)
            .service(ratelimit::set)
            .service(ratelimit::get)
            .service(ratelimit::delete)
            .service(ratelimit::list)
            .service(ratelimit::status)
            .service(metrics::metrics)
            .service(openapi_json)
            .default_service(web::to(error::no_route)),
    );
}

/// The OpenAPI document of REST v1, generated from the handlers [`register`] registers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(register)
        .split_for_parts();
    doc
}

/// [`openapi`] as checked in at `schema/openapi.json` (pretty JSON, final newline).
pub fn openapi_json_text() -> String {
    let mut text = openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    text
}

/// Registers `/api/v1` and Swagger UI at `/swagger/` (its assets are vendored: offline).
pub fn routes(cfg: &mut web::ServiceConfig) {
    // The original served Swagger at /swagger/index.html; /swagger alone would be the console's.
    cfg.service(web::redirect("/swagger", SWAGGER_PATH))
        .service(utoipa_swagger_ui::SwaggerUi::new("/swagger/{_:.*}").config(
            utoipa_swagger_ui::Config::new([format!("{PREFIX}/openapi.json")]),
        ));
    register(&mut ServiceConfig::new(cfg));
}

/// This document.
#[utoipa::path(
    operation_id = "getOpenApi",
    tag = "openapi",
    responses((status = 200, description = "The OpenAPI 3 document of REST v1", content_type = "application/json"))
)]
#[get("/openapi.json")]
async fn openapi_json() -> HttpResponse {
    static DOC: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOC.get_or_init(openapi_json_text).clone())
}

#[cfg(test)]
mod tests {
    /// Every source file of this module.
    const SOURCES: &[(&str, &str)] = &[
        ("mod.rs", include_str!("mod.rs")),
        ("auth.rs", include_str!("auth.rs")),
        ("autoscaling.rs", include_str!("autoscaling.rs")),
        ("clusters.rs", include_str!("clusters.rs")),
        ("diagnose.rs", include_str!("diagnose.rs")),
        ("droplets.rs", include_str!("droplets.rs")),
        ("error.rs", include_str!("error.rs")),
        ("health.rs", include_str!("health.rs")),
        ("healthchecks.rs", include_str!("healthchecks.rs")),
        ("jobs.rs", include_str!("jobs.rs")),
        ("logs.rs", include_str!("logs.rs")),
        ("metrics.rs", include_str!("metrics.rs")),
        ("ratelimit.rs", include_str!("ratelimit.rs")),
        ("request.rs", include_str!("request.rs")),
        ("updates.rs", include_str!("updates.rs")),
        ("workerpool.rs", include_str!("workerpool.rs")),
    ];

    /// `register` only takes `#[utoipa::path]` handlers (`service` needs their OpenAPI);
    /// a route added any other way would be served undocumented, so none is.
    #[test]
    fn routes_are_registered_only_through_documented_handlers() {
        let needles = [
            [".rou", "te("].concat(),
            ["web::reso", "urce("].concat(),
            ["web::sco", "pe("].concat(),
            ["Resource::", "new("].concat(),
        ];
        // The documented scope itself is `utoipa_actix_web::scope(…)`.
        let documented_scope = ["utoipa_actix_web::sco", "pe("].concat();
        for (file, text) in SOURCES {
            let text = text.replace(&documented_scope, "");
            for needle in &needles {
                assert!(
                    !text.contains(needle.as_str()),
                    "rest/{file} registers a route with {needle}; use a #[utoipa::path] handler"
                );
            }
        }
    }

    #[test]
    fn every_route_is_in_the_document() {
        let doc = super::openapi();
        let paths: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
        for path in [
            "/api/v1/health",
            "/api/v1/auth/login",
            "/api/v1/droplets",
            "/api/v1/droplets/{id}",
            "/api/v1/clusters",
            "/api/v1/clusters/{id}",
            "/api/v1/healthchecks",
            "/api/v1/healthchecks/{id}",
            "/api/v1/healthchecks/{id}/run",
            "/api/v1/autoscaling/policies",
            "/api/v1/autoscaling/policies/{id}",
            "/api/v1/autoscaling/policies/{id}/evaluate",
            "/api/v1/autoscaling/policies/{id}/pause",
            "/api/v1/autoscaling/policies/{id}/resume",
            "/api/v1/diagnose",
            "/api/v1/diagnose/{job_id}",
            "/api/v1/jobs",
            "/api/v1/logs",
            "/api/v1/workerpool/status",
            "/api/v1/ws/updates",
            "/api/v1/observability/ratelimit/config",
            "/api/v1/observability/ratelimit/config/list",
            "/api/v1/observability/ratelimit/status",
            "/api/v1/metrics",
            "/api/v1/openapi.json",
        ] {
            assert!(paths.contains(&path), "{path} not in {paths:?}");
        }
    }
}
