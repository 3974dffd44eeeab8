//! The reading half of a GraphQL WebSocket: checks every client message (size, init
//! deadline, authentication, mutations, operation count) before async-graphql sees it.

use super::connection::close;
use super::{Shared, WsLimits};
use crate::auth::Credential;
use crate::errors::ErrorCode;
use crate::state::AppState;
use actix_ws::{AggregatedMessage, AggregatedMessageStream, Session};
use async_graphql::http::{ClientMessage, WebSocketProtocols as Protocols};
use async_graphql::parser::types::OperationType;
use std::collections::HashSet;
use std::sync::Arc;
use tokio::sync::mpsc;

/// The reading half: checks every client message before async-graphql sees it.
pub(super) struct Reader {
    pub(super) session: Session,
    pub(super) forward: mpsc::Sender<serde_json::Result<ClientMessage>>,
    pub(super) protocol: Protocols,
    pub(super) limits: WsLimits,
    pub(super) state: AppState,
    pub(super) upgrade_auth: Option<String>,
    pub(super) shared: Arc<Shared>,
}

impl Reader {
    /// Reads until the client ends, breaks a rule, or the writing half is gone.
    pub(super) async fn run(mut self, mut stream: AggregatedMessageStream) {
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
                    if let Err(e) = self.authenticate(payload.as_ref()).await {
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

    /// The ids of the operations running.
    fn active(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.shared.active.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The same authentication as HTTP, from the init payload or the upgrade request.
    async fn authenticate(
        &self,
        payload: Option<&serde_json::Value>,
    ) -> Result<(), crate::auth::AuthError> {
        let field = |name: &str| payload.and_then(|p| p.get(name)).and_then(|v| v.as_str());
        let credential = field("Authorization")
            .or_else(|| field("authorization"))
            .map(Credential::Header)
            .or_else(|| field("token").map(Credential::Token))
            .or_else(|| self.upgrade_auth.as_deref().map(Credential::Header));
        let caller = self.state.auth.authenticate(credential).await?;
        if caller.is_user() {
            let token = credential.and_then(|c| c.token().ok()).map(str::to_string);
            *self.shared.token.lock().unwrap_or_else(|e| e.into_inner()) = token;
        }
        *self.shared.caller.lock().unwrap_or_else(|e| e.into_inner()) = Some(caller);
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
