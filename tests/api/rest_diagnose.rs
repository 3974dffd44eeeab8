//! REST v1 diagnoses (`POST /api/v1/diagnose`, `GET /api/v1/diagnose/{job_id}`) on both
//! backends: a request answered 202 and read until 200 with its results per check, the same
//! diagnosis GraphQL reads, waiting with `options.timeout`, `verbose` findings, the target
//! given as a bare id, each documented error (400 naming the field, 404, 429) and the roles.

use crate::helpers::{spawn_app, spawn_app_on, Backend, Storage, TestApp};
use crate::on_both_backends;
use crate::rest::{app_with_viewer, call, get, Answer};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

async fn diagnose(app: &TestApp, body: Value) -> Answer {
    call(app, Method::POST, "/api/v1/diagnose", None, &[], Some(body)).await
}

/// Reads `GET /diagnose/{job}` until it answers 200.
async fn finished(app: &TestApp, job: &str, query: &str) -> Value {
    let path = format!("/api/v1/diagnose/{job}{query}");
    testkit::wait::until(
        &format!("diagnosis job {job} to finish"),
        Duration::from_secs(60),
        || async {
            let r = get(app, &path).await;
            match r.status {
                200 => Ok(r.body),
                202 => Err(r.body.to_string()),
                s => panic!("{path}: {s} {}", r.body),
            }
        },
    )
    .await
}

async fn a_diagnosis_is_queued_and_read_until_finished(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let body = json!({
        "target": { "type": "cluster", "id": cluster },
        "checks": ["capacity", "RELIABILITY"],
        "question": "is it healthy?",
    });
    let r = diagnose(&app, body).await;
    assert!(
        r.status == 202 || r.status == 200,
        "{} {}",
        r.status,
        r.body
    );
    let job = r.body["job_id"].as_str().unwrap().to_string();
    let diagnosis = r.body["diagnosis_id"].as_str().unwrap().to_string();
    if r.status == 202 {
        assert!(
            ["queued", "running"].contains(&r.body["status"].as_str().unwrap()),
            "{}",
            r.body
        );
        let path = format!("/api/v1/diagnose/{job}");
        assert_eq!(r.header("location"), Some(path.as_str()));
        assert_eq!(r.body["status_url"], path.as_str());
        assert!(
            r.body["estimated_completion"].as_str().is_some(),
            "{}",
            r.body
        );
    }
    let done = finished(&app, &job, "").await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["job_id"], job.as_str());
    assert_eq!(done["target_type"], "cluster");
    assert_eq!(done["target_id"], cluster.as_str());
    assert_eq!(done["backend"], "builtin", "{done}");
    let results = done["results"].as_object().unwrap();
    let checks: Vec<&str> = results.keys().map(String::as_str).collect();
    assert_eq!(checks, ["capacity", "reliability"], "{done}");
    for (name, result) in results {
        assert!(
            ["pass", "warning", "fail"].contains(&result["status"].as_str().unwrap()),
            "{name}: {result}"
        );
        assert!(result["details"].is_array(), "{result}");
        assert!(result["metrics"].is_object(), "{result}");
        assert!(result.get("findings").is_none(), "not verbose: {result}");
    }

    // GraphQL reads the same diagnosis, with the same result per check.
    let g = app
        .gql(
            "query($id: ID!) { diagnosis(id: $id) { status jobId question report { checks { check status summary } } } }",
            json!({ "id": diagnosis }),
        )
        .await;
    let d = &g["data"]["diagnosis"];
    assert_eq!(d["status"], "COMPLETED", "{g}");
    assert_eq!(d["jobId"], job.as_str(), "{g}");
    assert_eq!(d["question"], "is it healthy?", "{g}");
    for c in d["report"]["checks"].as_array().unwrap() {
        let name = c["check"].as_str().unwrap().to_lowercase();
        let status = c["status"].as_str().unwrap().to_lowercase();
        assert_eq!(
            done["results"][&name]["status"],
            status.as_str(),
            "{g} {done}"
        );
        assert_eq!(
            done["results"][&name]["summary"], c["summary"],
            "{g} {done}"
        );
    }
    app.stop().await;
}
on_both_backends!(a_diagnosis_is_queued_and_read_until_finished);

/// A FAILED droplet, diagnosed by its bare id with `options.timeout`: the POST waits and
/// answers 200 with the report; `verbose` adds the finding citing the failed job and its
/// recommended retry, under its check.
async fn a_wait_answers_with_the_report_and_verbose_adds_findings(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |s| s.job_max_attempts = 1).await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let r = app
        .gql(
            "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } job { id } } }",
            json!({ "i": { "name": "web-1", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "broken-boot-x64", "clusterId": cluster } }),
        )
        .await;
    let droplet = testkit::graphql::string_at(&r, "/data/createDroplet/droplet/id");
    let job = testkit::graphql::string_at(&r, "/data/createDroplet/job/id");
    app.wait_for_job(&job, "FAILED", Duration::from_secs(60))
        .await;

    let body = json!({ "target": droplet, "options": { "timeout": 60, "verbose": true } });
    let r = diagnose(&app, body).await;
    assert_eq!(r.status, 200, "waited for the report: {}", r.body);
    assert_eq!(r.body["status"], "completed", "{}", r.body);
    assert_eq!(r.body["target_type"], "droplet", "a bare id of a droplet");
    assert_eq!(r.body["target_id"], droplet.as_str());
    let findings: Vec<&Value> = r.body["results"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|c| c["findings"].as_array().unwrap())
        .collect();
    let cites_job = |f: &&Value| {
        f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "JOB" && e["ref"] == job.as_str())
    };
    let failed = findings
        .iter()
        .find(|f| cites_job(f))
        .unwrap_or_else(|| panic!("a finding cites job {job}: {}", r.body));
    assert_eq!(
        failed["recommendation"]["action"]["kind"], "RETRY_JOB",
        "{failed}"
    );
    // Every finding sits under its own check.
    for (name, check) in r.body["results"].as_object().unwrap() {
        for f in check["findings"].as_array().unwrap() {
            assert_eq!(f["check"].as_str().unwrap().to_lowercase(), *name, "{f}");
        }
    }

    // The same answer by GET, verbose or not.
    let diagnosis_job = r.body["job_id"].as_str().unwrap();
    let plain = finished(&app, diagnosis_job, "").await;
    assert_eq!(plain["results"].as_object().unwrap().len(), 5, "{plain}");
    let verbose = finished(&app, diagnosis_job, "?verbose=true").await;
    assert_eq!(verbose, r.body);
    app.stop().await;
}
on_both_backends!(a_wait_answers_with_the_report_and_verbose_adds_findings);

