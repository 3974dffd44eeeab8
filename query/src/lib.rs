//! ClusterGenie's API: the GraphQL endpoint (queries, mutations, subscriptions, playground),
//! `/health`, `/metrics` and the web console, served by actix-web.
//!
//! - [`graphql`]: the schema — one file per root type, errors mapped to codes in [`errors`].
//! - [`http`]: routes and handlers; [`health`] is `/health` and `/metrics` of every role; [`request`] bounds request bodies, [`origin`] decides
//!   which pages may call, [`ws`] runs and bounds the WebSocket.
//! - [`console`]: the embedded web console at `/`.
//! - [`log_feed`]: the activity log's live tail, one poller per process.

pub mod auth;
pub mod console;
pub mod errors;
pub mod graphql;
pub mod health;
pub mod http;
pub mod log_feed;
pub mod operation;
pub mod origin;
pub mod request;
pub mod state;
pub mod ws;

pub use graphql::{build_schema, sdl, ClusterGenieSchema};
pub use state::{ApiSettings, AppState};
