//! GraphQL over WebSocket (graphql-transport-ws, legacy graphql-ws), bounded per connection.
//!
//! async-graphql's [`WebSocket`] runs the protocol; this module stands between it and the
//! socket: it refuses cross-site upgrades and clients over their connection limit, closes a
//! connection that sends no `connection_init` in time (4408), authenticates `connection_init`
//! the same way HTTP requests are (4403 when refused), refuses mutations and operations over
//! the per-connection limit with an `error` message, caps message size, and drops a client
//! that leaves messages unread: every buffer between the subscription streams and the socket
//! is bounded, so a stalled reader stalls only its own streams until it is dropped.

use crate::auth::{authenticate, Credential};
use crate::errors::{self, ErrorCode};
use crate::graphql::ClusterGenieSchema;
use crate::state::AppState;
use actix_web::{http::header, web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, CloseCode, CloseReason, Session};
use async_graphql::http::{ClientMessage, WebSocket, WebSocketProtocols as Protocols, WsMessage};
use async_graphql::parser::types::OperationType;
use async_graphql::Data;
use command::RequestContext;
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

/// How often the server pings an idle client.
const HEARTBEAT: Duration = Duration::from_secs(15);

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

/// Open WebSockets per client IP address, with a limit.
#[derive(Debug, Clone)]
pub struct ClientConnections {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    max: usize,
}

/// One open connection of a client; dropping it frees the slot.
pub struct ConnectionSlot {
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
    ip: IpAddr,
}

impl ClientConnections {
    /// At most `max` connections per address.
    pub fn new(max: usize) -> Self {
        Self {
            open: Arc::default(),
            max,
        }
    }

    /// A slot for one more connection from `ip`, unless it has `max` already.
    pub fn try_open(&self, ip: IpAddr) -> Option<ConnectionSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let n = open.entry(ip).or_default();
        if *n >= self.max {
            return None;
        }
        *n += 1;
        Some(ConnectionSlot {
            open: self.open.clone(),
            ip,
        })
    }
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

/// State the reading and the writing half of one connection share.
#[derive(Default)]
struct Shared {
    /// Ids of the operations running.
    active: Mutex<HashSet<String>>,
    /// The authenticated actor, once `connection_init` passed.
    actor: Mutex<Option<String>>,
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

struct Connection {
    schema: ClusterGenieSchema,
    state: AppState,
    protocol: Protocols,
    limits: WsLimits,
    upgrade_auth: Option<String>,
    shared: Arc<Shared>,
}

impl Connection {
    /// Runs the protocol until either side ends it, the client stalls, or a limit is hit.
    async fn run(self, mut session: Session, stream: AggregatedMessageStream) {
        let (forward, incoming) = mpsc::channel(8);
        let reader = actix_web::rt::spawn(
            Reader {
                session: session.clone(),
                forward,
                protocol: self.protocol,
                limits: self.limits,
                state: self.state.clone(),
                upgrade_auth: self.upgrade_auth.clone(),
                shared: self.shared.clone(),
            }
            .run(stream),
        );
        let shared = self.shared.clone();
        let mut protocol = WebSocket::from_message_stream(
            self.schema.clone(),
            ReceiverStream::new(incoming),
            self.protocol,
        )
        .on_connection_init(move |_| async move {
            let actor = shared
                .actor
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
                .unwrap_or_else(|| schema::metadata::ANONYMOUS_ACTOR.to_string());
            let mut data = Data::default();
            data.insert(RequestContext::new(actor));
            Ok(data)
        });
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.tick().await;
        loop {
            let sent = tokio::select! {
                message = protocol.next() => match message {
                    None => break,
                    Some(WsMessage::Text(text)) => {
                        if let Some(id) = completed(&text) {
                            self.shared.active.lock().unwrap_or_else(|e| e.into_inner()).remove(&id);
                        }
                        tokio::time::timeout(self.limits.send_timeout, session.text(text)).await
                    }
                    Some(WsMessage::Close(code, reason)) => {
                        close(session, code, &reason).await;
                        reader.abort();
                        return;
                    }
                },
                _ = heartbeat.tick() => {
                    tokio::time::timeout(self.limits.send_timeout, session.ping(b"")).await
                }
            };
            if !matches!(sent, Ok(Ok(()))) {
                // Closed, or the client stopped reading: drop it, and with it its streams.
                metrics::counter!("clustergenie_websocket_dropped_total").increment(1);
                break;
            }
        }
        reader.abort();
        let _ = tokio::time::timeout(self.limits.send_timeout, session.close(None)).await;
    }
}

/// The reading half: checks every client message before async-graphql sees it.
struct Reader {
    session: Session,
    forward: mpsc::Sender<serde_json::Result<ClientMessage>>,
    protocol: Protocols,
    limits: WsLimits,
    state: AppState,
    upgrade_auth: Option<String>,
    shared: Arc<Shared>,
}

impl Reader {
    async fn run(mut self, mut stream: AggregatedMessageStream) {
        let init_deadline = tokio::time::Instant::now() + self.limits.init_timeout;
        let mut initialised = false;
        loop {
            let next = if initialised {
                stream.recv().await
            } else {
                match tokio::time::timeout_at(init_deadline, stream.recv()).await {
                    Ok(next) => next,
                    Err(_) => {
                        return close(self.session, 4408, "Connection initialisation timeout").await
                    }
                }
            };
            let bytes = match next {
                None | Some(Ok(AggregatedMessage::Close(_))) => return,
                Some(Err(_)) => {
                    return close(self.session, 1009, "message too large or malformed").await
                }
                Some(Ok(AggregatedMessage::Ping(p))) => {
                    let _ = self.session.pong(&p).await;
                    continue;
                }
                Some(Ok(AggregatedMessage::Pong(_))) => continue,
                Some(Ok(AggregatedMessage::Text(t))) => t.into_bytes(),
                Some(Ok(AggregatedMessage::Binary(b))) => b,
            };
            let message = match ClientMessage::from_bytes(&bytes) {
                Ok(message) => message,
                Err(_) => return close(self.session, 4400, "Invalid message received").await,
            };
            let message = match message {
                ClientMessage::ConnectionInit { payload } if !initialised => {
                    if let Err(e) = self.authenticate(payload.as_ref()) {
                        return self.refuse_connection(&e.to_string()).await;
                    }
                    initialised = true;
                    ClientMessage::ConnectionInit { payload }
                }
                ClientMessage::Start { id, payload } if initialised => {
                    if let Some(refusal) = self.refusal(&id, &payload.query) {
                        if !self.send_error(&id, refusal).await {
                            return;
                        }
                        continue;
                    }
                    ClientMessage::Start { id, payload }
                }
                ClientMessage::Stop { id } => {
                    self.active().remove(&id);
                    ClientMessage::Stop { id }
                }
                other => other,
            };
            if self.forward.send(Ok(message)).await.is_err() {
                return;
            }
        }
    }

