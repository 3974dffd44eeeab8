//! Activity logs: a request's lines found by correlation id, resource id, text, service and
//! level, newest first with a stable cursor, and linked to the audit events it caused; a
//! failing job's error in the logs; secrets never stored; bad filters refused naming the
//! field; the live tail delivering new lines and resuming from a cursor; retention.
//!
//! Every app in this test process stores every record the process writes, so each test
//! finds its own lines by a correlation id or a resource id of its own.

use crate::helpers::{assert_code, spawn_app_on, Backend, Storage, TestApp};
use crate::on_both_backends;
use clustergenie::configuration::StoreLevel;
use serde_json::{json, Value};
use std::time::Duration;
use store::activity_log::{ActivityLog, LogRecord};
use testkit::graphql::string_at;
use testkit::subscription::Subscription;
use testkit::wait;

const LOGS: &str = "query($f: LogFilter, $q: String, $first: Int, $after: String) { logs(filter: $f, query: $q, first: $first, after: $after) { pageInfo { hasNextPage endCursor } nodes { id cursor at level service instance target message fields resourceIds correlationId traceId } } }";
const CREATE_CLUSTER: &str =
    "mutation($i: CreateClusterInput!) { createCluster(input: $i) { cluster { id } } }";

/// An app that stores its activity log (the other tests' apps do not).
async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_on(Storage::fresh(backend).await, |s| {
        s.log_store_level = StoreLevel::Info
    })
    .await
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4())
}

