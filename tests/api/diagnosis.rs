//! Diagnosis through the API: `diagnose` queues a DIAGNOSE job that collects the evidence
//! and completes with the built-in report (a FAILED droplet found, citing its failed job,
//! with the retry that applies it); the
//! report is exactly what the analyzer makes of the evidence recorded in the diagnosis'
//! history; unknown targets are NOT_FOUND; the diagnosis limiter refuses the burst.

use crate::helpers::{assert_code, spawn_app_on, Backend, Storage, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::time::Duration;

const DIAGNOSE: &str = "mutation($i: DiagnoseInput!) { diagnose(input: $i) { diagnosis { id status targetType targetId } job { id type } position } }";

const DIAGNOSIS: &str =
    "query($id: ID!) { diagnosis(id: $id) { id status question evidenceDigest durationMs error \
    report { backend checks { check status summary metrics { name value } } \
    findings { id check severity title explanation confidence evidence { kind ref excerpt } \
    recommendation { text action { kind dropletId jobId size } } } } } }";

fn ask(cluster: &str) -> Value {
    json!({ "i": { "targetType": "CLUSTER", "targetId": cluster, "question": "why is nothing served?" } })
}

async fn droplet_in(app: &TestApp, cluster: &str, name: &str, image: &str) -> (String, String) {
    let r = app
        .gql(
            "mutation($i: CreateDropletInput!) { createDroplet(input: $i) { droplet { id } job { id } } }",
            json!({ "i": { "name": name, "region": "nyc1", "size": "s-1vcpu-1gb", "image": image, "clusterId": cluster } }),
        )
        .await;
    (
        testkit::graphql::string_at(&r, "/data/createDroplet/droplet/id"),
        testkit::graphql::string_at(&r, "/data/createDroplet/job/id"),
    )
}

/// The diagnosis' events: `{ data { history { events { type payload } } } }`.
async fn history(app: &TestApp, id: &str) -> Value {
    app.gql(
        "query($id: ID!) { history(aggregateType: Diagnosis, aggregateId: $id) { events { type payload } } }",
        json!({ "id": id }),
    )
    .await
}

async fn completed(app: &TestApp, id: &str) -> Value {
    testkit::wait::until(
        &format!("diagnosis {id} to complete"),
        Duration::from_secs(60),
        || async {
            let r = app.gql(DIAGNOSIS, json!({ "id": id })).await;
            let d = r["data"]["diagnosis"].clone();
            match d["status"].as_str() {
                Some("COMPLETED") => Ok(d),
                _ => Err(r.to_string()),
            }
        },
    )
    .await
}

async fn a_failed_droplet_is_found_with_its_evidence(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |s| {
        s.job_max_attempts = 1;
    })
    .await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let (broken, job) = droplet_in(&app, &cluster, "web-1", "broken-boot-x64").await;
    app.wait_for_job(&job, "FAILED", Duration::from_secs(60))
        .await;

    // Nothing to diagnose: NOT_FOUND, nothing appended.
    let head = app.store_head().await;
    let missing = app
        .gql(DIAGNOSE, ask(&uuid::Uuid::new_v4().to_string()))
        .await;
    assert_code(&missing, "NOT_FOUND");
    app.assert_nothing_appended(head).await;

    let r = app.gql(DIAGNOSE, ask(&cluster)).await;
    assert!(r["errors"].is_null(), "{r}");
    let asked = &r["data"]["diagnose"];
    assert_eq!(asked["diagnosis"]["targetType"], "CLUSTER", "{r}");
    assert_eq!(asked["diagnosis"]["targetId"], cluster.as_str(), "{r}");
    assert_eq!(asked["job"]["type"], "DIAGNOSE", "{r}");
    let id = asked["diagnosis"]["id"].as_str().unwrap().to_string();

    let d = completed(&app, &id).await;
    assert_eq!(d["question"], "why is nothing served?");
    let report = &d["report"];
    assert_eq!(report["backend"], "builtin");
    assert_eq!(report["checks"].as_array().unwrap().len(), 5, "{report}");
    let failed = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == format!("droplet-failed:{broken}"))
        .unwrap_or_else(|| panic!("no droplet-failed finding: {report}"));
    assert_eq!(failed["severity"], "CRITICAL");
    assert_eq!(failed["check"], "RELIABILITY");
    assert_eq!(failed["evidence"][0]["kind"], "JOB", "{failed}");
    assert_eq!(failed["evidence"][0]["ref"], job.as_str(), "{failed}");
    assert_eq!(
        failed["recommendation"]["action"],
        json!({ "kind": "RETRY_JOB", "dropletId": null, "jobId": job, "size": null }),
        "{failed}"
    );
    let reliability = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "RELIABILITY")
        .unwrap();
    assert_eq!(reliability["status"], "FAIL", "{reliability}");

    // The history holds the evidence; the analyzer makes the same report of it.
    let h = history(&app, &id).await;
    let events = h["data"]["history"]["events"]
        .as_array()
        .unwrap_or_else(|| panic!("{h}"));
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "DiagnosisRequested",
            "DiagnosisEvidenceCollected",
            "DiagnosisCompleted"
        ],
        "{h}"
    );
    let collected = &events[1]["payload"];
    assert_eq!(collected["digest"], d["evidenceDigest"], "{h}");
    let snapshot: schema::diagnosis::Snapshot =
        serde_json::from_value(collected["snapshot"].clone()).unwrap();
    assert_eq!(
        command::handlers::evidence_digest(&snapshot),
        d["evidenceDigest"].as_str().unwrap()
    );
    let replayed =
        command::diagnosis::analyze(&snapshot, &[], &command::diagnosis::Thresholds::default());
    assert_eq!(
        serde_json::to_value(&replayed).unwrap(),
        events[2]["payload"]["report"],
        "the recorded report is the analyzer's on the recorded evidence"
    );
    app.stop().await;
}
on_both_backends!(a_failed_droplet_is_found_with_its_evidence);

