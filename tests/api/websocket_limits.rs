//! Hostile WebSocket clients: mutations over the socket, cross-site upgrades, too many
//! operations or connections, no `connection_init`, bad tokens, clients that stop reading.

use crate::helpers::{
    error_code, spawn_app, spawn_app_on, ws_next, ws_operation, ws_send, Backend, Storage,
};
use crate::security::bad_tokens;
use serde_json::json;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mutation_over_the_websocket_is_refused() {
    let app = spawn_app(Backend::Sqlite).await;
    let before = app.api_event_count(0).await;
    let mut ws = app.ws_initialised().await;
    let mutation =
        "mutation { createCluster(input: {name: \"over-ws\", region: \"nyc1\"}) { position } }";
    let answer = ws_operation(&mut ws, "m", mutation).await;
    assert_eq!(answer["type"], "error", "{answer}");
    assert_eq!(answer["payload"][0]["extensions"]["code"], "BAD_USER_INPUT");
    // The connection still serves subscriptions and queries.
    let answer = ws_operation(&mut ws, "q", "{ catalog { regions { slug } } }").await;
    assert_eq!(answer["type"], "next", "{answer}");
    let marker = app.create_cluster_position("marker").await;
    assert_eq!(app.api_event_count(marker).await, before + 1);

    // A page on another site cannot open the socket at all.
    let refused = app.ws_connect(&[("origin", "https://evil.example")]).await;
    assert!(refused.is_err(), "cross-site upgrade accepted");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operation_limit_holds_and_writes_go_on_while_a_client_stops_reading() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| s.max_subscriptions_per_connection = 5).await;
    for i in 0..30 {
        app.create_cluster(&format!("seed-{i}"), "nyc1").await;
    }
    let cursor = app.first_event_cursor().await;
    let mut ws = app.ws_initialised().await;
    let replay = json!({ "query": "subscription($a: String) { events(after: $a) { position type payload } }",
                         "variables": { "a": cursor } });
    for id in 0..5 {
        ws_send(
            &mut ws,
            json!({ "id": id.to_string(), "type": "subscribe", "payload": replay }),
        )
        .await;
    }
    ws_send(
        &mut ws,
        json!({ "id": "6th", "type": "subscribe", "payload": replay }),
    )
    .await;
    // Replays stream in; the sixth operation is refused.
    let refused = loop {
        let msg = ws_next(&mut ws).await.unwrap();
        if msg["id"] == "6th" {
            break msg;
        }
    };
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["payload"][0]["extensions"]["code"], "RATE_LIMITED");
    // The client now stops reading, holding the maximum; writes still complete.
    for i in 0..3 {
        let r = app
            .gql(
                "mutation($i: CreateClusterInput!) { createCluster(input: $i) { position } }",
                json!({ "i": { "name": format!("during-{i}"), "region": "nyc1" } }),
            )
            .await;
        assert!(r["data"]["createCluster"]["position"].is_i64(), "{r}");
    }
    drop(ws);
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_per_client_are_limited() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| s.max_connections_per_client = 2).await;
    let a = app.ws_connect(&[]).await.unwrap();
    let b = app.ws_connect(&[]).await.unwrap();
    match app.ws_connect(&[]).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 429)
        }
        other => panic!(
            "a third connection was not refused: {:?}",
            other.map(|_| ())
        ),
    }
    drop(a);
    // The slot is freed once the server has seen the close.
    let reopened = testkit::wait::until(
        "a closed connection's slot to be freed",
        Duration::from_secs(30),
        || async { app.ws_connect(&[]).await.map_err(|e| e.to_string()) },
    )
    .await;
    drop((b, reopened));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_without_connection_init_is_closed() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| s.ws_init_timeout_seconds = 1.0).await;
    let mut ws = app.ws_connect(&[]).await.unwrap();
    let closed = ws_next(&mut ws)
        .await
        .expect_err("the server closes the socket");
    assert_eq!(closed.map(|f| u16::from(f.code)), Some(4408));
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_refused_over_the_websocket() {
    let app = spawn_app(Backend::Sqlite).await;
    for (what, bad) in bad_tokens() {
        // In the connection_init payload…
        let mut ws = app.ws_connect(&[]).await.unwrap();
        let auth = format!("Bearer {bad}");
        ws_send(
            &mut ws,
            json!({ "type": "connection_init", "payload": { "Authorization": auth } }),
        )
        .await;
        let closed = ws_next(&mut ws)
            .await
            .expect_err(&format!("{what}: acknowledged"));
        assert_eq!(closed.map(|f| u16::from(f.code)), Some(4403), "{what}");
        // …as a bare token…
        let mut ws = app.ws_connect(&[]).await.unwrap();
        ws_send(
            &mut ws,
            json!({ "type": "connection_init", "payload": { "token": bad } }),
        )
        .await;
        assert!(
            ws_next(&mut ws).await.is_err(),
            "{what}: acknowledged (token)"
        );
        // …or on the upgrade request.
        let mut ws = app.ws_connect(&[("authorization", &auth)]).await.unwrap();
        ws_send(&mut ws, json!({ "type": "connection_init" })).await;
        assert!(
            ws_next(&mut ws).await.is_err(),
            "{what}: acknowledged (header)"
        );
    }
    // A good token is acknowledged and the connection serves subscriptions.
    let mut ws = app.ws_connect(&[]).await.unwrap();
    let auth = format!("Bearer {}", app.token("alice").await);
    ws_send(
        &mut ws,
        json!({ "type": "connection_init", "payload": { "authorization": auth } }),
    )
    .await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");
    let next = ws_operation(&mut ws, "1", "{ catalog { sizes { slug } } }").await;
    assert_eq!(next["type"], "next", "{next}");
    assert!(error_code(&next["payload"]).is_none(), "{next}");
    app.stop().await;
}
