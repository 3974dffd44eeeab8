//! Durability: restarts keep everything, interrupted jobs finish, replay is exact.

use crate::helpers::{spawn_app, spawn_app_on, Backend, Storage};
use crate::on_both_backends;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

async fn restart_keeps_all_data(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("durable", "lon1").await;
    let (droplet, job) = app.create_droplet("keeper", "debian-12-x64").await;
    app.wait_for_job(&job, "COMPLETED", Duration::from_secs(30))
        .await;
    let query = "query($c: ID!, $d: ID!) { cluster(id: $c) { name status } droplet(id: $d) { name status ip version } events(first: 100) { totalCount } }";
    let vars = json!({ "c": cluster, "d": droplet });
    let before = app.gql(query, vars.clone()).await;
    let storage = app.stop().await;

    let app = spawn_app_on(storage, |_| {}).await;
    let after = app.gql(query, vars).await;
    assert_eq!(before, after);
    assert_eq!(after["data"]["droplet"]["status"], "RUNNING");
    // The write side remembers too: the name is still taken.
    let r = app
        .gql(
            "mutation { createCluster(input: {name: \"durable\", region: \"lon1\"}) { position } }",
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::error_code(&r).as_deref(),
        Some("CONFLICT"),
        "{r}"
    );
    app.stop().await;
}
on_both_backends!(restart_keeps_all_data);

/// A child process that is killed when dropped, so a failing test leaves nothing running.
struct Process(Child);

impl Process {
    fn kill(mut self) {
        let _ = self.0.kill(); // SIGKILL
        let _ = self.0.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A `clustergenie serve` child process on `storage`.
fn start_process(storage: &Storage, port: u16) -> Process {
    let child = Command::new(env!("CARGO_BIN_EXE_clustergenie"))
        .arg("serve")
        .envs(storage.env())
        .env("CLUSTERGENIE_LISTEN", format!("127.0.0.1:{port}"))
        .env("CLUSTERGENIE_PROVISION_SECONDS", "4")
        .env("CLUSTERGENIE_JOB_LEASE_SECONDS", "1.5")
        .env("CLUSTERGENIE_PROGRESS_INTERVAL_SECONDS", "0.1")
        // A loaded CI machine can be slow; mutation payloads wait for their read models.
        .env("CLUSTERGENIE_CONSISTENCY_TIMEOUT_SECONDS", "60")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("clustergenie binary starts");
    Process(child)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn post(port: u16, query: &str, variables: serde_json::Value) -> serde_json::Value {
    let client = reqwest::Client::new();
    for _ in 0..600 {
        if let Ok(resp) = client
            .post(format!("http://127.0.0.1:{port}/graphql"))
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
        {
            return resp.json().await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("server on port {port} never answered");
}

async fn a_job_interrupted_by_a_crash_finishes_after_restart(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let port = free_port();
    let child = start_process(&storage, port);
    let r = post(
        port,
        "mutation { createDroplet(input: {name: \"crashy\", region: \"tor1\", size: \"s-1vcpu-1gb\", image: \"debian-12-x64\"}) { droplet { id } job { id } } }",
        json!({}),
    )
    .await;
    let job_id = r["data"]["createDroplet"]["job"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{r}"))
        .to_string();
    let droplet_id = r["data"]["createDroplet"]["droplet"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let job_query = "query($id: ID!) { job(id: $id) { status progress attempts } }";
    // Wait until the job is well under way, then kill the process without warning.
    let mut progress_at_crash = 0;
    for _ in 0..1200 {
        let r = post(port, job_query, json!({ "id": job_id })).await;
        let p = r["data"]["job"]["progress"].as_i64().unwrap_or(0);
        if r["data"]["job"]["status"] == "RUNNING" && p >= 20 {
            progress_at_crash = p;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(progress_at_crash >= 20, "job never got under way");
    child.kill();

    let port = free_port();
    let child = start_process(&storage, port);
    let mut last = json!(null);
    let mut seen = progress_at_crash;
    for _ in 0..1200 {
        last = post(port, job_query, json!({ "id": job_id })).await;
        let p = last["data"]["job"]["progress"].as_i64().unwrap_or(0);
        assert!(
            p >= seen,
            "progress went backwards after restart: {p} < {seen}"
        );
        seen = p;
        if last["data"]["job"]["status"] == "COMPLETED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(last["data"]["job"]["status"], "COMPLETED", "{last}");
    assert!(
        last["data"]["job"]["attempts"].as_i64().unwrap() >= 2,
        "the job was taken over: {last}"
    );
    let r = post(
        port,
        "query($id: ID!) { droplet(id: $id) { status ip } }",
        json!({ "id": droplet_id }),
    )
    .await;
    assert_eq!(r["data"]["droplet"]["status"], "RUNNING", "{r}");
    let r = post(
        port,
        "query($id: ID!) { events(first: 100, filter: {aggregateId: $id, eventType: \"JobLeaseExpired\"}) { totalCount } }",
        json!({ "id": job_id }),
    )
    .await;
    assert_eq!(r["data"]["events"]["totalCount"], 1, "{r}");
    child.kill();
}
on_both_backends!(a_job_interrupted_by_a_crash_finishes_after_restart);

async fn replay_rebuilds_identical_read_models(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("replayed", "blr1").await;
    let _ = cluster;
    let (_, ok) = app.create_droplet("r-1", "debian-12-x64").await;
    let (_, bad) = app
        .create_droplet("r-2", schema::catalog::ALWAYS_FAILING_IMAGE)
        .await;
    let (_, cancelled) = app.create_droplet("r-3", "debian-12-x64").await;
    app.gql(
        "mutation($id: ID!) { cancelJob(id: $id) { position } }",
        json!({ "id": cancelled }),
    )
    .await;
    app.wait_for_job(&ok, "COMPLETED", Duration::from_secs(30))
        .await;
    app.wait_for_job(&bad, "FAILED", Duration::from_secs(60))
        .await;
    let storage = app.stop().await;

    let db = storage.db().await;
    let reads = projector::ReadModels::new(db.clone());
    let before = reads.dump().await.unwrap();
    assert!(before.len() > 20);
    db.close().await;

    let output = Command::new(env!("CARGO_BIN_EXE_clustergenie"))
        .arg("replay")
        .envs(storage.env())
        .env("RUST_LOG", "warn")
        .output()
        .expect("replay runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("events/s"), "{stdout}");

    let db = storage.db().await;
    let after = projector::ReadModels::new(db.clone()).dump().await.unwrap();
    db.close().await;
    assert_eq!(before, after);
}
on_both_backends!(replay_rebuilds_identical_read_models);