const APPLY: &str = "mutation($d: ID!, $f: String!) { applyRecommendation(diagnosisId: $d, findingId: $f) { diagnosis { appliedFindings appliedRecommendations { findingId jobId } } job { id type } position } }";

/// The events of an aggregate, with who caused them: `[{type causationId}]`.
async fn caused(app: &TestApp, aggregate: &str, id: &str) -> Vec<(String, String)> {
    let r = app
        .gql(
            "query($t: AggregateType!, $id: ID!) { history(aggregateType: $t, aggregateId: $id) { events { type causationId } } }",
            json!({ "t": aggregate, "id": id }),
        )
        .await;
    r["data"]["history"]["events"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"))
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["causationId"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A stopped droplet is found with "power it on"; applying that runs `powerDroplet`'s
/// command path, whose events name the diagnosis as their cause, and records it; applying
/// it again returns the same job and appends nothing; a finding without a command, an
/// unknown finding and a viewer are refused.
async fn applying_a_recommendation_runs_its_command_caused_by_the_diagnosis(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |_| {}).await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let (web, job) = droplet_in(&app, &cluster, "web-1", "ubuntu-24-04-x64").await;
    app.wait_for_job(&job, "COMPLETED", Duration::from_secs(60))
        .await;
    let off = app
        .gql(
            "mutation($id: ID!) { powerDroplet(id: $id, on: false) { job { id } } }",
            json!({ "id": web }),
        )
        .await;
    let off = testkit::graphql::string_at(&off, "/data/powerDroplet/job/id");
    app.wait_for_job(&off, "COMPLETED", Duration::from_secs(60))
        .await;

    let r = app.gql(DIAGNOSE, ask(&cluster)).await;
    let id = testkit::graphql::string_at(&r, "/data/diagnose/diagnosis/id");
    let d = completed(&app, &id).await;
    let finding = format!("droplet-stopped:{web}");
    let stopped = d["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == finding.as_str())
        .unwrap_or_else(|| panic!("no {finding}: {d}"));
    assert_eq!(
        stopped["recommendation"]["action"]["kind"], "POWER_ON_DROPLET",
        "{stopped}"
    );

    // Refusals append nothing.
    let head = app.store_head().await;
    let unknown = app.gql(APPLY, json!({ "d": id, "f": "nope" })).await;
    assert_code(&unknown, "NOT_FOUND");
    let missing = app
        .gql(
            APPLY,
            json!({ "d": uuid::Uuid::new_v4().to_string(), "f": finding }),
        )
        .await;
    assert_code(&missing, "NOT_FOUND");
    if let Some(advice) = d["report"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["recommendation"]["action"].is_null())
    {
        let r = app.gql(APPLY, json!({ "d": id, "f": advice["id"] })).await;
        assert_code(&r, "FAILED_PRECONDITION");
    }
    app.assert_nothing_appended(head).await;

    let r = app.gql(APPLY, json!({ "d": id, "f": finding })).await;
    assert!(r["errors"].is_null(), "{r}");
    let applied = &r["data"]["applyRecommendation"];
    assert_eq!(applied["job"]["type"], "POWER", "{r}");
    let power = applied["job"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        applied["diagnosis"]["appliedRecommendations"],
        json!([{ "findingId": finding, "jobId": power }]),
        "{r}"
    );
    assert_eq!(applied["diagnosis"]["appliedFindings"], json!([finding]));
    app.wait_for_job(&power, "COMPLETED", Duration::from_secs(60))
        .await;
    let status = app
        .gql(
            "query($id: ID!) { droplet(id: $id) { status } }",
            json!({ "id": web }),
        )
        .await;
    assert_eq!(status["data"]["droplet"]["status"], "RUNNING", "{status}");

    // The command's events (the droplet's request, the job's queueing) and the record of
    // it name the diagnosis as their cause.
    let job_events = caused(&app, "Job", &power).await;
    assert_eq!(
        job_events[0],
        ("JobQueued".into(), id.clone()),
        "{job_events:?}"
    );
    let droplet_events = caused(&app, "Droplet", &web).await;
    assert!(
        droplet_events.iter().any(|(_, cause)| cause == &id),
        "{droplet_events:?}"
    );
    let diagnosis_events = caused(&app, "Diagnosis", &id).await;
    assert_eq!(
        diagnosis_events.last().unwrap(),
        &("RecommendationApplied".to_string(), id.clone())
    );

    // Again, as anyone: the same job, nothing new.
    let head = app.store_head().await;
    let again = app.gql(APPLY, json!({ "d": id, "f": finding })).await;
    assert_eq!(
        again["data"]["applyRecommendation"]["job"]["id"],
        power.as_str(),
        "{again}"
    );
    assert_eq!(
        again["data"]["applyRecommendation"]["position"], 0,
        "{again}"
    );
    app.assert_nothing_appended(head).await;
    app.stop().await;
}
on_both_backends!(applying_a_recommendation_runs_its_command_caused_by_the_diagnosis);

/// The diagnosis limiter, once set, refuses requests beyond its capacity with
/// RATE_LIMITED and `retryAfterSeconds`, appending nothing. (A second request while one is
/// unfinished returning that one is tested on the write side, where no worker races it.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnosis_requests_are_rate_limited() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| {
        s.diag_cap = Some(2);
        s.diag_rate = Some(0.001);
    })
    .await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    for _ in 0..2 {
        let r = app.gql(DIAGNOSE, ask(&cluster)).await;
        let id = r["data"]["diagnose"]["diagnosis"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{r}"))
            .to_string();
        completed(&app, &id).await;
    }
    let head = app.store_head().await;
    let third = app.gql(DIAGNOSE, ask(&cluster)).await;
    assert_code(&third, "RATE_LIMITED");
    assert!(
        third["errors"][0]["extensions"]["retryAfterSeconds"].as_u64() > Some(0),
        "{third}"
    );
    app.assert_nothing_appended(head).await;
    app.stop().await;
}

/// A health check linked to a cluster or droplet is evidence for diagnoses of that cluster
/// (and its droplets) only; an unlinked check for every diagnosis. The links are set on
/// create, changed and removed on update, and checked (BAD_USER_INPUT naming the field).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_checks_are_evidence_for_what_they_watch() {
    const CHECK: &str = "mutation($i: CreateHealthCheckInput!) { createHealthCheck(input: $i) { healthCheck { id clusterId dropletId } } }";
    const UPDATE: &str = "mutation($id: ID!, $i: UpdateHealthCheckInput!) { updateHealthCheck(id: $id, input: $i) { healthCheck { id clusterId dropletId } } }";
    let app = spawn_app_on(Storage::fresh(Backend::Sqlite).await, |_| {}).await;
    let shop = app.create_cluster("shop", "nyc1").await;
    let blog = app.create_cluster("blog", "nyc1").await;
    let check = |name: &str, link: Value| {
        let mut i = json!({ "name": name, "kind": "HTTP", "target": "http://127.0.0.1:9/health", "intervalSeconds": 3600 });
        i.as_object_mut()
            .unwrap()
            .extend(link.as_object().unwrap().clone());
        json!({ "i": i })
    };
    let created = app
        .gql(CHECK, check("shop-api", json!({ "clusterId": shop })))
        .await;
    assert_eq!(
        created["data"]["createHealthCheck"]["healthCheck"]["clusterId"],
        shop.as_str(),
        "{created}"
    );
    let shop_check =
        testkit::graphql::string_at(&created, "/data/createHealthCheck/healthCheck/id");
    let blog_check = testkit::graphql::string_at(
        &app.gql(CHECK, check("blog-api", json!({ "clusterId": blog })))
            .await,
        "/data/createHealthCheck/healthCheck/id",
    );
    let loose = testkit::graphql::string_at(
        &app.gql(CHECK, check("dns", json!({}))).await,
        "/data/createHealthCheck/healthCheck/id",
    );

    // Refused, naming the field: an unknown cluster, both links at once.
    let unknown = app
        .gql(
            CHECK,
            check(
                "x",
                json!({ "clusterId": uuid::Uuid::new_v4().to_string() }),
            ),
        )
        .await;
    assert_code(&unknown, "BAD_USER_INPUT");
    assert!(
        unknown["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("clusterId: cluster "),
        "{unknown}"
    );
    let both = app
        .gql(
            CHECK,
            check("x", json!({ "clusterId": shop, "dropletId": shop })),
        )
        .await;
    assert_code(&both, "BAD_USER_INPUT");

    let diagnosis = app.gql(DIAGNOSE, ask(&shop)).await;
    let id = testkit::graphql::string_at(&diagnosis, "/data/diagnose/diagnosis/id");
    completed(&app, &id).await;
    let h = history(&app, &id).await;
    let snapshot: schema::diagnosis::Snapshot =
        serde_json::from_value(h["data"]["history"]["events"][1]["payload"]["snapshot"].clone())
            .unwrap_or_else(|e| panic!("{e}: {h}"));
    let mut cited: Vec<&str> = snapshot
        .health_checks
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    cited.sort();
    let mut expected = vec![shop_check.as_str(), loose.as_str()];
    let defaults: Vec<&str> = snapshot
        .health_checks
        .iter()
        .filter(|c| ![&shop_check, &loose, &blog_check].contains(&&c.id))
        .map(|c| c.id.as_str())
        .collect();
    expected.extend(defaults); // the installation's own checks watch nothing in particular
    expected.sort();
    assert_eq!(
        cited, expected,
        "the blog's check is not evidence about the shop"
    );

    // Moved to the blog, then unlinked.
    let moved = app
        .gql(
            UPDATE,
            json!({ "id": shop_check, "i": { "clusterId": blog } }),
        )
        .await;
    assert_eq!(
        moved["data"]["updateHealthCheck"]["healthCheck"]["clusterId"],
        blog.as_str(),
        "{moved}"
    );
    let kept = app
        .gql(
            UPDATE,
            json!({ "id": shop_check, "i": { "intervalSeconds": 600 } }),
        )
        .await;
    assert_eq!(
        kept["data"]["updateHealthCheck"]["healthCheck"]["clusterId"],
        blog.as_str(),
        "{kept}"
    );
    let unlinked = app
        .gql(
            UPDATE,
            json!({ "id": shop_check, "i": { "clusterId": null } }),
        )
        .await;
    assert_eq!(
        unlinked["data"]["updateHealthCheck"]["healthCheck"],
        json!({ "id": shop_check, "clusterId": null, "dropletId": null }),
        "{unlinked}"
    );
    app.stop().await;
}

/// Requests that start nothing are answered before they cost a token: an unknown target
/// (NOT_FOUND), a question beyond the limit (BAD_USER_INPUT) and an idempotency key used
/// before (the first diagnosis again). With a capacity of one, the one diagnosis that
/// starts is still allowed after them, and the next new one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_that_start_nothing_cost_no_token() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| {
        s.diag_cap = Some(1);
        s.diag_rate = Some(0.001);
    })
    .await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let missing = uuid::Uuid::new_v4().to_string();
    for _ in 0..3 {
        assert_code(&app.gql(DIAGNOSE, ask(&missing)).await, "NOT_FOUND");
    }
    let long = json!({ "i": { "targetType": "CLUSTER", "targetId": cluster, "question": "?".repeat(2001) } });
    assert_code(&app.gql(DIAGNOSE, long).await, "BAD_USER_INPUT");

    let mut keyed = ask(&cluster);
    keyed["i"]["idempotencyKey"] = json!("diag-once");
    let first = app.gql(DIAGNOSE, keyed.clone()).await;
    let id = testkit::graphql::string_at(&first, "/data/diagnose/diagnosis/id");
    completed(&app, &id).await;
    let head = app.store_head().await;
    for _ in 0..2 {
        let again = app.gql(DIAGNOSE, keyed.clone()).await;
        assert_eq!(
            testkit::graphql::string_at(&again, "/data/diagnose/diagnosis/id"),
            id,
            "{again}"
        );
    }
    app.assert_nothing_appended(head).await;
    assert_code(&app.gql(DIAGNOSE, ask(&cluster)).await, "RATE_LIMITED");
    app.stop().await;
}

