//! REST v1 worker pool (`GET /api/v1/workerpool/status`) on both backends: the figures
//! GraphQL's `workerPool` reads, and its role (VIEWER).

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;
use crate::rest::{app_with_viewer, call, get};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

const POOL: &str = "{ workerPool { workers runners queueLength jobsByStatus { status count } } }";

async fn the_worker_pool_over_rest_and_graphql(backend: Backend) {
    let app = spawn_app(backend).await;
    let job = app.create_droplet_job("pooled").await;
    app.wait_for_job(&job, "COMPLETED", Duration::from_secs(60))
        .await;
    let g = app.gql(POOL, json!({})).await;
    let pool = &g["data"]["workerPool"];
    let r = get(&app, "/api/v1/workerpool/status").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["workers"], pool["workers"], "{g} {}", r.body);
    assert_eq!(r.body["runners"], pool["runners"], "{g} {}", r.body);
    assert!(r.body["workers"].as_i64().unwrap() >= 1, "{}", r.body);
    assert_eq!(r.body["queue_length"], 0, "{}", r.body);
    // Runners busy come from heartbeats, which may lag the job's COMPLETED by a beat.
    let running = r.body["running_jobs"].as_i64().unwrap();
    assert!(
        (0..=r.body["runners"].as_i64().unwrap()).contains(&running),
        "{}",
        r.body
    );
    for c in pool["jobsByStatus"].as_array().unwrap() {
        let status = c["status"].as_str().unwrap();
        assert_eq!(
            r.body["jobs_by_status"][status], c["count"],
            "{status}: {}",
            r.body
        );
    }
    assert_eq!(r.body["jobs_by_status"]["COMPLETED"], 1, "{}", r.body);
    app.stop().await;
}
on_both_backends!(the_worker_pool_over_rest_and_graphql);

async fn a_viewer_reads_the_worker_pool(backend: Backend) {
    let (app, _admin, viewer) = app_with_viewer(backend).await;
    let path = "/api/v1/workerpool/status";
    let r = call(&app, Method::GET, path, Some(&viewer), &[], None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    call(&app, Method::GET, path, None, &[], None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    app.stop().await;
}
on_both_backends!(a_viewer_reads_the_worker_pool);
