//! The GraphQL schema: one file per root type, object types in `types`; mutations answer
//! through `payloads`, reads go through `read_model`.

pub mod consistency;
pub mod filters;
pub mod history;
pub mod inputs;
pub mod limits;
pub mod mutation;
pub mod pagination;
pub mod payloads;
pub mod query;
pub mod read_model;
pub mod subscription;
pub mod types;

use crate::state::AppState;
use async_graphql::{Schema, SchemaBuilder};

/// The schema type served at `/graphql`.
pub type ClusterGenieSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

fn builder(
) -> SchemaBuilder<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot> {
    Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
}

/// Builds the schema with its limits and the shared state.
pub fn build_schema(state: Option<AppState>) -> ClusterGenieSchema {
    let settings = state
        .as_ref()
        .map(|s| s.settings.clone())
        .unwrap_or_default();
    // Depth and cost are checked by `limits`, linearly, instead of async-graphql's
    // `limit_depth`/`limit_complexity`, which expand fragments (exponential).
    let limits = limits::DocumentLimits::new(settings.limits(), &builder().finish().sdl());
    let mut builder = builder().extension(limits);
    // No per-resolver tracing extension: one span per field (120+ per list page), each
    // recorded by the OpenTelemetry layer, cost more than the query itself (BENCHMARKS.md).
    // The request span in `http.rs` carries the trace.
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The schema in SDL, as checked in at `schema/clustergenie.graphql`.
/// `@specifiedBy` is included so that the SDL says what standard introspection answers.
pub fn sdl() -> String {
    builder()
        .finish()
        .sdl_with_options(async_graphql::SDLExportOptions::new().include_specified_by())
}