/// A local OpenAI-protocol server: streams `answer` as chat-completion chunks, or answers
/// 500 while `broken`; counts the requests and keeps the last body.
struct ModelServer {
    url: String,
    broken: std::sync::Arc<std::sync::atomic::AtomicBool>,
    bodies: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    handle: actix_web::dev::ServerHandle,
}

async fn model_server(answer: Value) -> ModelServer {
    use actix_web::{web, App, HttpResponse, HttpServer};
    use std::sync::atomic::Ordering;
    let broken = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (b, seen) = (broken.clone(), bodies.clone());
    let server = HttpServer::new(move || {
        let (b, seen, answer) = (b.clone(), seen.clone(), answer.clone());
        App::new().route(
            "/v1/chat/completions",
            web::post().to(move |body: web::Json<Value>| {
                let (b, seen, answer) = (b.clone(), seen.clone(), answer.clone());
                async move {
                    seen.lock().unwrap().push(body.into_inner());
                    if b.load(Ordering::SeqCst) {
                        return HttpResponse::InternalServerError().body("overloaded");
                    }
                    let text = answer.to_string();
                    let (a, z) = text.split_at(text.len() / 2);
                    let chunk = |content: &str| {
                        json!({ "id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "test-model",
                                "choices": [{ "index": 0, "delta": { "content": content }, "finish_reason": null }] })
                    };
                    let sse: String = [chunk(a), chunk(z)]
                        .iter()
                        .map(|c| format!("data: {c}\n\n"))
                        .chain(std::iter::once("data: [DONE]\n\n".to_string()))
                        .collect();
                    HttpResponse::Ok().content_type("text/event-stream").body(sse)
                }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    ModelServer {
        url: format!("http://127.0.0.1:{port}/v1"),
        broken,
        bodies,
        handle,
    }
}

/// With a model configured, the report is the model's (its summary, backend
/// `openai:<model>`, the built-in findings kept); what it was asked and said is in the
/// history; a model that fails leaves the built-in report with a note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_model_explains_the_report_and_its_failure_falls_back() {
    let answer = json!({ "summary": "The shop's only droplet never booted.", "findings": [] });
    let model = model_server(answer).await;
    let storage = Storage::fresh(Backend::Sqlite).await;
    let url = model.url.clone();
    let app = spawn_app_on(storage, move |s| {
        s.job_max_attempts = 1;
        s.llm_base_url = Some(url);
        s.llm_model = Some("test-model".into());
    })
    .await;
    let cluster = app.create_cluster("shop", "nyc1").await;
    let (broken, job) = droplet_in(&app, &cluster, "web-1", "broken-boot-x64").await;
    app.wait_for_job(&job, "FAILED", Duration::from_secs(60))
        .await;

    let r = app.gql(DIAGNOSE, ask(&cluster)).await;
    let id = testkit::graphql::string_at(&r, "/data/diagnose/diagnosis/id");
    let d = completed(&app, &id).await;
    assert_eq!(d["report"]["backend"], "openai:test-model", "{d}");
    let findings = d["report"]["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["id"] == format!("droplet-failed:{broken}")),
        "the built-in finding stays: {d}"
    );
    // What left the machine: names masked, the schema asked for.
    let sent = model.bodies.lock().unwrap().last().cloned().unwrap();
    let text = sent.to_string();
    assert!(
        !text.contains("web-1") && !text.contains("\"shop\""),
        "{text}"
    );
    assert_eq!(sent["response_format"]["type"], "json_schema", "{sent}");
    // The history keeps the prompt's hash and the validated answer.
    let h = history(&app, &id).await;
    let done = &h["data"]["history"]["events"][2]["payload"];
    assert_eq!(done["model"]["backend"], "openai:test-model", "{h}");
    assert_eq!(
        done["model"]["prompt_hash"].as_str().map(str::len),
        Some(64),
        "{h}"
    );
    assert_eq!(
        done["model"]["answer"]["summary"], "The shop's only droplet never booted.",
        "{h}"
    );
    assert_eq!(
        done["report"]["summary"],
        "The shop's only droplet never booted."
    );

    // The model fails: the built-in report, saying why.
    model
        .broken
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let r = app.gql(DIAGNOSE, ask(&cluster)).await;
    let id = testkit::graphql::string_at(&r, "/data/diagnose/diagnosis/id");
    let d = completed(&app, &id).await;
    assert_eq!(d["report"]["backend"], "builtin", "{d}");
    let h = history(&app, &id).await;
    let done = &h["data"]["history"]["events"][2]["payload"];
    assert!(done["model"]["fallback"].is_string(), "{h}");
    assert!(done["model"]["answer"].is_null(), "{h}");
    assert!(done["report"]["note"].is_string(), "{h}");
    app.stop().await;
    model.handle.stop(true).await;
}
