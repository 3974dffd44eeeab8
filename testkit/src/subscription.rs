//! A graphql-transport-ws client: connect, `connection_init` (the ack is checked), subscribe,
//! and read `next` payloads with a deadline that fails the test.

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;

/// A client WebSocket.
pub type WsClient =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens a graphql-transport-ws connection to `127.0.0.1:port` (no `connection_init` sent
/// yet) with extra upgrade headers.
pub async fn connect(
    port: u16,
    headers: &[(&str, &str)],
) -> Result<WsClient, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("ws://127.0.0.1:{port}/graphql")
        .into_client_request()
        .expect("a valid WebSocket URL");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().expect("a valid header"),
    );
    for (name, value) in headers {
        request.headers_mut().insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("a header name"),
            value.parse().expect("a header value"),
        );
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(ws, _)| ws)
}

/// The next text message as JSON, answering pings; `Err(close frame)` when the server closes.
/// The test fails when nothing arrives within `timeout`.
pub async fn next_message(
    ws: &mut WsClient,
    timeout: Duration,
) -> Result<Value, Option<CloseFrame>> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let msg = tokio::time::timeout(remaining, ws.next())
            .await
            .unwrap_or_else(|_| panic!("the server sent nothing within {timeout:?}"));
        match msg {
            Some(Ok(Message::Text(t))) => {
                let v: Value = serde_json::from_str(&t)
                    .unwrap_or_else(|e| panic!("the server sent a non-JSON message ({e}): {t}"));
                if v["type"] == "ping" {
                    send(ws, json!({ "type": "pong" })).await;
                    continue;
                }
                return Ok(v);
            }
            Some(Ok(Message::Close(frame))) => return Err(frame),
            Some(Ok(_)) => continue,
            None | Some(Err(_)) => return Err(None),
        }
    }
}

/// Sends a graphql-transport-ws message.
pub async fn send(ws: &mut WsClient, message: Value) {
    ws.send(Message::text(message.to_string()))
        .await
        .expect("message sent");
}

/// One subscription on its own connection.
pub struct Subscription {
    ws: WsClient,
    done: bool,
}

/// What a subscription delivered next.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// A `next` payload (`{"data": …}` or `{"errors": …}`).
    Next(Value),
    /// The server completed the subscription.
    Complete,
    /// The server answered with an `error` message (its payload).
    Error(Value),
}

impl Subscription {
    /// Connects, checks the `connection_ack`, and subscribes to `query`.
    pub async fn start(port: u16, query: &str, variables: Value) -> Self {
        let mut ws = connect(port, &[]).await.expect("websocket connects");
        send(&mut ws, json!({ "type": "connection_init" })).await;
        let ack = next_message(&mut ws, Duration::from_secs(30))
            .await
            .unwrap_or_else(|close| panic!("closed before connection_ack: {close:?}"));
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        send(
            &mut ws,
            json!({ "id": "1", "type": "subscribe", "payload": { "query": query, "variables": variables } }),
        )
        .await;
        Self { ws, done: false }
    }

    /// The next delivery; the test fails when nothing arrives within `timeout` or the
    /// connection closes before the subscription completed.
    pub async fn next(&mut self, timeout: Duration) -> Delivery {
        assert!(!self.done, "the subscription already ended");
        loop {
            let v = next_message(&mut self.ws, timeout)
                .await
                .unwrap_or_else(|close| panic!("connection closed mid-subscription: {close:?}"));
            let delivery = match v["type"].as_str() {
                Some("next") => Delivery::Next(v["payload"].clone()),
                Some("complete") => Delivery::Complete,
                Some("error") => Delivery::Error(v["payload"].clone()),
                _ => continue,
            };
            self.done = !matches!(delivery, Delivery::Next(_));
            return delivery;
        }
    }

    /// The next `data` payload; the test fails on anything else.
    pub async fn next_data(&mut self, timeout: Duration) -> Value {
        match self.next(timeout).await {
            Delivery::Next(payload) if payload.get("errors").is_none() => payload["data"].clone(),
            other => panic!("expected data, got {other:?}"),
        }
    }

    /// `next` payloads until the subscription ends or `max` arrived; an `error` message is
    /// returned as `{"errors": payload}`. The test fails when the whole run exceeds `timeout`.
    pub async fn collect(&mut self, max: usize, timeout: Duration) -> Vec<Value> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut out = Vec::new();
        while out.len() < max && !self.done {
            let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
            assert!(
                !remaining.is_zero(),
                "subscription timed out after {} messages: {out:?}",
                out.len()
            );
            match self.next(remaining).await {
                Delivery::Next(payload) => out.push(payload),
                Delivery::Error(payload) => out.push(json!({ "errors": payload })),
                Delivery::Complete => {}
            }
        }
        out
    }

    /// Closes the connection.
    pub async fn close(mut self) {
        // The server may already have closed; either way the connection is gone afterwards.
        self.ws.close(None).await.ok();
    }
}
