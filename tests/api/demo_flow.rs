//! The walkthrough a new user does: cluster, droplet, live progress, audit log, history.

use crate::helpers::{
    assert_code, spawn_app, Backend, TestApp, CANCEL_JOB, DELETE_CLUSTER, DESTROY_DROPLET,
    RETRY_JOB,
};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::graphql::string_at;

/// The `jobProgress` updates of `job` (at most `max`) until the subscription ends.
async fn progress(app: &TestApp, job: &str, max: usize) -> Vec<Value> {
    let subscription =
        "subscription($id: ID!) { jobProgress(jobId: $id) { id status progress stage message } }";
    let updates = app
        .subscribe(
            subscription,
            json!({ "id": job }),
            max,
            Duration::from_secs(30),
        )
        .await;
    updates
        .iter()
        .map(|u| u["data"]["jobProgress"].clone())
        .collect()
}

async fn demo_flow(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.token("alice").await;

    let r = app
        .gql_as(
            Some(&alice),
            "mutation { createCluster(input: {name: \"prod\", region: \"fra1\", labels: [{key: \"team\", value: \"ops\"}]}) { cluster { id name region status labels { key value } } position } }",
            json!({}),
        )
        .await;
    let cluster = &r["data"]["createCluster"]["cluster"];
    assert_eq!(cluster["status"], "ACTIVE", "{r}");
    assert_eq!(cluster["labels"][0]["key"], "team");
    let cluster_id = string_at(cluster, "/id");

    let r = app
        .gql_as(
            Some(&alice),
            "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id name status ip } job { id type status progress stage } position } }",
            json!({ "i": { "name": "web-1", "region": "fra1", "size": "s-2vcpu-4gb", "image": "ubuntu-24-04-x64", "clusterId": cluster_id } }),
        )
        .await;
    let payload = &r["data"]["createDroplet"];
    assert_eq!(payload["droplet"]["status"], "PROVISIONING", "{r}");
    assert!(payload["droplet"]["ip"].is_null());
    assert_eq!(payload["job"]["type"], "PROVISION");
    let droplet_id = string_at(payload, "/droplet/id");
    let job_id = string_at(payload, "/job/id");
    let created_at = payload["position"].as_i64().unwrap();

    // Live progress: the current state first, then every change, ending at COMPLETED.
    let jobs = progress(&app, &job_id, 500).await;
    // How many changes arrive live depends on how far the 1.2 s job got before the
    // subscription started; what must hold is: a snapshot first, then every change up to
    // COMPLETED, never backwards.
    let first = jobs.first().expect("the current state first");
    if first["status"] != "COMPLETED" {
        assert!(jobs.len() >= 2, "changes after the snapshot: {jobs:?}");
    }
    let last = jobs.last().unwrap();
    assert_eq!(last["status"], "COMPLETED", "{jobs:?}");
    assert_eq!(last["progress"], 100);
    let mut previous = -1;
    for j in &jobs {
        let p = j["progress"].as_i64().unwrap();
        assert!(p >= previous, "progress went backwards: {jobs:?}");
        previous = p;
    }
    assert!(
        jobs.windows(2).all(|w| w[0] != w[1]),
        "no update twice: {jobs:?}"
    );
    // Every stage was reported (the job's stored timeline, independent of timing).
    let timeline = "query($id: ID!) { job(id: $id) { timeline { stage } } }";
    let r = app.gql_id(timeline, &job_id).await;
    let timeline = r["data"]["job"]["timeline"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"));
    let stages: Vec<&str> = timeline
        .iter()
        .filter_map(|t| t["stage"].as_str())
        .collect();
    for stage in ["allocating", "booting", "networking", "health check"] {
        assert!(
            stages.contains(&stage),
            "stage {stage} missing from {stages:?}"
        );
    }

    let details = "query($id: ID!) { droplet(id: $id) { status ip cluster { name dropletCount } \
                   jobs { totalCount edges { node { status timeline { stage } } } } } }";
    let r = app.gql_id(details, &droplet_id).await;
    let droplet = &r["data"]["droplet"];
    assert_eq!(droplet["status"], "RUNNING", "{r}");
    assert!(droplet["ip"].as_str().unwrap().starts_with("10."));
    assert_eq!(droplet["cluster"]["dropletCount"], 1);
    assert_eq!(droplet["jobs"]["totalCount"], 1);

    // The audit log: what happened, in order, and who did it.
    let log = "query($id: ID!) { events(first: 100, filter: {aggregateId: $id}) { totalCount \
               edges { node { position type actor sequence aggregateType recordedAt payload } } } }";
    let r = app.gql_id(log, &droplet_id).await;
    let events: Vec<_> = r["data"]["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect();
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["DropletCreated", "DropletProvisioned"], "{r}");
    assert_eq!(events[0]["actor"], "alice");
    assert_eq!(events[1]["actor"], "system:worker");
    assert!(events[0]["position"].as_i64() < events[1]["position"].as_i64());

    let r = app
        .gql(
            "{ events(first: 100) { edges { node { position type actor } } } }",
            json!({}),
        )
        .await;
    let all: Vec<Value> = r["data"]["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        // Signing alice up came first.
        .filter(|e| e["node"]["type"] != "UserCreated")
        .cloned()
        .collect();
    assert_eq!(all[0]["node"]["type"], "ClusterCreated");
    assert_eq!(all[0]["node"]["actor"], "alice");
    assert!(all.iter().any(|e| e["node"]["type"] == "JobCompleted"));

    // Time travel: the droplet as it was right after creation, and as it is now.
    let r = app
        .gql(
            "query($id: ID!, $p: Int!) { then: history(aggregateType: Droplet, aggregateId: $id, asOf: {position: $p}) { exists version state events { type } } now: history(aggregateType: Droplet, aggregateId: $id) { version state } }",
            json!({ "id": droplet_id, "p": created_at }),
        )
        .await;
    assert_eq!(r["data"]["then"]["state"]["status"], "PROVISIONING", "{r}");
    assert_eq!(r["data"]["then"]["events"].as_array().unwrap().len(), 1);
    assert_eq!(r["data"]["now"]["state"]["status"], "RUNNING");
    let before_time = "query($id: ID!) { history(aggregateType: Droplet, aggregateId: $id, \
                       asOf: {time: \"2000-01-01T00:00:00Z\"}) { exists state } }";
    let r = app.gql_id(before_time, &droplet_id).await;
    assert_eq!(r["data"]["history"]["exists"], false, "{r}");

    // A finished job's subscription yields its final state and ends.
    let again = progress(&app, &job_id, 10).await;
    assert_eq!(again.len(), 1, "{again:?}");
    assert_eq!(again[0]["status"], "COMPLETED");

    // Destroy it; the cluster can then be deleted.
    assert_code(
        &app.gql_id(DELETE_CLUSTER, &cluster_id).await,
        "FAILED_PRECONDITION",
    );
    let r = app.gql_id(DESTROY_DROPLET, &droplet_id).await;
    let destroyed = &r["data"]["destroyDroplet"];
    assert_eq!(destroyed["droplet"]["status"], "DESTROYING", "{r}");
    assert_eq!(destroyed["job"]["type"], "DESTROY", "{r}");
    app.completed(&string_at(destroyed, "/job/id")).await;
    let r = app.gql_id(DELETE_CLUSTER, &cluster_id).await;
    assert_eq!(
        r["data"]["deleteCluster"]["cluster"]["status"], "DELETED",
        "{r}"
    );
    // The name of a destroyed droplet is free again.
    app.create_droplet("web-1", "debian-12-x64").await;
    app.stop().await;
}
on_both_backends!(demo_flow);

async fn failures_retry_then_fail_and_can_be_retried(backend: Backend) {
    let app = spawn_app(backend).await;
    let (droplet_id, job_id) = app
        .create_droplet("doomed", schema::catalog::ALWAYS_FAILING_IMAGE)
        .await;
    let job = app
        .wait_for_job(&job_id, "FAILED", Duration::from_secs(60))
        .await;
    assert_eq!(job["attempts"], 3, "{job}");
    assert!(job["error"].as_str().unwrap().contains("failed to boot"));
    assert_eq!(app.droplet(&droplet_id).await["status"], "FAILED");
    let r = app.gql_id(RETRY_JOB, &job_id).await;
    assert_eq!(r["data"]["retryJob"]["job"]["status"], "QUEUED", "{r}");
    assert_eq!(app.droplet(&droplet_id).await["status"], "PROVISIONING");
    app.wait_for_job(&job_id, "FAILED", Duration::from_secs(60))
        .await;
    app.stop().await;
}
on_both_backends!(failures_retry_then_fail_and_can_be_retried);

async fn cancelling_a_job_fails_the_droplet(backend: Backend) {
    let app = spawn_app(backend).await;
    let (droplet_id, job_id) = app.create_droplet("cancel-me", "debian-12-x64").await;
    let r = app
        .gql_as(
            Some(&app.token("bob").await),
            CANCEL_JOB,
            json!({ "id": job_id }),
        )
        .await;
    assert_eq!(r["data"]["cancelJob"]["job"]["status"], "CANCELLED", "{r}");
    assert!(r["data"]["cancelJob"]["job"]["message"]
        .as_str()
        .unwrap()
        .contains("bob"));
    assert_eq!(app.droplet(&droplet_id).await["status"], "FAILED");
    assert_code(
        &app.gql_id(CANCEL_JOB, &job_id).await,
        "FAILED_PRECONDITION",
    );
    app.stop().await;
}
on_both_backends!(cancelling_a_job_fails_the_droplet);

async fn power_and_resize_run_as_jobs(backend: Backend) {
    let app = spawn_app(backend).await;
    let (droplet_id, job_id) = app.create_droplet("ops-1", "debian-12-x64").await;
    app.completed(&job_id).await;
    app.power_off(&droplet_id).await;
    app.run_job(
        "resizeDroplet",
        "mutation($id: ID!) { resizeDroplet(id: $id, size: \"s-4vcpu-8gb\") { job { id } } }",
        json!({ "id": droplet_id }),
    )
    .await;
    let droplet = app.droplet(&droplet_id).await;
    assert_eq!(droplet["status"], "STOPPED", "{droplet}");
    assert_eq!(droplet["size"], "s-4vcpu-8gb", "{droplet}");
    app.stop().await;
}
on_both_backends!(power_and_resize_run_as_jobs);

async fn audit_tail_subscription_resumes_from_a_cursor(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_cluster("one", "nyc1").await;
    let cursor = app.first_event_cursor().await;
    app.create_cluster("two", "nyc1").await;
    app.create_cluster("three", "nyc1").await;
    let got = app
        .subscribe(
            "subscription($after: String) { events(after: $after, filter: {aggregateType: Cluster}) { type payload } }",
            json!({ "after": cursor }),
            2,
            Duration::from_secs(10),
        )
        .await;
    let names: Vec<_> = got
        .iter()
        .map(|g| string_at(g, "/data/events/payload/name"))
        .collect();
    assert_eq!(names, ["two", "three"]);
    app.stop().await;
}
on_both_backends!(audit_tail_subscription_resumes_from_a_cursor);

/// One runner, a queue of one, six jobs queued at once: they all complete, and the log shows
/// at most one of them running at any moment (the others waited, QUEUED, for the runner).
async fn a_full_queue_leaves_jobs_queued_until_a_runner_is_free(backend: Backend) {
    let storage = crate::helpers::Storage::fresh(backend).await;
    let app = crate::helpers::spawn_app_on(storage, |s| {
        s.worker_count = 1;
        s.worker_queue = 1;
        s.provision_seconds = 0.3;
    })
    .await;
    let names: Vec<String> = (0..6).map(|i| format!("burst-{i}")).collect();
    let created =
        futures::future::join_all(names.iter().map(|name| app.create_droplet_job(name))).await;
    for job in &created {
        app.completed(job).await;
    }
    let log = app.store_log().await;
    let mut running: Vec<&str> = Vec::new();
    let mut started = 0;
    for e in log.iter().filter(|e| e.aggregate_type == "Job") {
        let job = e.aggregate_id.as_str();
        match e.event_type.as_str() {
            "JobStarted" => {
                started += 1;
                running.push(job);
                assert!(
                    running.len() <= 1,
                    "two jobs ran at once: {running:?} at position {}",
                    e.position
                );
            }
            "JobCompleted" | "JobAttemptFailed" | "JobCancelled" | "JobLeaseExpired" => {
                running.retain(|r| *r != job)
            }
            _ => {}
        }
    }
    assert!(started >= 6, "every job started ({started} starts)");
    app.stop().await;
}
on_both_backends!(a_full_queue_leaves_jobs_queued_until_a_runner_is_free);
