//! The GraphQL schema: `types` holds one module per aggregate (its object, filter, inputs,
//! queries and mutations) and the roots merged from them; mutations answer through
//! `payloads`, reads go through `read_model`, and `query::reads!`, `filters::list_filter!`
//! and `inputs::command_input!` make a list query, a filter or an input a few lines.

pub mod access;
pub mod consistency;
pub mod filters;
pub mod history;
pub mod inputs;
pub mod limits;
pub mod pagination;
pub mod payloads;
pub mod query;
pub mod read_model;
pub mod subscription;
pub mod types;

use crate::state::AppState;
use async_graphql::{Schema, SchemaBuilder};
use subscription::SubscriptionRoot;
use types::{MutationRoot, QueryRoot};

/// The schema type served at `/graphql`.
pub type ClusterGenieSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

fn builder() -> SchemaBuilder<QueryRoot, MutationRoot, SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
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
