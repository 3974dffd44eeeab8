//! The GraphQL schema: one file per root type, object types in `types`.

pub mod consistency;
pub mod inputs;
pub mod mutation;
pub mod pagination;
pub mod query;
pub mod subscription;
pub mod types;

use crate::state::AppState;
use async_graphql::Schema;

/// The schema type served at `/graphql`.
pub type ClusterGenieSchema =
    Schema<query::QueryRoot, mutation::MutationRoot, subscription::SubscriptionRoot>;

/// Builds the schema with its limits and the shared state.
pub fn build_schema(state: Option<AppState>) -> ClusterGenieSchema {
    let (depth, complexity) = state
        .as_ref()
        .map(|s| (s.settings.max_depth, s.settings.max_complexity))
        .unwrap_or((10, 1000));
    let mut builder = Schema::build(
        query::QueryRoot,
        mutation::MutationRoot,
        subscription::SubscriptionRoot,
    )
    .limit_depth(depth)
    .limit_complexity(complexity);
    // No per-resolver tracing extension: one span per field (120+ per list page), each
    // recorded by the OpenTelemetry layer, cost more than the query itself (BENCHMARKS.md).
    // The request span in `http.rs` carries the trace.
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The schema in SDL, as checked in at `schema/clustergenie.graphql`.
pub fn sdl() -> String {
    build_schema(None).sdl()
}
