//! REST v1 logs (`GET /api/v1/logs`) on both backends: the records GraphQL's `logs` finds,
//! by service, level and time, each documented error, and GraphQL's role (VIEWER).
//!
//! Every app in this test process stores every record the process writes, so the test finds
//! its own line by the resource id of a cluster of its own, then asks REST for its moment.

use crate::helpers::{spawn_app_on, Backend, Storage};
use crate::on_both_backends;
use crate::rest::{app_with_viewer, call, get};
use clustergenie::configuration::StoreLevel;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

const LOGS: &str = "query($f: LogFilter) { logs(filter: $f, first: 100) { nodes { at level service message resourceIds } } }";

async fn logs_over_rest_and_graphql(backend: Backend) {
    let app = spawn_app_on(Storage::fresh(backend).await, |s| {
        s.log_store_level = StoreLevel::Info
    })
    .await;
    let cluster = app.create_cluster("logged", "nyc1").await;
    let filter = json!({ "resourceId": cluster });
    let record: Value = testkit::wait::until(
        "a log record naming the cluster",
        Duration::from_secs(20),
        || {
            let filter = filter.clone();
            let app = &app;
            async move {
                let r = app.gql(LOGS, json!({ "f": filter })).await;
                r["data"]["logs"]["nodes"]
                    .as_array()
                    .and_then(|n| n.first().cloned())
                    .ok_or_else(|| format!("none yet: {r}"))
            }
        },
    )
    .await;
    let at = record["at"].as_str().unwrap().replace('+', "%2B");
    let service = record["service"].as_str().unwrap();
    let path = format!("/api/v1/logs?service={service}&start_time={at}&end_time={at}");
    let r = get(&app, &path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let logs = r.body["logs"].as_array().unwrap();
    assert!(
        logs.iter().any(|l| l["message"] == record["message"]
            && l["resource_id"] == cluster.as_str()
            && l["level"] == record["level"]),
        "{} not in {}",
        record,
        r.body
    );
    assert!(r.body["total"].as_i64().unwrap() >= logs.len() as i64);
    for l in logs {
        assert_eq!(l["service"], service, "{l}");
        assert!(l["timestamp"].is_string(), "{l}");
    }

    let r = get(&app, "/api/v1/logs?level=error&limit=3").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let logs = r.body["logs"].as_array().unwrap();
    assert!(logs.len() <= 3);
    assert!(logs.iter().all(|l| l["level"] == "ERROR"), "{}", r.body);

    for (query, prefix) in [
        ("level=loud", "level:"),
        ("service=nope", "service:"),
        ("start_time=yesterday", "start_time:"),
        ("end_time=1", "end_time:"),
        (
            "start_time=2026-12-02T00:00:00Z&end_time=2026-12-01T00:00:00Z",
            "start_time: is after end_time",
        ),
        ("service=", "service:"),
        ("limit=0", "limit:"),
    ] {
        let r = get(&app, &format!("/api/v1/logs?{query}")).await;
        r.assert_error(400, "BAD_USER_INPUT");
        assert!(
            r.body["error"].as_str().unwrap().starts_with(prefix),
            "{}",
            r.body
        );
    }
    app.stop().await;
}
on_both_backends!(logs_over_rest_and_graphql);

/// A viewer reads the logs (GraphQL's `logs` is VIEWER's); without credentials it is 401.
async fn a_viewer_reads_logs(backend: Backend) {
    let (app, _admin, viewer) = app_with_viewer(backend).await;
    let r = call(&app, Method::GET, "/api/v1/logs", Some(&viewer), &[], None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["logs"].is_array() && r.body["total"].is_number(),
        "{}",
        r.body
    );
    call(&app, Method::GET, "/api/v1/logs", None, &[], None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    app.stop().await;
}
on_both_backends!(a_viewer_reads_logs);
