//! ClusterGenie's API: the GraphQL endpoint (queries, mutations, subscriptions, playground),
//! `/health`, `/metrics` and the web console, served by actix-web.
//!
//! - [`graphql`]: the schema — one file per root type, errors mapped to codes in [`errors`].
//! - [`http`]: routes and handlers; [`health`] is `/health` and `/metrics` of every role; [`request`] bounds request bodies, [`origin`] decides
//!   which pages may call, [`ws`] runs and bounds the WebSocket.
//! - [`rest`]: REST API v1 at `/api/v1` (OpenAPI document, Swagger UI at `/swagger/`), over
//!   the same commands, read models, roles and error codes as GraphQL.
//! - [`console`]: the embedded web console at `/`.
//! - [`log_feed`]: the activity log's live tail, one poller per process.
//! - [`rate_limits`]: the limits resolvers check (rules over built-in defaults);
//!   [`http_rate_limit`] limits HTTP requests per client address.

pub mod auth;
pub mod console;
pub mod errors;
pub mod graphql;
pub mod health;
pub mod http;
pub mod http_rate_limit;
pub mod log_feed;
pub mod operation;
pub mod origin;
pub mod rate_limits;
pub mod request;
pub mod rest;
pub mod state;
pub mod ws;

pub use graphql::{build_schema, sdl, ClusterGenieSchema};
pub use state::{ApiSettings, AppState};
