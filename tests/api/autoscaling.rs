//! The autoscaler end to end, on both backends, with short windows by configuration: a
//! queue-depth policy grows a cluster of 4 to its max of 8 under an injected queue of 400
//! ("desired 9 capped by max 8"), every step a SCALE job with progress, then shrinks it to
//! its min once the load is gone and the scale-down stabilization window has passed; every
//! decision is recorded with its inputs and reason, and the history names who set the
//! policy. Previews record nothing; a dry-run policy records what it would do, once. A
//! worker killed (-9) during a SCALE job leaves, after a restart, exactly the planned count.
//! A vertical policy resizes the cluster's droplets one size up, one droplet at a time.

use crate::helpers::{serve_process, spawn_app_on, Backend, Storage, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::time::Duration;
use testkit::graphql::{string_at, GraphqlClient};
use testkit::process::ChildProcess;

const DECISIONS: &str = "query($id: ID!) { scalingPolicy(id: $id) { \
    lastEvaluation { outcome note decision { current desired reason cappedBy metricValue } } \
    decisions(first: 20) { totalCount nodes { position actor planned abandoned \
      decision { at current desired metricValue target reason cappedBy dryRun inputs } \
      result { created destroyed skipped } job { id type status progress } } } } }";

const CLUSTER: &str = "query($id: ID!) { cluster(id: $id) { dropletCount \
    droplets(first: 50) { nodes { name status } } } }";

/// An app whose simulator samples every second and whose autoscaler evaluates every second.
async fn autoscaling_app(backend: Backend) -> TestApp {
    let storage = Storage::fresh(backend).await;
    spawn_app_on(storage, |s| {
        s.metrics_simulator = true;
        s.metrics_interval_seconds = 1;
        s.autoscaler = true;
        s.autoscaler_interval_seconds = 1;
        s.provision_seconds = 0.5;
    })
    .await
}

/// The RUNNING droplets of `cluster`, by name.
async fn running(api: &GraphqlClient, cluster: &str) -> Vec<String> {
    let r = api.post(CLUSTER, json!({ "id": cluster })).await;
    let mut names: Vec<String> = r["data"]["cluster"]["droplets"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("cluster droplets: {r}"))
        .iter()
        .filter(|d| d["status"] == "RUNNING")
        .map(|d| d["name"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    names
}

/// Creates `count` droplets `<cluster name>-<n>` in the cluster and waits until they run.
async fn populate(api: &GraphqlClient, cluster: &str, name: &str, count: usize) {
    for n in 1..=count {
        let r = api
            .post(
                "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } } }",
                json!({ "i": { "name": format!("{name}-{n}"), "region": "nyc1",
                    "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "clusterId": cluster } }),
            )
            .await;
        assert!(r["errors"].is_null(), "createDroplet: {r}");
    }
    wait_for_running(api, cluster, count, "the first droplets to run").await;
}

async fn wait_for_running(api: &GraphqlClient, cluster: &str, count: usize, what: &str) {
    testkit::wait::until(what, Duration::from_secs(120), || async {
        let names = running(api, cluster).await;
        let r = api.post(CLUSTER, json!({ "id": cluster })).await;
        let live = r["data"]["cluster"]["dropletCount"].as_i64().unwrap_or(-1);
        if names.len() == count && live == count as i64 {
            Ok(())
        } else {
            Err(format!("{} running of {live}: {names:?}", names.len()))
        }
    })
    .await
}

async fn create_policy(api: &GraphqlClient, input: Value) -> String {
    create_policy_as(api, None, input).await
}

async fn create_policy_as(api: &GraphqlClient, token: Option<&str>, input: Value) -> String {
    let r = api
        .post_as(
            token,
            "mutation($i: CreateScalingPolicyInput!) { createScalingPolicy(input: $i) { scalingPolicy { id } } }",
            json!({ "i": input }),
        )
        .await;
    string_at(&r, "/data/createScalingPolicy/scalingPolicy/id")
}

async fn inject_queue(api: &GraphqlClient, cluster: &str, depth: f64, seconds: i64) {
    let r = api
        .post(
            "mutation($i: InjectLoadInput!) { injectLoad(input: $i) { position } }",
            json!({ "i": { "targetType": "CLUSTER", "targetId": cluster,
                "queueDepth": depth, "durationSeconds": seconds } }),
        )
        .await;
    assert!(r["errors"].is_null(), "injectLoad: {r}");
}

/// The policy's decisions, newest first.
async fn decisions(api: &GraphqlClient, policy: &str) -> Vec<Value> {
    let r = api.post(DECISIONS, json!({ "id": policy })).await;
    r["data"]["scalingPolicy"]["decisions"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("decisions: {r}"))
        .clone()
}

/// "Queue depth per droplet, target 50, min 2, max 8, cost limit $0.10/h", with windows
/// short enough for a test.
fn workers(cluster: &str) -> Value {
    json!({
        "clusterId": cluster, "name": "workers", "metric": "QUEUE_DEPTH", "target": 50,
        "minDroplets": 2, "maxDroplets": 8, "costLimitPerHour": 0.1,
        "windowSeconds": 3, "cooldownSeconds": 2,
        "scaleDown": { "stabilizationWindowSeconds": 4 },
        "template": { "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" },
    })
}

async fn a_policy_grows_and_shrinks_its_cluster(backend: Backend) {
    let app = autoscaling_app(backend).await;
    let token = app.token("ops").await;
    let api = app.graphql.clone();
    let cluster = app.create_cluster("shop", "nyc1").await;
    populate(&api, &cluster, "shop", 4).await;
    // The queue grows by 400 (for longer than the test; the operator removes it below); once
    // the policy's 3 s window has seen it, the policy comes.
    inject_queue(&api, &cluster, 400.0, 3600).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    let policy = create_policy_as(&api, Some(&token), workers(&cluster)).await;
    let up = testkit::wait::until("a scale-up decision", Duration::from_secs(60), || async {
        let all = decisions(&api, &policy).await;
        match all.first() {
            // Decisions are read from the policy's stream, its job from the jobs read model,
            // which may still lag behind the append.
            Some(d) if d["decision"]["desired"] == 8 && d["job"]["type"] == "SCALE" => {
                Ok(d.clone())
            }
            _ => Err(format!("{all:?}")),
        }
    })
    .await;
    let d = &up["decision"];
    assert_eq!(
        (&d["current"], &d["dryRun"]),
        (&json!(4), &json!(false)),
        "{up}"
    );
    // The queue is 400 plus its own few: ceil(4 × (400 + own) / 4 / 50) = 9, capped.
    assert_eq!(d["cappedBy"], "MAX", "{up}");
    let reason = d["reason"].as_str().unwrap();
    assert!(reason.contains("desired 9 capped by max 8"), "{reason}");
    assert!(d["metricValue"].as_f64().unwrap() > 100.0, "{up}");
    assert_eq!(d["inputs"]["current"], 4);
    assert_eq!(up["actor"], "system:autoscaler");
    assert_eq!(
        up["planned"],
        json!(["shop-5", "shop-6", "shop-7", "shop-8"]),
        "{up}"
    );
    assert_eq!(up["job"]["type"], "SCALE");
    wait_for_running(&api, &cluster, 8, "the cluster to grow to 8").await;
    let job = up["job"]["id"].as_str().unwrap().to_string();
    let done = app
        .wait_for_job(&job, "COMPLETED", Duration::from_secs(60))
        .await;
    assert_eq!(done["progress"], 100, "{done}");
    let grown = testkit::wait::until("the scale-up's result", Duration::from_secs(30), || async {
        let all = decisions(&api, &policy).await;
        let first = all.iter().find(|d| d["job"]["id"] == job.as_str()).cloned();
        match first {
            Some(d) if !d["result"].is_null() => Ok(d),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert_eq!(
        grown["result"],
        json!({ "created": ["shop-5", "shop-6", "shop-7", "shop-8"], "destroyed": [], "skipped": [] })
    );
    // At 8 the queue per droplet is on target: nothing more happens while the load lasts.
    let last = testkit::wait::until("an evaluation at 8", Duration::from_secs(30), || async {
        let r = api.post(DECISIONS, json!({ "id": policy })).await;
        let e = r["data"]["scalingPolicy"]["lastEvaluation"].clone();
        if e["decision"]["current"] == 8 {
            Ok(e)
        } else {
            Err(r.to_string())
        }
    })
    .await;
    assert_eq!(last["decision"]["desired"], 8, "{last}");
    assert_eq!(decisions(&api, &policy).await.len(), 1);

    // The operator removes the load; after the stabilization window the cluster shrinks,
    // not below min.
    let r = api
        .post(
            "mutation($id: ID!) { clearLoad(targetType: CLUSTER, targetId: $id) { position } }",
            json!({ "id": cluster }),
        )
        .await;
    assert!(r["errors"].is_null(), "clearLoad: {r}");
    wait_for_running(&api, &cluster, 2, "the cluster to shrink to its minimum").await;
    // The window empties over a few seconds, so the way down may take more than one
    // decision (stabilization keeps the highest recommendation of the last 4 s); each
    // destroys the newest droplets, and the last stops at the minimum.
    let all = decisions(&api, &policy).await;
    let downs: Vec<&Value> = all
        .iter()
        .rev()
        .filter(|d| d["decision"]["desired"].as_i64() < d["decision"]["current"].as_i64())
        .collect();
    assert!(!downs.is_empty(), "{all:?}");
    assert_eq!(downs[0]["decision"]["current"], 8, "{all:?}");
    let last = downs.last().unwrap();
    assert_eq!(
        (&last["decision"]["desired"], &last["decision"]["cappedBy"]),
        (&json!(2), &json!("MIN")),
        "{all:?}"
    );
    let destroyed: Vec<Value> = downs
        .iter()
        .flat_map(|d| d["planned"].as_array().unwrap().clone())
        .collect();
    assert_eq!(
        destroyed,
        ["shop-8", "shop-7", "shop-6", "shop-5", "shop-4", "shop-3"].map(|n| json!(n)),
        "{all:?}"
    );
    for d in &downs[1..] {
        assert!(
            d["decision"]["inputs"]["last_scaled_at"].is_string(),
            "each later decision knows the scaling before it: {d}"
        );
    }
    assert_eq!(running(&api, &cluster).await, ["shop-1", "shop-2"]);

    // "Why did my cluster grow, and who set the policy": one history query.
    let r = api
        .post(
            "query($id: ID!) { history(aggregateType: ScalingPolicy, aggregateId: $id) { events { type actor } } }",
            json!({ "id": policy }),
        )
        .await;
    let events = r["data"]["history"]["events"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(events[0]["type"], "ScalingPolicyCreated", "{r}");
    let ops = events[0]["actor"].as_str().unwrap_or_default();
    assert!(ops.contains("ops"), "the operator set the policy: {r}");
    assert!(events.iter().any(|e| e["type"] == "ScalingDecided"));
    assert!(events.iter().any(|e| e["type"] == "ScalingCompleted"));
    app.stop().await;
}
on_both_backends!(a_policy_grows_and_shrinks_its_cluster);

async fn previews_record_nothing_and_dry_runs_record_once(backend: Backend) {
    let app = autoscaling_app(backend).await;
    let api = app.graphql.clone();
    let cluster = app.create_cluster("lab", "nyc1").await;
    populate(&api, &cluster, "lab", 1).await;
    let policy = create_policy(
        &api,
        json!({ "clusterId": cluster, "name": "cpu", "metric": "CPU", "target": 50,
            "minDroplets": 3, "maxDroplets": 5, "dryRun": true,
            "template": { "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" } }),
    )
    .await;
    let evaluate = "mutation($id: ID!, $dry: Boolean) { evaluateScalingPolicy(id: $id, dryRun: $dry) \
        { position evaluation { outcome decision { current desired dryRun reason cappedBy } job { id } } \
          scalingPolicy { name } } }";
    let before = app.store_head().await;
    let r = api
        .post(evaluate, json!({ "id": policy, "dry": true }))
        .await;
    let e = &r["data"]["evaluateScalingPolicy"];
    assert_eq!(e["evaluation"]["outcome"], "PREVIEW", "{r}");
    // One droplet, min 3: straight to the minimum.
    assert_eq!(e["evaluation"]["decision"]["desired"], 3, "{r}");
    assert_eq!(e["evaluation"]["decision"]["cappedBy"], "MIN", "{r}");
    assert_eq!(e["position"], 0);
    app.assert_nothing_appended(before).await;

    // A dry-run policy records its decision (no job), and the same decision only once.
    let r = api.post(evaluate, json!({ "id": policy })).await;
    let outcome = &r["data"]["evaluateScalingPolicy"]["evaluation"]["outcome"];
    assert_eq!(*outcome, "DRY_RUN", "{r}");
    assert_eq!(
        r["data"]["evaluateScalingPolicy"]["evaluation"]["job"],
        Value::Null
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = decisions(&api, &policy).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["decision"]["dryRun"], true);
    assert_eq!(all[0]["job"], Value::Null);
    assert_eq!(all[0]["planned"], json!([]));
    assert_eq!(
        running(&api, &cluster).await,
        ["lab-1"],
        "a dry run changes nothing"
    );

    // A viewer may read decisions but not ask for an evaluation.
    let viewer = app.token_for("watcher", "VIEWER").await;
    let r = api
        .post_as(Some(&viewer), evaluate, json!({ "id": policy }))
        .await;
    crate::helpers::assert_code(&r, "FORBIDDEN");
    app.stop().await;
}
on_both_backends!(previews_record_nothing_and_dry_runs_record_once);

async fn a_vertical_policy_resizes_droplets_one_at_a_time(backend: Backend) {
    let app = autoscaling_app(backend).await;
    let api = app.graphql.clone();
    let cluster = app.create_cluster("calc", "nyc1").await;
    populate(&api, &cluster, "calc", 2).await;
    // 80 points of CPU on each droplet: far above 50, so one size up; the range ends there.
    let r = api
        .post(
            "mutation($i: InjectLoadInput!) { injectLoad(input: $i) { position } }",
            json!({ "i": { "targetType": "CLUSTER", "targetId": cluster, "cpu": 80.0,
                "durationSeconds": 3600 } }),
        )
        .await;
    assert!(r["errors"].is_null(), "injectLoad: {r}");
    let policy = create_policy(
        &api,
        json!({ "clusterId": cluster, "name": "cpu", "mode": "VERTICAL", "metric": "CPU",
            "target": 50, "minDroplets": 1, "maxDroplets": 4, "windowSeconds": 3,
            "cooldownSeconds": 1, "minSize": "s-1vcpu-1gb", "maxSize": "s-1vcpu-2gb" }),
    )
    .await;
    let query = "query($id: ID!) { scalingPolicy(id: $id) { \
        lastEvaluation { outcome decision { currentSize desiredSize reason cappedBy } } \
        decisions(first: 10) { nodes { actor planned decision { current desired currentSize desiredSize reason } \
          result { created destroyed resized skipped } job { id type status } } } } }";
    let done = testkit::wait::until("a completed resize", Duration::from_secs(90), || async {
        let r = api.post(query, json!({ "id": policy })).await;
        let nodes = r["data"]["scalingPolicy"]["decisions"]["nodes"].clone();
        match nodes.as_array().and_then(|n| n.last()) {
            Some(d) if !d["result"].is_null() => Ok(d.clone()),
            _ => Err(r.to_string()),
        }
    })
    .await;
    let d = &done["decision"];
    assert_eq!(
        (
            &d["currentSize"],
            &d["desiredSize"],
            &d["current"],
            &d["desired"]
        ),
        (
            &json!("s-1vcpu-1gb"),
            &json!("s-1vcpu-2gb"),
            &json!(2),
            &json!(2)
        ),
        "{done}"
    );
    assert!(
        d["reason"]
            .as_str()
            .unwrap()
            .contains("one size up, s-1vcpu-2gb"),
        "{done}"
    );
    assert_eq!(done["planned"], json!(["calc-1", "calc-2"]), "{done}");
    assert_eq!(
        done["result"],
        json!({ "created": [], "destroyed": [], "resized": ["calc-1", "calc-2"], "skipped": [] })
    );
    assert_eq!(done["job"]["type"], "SCALE");
    // Every droplet has the new size, and the cluster still has two.
    let r = api
        .post(
            "query($id: ID!) { cluster(id: $id) { droplets(first: 10) { nodes { name size status } } } }",
            json!({ "id": cluster }),
        )
        .await;
    let droplets = r["data"]["cluster"]["droplets"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(droplets.len(), 2, "{r}");
    assert!(
        droplets
            .iter()
            .all(|d| d["size"] == "s-1vcpu-2gb" && d["status"] == "RUNNING"),
        "{r}"
    );
    // One droplet at a time: the second RESIZE job started after the first completed.
    let r = api
        .post(
            "{ jobs(first: 10, filter: {type: RESIZE}) { nodes { targetId timeline { at status } } } }",
            json!({}),
        )
        .await;
    let jobs = r["data"]["jobs"]["nodes"].as_array().unwrap().clone();
    assert_eq!(jobs.len(), 2, "{r}");
    let at = |job: &Value, status: &str| -> String {
        job["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["status"] == status)
            .map(|e| e["at"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no {status} in {job}"))
    };
    let mut spans: Vec<(String, String)> = jobs
        .iter()
        .map(|j| (at(j, "RUNNING"), at(j, "COMPLETED")))
        .collect();
    spans.sort();
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
    assert!(
        parse(&spans[0].1) <= parse(&spans[1].0),
        "the resizes overlapped: {spans:?}"
    );
    // At the top of its range the policy holds, and says so.
    let last = testkit::wait::until(
        "an evaluation at the largest size",
        Duration::from_secs(30),
        || async {
            let r = api.post(query, json!({ "id": policy })).await;
            let e = r["data"]["scalingPolicy"]["lastEvaluation"].clone();
            if e["decision"]["currentSize"] == "s-1vcpu-2gb" {
                Ok(e)
            } else {
                Err(r.to_string())
            }
        },
    )
    .await;
    assert_eq!(last["outcome"], "NO_CHANGE", "{last}");
    assert_eq!(last["decision"]["cappedBy"], "MAX", "{last}");
    app.stop().await;
}
on_both_backends!(a_vertical_policy_resizes_droplets_one_at_a_time);

/// A `clustergenie serve` child process on `storage` that scales slowly enough to be
/// killed in the middle of a SCALE job.
async fn start_process(storage: &Storage) -> (ChildProcess, GraphqlClient) {
    let env = [
        ("CLUSTERGENIE_PROVISION_SECONDS", "3"),
        ("CLUSTERGENIE_AUTOSCALER", "true"),
        ("CLUSTERGENIE_AUTOSCALER_INTERVAL_SECONDS", "1"),
    ];
    serve_process(storage, &env).await
}

async fn a_crash_during_a_scale_job_leaves_the_exact_count(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let (mut child, api) = start_process(&storage).await;
    let r = api
        .post(
            "mutation { createCluster(input: {name: \"crash\", region: \"nyc1\"}) { cluster { id } } }",
            json!({}),
        )
        .await;
    let cluster = string_at(&r, "/data/createCluster/cluster/id");
    // No droplets, min 5: the autoscaler scales straight to the minimum.
    let policy = create_policy(
        &api,
        json!({ "clusterId": cluster, "name": "floor", "metric": "CPU", "target": 50,
            "minDroplets": 5, "maxDroplets": 6,
            "template": { "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" } }),
    )
    .await;
    // Kill it while the SCALE job is under way: some droplets created, not all running.
    testkit::wait::until(
        "the SCALE job under way",
        Duration::from_secs(60),
        || async {
            let r = api.post(CLUSTER, json!({ "id": cluster })).await;
            let n = r["data"]["cluster"]["dropletCount"].as_i64().unwrap_or(0);
            let up = running(&api, &cluster).await.len();
            if n >= 1 && up < 5 {
                Ok(())
            } else {
                Err(r.to_string())
            }
        },
    )
    .await;
    child.kill();

    let (mut child, api) = start_process(&storage).await;
    wait_for_running(
        &api,
        &cluster,
        5,
        "the cluster to reach 5 after the restart",
    )
    .await;
    let all = decisions(&api, &policy).await;
    assert_eq!(all.len(), 1, "one decision, carried out once: {all:?}");
    let job = all[0]["job"]["id"].as_str().unwrap().to_string();
    testkit::wait::until(
        "the SCALE job to complete",
        Duration::from_secs(60),
        || async {
            let all = decisions(&api, &policy).await;
            if all[0]["job"]["status"] == "COMPLETED" {
                Ok(())
            } else {
                Err(format!("{all:?}"))
            }
        },
    )
    .await;
    // Nothing more after a while: exactly 5, named once each.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        running(&api, &cluster).await,
        ["crash-1", "crash-2", "crash-3", "crash-4", "crash-5"]
    );
    let r = api.post(CLUSTER, json!({ "id": cluster })).await;
    assert_eq!(r["data"]["cluster"]["dropletCount"], 5, "{r}");
    let all = decisions(&api, &policy).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["job"]["id"], job.as_str());
    child.kill();
}
on_both_backends!(a_crash_during_a_scale_job_leaves_the_exact_count);
