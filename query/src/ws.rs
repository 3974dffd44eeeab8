//! GraphQL over WebSocket (graphql-transport-ws, legacy graphql-ws), bounded per connection.
//!
//! async-graphql's [`WebSocket`] runs the protocol; this module stands between it and the
//! socket: it refuses cross-site upgrades and clients over their connection limit, closes a
//! connection that sends no `connection_init` in time (4408), authenticates `connection_init`
//! the same way HTTP requests are (4403 when refused), refuses mutations and operations over
//! the per-connection limit with an `error` message, caps message size, and drops a client
//! that leaves messages unread: every buffer between the subscription streams and the socket
//! is bounded, so a stalled reader stalls only its own streams until it is dropped.
//!
//! This file holds the limits and the upgrade; `client_limit` counts connections per address,
//! `connection` is the writing half (async-graphql's protocol to the socket), `reader` the
//! reading half (the checks on every client message).

mod client_limit;
mod connection;
mod reader;

use crate::errors::{self, ErrorCode};
use crate::graphql::ClusterGenieSchema;
use crate::state::AppState;
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use async_graphql::http::WebSocketProtocols as Protocols;
use connection::Connection;
use std::collections::HashSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use client_limit::{ClientConnections, ConnectionSlot};
pub(crate) use connection::close;

/// Limits of one WebSocket connection.
#[derive(Debug, Clone, Copy)]
pub struct WsLimits {
    /// Operations one connection may run at once.
    pub max_operations: usize,
    /// Largest message, bytes.
    pub max_message_bytes: usize,
    /// Time to send `connection_init` after the upgrade.
    pub init_timeout: Duration,
    /// Time a message may wait for the client to read it before the client is dropped.
    pub send_timeout: Duration,
}

/// State the reading and the writing half of one connection share.
#[derive(Default)]
struct Shared {
    /// Ids of the operations running.
    active: Mutex<HashSet<String>>,
    /// The authenticated caller, once `connection_init` passed.
    caller: Mutex<Option<crate::auth::Caller>>,
    /// The token it signed in with (re-checked when users or tokens change).
    token: Mutex<Option<String>>,
}

/// Upgrades `GET /graphql` to a GraphQL WebSocket.
pub async fn subscriptions(
    schema: web::Data<ClusterGenieSchema>,
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> actix_web::Result<HttpResponse> {
    if !state.origins.allows_request(http.headers()) {
        return Ok(errors::http_error(
            actix_web::http::StatusCode::FORBIDDEN,
            ErrorCode::Forbidden,
            "this origin may not open a WebSocket here (CLUSTERGENIE_ALLOWED_ORIGINS)",
        ));
    }
    let Some(protocol) = http
        .headers()
        .get(header::SEC_WEBSOCKET_PROTOCOL)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .find_map(|p| Protocols::from_str(p.trim()).ok())
        })
    else {
        return Ok(errors::http_error(
            actix_web::http::StatusCode::BAD_REQUEST,
            ErrorCode::BadUserInput,
            "Sec-WebSocket-Protocol must offer graphql-transport-ws or graphql-ws",
        ));
    };
    let slot = http
        .peer_addr()
        .and_then(|addr| state.connections.try_open(addr.ip()));
    let Some(slot) = slot else {
        tracing::warn!(peer = ?http.peer_addr(), "WebSocket refused: too many open from this address");
        return Ok(errors::http_error(
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            "too many open WebSockets from this address (CLUSTERGENIE_MAX_CONNECTIONS_PER_CLIENT)",
        ));
    };
    let (response, session, stream) =
        actix_ws::handle_with_protocols(&http, payload, &[protocol.sec_websocket_protocol()])?;
    let limits = state.ws_limits;
    let stream = stream
        .max_frame_size(limits.max_message_bytes)
        .aggregate_continuations()
        .max_continuation_size(limits.max_message_bytes);
    let upgrade_auth = http
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let connection = Connection {
        schema: ClusterGenieSchema::clone(&schema),
        state: AppState::clone(&state),
        protocol,
        limits,
        upgrade_auth,
        shared: Arc::default(),
    };
    actix_web::rt::spawn(async move {
        let _slot = slot;
        connection.run(session, stream).await;
    });
    Ok(response)
}
