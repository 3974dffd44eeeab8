//! `WS /api/v1/ws/updates`: the original product's live feed, over the change feed the GraphQL
//! subscriptions read. Every projected change is one JSON text message `{type, data}`, in the
//! order of the event log:
//!
//! - `droplet_status_update`: the droplet as `GET /droplets/{id}` shows it (without metrics);
//! - `job_progress`: the job as `GET /jobs` lists it;
//! - `cluster_update`: the cluster as `GET /clusters/{id}` shows it;
//! - `event`: any other domain event's position, aggregate and type (never its payload);
//! - `lagged`: the client read too slowly and `data.missed` changes were skipped (read the
//!   lists again to catch up).
//!
//! Each `data` also has the `event` type, its `position` and a `timestamp`. Authenticated like
//! subscriptions: the upgrade's `Authorization` header, or a first message `{"type": "auth",
//! "token": "…"}` within the init timeout (for browsers, which cannot set headers); VIEWER
//! needed. The socket closes (4403) when its token is revoked or expires, and a client that
//! leaves messages unread past the send timeout is dropped, as on `/graphql`.

use super::error::{ErrorBody, RestError};
use super::request::check_origin;
use crate::auth::{Caller, Credential};
use crate::errors::{Coded, ErrorCode};
use crate::graphql::access;
use crate::state::AppState;
use crate::ws::close;
use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, AggregatedMessageStream, Session};
use async_graphql::parser::types::OperationType::Subscription;
use chrono::{DateTime, Utc};
use projector::{Change, ChangedRow};
use serde::Serialize;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// How often the server pings an idle client.
const HEARTBEAT: Duration = Duration::from_secs(15);

/// One message of the feed.
#[derive(Debug, Serialize)]
pub struct Update {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub data: serde_json::Value,
}

/// What every message's `data` carries besides its object.
#[derive(Debug, Serialize)]
struct Stamp<'a, T: Serialize> {
    #[serde(flatten)]
    object: T,
    /// The event's type.
    event: &'a str,
    /// The event's global position.
    position: i64,
    /// When the event was recorded.
    timestamp: DateTime<Utc>,
}

/// The message of one change.
pub fn update_of(change: &Change) -> Update {
    let audit = &change.audit;
    let timestamp = crate::graphql::types::time(audit.recorded_us);
    let stamp = |object: serde_json::Value| {
        serde_json::to_value(Stamp {
            object,
            event: &audit.event_type,
            position: audit.position,
            timestamp,
        })
        .unwrap_or_default()
    };
    let object = |v: Result<serde_json::Value, serde_json::Error>| stamp(v.unwrap_or_default());
    match &change.row {
        Some(ChangedRow::Droplet(row)) => Update {
            kind: "droplet_status_update",
            data: object(serde_json::to_value(super::droplets::Droplet::from(row))),
        },
        Some(ChangedRow::Job(row)) => Update {
            kind: "job_progress",
            data: object(serde_json::to_value(super::jobs::Job::from(row))),
        },
        Some(ChangedRow::Cluster(row)) => Update {
            kind: "cluster_update",
            data: object(serde_json::to_value(super::clusters::Cluster::from(row))),
        },
        None => Update {
            kind: "event",
            data: stamp(serde_json::json!({
                "aggregate_type": audit.aggregate_type,
                "aggregate_id": audit.aggregate_id,
            })),
        },
    }
}

/// Opens the live feed (a WebSocket upgrade).
#[utoipa::path(
    operation_id = "openUpdates",
    tag = "updates",
    params(("Authorization" = Option<String>, Header, description = "Bearer credentials; or send {\"type\":\"auth\",\"token\":\"…\"} first")),
    security(("bearer" = [])),
    responses(
        (status = 101, description = "Switching to the WebSocket feed: JSON messages {type, data}"),
        (status = 400, description = "Not a WebSocket upgrade", body = ErrorBody),
        (status = 401, description = "The Authorization header's credentials are not valid", body = ErrorBody),
        (status = 403, description = "The caller may not watch (VIEWER needed), or the page's origin may not call the API", body = ErrorBody),
        (status = 429, description = "Too many open WebSockets from this address", body = ErrorBody),
        (status = 503, description = "The credentials cannot be checked now", body = ErrorBody),
    )
)]
#[get("/ws/updates")]
pub async fn updates(
    state: web::Data<AppState>,
    http: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, RestError> {
    check_origin(&state, &http)?;
    let header_auth = http
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().unwrap_or("\u{0}"));
    // Credentials on the upgrade are checked before it; without any, a server that lets
    // anonymous callers in (local mode) starts at once, any other waits for an `auth` message.
    let caller = match header_auth {
        Some(auth) => {
            let caller = permitted(&state, Credential::Header(auth)).await?;
            let token = auth.strip_prefix("Bearer ").map(|t| t.trim().to_string());
            Some((caller, token))
        }
        None => permitted_anonymous(&state).await.map(|c| (c, None)),
    };
    let Some(slot) = http
        .peer_addr()
        .and_then(|addr| state.connections.try_open(addr.ip()))
    else {
        return Err(RestError::new(
            ErrorCode::RateLimited,
            "too many open WebSockets from this address (CLUSTERGENIE_MAX_CONNECTIONS_PER_CLIENT)",
        ));
    };
    let (response, session, stream) = actix_ws::handle(&http, payload).map_err(|e| {
        RestError::new(
            ErrorCode::BadUserInput,
            format!("not a WebSocket upgrade: {e}"),
        )
    })?;
    let limits = state.ws_limits;
    let stream = stream
        .max_frame_size(limits.max_message_bytes)
        .aggregate_continuations()
        .max_continuation_size(limits.max_message_bytes);
    let state = AppState::clone(&state);
    actix_web::rt::spawn(async move {
        let _slot = slot;
        feed(state, session, stream, caller).await;
    });
    Ok(response)
}