/// The records `filter` finds (first page of 100).
async fn logs(app: &TestApp, filter: Value) -> Vec<Value> {
    let r = app.gql(LOGS, json!({ "f": filter, "first": 100 })).await;
    assert!(r.get("errors").is_none(), "{r}");
    r["data"]["logs"]["nodes"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Waits until `filter` finds at least `n` records, and returns them.
async fn logs_at_least(app: &TestApp, filter: Value, n: usize) -> Vec<Value> {
    wait::until(
        &format!("{n} log records matching {filter}"),
        Duration::from_secs(20),
        || {
            let filter = filter.clone();
            async move {
                let found = logs(app, filter).await;
                if found.len() >= n {
                    Ok(found)
                } else {
                    Err(format!("{} so far", found.len()))
                }
            }
        },
    )
    .await
}

/// Creates a cluster in a request with correlation id `correlation`; returns its id.
async fn create_cluster_correlated(app: &TestApp, correlation: &str) -> String {
    let body = json!({ "query": CREATE_CLUSTER, "variables": { "i": { "name": unique("logs"), "region": "nyc1" } } });
    let (status, _, r) = app
        .post_with(
            &[
                ("content-type", "application/json"),
                ("x-correlation-id", correlation),
            ],
            body.to_string(),
        )
        .await;
    assert_eq!(status, 200, "{r}");
    string_at(&r, "/data/createCluster/cluster/id")
}

async fn a_requests_lines_are_searchable_and_linked_to_its_audit_events(backend: Backend) {
    let app = spawn_app(backend).await;
    let correlation = unique("corr");
    let cluster = create_cluster_correlated(&app, &correlation).await;

    // The command's line and the request's line, newest first.
    let lines = logs_at_least(&app, json!({ "correlationId": correlation }), 2).await;
    let commit = lines
        .iter()
        .find(|l| l["message"].as_str().unwrap().contains("ClusterCreated"))
        .unwrap_or_else(|| panic!("no commit line in {lines:?}"));
    assert_eq!(commit["level"], "INFO");
    assert_eq!(commit["service"], "api");
    assert_eq!(commit["resourceIds"], json!([cluster]));
    assert_eq!(commit["fields"]["actor"], "local");
    assert!(
        commit["traceId"].as_str().is_some_and(|t| t.len() == 32),
        "{commit}"
    );
    assert!(
        commit["instance"].as_str().unwrap().contains(':'),
        "{commit}"
    );
    assert!(lines
        .iter()
        .any(|l| l["message"] == "mutation createCluster ok"));
    let times: Vec<&str> = lines.iter().map(|l| l["at"].as_str().unwrap()).collect();
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");

    // The audit events of the same request carry the same correlation id.
    let events = app
        .gql(
            "query($c: String) { events(filter: { correlationId: $c }) { nodes { type correlationId aggregateId } } }",
            json!({ "c": correlation }),
        )
        .await;
    let events = events["data"]["events"]["nodes"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "ClusterCreated");
    assert_eq!(events[0]["aggregateId"], cluster.as_str());

    // By resource id, by text in another case, by service and by level.
    let by_resource = logs(&app, json!({ "resourceId": cluster })).await;
    assert!(
        by_resource.iter().any(|l| l["id"] == commit["id"]),
        "{by_resource:?}"
    );
    let by_text = logs(
        &app,
        json!({ "text": cluster.to_uppercase(), "correlationId": correlation }),
    )
    .await;
    assert_eq!(by_text.len(), 1, "{by_text:?}");
    assert_eq!(by_text[0]["id"], commit["id"]);
    let by_service = logs(
        &app,
        json!({ "services": ["worker", "projector"], "correlationId": correlation }),
    )
    .await;
    assert!(by_service.is_empty(), "{by_service:?}");
    let by_level = logs(
        &app,
        json!({ "minLevel": "WARN", "correlationId": correlation }),
    )
    .await;
    assert!(by_level.is_empty(), "{by_level:?}");
    let in_range = logs(
        &app,
        json!({ "correlationId": correlation, "since": commit["at"], "until": commit["at"] }),
    )
    .await;
    assert!(
        in_range.iter().any(|l| l["id"] == commit["id"]),
        "{in_range:?}"
    );

    // The same through a LogQL-like query.
    let r = app
        .gql(
            LOGS,
            json!({ "q": format!("{{service=\"api\", correlation_id=\"{correlation}\"}} |= \"clustercreated\" != \"mutation\"") }),
        )
        .await;
    let nodes = r["data"]["logs"]["nodes"]
        .as_array()
        .unwrap_or_else(|| panic!("{r}"));
    assert_eq!(nodes.len(), 1, "{r}");
    assert_eq!(nodes[0]["id"], commit["id"]);

    // Pages: one record at a time, each older than the one before, none twice.
    let mut after: Option<String> = None;
    let mut seen = Vec::new();
    loop {
        let r = app
            .gql(
                LOGS,
                json!({ "f": { "correlationId": correlation }, "first": 1, "after": after }),
            )
            .await;
        let page = &r["data"]["logs"];
        let nodes = page["nodes"].as_array().unwrap();
        seen.extend(nodes.iter().map(|n| n["id"].clone()));
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].as_str().map(str::to_string);
    }
    let all: Vec<Value> = logs(&app, json!({ "correlationId": correlation }))
        .await
        .iter()
        .map(|l| l["id"].clone())
        .collect();
    assert_eq!(seen, all);
}
on_both_backends!(a_requests_lines_are_searchable_and_linked_to_its_audit_events);

async fn a_failing_jobs_error_is_in_the_logs(backend: Backend) {
    let app = spawn_app_on(Storage::fresh(backend).await, |s| {
        s.log_store_level = StoreLevel::Info;
        s.provision_failure_rate = 1.0;
        s.job_max_attempts = 1;
        s.provision_seconds = 0.3;
    })
    .await;
    let (droplet, job) = app.create_droplet(&unique("fails"), "debian-12-x64").await;
    app.wait_for_job(&job, "FAILED", Duration::from_secs(30))
        .await;
    let lines = logs_at_least(
        &app,
        json!({ "resourceId": droplet, "minLevel": "ERROR" }),
        1,
    )
    .await;
    let line = &lines[0];
    assert_eq!(line["service"], "worker", "{line}");
    assert!(
        line["message"]
            .as_str()
            .unwrap()
            .starts_with("job failed for good: simulated"),
        "{line}"
    );
    assert_eq!(line["fields"]["job_id"], job.as_str());
    assert!(line["resourceIds"]
        .as_array()
        .unwrap()
        .contains(&json!(job)));
    // The line continues the correlation of the request that queued the job.
    let queued = app
        .gql(
            "query($id: ID!) { events(filter: { aggregateId: $id }) { nodes { type correlationId } } }",
            json!({ "id": job }),
        )
        .await;
    let queued = &queued["data"]["events"]["nodes"][0];
    assert_eq!(queued["type"], "JobQueued");
    assert_eq!(line["correlationId"], queued["correlationId"]);
    // Found by its text, too.
    let by_text = logs(&app, json!({ "text": "SIMULATED", "resourceId": droplet })).await;
    assert!(by_text.iter().any(|l| l["id"] == line["id"]));
}
on_both_backends!(a_failing_jobs_error_is_in_the_logs);

async fn secrets_never_reach_a_record(backend: Backend) {
    let app = spawn_app(backend).await;
    let marker = unique("secret-test");
    let secrets = [
        format!("pw-{}", uuid::Uuid::new_v4()),
        format!("key-{}", uuid::Uuid::new_v4()),
        format!("tok-{}", uuid::Uuid::new_v4()),
        format!("url-{}", uuid::Uuid::new_v4()),
        format!("bearer-{}", uuid::Uuid::new_v4()),
    ];
    {
        let span = tracing::info_span!("login", api_key = %secrets[1]);
        let _entered = span.enter();
        tracing::info!(
            password = %secrets[0],
            authorization = %format!("Bearer {}", secrets[4]),
            marker = %marker,
            "connecting to postgres://admin:{}@db/cg with token={} for {marker}",
            secrets[3],
            secrets[2],
        );
    }
    // A request with a bad bearer token and one with a good one: headers never logged.
    let bad = format!("Bearer {}", secrets[4]);
    let (status, _, _) = app
        .post_with(
            &[
                ("content-type", "application/json"),
                ("authorization", &bad),
            ],
            json!({ "query": "{ logServices }" }).to_string(),
        )
        .await;
    assert_eq!(status, 401);
    let line = logs_at_least(&app, json!({ "text": marker }), 1).await;
    assert_eq!(line[0]["fields"]["password"], "[redacted]", "{line:?}");
    assert_eq!(line[0]["fields"]["api_key"], "[redacted]", "{line:?}");

    // Nothing of any secret anywhere in the stored log, nor in what the API shows of it.
    let db = app.storage.db().await;
    let rows: Vec<String> = store::on_pool!(db.reads(), p => {
        sqlx::query_scalar::<_, String>(
            "SELECT message || ' ' || fields || ' ' || resource_ids || ' ' || target || ' ' || COALESCE(correlation_id, '') FROM log_records",
        )
        .fetch_all(p)
        .await
        .unwrap()
    });
    let stored = rows.join("\n");
    assert!(stored.contains(&marker));
    let shown = logs(&app, json!({})).await;
    let shown = serde_json::to_string(&shown).unwrap();
    for secret in &secrets {
        assert!(!stored.contains(secret.as_str()), "{secret} stored");
        assert!(!shown.contains(secret.as_str()), "{secret} shown");
    }
}
on_both_backends!(secrets_never_reach_a_record);

async fn bad_filters_are_refused_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let cases = [
        (json!({ "f": { "services": ["apii"] } }), "filter.services"),
        (
            json!({ "f": { "since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z" } }),
            "filter.since",
        ),
        (json!({ "f": { "text": "x".repeat(257) } }), "filter.text"),
        (
            json!({ "f": { "resourceId": "x".repeat(129) } }),
            "filter.resourceId",
        ),
        (json!({ "after": "bm90LWEtY3Vyc29y" }), "after"),
        (json!({ "first": -1 }), "first"),
        (json!({ "q": "{service=\"api\"", }), "query"),
        (json!({ "q": "{service=\"api\"}", "f": {} }), "query"),
    ];
    for (variables, field) in cases {
        let r = app.gql(LOGS, variables.clone()).await;
        assert_code(&r, "BAD_USER_INPUT");
        let message = r["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{variables}: {message}");
    }
    // An unknown level is not a level at all.
    let r = app.gql(LOGS, json!({ "f": { "minLevel": "LOUD" } })).await;
    assert!(r.get("errors").is_some(), "{r}");
    assert!(
        r["errors"][0]["message"].as_str().unwrap().contains("LOUD"),
        "{r}"
    );
}
on_both_backends!(bad_filters_are_refused_naming_the_field);