async fn bad_requests_name_what_is_wrong(backend: Backend) {
    let app = spawn_app(backend).await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let head = app.store_head().await;
    let refused = |body: Value, field: &'static str| {
        let app = &app;
        async move {
            let r = diagnose(app, body).await;
            r.assert_error(400, "BAD_USER_INPUT");
            let message = r.body["error"].as_str().unwrap();
            assert!(message.starts_with(field), "{field}: {message}");
        }
    };
    refused(json!({}), "target").await;
    refused(json!({ "target": "nope" }), "target").await;
    refused(json!({ "target": 7 }), "target").await;
    refused(json!({ "target": { "id": cluster } }), "target.type").await;
    refused(
        json!({ "target": { "type": "vm", "id": cluster } }),
        "target.type",
    )
    .await;
    refused(
        json!({ "target": { "type": "cluster", "id": "x" } }),
        "target.id",
    )
    .await;
    refused(json!({ "target": cluster, "checks": ["speed"] }), "checks").await;
    refused(json!({ "target": cluster, "checks": "capacity" }), "checks").await;
    let too_long = json!({ "target": cluster, "options": { "timeout": 61 } });
    refused(too_long, "options.timeout").await;
    refused(
        json!({ "target": cluster, "options": { "verbose": "yes" } }),
        "options.verbose",
    )
    .await;
    refused(json!({ "target": cluster, "options": [] }), "options").await;
    app.assert_nothing_appended(head).await;

    // No such target, by id or typed: 404, nothing appended.
    let missing = uuid::Uuid::new_v4().to_string();
    diagnose(&app, json!({ "target": missing }))
        .await
        .assert_error(404, "NOT_FOUND");
    let typed = json!({ "target": { "type": "droplet", "id": missing } });
    diagnose(&app, typed).await.assert_error(404, "NOT_FOUND");
    app.assert_nothing_appended(head).await;

    // GET: a malformed id is 400, an unknown job and a job that is no diagnosis 404.
    get(&app, "/api/v1/diagnose/x")
        .await
        .assert_error(400, "BAD_USER_INPUT");
    get(&app, &format!("/api/v1/diagnose/{missing}"))
        .await
        .assert_error(404, "NOT_FOUND");
    let provision = app.create_droplet_job("web-1").await;
    get(&app, &format!("/api/v1/diagnose/{provision}"))
        .await
        .assert_error(404, "NOT_FOUND");
    app.stop().await;
}
on_both_backends!(bad_requests_name_what_is_wrong);

/// The `diagnosis` limiter refuses the request beyond its capacity: 429 with Retry-After.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnoses_over_the_limit_are_429() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| {
        s.diag_cap = Some(1);
        s.diag_rate = Some(0.001);
    })
    .await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let body = json!({ "target": cluster, "options": { "timeout": 60 } });
    let first = diagnose(&app, body.clone()).await;
    assert_eq!(first.status, 200, "{}", first.body);
    let head = app.store_head().await;
    let second = diagnose(&app, body).await;
    second.assert_error(429, "RATE_LIMITED");
    assert!(
        second
            .header("retry-after")
            .and_then(|s| s.parse::<u64>().ok())
            > Some(0),
        "{:?}",
        second.headers
    );
    app.assert_nothing_appended(head).await;
    app.stop().await;
}

/// A VIEWER reads diagnoses but may not ask for one; no credentials is 401.
async fn a_viewer_reads_but_may_not_diagnose(backend: Backend) {
    let (app, admin, viewer) = app_with_viewer(backend).await;
    let cluster = app
        .gql_as(
            Some(&admin),
            "mutation { createCluster(input: { name: \"shop\", region: \"nyc1\" }) { cluster { id } } }",
            json!({}),
        )
        .await;
    let cluster = testkit::graphql::string_at(&cluster, "/data/createCluster/cluster/id");
    let body = json!({ "target": { "type": "cluster", "id": cluster } });
    let post = |token: Option<&str>| {
        let (app, body, token) = (&app, body.clone(), token.map(str::to_string));
        async move {
            call(
                app,
                Method::POST,
                "/api/v1/diagnose",
                token.as_deref(),
                &[],
                Some(body),
            )
            .await
        }
    };
    post(None).await.assert_error(401, "UNAUTHENTICATED");
    post(Some(&viewer)).await.assert_error(403, "FORBIDDEN");
    let r = post(Some(&admin)).await;
    assert!(r.status == 202 || r.status == 200, "{}", r.body);
    let path = format!("/api/v1/diagnose/{}", r.body["job_id"].as_str().unwrap());
    let read = call(&app, Method::GET, &path, Some(&viewer), &[], None).await;
    assert!(read.status == 202 || read.status == 200, "{}", read.body);
    call(&app, Method::GET, &path, None, &[], None)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    app.stop().await;
}
on_both_backends!(a_viewer_reads_but_may_not_diagnose);
