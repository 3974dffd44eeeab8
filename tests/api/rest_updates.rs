//! REST v1 live feed (`WS /api/v1/ws/updates`) on both backends: a droplet's status changes
//! arrive in order as `droplet_status_update` messages, its jobs as `job_progress`, other
//! events as `event` without payloads; authenticated like subscriptions (the upgrade's
//! header or a first `auth` message; bad credentials refused, VIEWER enough).

use crate::helpers::{spawn_app, Backend, TestApp, WsClient};
use crate::on_both_backends;
use crate::rest::app_with_viewer;
use futures::SinkExt;
use serde_json::{json, Value};
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

async fn connect(
    app: &TestApp,
    headers: &[(&str, &str)],
) -> Result<WsClient, tokio_tungstenite::tungstenite::Error> {
    let mut request = format!("ws://127.0.0.1:{}/api/v1/ws/updates", app.port)
        .into_client_request()
        .expect("a valid WebSocket URL");
    for (name, value) in headers {
        request.headers_mut().insert(
            reqwest::header::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    tokio_tungstenite::connect_async(request)
        .await
        .map(|(ws, _)| ws)
}

async fn next(ws: &mut WsClient) -> Value {
    testkit::subscription::next_message(ws, Duration::from_secs(60))
        .await
        .unwrap_or_else(|close| panic!("closed: {close:?}"))
}

/// Reads messages until droplet `id` is DESTROYED; returns every message read.
async fn until_destroyed(ws: &mut WsClient, id: &str) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let m = next(ws).await;
        let done = m["type"] == "droplet_status_update"
            && m["data"]["id"] == id
            && m["data"]["status"] == "DESTROYED";
        seen.push(m);
        if done {
            return seen;
        }
    }
}

async fn a_droplets_status_changes_arrive_in_order(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut ws = connect(&app, &[])
        .await
        .expect("local mode lets the feed open");
    let cluster = app.create_cluster("shop", "nyc1").await;
    let (droplet, provision) = app.create_droplet("web-1", "debian-12-x64").await;
    app.completed(&provision).await;
    app.power_off(&droplet).await;
    let destroy = app
        .run_job(
            "destroyDroplet",
            "mutation($id: ID!) { destroyDroplet(id: $id) { job { id } } }",
            json!({ "id": droplet }),
        )
        .await;
    let seen = until_destroyed(&mut ws, &droplet).await;

    // In the log's order, every message stamped with its event.
    let positions: Vec<i64> = seen
        .iter()
        .map(|m| m["data"]["position"].as_i64().unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    for m in &seen {
        assert!(m["data"]["event"].is_string(), "{m}");
        assert!(m["data"]["timestamp"].is_string(), "{m}");
    }
    // The droplet's statuses, each change once and in order.
    let mut statuses: Vec<&str> = seen
        .iter()
        .filter(|m| m["type"] == "droplet_status_update" && m["data"]["id"] == droplet.as_str())
        .map(|m| m["data"]["status"].as_str().unwrap())
        .collect();
    statuses.dedup();
    assert_eq!(
        statuses,
        [
            "PROVISIONING",
            "RUNNING",
            "STOPPED",
            "DESTROYING",
            "DESTROYED"
        ],
        "{seen:?}"
    );
    // Its jobs' progress, ending COMPLETED; the cluster's creation as cluster_update.
    for job in [&provision, &destroy] {
        let progress: Vec<&Value> = seen
            .iter()
            .filter(|m| m["type"] == "job_progress" && m["data"]["id"] == job.as_str())
            .collect();
        assert!(!progress.is_empty(), "no job_progress of {job}: {seen:?}");
        let last = progress.last().unwrap();
        assert_eq!(last["data"]["status"], "COMPLETED", "{last}");
        assert_eq!(last["data"]["progress"], 100, "{last}");
        assert_eq!(last["data"]["resource_id"], droplet.as_str(), "{last}");
    }
    assert!(
        seen.iter()
            .any(|m| m["type"] == "cluster_update" && m["data"]["id"] == cluster.as_str()),
        "{seen:?}"
    );
    app.stop().await;
}
on_both_backends!(a_droplets_status_changes_arrive_in_order);

/// With credentials required: the upgrade's header or a first `auth` message signs in (a
/// VIEWER may watch); a bad token is refused before the upgrade or closes the socket (4403).
/// Other events come without their payload.
async fn the_feed_is_authenticated_like_subscriptions(backend: Backend) {
    let (app, admin, viewer) = app_with_viewer(backend).await;
    assert!(
        connect(&app, &[("authorization", "Bearer cg_nope")])
            .await
            .is_err(),
        "a bad header is refused before the upgrade"
    );
    let bearer = format!("Bearer {viewer}");
    let mut by_header = connect(&app, &[("authorization", &bearer)]).await.unwrap();
    let mut by_message = connect(&app, &[]).await.unwrap();
    let auth = json!({ "type": "auth", "token": viewer }).to_string();
    by_message.send(Message::Text(auth.into())).await.unwrap();

    let mut refused = connect(&app, &[]).await.unwrap();
    let bad = json!({ "type": "auth", "token": "cg_nope" }).to_string();
    refused.send(Message::Text(bad.into())).await.unwrap();
    let close = testkit::subscription::next_message(&mut refused, Duration::from_secs(30))
        .await
        .expect_err("a bad token closes the socket");
    assert_eq!(close.map(|c| u16::from(c.code)), Some(4403));

    let r = app
        .gql_as(
            Some(&admin),
            "mutation { createCluster(input: { name: \"watched\", region: \"nyc1\" }) { cluster { id } } }",
            json!({}),
        )
        .await;
    let cluster = testkit::graphql::string_at(&r, "/data/createCluster/cluster/id");
    for ws in [&mut by_header, &mut by_message] {
        let m = loop {
            let m = next(ws).await;
            if m["type"] == "cluster_update" {
                break m;
            }
            // The viewer's own sign-in events and the like: no payload, only what happened.
            assert_eq!(m["type"], "event", "{m}");
            assert!(m["data"].get("payload").is_none(), "{m}");
        };
        assert_eq!(m["data"]["id"], cluster.as_str(), "{m}");
        assert_eq!(m["data"]["event"], "ClusterCreated", "{m}");
    }
    app.stop().await;
}
on_both_backends!(the_feed_is_authenticated_like_subscriptions);