/// The caller of `credential`, if they may watch.
async fn permitted(state: &AppState, credential: Credential<'_>) -> Result<Caller, RestError> {
    let caller = state
        .auth
        .authenticate(Some(credential))
        .await
        .map_err(|e| RestError::new(e.code(), e.to_string()))?;
    access::permit(&caller, Subscription, "events").map_err(|(code, m)| RestError::new(code, m))?;
    Ok(caller)
}

/// The anonymous caller, when this server lets one watch.
async fn permitted_anonymous(state: &AppState) -> Option<Caller> {
    let caller = state.auth.authenticate(None).await.ok()?;
    access::permit(&caller, Subscription, "events").ok()?;
    Some(caller)
}

/// Signs the connection in from its first message `{"type":"auth","token":…}`.
async fn sign_in(
    state: &AppState,
    session: &mut Session,
    stream: &mut AggregatedMessageStream,
) -> Result<(Caller, String), (u16, String)> {
    let deadline = tokio::time::Instant::now() + state.ws_limits.init_timeout;
    loop {
        let message = tokio::time::timeout_at(deadline, stream.recv())
            .await
            .map_err(|_| (4408, "Connection initialisation timeout".to_string()))?;
        let text = match message {
            Some(Ok(AggregatedMessage::Text(t))) => t.to_string(),
            Some(Ok(AggregatedMessage::Ping(p))) => {
                let _ = session.pong(&p).await;
                continue;
            }
            Some(Ok(AggregatedMessage::Pong(_))) => continue,
            _ => return Err((4400, "expected {\"type\":\"auth\",\"token\":…}".into())),
        };
        let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        let token = match (value["type"].as_str(), value["token"].as_str()) {
            (Some("auth"), Some(token)) => token.to_string(),
            _ => return Err((4400, "expected {\"type\":\"auth\",\"token\":…}".into())),
        };
        return match permitted(state, Credential::Token(&token)).await {
            Ok(caller) => Ok((caller, token)),
            Err(e) => Err((4403, format!("Forbidden: {}", e.message))),
        };
    }
}

/// Streams the change feed to one client until it leaves, stalls or loses its credentials.
async fn feed(
    state: AppState,
    mut session: Session,
    mut stream: AggregatedMessageStream,
    caller: Option<(Caller, Option<String>)>,
) {
    let send_timeout = state.ws_limits.send_timeout;
    // Subscribed before signing in, so nothing projected meanwhile is missed.
    let mut changes = state.feed.subscribe();
    let (caller, token) = match caller {
        Some(signed_in) => signed_in,
        None => match sign_in(&state, &mut session, &mut stream).await {
            Ok((caller, token)) => (caller, Some(token)),
            Err((code, reason)) => return close(session, code, &reason).await,
        },
    };
    let mut revocations = caller.is_user().then(|| state.auth.changes());
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.tick().await;
    loop {
        let expiry = async {
            match caller.expires_at {
                Some(at) => {
                    tokio::time::sleep((at - Utc::now()).to_std().unwrap_or_default()).await
                }
                None => std::future::pending().await,
            }
        };
        let revoked = async {
            match &mut revocations {
                Some(changes) => {
                    if changes.changed().await.is_err() {
                        std::future::pending::<()>().await;
                    }
                }
                None => std::future::pending().await,
            }
        };
        let update = tokio::select! {
            change = changes.recv() => match change {
                Ok(change) => update_of(&change),
                Err(RecvError::Lagged(missed)) => Update {
                    kind: "lagged",
                    data: serde_json::json!({ "missed": missed, "timestamp": Utc::now() }),
                },
                Err(RecvError::Closed) => break,
            },
            message = stream.recv() => match message {
                Some(Ok(AggregatedMessage::Ping(p))) => {
                    let _ = session.pong(&p).await;
                    continue;
                }
                // The feed has nothing to ask; other messages are ignored.
                Some(Ok(AggregatedMessage::Text(_) | AggregatedMessage::Binary(_) | AggregatedMessage::Pong(_))) => continue,
                Some(Err(_)) => return close(session, 1009, "message too large or malformed").await,
                None | Some(Ok(AggregatedMessage::Close(_))) => break,
            },
            () = revoked => {
                if still_valid(&state, token.as_deref()).await {
                    continue;
                }
                return close(session, 4403, "Forbidden: the token was revoked or its user changed").await;
            }
            () = expiry => return close(session, 4403, "Forbidden: the token has expired").await,
            _ = heartbeat.tick() => {
                if !matches!(tokio::time::timeout(send_timeout, session.ping(b"")).await, Ok(Ok(()))) {
                    break;
                }
                continue;
            }
        };
        let text = serde_json::to_string(&update).unwrap_or_default();
        if !matches!(
            tokio::time::timeout(send_timeout, session.text(text)).await,
            Ok(Ok(()))
        ) {
            metrics::counter!("clustergenie_websocket_dropped_total").increment(1);
            break;
        }
    }
    let _ = tokio::time::timeout(send_timeout, session.close(None)).await;
}

/// Whether the token the connection signed in with still names an active user (a header
/// credential is checked again the same way).
async fn still_valid(state: &AppState, token: Option<&str>) -> bool {
    let Some(token) = token else {
        return true;
    };
    match state
        .auth
        .authenticate(Some(Credential::Token(token)))
        .await
    {
        Ok(caller) => caller.is_user(),
        Err(crate::auth::AuthError::Unavailable(_)) => true,
        Err(_) => false,
    }
}
