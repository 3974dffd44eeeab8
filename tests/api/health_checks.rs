//! Health checks: created over GraphQL against servers the tests start on 127.0.0.1, run by
//! the embedded scheduler, UNHEALTHY after the failure threshold and HEALTHY again after the
//! success threshold, the changes in the audit log; bad input refused; the default checks.

use crate::helpers::{assert_code, spawn_app, spawn_app_on, Backend, Storage, TestApp};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use testkit::wait;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const CREATE: &str = "mutation($i: CreateHealthCheckInput!) { createHealthCheck(input: $i) { healthCheck { id state kind target conditions timeoutMs } position projected } }";
const CHECK: &str = "query($id: ID!) { healthCheck(id: $id) { state status enabled version results(first: 50) { totalCount edges { node { success status error conditionResults { condition success actual } } } } uptime(window: \"1h\") { runs successes ratio } } }";
const RUN: &str = "mutation($id: ID!) { runHealthCheck(id: $id) { success status durationMs error conditionResults { condition success actual } } }";

/// An HTTP server on 127.0.0.1 answering `/health` with 200 `{"status":"UP"}` while `up` is
/// set, and 503 otherwise.
async fn target(up: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let up = up.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = stream.read(&mut buf).await;
                let (status, body) = if up.load(Ordering::SeqCst) {
                    ("200 OK", r#"{"status":"UP"}"#)
                } else {
                    ("503 Service Unavailable", r#"{"status":"DOWN"}"#)
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    port
}

/// Creates a check from `input` and returns its id.
async fn create(app: &TestApp, input: Value) -> String {
    let r = app.gql(CREATE, json!({ "i": input })).await;
    let id = r["data"]["createHealthCheck"]["healthCheck"]["id"].as_str();
    id.unwrap_or_else(|| panic!("{r}")).to_string()
}

/// Waits until check `id` is in `state`; its whole answer.
async fn wait_for_state(app: &TestApp, id: &str, state: &str) -> Value {
    wait::until(
        &format!("health check {id} {state}"),
        Duration::from_secs(30),
        || async move {
            let r = app.gql_id(CHECK, id).await;
            let check = r["data"]["healthCheck"].clone();
            (check["state"] == state)
                .then_some(check.clone())
                .ok_or(r.to_string())
        },
    )
    .await
}

async fn an_http_check_turns_unhealthy_after_its_threshold_and_recovers(backend: Backend) {
    let app = spawn_app(backend).await;
    let up = Arc::new(AtomicBool::new(true));
    let port = target(up.clone()).await;
    let id = create(
        &app,
        json!({
            "name": "orders API",
            "kind": "HTTP",
            "target": format!("http://127.0.0.1:{port}/health"),
            "intervalSeconds": 1,
            "timeoutMs": 800,
            "conditions": ["[STATUS]==200", "[BODY].status == UP", "[RESPONSE_TIME] < 5000"],
            "failureThreshold": 2,
            "successThreshold": 2,
        }),
    )
    .await;

    let healthy = wait_for_state(&app, &id, "HEALTHY").await;
    let first = &healthy["results"]["edges"][0]["node"];
    assert_eq!(first["success"], true, "{healthy}");
    assert_eq!(first["status"], 200);
    assert_eq!(first["conditionResults"][0]["condition"], "[STATUS] == 200");
    assert_eq!(first["conditionResults"][1]["actual"], "UP");

    up.store(false, Ordering::SeqCst);
    let unhealthy = wait_for_state(&app, &id, "UNHEALTHY").await;
    let latest = &unhealthy["results"]["edges"][0]["node"];
    assert_eq!(latest["success"], false, "{unhealthy}");
    assert_eq!(latest["status"], 503);
    assert_eq!(latest["conditionResults"][0]["actual"], "503");
    assert_eq!(latest["conditionResults"][1]["actual"], "DOWN");
    // /metrics has one gauge per check: 0 while UNHEALTHY.
    let text = app.get("/metrics").await.text().await.unwrap();
    let gauge = format!("clustergenie_health_check_up{{check=\"orders API\",check_id=\"{id}\"}} 0");
    assert!(text.lines().any(|l| l == gauge), "no {gauge} in /metrics");
    // Runs arrive late by less than a second (a tick is 250 ms).
    assert!(
        text.contains("clustergenie_healthcheck_lateness_seconds"),
        "{text}"
    );

    up.store(true, Ordering::SeqCst);
    let recovered = wait_for_state(&app, &id, "HEALTHY").await;
    let uptime = &recovered["uptime"];
    let (runs, successes) = (
        uptime["runs"].as_i64().unwrap(),
        uptime["successes"].as_i64().unwrap(),
    );
    assert!(runs >= 6 && successes >= 4 && successes < runs, "{uptime}");
    let ratio = uptime["ratio"].as_f64().unwrap();
    assert!(
        (ratio - successes as f64 / runs as f64).abs() < 1e-9,
        "{uptime}"
    );
    assert!(recovered["results"]["totalCount"].as_i64().unwrap() >= runs);

    // The changes of health are events: in the check's history, by the scheduler.
    let r = app
        .gql(
            "query($id: ID!) { events(filter: {aggregateType: HealthCheck, aggregateId: $id}, first: 20) { edges { node { type actor payload } } } }",
            json!({ "id": id }),
        )
        .await;
    let events = r["data"]["events"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"));
    let types: Vec<&str> = events
        .iter()
        .map(|e| e["node"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "HealthCheckCreated",
            "HealthCheckRecovered",
            "HealthCheckBecameUnhealthy",
            "HealthCheckRecovered"
        ],
        "{r}"
    );
    let became_unhealthy = &events[2]["node"];
    assert_eq!(became_unhealthy["actor"], "system:health-scheduler");
    let payload = &became_unhealthy["payload"];
    assert_eq!(payload["failures"], 2, "{payload}");
    assert!(
        payload["error"]
            .as_str()
            .unwrap()
            .contains("[STATUS] == 200 (was 503)"),
        "{payload}"
    );
    assert_eq!(events[3]["node"]["payload"]["from"], "UNHEALTHY");

    // On demand: a run now, answered at once.
    let r = app.gql_id(RUN, &id).await;
    let run = &r["data"]["runHealthCheck"];
    assert_eq!(run["success"], true, "{r}");
    assert_eq!(run["status"], 200);

    // Deleted: no more runs on demand.
    let r = app
        .gql_id(
            "mutation($id: ID!) { deleteHealthCheck(id: $id) { healthCheck { status } } }",
            &id,
        )
        .await;
    assert_eq!(
        r["data"]["deleteHealthCheck"]["healthCheck"]["status"], "DELETED",
        "{r}"
    );
    assert_code(&app.gql_id(RUN, &id).await, "NOT_FOUND");
    app.stop().await;
}
on_both_backends!(an_http_check_turns_unhealthy_after_its_threshold_and_recovers);

async fn tcp_checks_see_whether_a_port_accepts(backend: Backend) {
    let app = spawn_app(backend).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let open = listener.local_addr().unwrap().port();
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let tcp = |name: &str, port: u16| {
        json!({
            "name": name,
            "kind": "TCP",
            "target": format!("127.0.0.1:{port}"),
            "intervalSeconds": 60,
            "conditions": ["[CONNECTED] == true"],
        })
    };
    let open_id = create(&app, tcp("open port", open)).await;
    let closed_id = create(&app, tcp("closed port", closed)).await;
    let r = app.gql_id(RUN, &open_id).await;
    assert_eq!(r["data"]["runHealthCheck"]["success"], true, "{r}");
    let r = app.gql_id(RUN, &closed_id).await;
    let run = &r["data"]["runHealthCheck"];
    assert_eq!(run["success"], false, "{r}");
    assert_eq!(run["conditionResults"][0]["actual"], "false");
    assert!(run["error"].as_str().unwrap().contains("refused"), "{r}");
    drop(listener);
    app.stop().await;
}
on_both_backends!(tcp_checks_see_whether_a_port_accepts);

async fn bad_health_checks_are_refused_naming_the_field_and_append_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.event_count().await;
    let valid = json!({
        "name": "web",
        "kind": "HTTP",
        "target": "http://127.0.0.1:9/health",
        "intervalSeconds": 10,
        "conditions": ["[STATUS] == 200"],
    });
    for (field, value, fragment) in [
        (
            "conditions",
            json!(["[STATUS] === 200"]),
            "condition \"[STATUS] === 200\": unknown operator `===`",
        ),
        (
            "conditions",
            json!(["[NOPE] < 1"]),
            "condition \"[NOPE] < 1\": unknown placeholder `[NOPE]`",
        ),
        (
            "intervalSeconds",
            json!(-5),
            "must be 1–86400 seconds, got -5",
        ),
        (
            "timeoutMs",
            json!(20_000),
            "must be 10–10000 ms (at most the interval), got 20000",
        ),
        (
            "target",
            json!("ftp://example.com/"),
            "the scheme `ftp` is not allowed; use http or https",
        ),
        (
            "target",
            json!("http://169.254.169.254/latest/meta-data/"),
            "is a link-local or cloud metadata address",
        ),
        (
            "target",
            json!("http://[fd00:ec2::254]/"),
            "is a link-local or cloud metadata address",
        ),
        ("name", json!(""), "must be 1–100 characters, got 0"),
        ("failureThreshold", json!(0), "must be 1–100, got 0"),
    ] {
        let mut input = valid.clone();
        input[field] = value;
        let r = app.gql(CREATE, json!({ "i": input })).await;
        assert_code(&r, "BAD_USER_INPUT");
        let got = r["errors"][0]["message"].as_str().unwrap();
        assert!(
            got.starts_with(&format!("{field}: ")) && got.contains(fragment),
            "{field}: {got}"
        );
    }
    let tcp_with_status = json!({ "name": "db", "kind": "TCP", "target": "127.0.0.1:5432", "conditions": ["[STATUS] == 200"] });
    let r = app.gql(CREATE, json!({ "i": tcp_with_status })).await;
    assert_code(&r, "BAD_USER_INPUT");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("a TCP check cannot observe [STATUS]"),
        "{r}"
    );
    assert_code(
        &app.gql("{ healthCheck(id: \"nope\") { id } }", json!({}))
            .await,
        "BAD_USER_INPUT",
    );
    app.assert_nothing_appended(before).await;

    // An update is checked as a whole: a timeout over the new interval is refused.
    let id = create(&app, valid).await;
    let r = app
        .gql_id(
            "query($id: ID!) { healthCheck(id: $id) { uptime(window: \"2d\") { runs } } }",
            &id,
        )
        .await;
    assert_code(&r, "BAD_USER_INPUT");
    let r = app
        .gql(
            "mutation($id: ID!) { updateHealthCheck(id: $id, input: {intervalSeconds: 1, timeoutMs: 5000}) { healthCheck { intervalSeconds } } }",
            json!({ "id": id }),
        )
        .await;
    assert_code(&r, "BAD_USER_INPUT");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("timeoutMs: must be 10–1000 ms"),
        "{r}"
    );
    let r = app
        .gql(
            "mutation($id: ID!) { updateHealthCheck(id: $id, input: {intervalSeconds: 30, enabled: false}) { healthCheck { intervalSeconds enabled timeoutMs conditions } } }",
            json!({ "id": id }),
        )
        .await;
    let updated = &r["data"]["updateHealthCheck"]["healthCheck"];
    assert_eq!(updated["intervalSeconds"], 30, "{r}");
    assert_eq!(updated["enabled"], false);
    assert_eq!(updated["conditions"], json!(["[STATUS] == 200"]));
    app.stop().await;
}
on_both_backends!(bad_health_checks_are_refused_naming_the_field_and_append_nothing);

async fn a_new_installation_starts_with_the_default_checks(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |s| s.healthcheck_defaults = true).await;
    // Created at start; listed once the projector has caught up.
    let r = testkit::wait::until("the default checks listed", Duration::from_secs(10), || async {
        let r = app
            .gql(
                "{ healthChecks { totalCount edges { node { id name kind target conditions state } } } }",
                json!({}),
            )
            .await;
        match r["data"]["healthChecks"]["totalCount"].as_i64() {
            Some(2) => Ok(r),
            _ => Err(r.to_string()),
        }
    })
    .await;
    let checks = r["data"]["healthChecks"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"));
    let found: Vec<(&str, &str)> = checks
        .iter()
        .map(|c| {
            (
                c["node"]["name"].as_str().unwrap(),
                c["node"]["target"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Database connectivity", "database"),
            ("API latency", "api_latency")
        ],
        "{r}"
    );
    // Both measure this installation and pass.
    for check in checks {
        let id = check["node"]["id"].as_str().unwrap();
        let r = app.gql_id(RUN, id).await;
        assert_eq!(r["data"]["runHealthCheck"]["success"], true, "{r}");
    }
    // A deleted default stays deleted across restarts.
    let database = checks[0]["node"]["id"].as_str().unwrap().to_string();
    app.gql_id(
        "mutation($id: ID!) { deleteHealthCheck(id: $id) { position } }",
        &database,
    )
    .await;
    let storage = app.stop().await;
    let app = spawn_app_on(storage, |s| s.healthcheck_defaults = true).await;
    let r = app
        .gql(
            "{ healthChecks(filter: {status: ACTIVE}) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(r["data"]["healthChecks"]["totalCount"], 1, "{r}");
    app.stop().await;
}
on_both_backends!(a_new_installation_starts_with_the_default_checks);

async fn new_results_arrive_on_the_subscription(backend: Backend) {
    let app = spawn_app(backend).await;
    let up = Arc::new(AtomicBool::new(true));
    let port = target(up).await;
    let id = create(
        &app,
        json!({
            "name": "live",
            "kind": "HTTP",
            "target": format!("http://127.0.0.1:{port}/health"),
            "intervalSeconds": 1,
            "timeoutMs": 800,
            "conditions": ["[STATUS] == 200"],
        }),
    )
    .await;
    let results = app
        .subscribe(
            "subscription($id: ID!) { healthCheckResults(id: $id) { success status conditionResults { actual } } }",
            json!({ "id": id }),
            2,
            Duration::from_secs(30),
        )
        .await;
    assert_eq!(results.len(), 2, "{results:?}");
    for r in results {
        assert_eq!(r["data"]["healthCheckResults"]["status"], 200, "{r}");
    }
    app.stop().await;
}
on_both_backends!(new_results_arrive_on_the_subscription);
