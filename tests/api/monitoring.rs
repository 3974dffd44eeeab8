//! Monitoring: `workerPool` counts the runners of every worker process from their heartbeats
//! (a `clustergenie worker` process joins the pool, leaves it when stopped, and drops out once
//! its heartbeat goes stale when killed), how many are busy and the queued jobs;
//! `pipeline` reports the read models' backlog (held back on Postgres) and no relay in
//! embedded mode; `/metrics` has the same figures.

use crate::helpers::{spawn_app_on, Backend, OpenTransaction, Storage, TestApp, CANCEL_JOB};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::process::Stdio;
use std::time::{Duration, Instant};
use testkit::process::ChildProcess;
use testkit::wait;

const WORKER_POOL: &str =
    "{ workerPool { workers runners busy queueLength jobsByStatus { status count } } }";
const PIPELINE: &str = "{ pipeline { projectorLagEvents projectorLagSeconds relayLagEvents } }";

/// Polls `query` until `done` holds for its `data.<field>`; returns that object.
async fn wait_for(
    app: &TestApp,
    what: &str,
    query: &str,
    field: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    wait::until(what, Duration::from_secs(60), || async {
        let r = app.gql(query, json!({})).await;
        let figures = &r["data"][field];
        done(figures).then(|| figures.clone()).ok_or(r.to_string())
    })
    .await
}