const TAIL: &str = "subscription($f: LogFilter, $after: String) { logTail(filter: $f, after: $after) { cursor dropped record { id message service correlationId } } }";

async fn the_live_tail_shows_new_lines_and_resumes_from_a_cursor(backend: Backend) {
    let app = spawn_app(backend).await;
    let correlation = unique("tail");
    let filter = json!({ "correlationId": correlation });
    let mut tail = Subscription::start(app.port, TAIL, json!({ "f": filter })).await;
    // The subscription listens before the request (its first poll may lag a moment).
    tokio::time::sleep(Duration::from_millis(300)).await;
    create_cluster_correlated(&app, &correlation).await;
    let first = tail.next_data(Duration::from_secs(20)).await;
    let second = tail.next_data(Duration::from_secs(20)).await;
    for m in [&first, &second] {
        assert_eq!(
            m["logTail"]["record"]["correlationId"],
            correlation.as_str()
        );
        assert_eq!(m["logTail"]["record"]["service"], "api");
        assert_eq!(m["logTail"]["dropped"], 0);
    }
    let id = |m: &Value| {
        m["logTail"]["record"]["id"]
            .as_str()
            .unwrap()
            .parse::<i64>()
            .unwrap()
    };
    assert!(id(&first) < id(&second), "stored order");

    // From the first line's cursor: the second line again, from the stored log.
    let cursor = first["logTail"]["cursor"].as_str().unwrap();
    let mut resumed =
        Subscription::start(app.port, TAIL, json!({ "f": filter, "after": cursor })).await;
    let again = resumed.next_data(Duration::from_secs(20)).await;
    assert_eq!(again["logTail"]["record"], second["logTail"]["record"]);

    // A bad cursor is refused.
    let mut bad = Subscription::start(app.port, TAIL, json!({ "after": "nope" })).await;
    match bad.next(Duration::from_secs(10)).await {
        testkit::subscription::Delivery::Next(p) | testkit::subscription::Delivery::Error(p) => {
            assert!(p.to_string().contains("BAD_USER_INPUT"), "{p}")
        }
        other => panic!("{other:?}"),
    }
}
on_both_backends!(the_live_tail_shows_new_lines_and_resumes_from_a_cursor);

