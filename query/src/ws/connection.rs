//! The writing half of a GraphQL WebSocket: runs async-graphql's protocol over the messages
//! the reader lets through and writes its answers, each within the send timeout.

use super::reader::Reader;
use super::{Shared, WsLimits};
use crate::auth::Caller;
use crate::graphql::ClusterGenieSchema;
use crate::state::AppState;
use actix_ws::{AggregatedMessageStream, CloseCode, CloseReason, Session};
use async_graphql::http::{WebSocket, WebSocketProtocols as Protocols, WsMessage};
use async_graphql::Data;
use command::RequestContext;
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;

/// How often the server pings an idle client.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// The writing half of one connection: async-graphql's protocol to the socket, with a
/// heartbeat and a send timeout.
pub(super) struct Connection {
    pub(super) schema: ClusterGenieSchema,
    pub(super) state: AppState,
    pub(super) protocol: Protocols,
    pub(super) limits: WsLimits,
    pub(super) upgrade_auth: Option<String>,
    pub(super) shared: Arc<Shared>,
}

impl Connection {
    /// Runs the protocol until either side ends it, the client stalls, or a limit is hit.
    pub(super) async fn run(self, mut session: Session, stream: AggregatedMessageStream) {
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
        let (signed_in, mut init) = tokio::sync::oneshot::channel::<Caller>();
        let mut protocol = WebSocket::from_message_stream(
            self.schema.clone(),
            ReceiverStream::new(incoming),
            self.protocol,
        )
        .on_connection_init(move |_| async move {
            let caller = shared
                .caller
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
                .unwrap_or_else(Caller::anonymous);
            let mut data = Data::default();
            data.insert(RequestContext::new(caller.actor.clone()));
            data.insert(caller.clone());
            let _ = signed_in.send(caller);
            Ok(data)
        });
        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        heartbeat.tick().await;
        // A signed-in connection ends when its credential stops being valid: re-checked when
        // a user or API token changes, and at its expiry.
        let mut watch: Option<(Caller, tokio::sync::watch::Receiver<u64>)> = None;
        let mut initialised = false;
        loop {
            let expires_at = watch.as_ref().and_then(|(c, _)| c.expires_at);
            let revoked = async {
                match &mut watch {
                    Some((_, changes)) => {
                        if changes.changed().await.is_err() {
                            std::future::pending::<()>().await;
                        }
                    }
                    None => std::future::pending().await,
                }
            };
            let expiry = async {
                match expires_at {
                    Some(at) => {
                        let left = (at - chrono::Utc::now()).to_std().unwrap_or_default();
                        tokio::time::sleep(left).await
                    }
                    None => std::future::pending().await,
                }
            };
            let sent = tokio::select! {
                caller = &mut init, if !initialised => {
                    initialised = true;
                    if let Ok(caller) = caller {
                        if caller.is_user() {
                            watch = Some((caller, self.state.auth.changes()));
                        }
                    }
                    continue;
                }
                () = revoked => {
                    if self.still_valid().await {
                        continue;
                    }
                    close(session, 4403, "Forbidden: the token was revoked or its user changed").await;
                    reader.abort();
                    return;
                }
                () = expiry => {
                    close(session, 4403, "Forbidden: the token has expired").await;
                    reader.abort();
                    return;
                }
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

impl Connection {
    /// Whether the credential the connection signed in with still names an active user.
    async fn still_valid(&self) -> bool {
        let token = self
            .shared
            .token
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(token) = token else {
            return true;
        };
        match self
            .state
            .auth
            .authenticate(Some(crate::auth::Credential::Token(&token)))
            .await
        {
            Ok(caller) => caller.is_user(),
            // The store cannot answer now: keep the connection rather than drop everyone.
            Err(crate::auth::AuthError::Unavailable(_)) => true,
            Err(_) => false,
        }
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
pub(crate) async fn close(session: Session, code: u16, reason: &str) {
    // Said once per closed socket, so a client that cannot stay connected can be told why;
    // a normal close (a page the console left) only at DEBUG.
    if code == 1000 {
        tracing::debug!(code, reason, "closing a WebSocket");
    } else {
        tracing::info!(code, reason, "closing a WebSocket");
    }
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