/// `jobsByStatus` as `(status, count)` pairs, in the order the API gives them.
fn by_status(pool: &Value) -> Vec<(String, i64)> {
    pool["jobsByStatus"]
        .as_array()
        .expect("jobsByStatus is a list")
        .iter()
        .map(|c| {
            (
                c["status"].as_str().unwrap().to_string(),
                c["count"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn counts(queued: i64, running: i64, cancelled: i64) -> Vec<(String, i64)> {
    [
        ("QUEUED", queued),
        ("RUNNING", running),
        ("COMPLETED", 0),
        ("FAILED", 0),
        ("CANCELLED", cancelled),
    ]
    .into_iter()
    .map(|(s, n)| (s.to_string(), n))
    .collect()
}

async fn the_worker_pool_counts_runners_busy_and_queued_jobs(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    // Two runners and jobs that outlast the test: the third job has to wait.
    let app = spawn_app_on(storage, |s| {
        s.worker_count = 2;
        s.provision_seconds = 120.0;
    })
    .await;
    let idle = wait_for(&app, "the pool to beat", WORKER_POOL, "workerPool", |p| {
        p["runners"] == 2
    })
    .await;
    assert_eq!(
        (&idle["workers"], &idle["busy"], &idle["queueLength"]),
        (&json!(1), &json!(0), &json!(0)),
        "{idle}"
    );
    assert_eq!(by_status(&idle), counts(0, 0, 0));

    let jobs = [
        app.create_droplet_job("busy-1").await,
        app.create_droplet_job("busy-2").await,
        app.create_droplet_job("waiting").await,
    ];
    let full = wait_for(
        &app,
        "both runners busy, one job waiting",
        WORKER_POOL,
        "workerPool",
        |p| p["busy"] == 2 && p["queueLength"] == 1,
    )
    .await;
    assert_eq!(
        (&full["workers"], &full["runners"]),
        (&json!(1), &json!(2)),
        "{full}"
    );
    assert_eq!(by_status(&full), counts(1, 2, 0));

    // Cancelling the waiting job empties the queue; the runners stay busy.
    let mut waiting = None;
    for job in &jobs {
        let r = app
            .gql_id("query($id: ID!) { job(id: $id) { status } }", job)
            .await;
        if r["data"]["job"]["status"] == "QUEUED" {
            waiting = Some(job.clone());
        }
    }
    let waiting = waiting.expect("one job is QUEUED");
    let r = app.gql_id(CANCEL_JOB, &waiting).await;
    assert_eq!(r["data"]["cancelJob"]["job"]["status"], "CANCELLED", "{r}");
    let after = wait_for(
        &app,
        "the queue to be empty",
        WORKER_POOL,
        "workerPool",
        |p| p["queueLength"] == 0,
    )
    .await;
    assert_eq!(after["busy"], 2, "{after}");
    assert_eq!(by_status(&after), counts(0, 2, 1));

    let metrics = app.get("/metrics").await.text().await.unwrap();
    for name in [
        "clustergenie_worker_runners ",
        "clustergenie_worker_busy ",
        // The queue, back to 0 (not the 1 it was: every status is published).
        "clustergenie_jobs{status=\"QUEUED\"} 0\n",
        "clustergenie_projector_lag_events ",
    ] {
        assert!(
            metrics.contains(name),
            "{name} missing from /metrics:\n{metrics}"
        );
    }
    app.stop().await;
}
on_both_backends!(the_worker_pool_counts_runners_busy_and_queued_jobs);

/// A `clustergenie worker` process on `storage` with `runners` runners.
async fn worker_process(storage: &Storage, runners: &str) -> ChildProcess {
    let mut child = ChildProcess::spawn(
        storage
            .command(&["worker"])
            .env("CLUSTERGENIE_LISTEN", "127.0.0.1:0")
            .env("CLUSTERGENIE_WORKER_COUNT", runners)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    child
        .bound_port(Duration::from_secs(60), || "clustergenie worker".into())
        .await;
    child
}

/// In distributed mode the API is not the worker: a worker process's runners count while it
/// beats. Stopped, it leaves at once (it deletes its heartbeat); killed, it drops out when its
/// heartbeat goes stale.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_processes_join_the_pool_and_leave_it() {
    let storage = Storage::fresh(Backend::Postgres).await;
    let app = spawn_app_on(storage.clone(), |s| s.worker_count = 2).await;
    let alone = |p: &Value| p["workers"] == 1 && p["runners"] == 2;
    wait_for(
        &app,
        "the API's own worker",
        WORKER_POOL,
        "workerPool",
        alone,
    )
    .await;

    let stopped = worker_process(&storage, "3").await;
    wait_for(
        &app,
        "the worker process to join",
        WORKER_POOL,
        "workerPool",
        |p| p["workers"] == 2 && p["runners"] == 5,
    )
    .await;
    stopped.signal("-TERM");
    let asked = Instant::now();
    wait_for(
        &app,
        "the stopped worker to leave",
        WORKER_POOL,
        "workerPool",
        alone,
    )
    .await;
    let fresh = command::store::worker_pool::FRESH;
    assert!(
        asked.elapsed() < fresh,
        "the stopped worker left only when its heartbeat went stale ({:?})",
        asked.elapsed()
    );

    let mut killed = worker_process(&storage, "4").await;
    wait_for(
        &app,
        "the second worker process to join",
        WORKER_POOL,
        "workerPool",
        |p| p["workers"] == 2 && p["runners"] == 6,
    )
    .await;
    killed.kill();
    let gone = Instant::now();
    let r = app.gql(WORKER_POOL, json!({})).await;
    assert_eq!(
        r["data"]["workerPool"]["runners"], 6,
        "a killed worker counts until its heartbeat is stale: {r}"
    );
    wait_for(
        &app,
        "the killed worker to drop out",
        WORKER_POOL,
        "workerPool",
        alone,
    )
    .await;
    assert!(
        gone.elapsed() >= fresh - Duration::from_secs(3),
        "dropped out after {:?}",
        gone.elapsed()
    );
    app.stop().await;
}

async fn the_pipeline_has_no_lag_once_projected_and_no_relay(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |_| {}).await;
    let r = app.try_create_cluster(None, "projected", "nyc1").await;
    assert_eq!(r["data"]["createCluster"]["projected"], true, "{r}");
    let r = app.gql(PIPELINE, json!({})).await;
    assert_eq!(
        r["data"]["pipeline"],
        json!({ "projectorLagEvents": 0, "projectorLagSeconds": 0.0, "relayLagEvents": null }),
        "{r}"
    );
    app.stop().await;
}
on_both_backends!(the_pipeline_has_no_lag_once_projected_and_no_relay);

/// The projector held back (its checkpoint table locked on Postgres): the events appended
/// meanwhile are its backlog, and the first one's wait grows until it catches up.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_projector_shows_as_lag() {
    let storage = Storage::fresh(Backend::Postgres).await;
    let app = spawn_app_on(storage, |s| s.consistency_timeout_seconds = 0.2).await;
    // The short consistency timeout is for the held creates below; this one may outlast it on
    // a busy machine, so wait for the projector instead of reading the payload.
    app.try_create_cluster(None, "before", "nyc1").await;
    wait_for(
        &app,
        "the first cluster projected",
        PIPELINE,
        "pipeline",
        |p| p["projectorLagEvents"] == 0,
    )
    .await;
    let hold = OpenTransaction::hold_projector(app.storage.postgres_url()).await;
    for name in ["held-1", "held-2"] {
        let r = app.try_create_cluster(None, name, "nyc1").await;
        assert_eq!(r["data"]["createCluster"]["projected"], false, "{r}");
    }
    let first = app.gql(PIPELINE, json!({})).await;
    let pipeline = &first["data"]["pipeline"];
    assert_eq!(pipeline["projectorLagEvents"], 2, "{first}");
    assert_eq!(pipeline["relayLagEvents"], Value::Null, "{first}");
    let waited = pipeline["projectorLagSeconds"].as_f64().unwrap();
    assert!(waited > 0.0, "{first}");
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains("clustergenie_projector_lag_events 2\n"),
        "{metrics}"
    );
    wait_for(&app, "the wait to grow", PIPELINE, "pipeline", |p| {
        p["projectorLagSeconds"].as_f64().unwrap() >= waited + 0.5
    })
    .await;

    hold.rollback().await;
    wait_for(
        &app,
        "the projector to catch up",
        PIPELINE,
        "pipeline",
        |p| p["projectorLagEvents"] == 0 && p["projectorLagSeconds"] == 0.0,
    )
    .await;
    app.stop().await;
}
