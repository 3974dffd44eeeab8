//! ClusterGenie's API: the GraphQL endpoint (queries, mutations, subscriptions, playground),
//! `/health` and `/metrics`, served by actix-web.
//!
//! - [`graphql`]: the schema — one file per root type, errors mapped to codes in [`errors`].
//! - [`http`]: routes and handlers.

pub mod auth;
pub mod errors;
pub mod graphql;
pub mod http;
pub mod state;

pub use graphql::{build_schema, sdl, ClusterGenieSchema};
pub use state::{ApiSettings, AppState};
