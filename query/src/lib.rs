//! ClusterGenie's API: the GraphQL endpoint (queries, mutations, subscriptions, playground),
//! `/health`, `/metrics` and the web console, served by actix-web.
//!
//! - [`graphql`]: the schema — one file per root type, errors mapped to codes in [`errors`].
//! - [`http`]: routes and handlers.
//! - [`console`]: the embedded web console at `/`.

pub mod auth;
pub mod console;
pub mod errors;
pub mod graphql;
pub mod http;
pub mod operation;
pub mod state;

pub use graphql::{build_schema, sdl, ClusterGenieSchema};
pub use state::{ApiSettings, AppState};