async fn old_records_are_deleted_with_their_resource_index(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let db = storage.db().await;
    let log = ActivityLog::new(db);
    let resource = uuid::Uuid::new_v4().to_string();
    let record = |at_us: i64, message: &str| LogRecord {
        id: 0,
        at_us,
        level: schema::logs::LogLevel::Info,
        service: "api".into(),
        instance: "test:1".into(),
        target: "tests".into(),
        message: message.into(),
        fields: Default::default(),
        resource_ids: vec![resource.clone()],
        correlation_id: None,
        trace_id: None,
    };
    let now = store::now_us();
    let ids = log
        .append(&[record(now - 7_200_000_000, "old"), record(now, "new")])
        .await
        .unwrap();
    assert_eq!(ids.len(), 2);
    assert!(ids[0] < ids[1]);
    let q = schema::logs::LogQuery {
        resource_id: Some(resource.clone()),
        ..Default::default()
    };
    assert_eq!(log.search(&q, None, 10).await.unwrap().len(), 2);
    assert_eq!(log.prune(now - 3_600_000_000).await.unwrap(), 1);
    let left = log.search(&q, None, 10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].message, "new");
    assert_eq!(log.prune(now - 3_600_000_000).await.unwrap(), 0);
}
on_both_backends!(old_records_are_deleted_with_their_resource_index);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_buffer_drops_and_counts_records_instead_of_blocking() {
    let app = spawn_app_on(Storage::fresh(Backend::Sqlite).await, |s| {
        s.log_store_level = StoreLevel::Info;
        s.log_buffer_records = 100
    })
    .await;
    let marker = unique("flood");
    let before = clustergenie::telemetry::logs::dropped();
    // Far faster than a batch is stored: the buffer of 100 overflows.
    for i in 0..5_000 {
        tracing::info!(marker = %marker, i, "flood {marker}");
    }
    assert!(clustergenie::telemetry::logs::dropped() > before);
    let metrics = app.get("/metrics").await.text().await.unwrap();
    let dropped: f64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("clustergenie_log_records_dropped_total "))
        .unwrap_or_else(|| panic!("no dropped counter in {metrics}"))
        .trim()
        .parse()
        .unwrap();
    assert!(dropped > 0.0);
    // What fitted was stored, and the app goes on answering.
    logs_at_least(&app, json!({ "text": marker }), 100).await;
    let db = app.storage.db().await;
    let pattern = format!("flood {marker}");
    let stored: i64 = store::on_pool!(db.reads(), p => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM log_records WHERE message = ?1")
            .bind(&pattern)
            .fetch_one(p)
            .await
            .unwrap()
    });
    assert!((100..5_000).contains(&stored), "{stored} stored");
    assert_eq!(app.health().await.0, 200);
}
