//! Durability: restarts keep everything, interrupted jobs finish, replay is exact.

use crate::helpers::{
    assert_code, serve_process, spawn_app, spawn_app_on, Backend, Storage, CANCEL_JOB, DROPLET,
};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::graphql::{i64_at, string_at, GraphqlClient};
use testkit::process::ChildProcess;

async fn restart_keeps_all_data(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("durable", "lon1").await;
    let (droplet, job) = app.create_droplet("keeper", "debian-12-x64").await;
    app.completed(&job).await;
    let query = "query($c: ID!, $d: ID!) { cluster(id: $c) { name status } droplet(id: $d) { name status ip version } events(first: 100) { totalCount } }";
    let vars = json!({ "c": cluster, "d": droplet });
    let before = app.gql(query, vars.clone()).await;
    let storage = app.stop().await;

    let app = spawn_app_on(storage, |_| {}).await;
    let after = app.gql(query, vars).await;
    assert_eq!(before, after);
    assert_eq!(after["data"]["droplet"]["status"], "RUNNING");
    // The write side remembers too: the name is still taken.
    let r = app.try_create_cluster(None, "durable", "lon1").await;
    assert_code(&r, "CONFLICT");
    app.stop().await;
}
on_both_backends!(restart_keeps_all_data);

/// A `clustergenie serve` child process on `storage`, and the port it bound.
async fn start_process(storage: &Storage) -> (ChildProcess, GraphqlClient) {
    serve_process(storage, &[("CLUSTERGENIE_PROVISION_SECONDS", "4")]).await
}

/// A job's progress (0 when the answer has none).
fn progress(job: &Value) -> i64 {
    job["progress"].as_i64().unwrap_or(0)
}

/// Polls job `id` through `api` until `done(job)` holds; returns the job. The test fails
/// after `seconds`.
async fn poll_job(
    api: &GraphqlClient,
    id: &str,
    what: &str,
    seconds: u64,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let query = "query($id: ID!) { job(id: $id) { status progress attempts } }";
    testkit::wait::until(what, Duration::from_secs(seconds), || async {
        let r = api.post(query, json!({ "id": id })).await;
        if done(&r["data"]["job"]) {
            Ok(r["data"]["job"].clone())
        } else {
            Err(r.to_string())
        }
    })
    .await
}

async fn a_job_interrupted_by_a_crash_finishes_after_restart(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let (mut child, api) = start_process(&storage).await;
    let r = api
        .post(
            "mutation { createDroplet(input: {name: \"crashy\", region: \"tor1\", size: \"s-1vcpu-1gb\", image: \"debian-12-x64\"}) { droplet { id } job { id } } }",
            json!({}),
        )
        .await;
    let job_id = string_at(&r, "/data/createDroplet/job/id");
    let droplet_id = string_at(&r, "/data/createDroplet/droplet/id");
    // Wait until the job is well under way, then kill the process without warning.
    let at_crash = poll_job(&api, &job_id, "the job to get under way", 60, |job| {
        job["status"] == "RUNNING" && progress(job) >= 20
    })
    .await;
    child.kill();

    let (mut child, api) = start_process(&storage).await;
    let seen = std::cell::Cell::new(progress(&at_crash));
    let last = poll_job(
        &api,
        &job_id,
        "the job to complete after the restart",
        120,
        |job| {
            let p = progress(job);
            assert!(
                p >= seen.get(),
                "progress went backwards after restart: {p} < {}",
                seen.get()
            );
            seen.set(p);
            job["status"] == "COMPLETED"
        },
    )
    .await;
    let r = api.post(DROPLET, json!({ "id": droplet_id })).await;
    assert_eq!(r["data"]["droplet"]["status"], "RUNNING", "{r}");
    // The crash forced at least one takeover. A loaded machine may make a live worker miss
    // its 1.5 s lease too, so the count is not fixed; but every attempt after the first is a
    // takeover (the image never fails), so takeovers = attempts - 1 exactly.
    let attempts = i64_at(&last, "/attempts");
    let count = |event_type: &'static str| {
        let api = api.clone();
        let job_id = job_id.clone();
        async move {
            let r = api
                .post(
                    "query($id: String, $t: String) { events(first: 1, filter: {aggregateId: $id, eventType: $t}) { totalCount } }",
                    json!({ "id": job_id, "t": event_type }),
                )
                .await;
            i64_at(&r, "/data/events/totalCount")
        }
    };
    let takeovers = count("JobLeaseExpired").await;
    assert!(
        takeovers >= 1,
        "the job was taken over after the crash: {last}"
    );
    assert_eq!(takeovers, attempts - 1, "{last}");
    assert_eq!(count("JobAttemptFailed").await, 0);
    assert_eq!(count("JobStarted").await, attempts);
    child.kill();
}
on_both_backends!(a_job_interrupted_by_a_crash_finishes_after_restart);

async fn replay_rebuilds_identical_read_models(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("replayed", "blr1").await;
    let (_, ok) = app.create_droplet("r-1", "debian-12-x64").await;
    let (_, bad) = app
        .create_droplet("r-2", schema::catalog::ALWAYS_FAILING_IMAGE)
        .await;
    let (_, cancelled) = app.create_droplet("r-3", "debian-12-x64").await;
    let r = app.gql_id(CANCEL_JOB, &cancelled).await;
    assert_eq!(r["data"]["cancelJob"]["job"]["status"], "CANCELLED", "{r}");
    app.completed(&ok).await;
    app.wait_for_job(&bad, "FAILED", Duration::from_secs(60))
        .await;
    let storage = app.stop().await;

    let db = storage.db().await;
    let reads = projector::ReadModels::new(db.clone());
    let before = reads.dump().await.unwrap();
    assert!(before.len() > 20);
    assert!(
        before.iter().any(|line| line.contains(&cluster)),
        "the cluster is in the read models: {before:#?}"
    );
    db.close().await;

    let stdout = storage.run_cli(&["replay"]);
    assert!(stdout.contains("events/s"), "{stdout}");

    let db = storage.db().await;
    let after = projector::ReadModels::new(db.clone()).dump().await.unwrap();
    db.close().await;
    assert_eq!(before, after);
}
on_both_backends!(replay_rebuilds_identical_read_models);