    fn active(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.shared.active.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The same authentication as HTTP, from the init payload or the upgrade request.
    fn authenticate(
        &self,
        payload: Option<&serde_json::Value>,
    ) -> Result<(), crate::auth::AuthError> {
        let field = |name: &str| payload.and_then(|p| p.get(name)).and_then(|v| v.as_str());
        let credential = field("Authorization")
            .or_else(|| field("authorization"))
            .map(Credential::Header)
            .or_else(|| field("token").map(Credential::Token))
            .or_else(|| self.upgrade_auth.as_deref().map(Credential::Header));
        let actor = authenticate(credential, self.state.tokens.as_ref())?;
        *self.shared.actor.lock().unwrap_or_else(|e| e.into_inner()) = Some(actor);
        Ok(())
    }

    /// Why an operation may not start on this connection, if it may not.
    fn refusal(&self, id: &str, query: &str) -> Option<(ErrorCode, String)> {
        let is_mutation = async_graphql::parser::parse_query(query).is_ok_and(|doc| {
            doc.operations
                .iter()
                .any(|(_, op)| op.node.ty == OperationType::Mutation)
        });
        if is_mutation {
            return Some((
                ErrorCode::BadUserInput,
                "mutations are not accepted over the WebSocket; POST them to /graphql".into(),
            ));
        }
        let mut active = self.active();
        if !active.contains(id) && active.len() >= self.limits.max_operations {
            return Some((
                ErrorCode::RateLimited,
                format!(
                    "this connection already runs {} operations, the most allowed \
                     (CLUSTERGENIE_MAX_SUBSCRIPTIONS_PER_CONNECTION)",
                    self.limits.max_operations
                ),
            ));
        }
        active.insert(id.to_string());
        None
    }

    /// Answers operation `id` with an error; false when the client is gone or not reading.
    async fn send_error(&mut self, id: &str, (code, message): (ErrorCode, String)) -> bool {
        let error =
            serde_json::json!({ "message": message, "extensions": { "code": code.as_str() } });
        let payload = match self.protocol {
            Protocols::GraphQLWS => serde_json::json!([error]),
            Protocols::SubscriptionsTransportWS => error,
        };
        let text = serde_json::json!({ "type": "error", "id": id, "payload": payload }).to_string();
        matches!(
            tokio::time::timeout(self.limits.send_timeout, self.session.text(text)).await,
            Ok(Ok(()))
        )
    }

    /// Refuses `connection_init` as the protocol says: 4403 (graphql-transport-ws) or a
    /// `connection_error` message (graphql-ws).
    async fn refuse_connection(mut self, reason: &str) {
        if self.protocol == Protocols::SubscriptionsTransportWS {
            let text = serde_json::json!({
                "type": "connection_error",
                "payload": { "message": reason, "extensions": { "code": ErrorCode::Unauthenticated.as_str() } },
            });
            let _ = tokio::time::timeout(
                self.limits.send_timeout,
                self.session.text(text.to_string()),
            )
            .await;
        }
        close(self.session, 4403, reason).await
    }
}

/// The id of a server `complete` message (the operation ended).
fn completed(text: &str) -> Option<String> {
    if !text.starts_with(r#"{"type":"complete""#) {
        return None;
    }
    serde_json::from_str::<serde_json::Value>(text)
        .ok()?
        .get("id")?
        .as_str()
        .map(str::to_string)
}

/// Closes with `code`; the reason is cut to what a close frame holds (123 bytes).
async fn close(session: Session, code: u16, reason: &str) {
    let mut end = reason.len().min(120);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    let reason = CloseReason {
        code: CloseCode::from(code),
        description: Some(reason[..end].to_string()),
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), session.close(Some(reason))).await;
}
