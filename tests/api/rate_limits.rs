//! Rate limits: rule CRUD over GraphQL, which limit applies (rule over default, a rule for one
//! cluster over the rule for each), the jobs limiter's denial (nothing appended), `local`
//! mode without defaults, two API instances sharing Redis, and the HTTP limiter's headers.
//! Bursts are exact: refills are slow enough (one token per 1000 s) that none comes back
//! during a test.

use crate::helpers::{assert_code, spawn_app, spawn_app_on, Backend, Storage, TestApp};
use serde_json::{json, Value};
use testkit::graphql::string_at;

const CREATE_RULE: &str = "mutation($i: CreateRateLimitRuleInput!) { createRateLimitRule(input: $i) \
    { rateLimitRule { id name scope scopeId refillRate capacity status version } position projected } }";
const UPDATE_RULE: &str = "mutation($id: ID!, $i: UpdateRateLimitRuleInput!, $v: Int) \
    { updateRateLimitRule(id: $id, input: $i, expectedVersion: $v) \
    { rateLimitRule { refillRate capacity version } position } }";
const DELETE_RULE: &str =
    "mutation($id: ID!) { deleteRateLimitRule(id: $id) { rateLimitRule { status } position } }";
const STATUS: &str = "query($n: String!, $s: RateLimitScope!, $id: ID) \
    { rateLimitStatus(name: $n, scope: $s, scopeId: $id) \
    { name scope scopeId source ruleId capacity remaining refillRate resetAt enforced } }";
const CREATE_DROPLET: &str = "mutation($i: CreateDropletInput!) \
    { createDroplet(input: $i) { droplet { id } job { id } } }";

/// A refill so slow that no token comes back during a test.
const SLOW: f64 = 0.001;

async fn create_rule(app: &TestApp, input: Value) -> Value {
    app.gql(CREATE_RULE, json!({ "i": input })).await
}

async fn create_droplet(app: &TestApp, name: &str, cluster: Option<&str>) -> Value {
    let input = json!({ "name": name, "region": "nyc1", "size": "s-1vcpu-1gb",
        "image": "debian-12-x64", "clusterId": cluster });
    app.gql(CREATE_DROPLET, json!({ "i": input })).await
}

async fn status(app: &TestApp, name: &str, scope: &str, id: Option<&str>) -> Value {
    let r = app
        .gql(STATUS, json!({ "n": name, "s": scope, "id": id }))
        .await;
    assert!(r["data"]["rateLimitStatus"].is_object(), "{r}");
    r["data"]["rateLimitStatus"].clone()
}

/// Sends `n` droplet creations (into `cluster`) one after the other; returns how many were
/// allowed, failing on any error but RATE_LIMITED.
async fn burst(app: &TestApp, prefix: &str, n: usize, cluster: Option<&str>) -> usize {
    let mut allowed = 0;
    for i in 0..n {
        let r = create_droplet(app, &format!("{prefix}-{i}"), cluster).await;
        if r["errors"].is_null() {
            allowed += 1;
        } else {
            assert_code(&r, "RATE_LIMITED");
        }
    }
    allowed
}

async fn rule_crud_and_validation(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = create_rule(
        &app,
        json!({ "name": "jobs", "scope": "USER", "refillRate": 0.5, "capacity": 10 }),
    )
    .await;
    let rule = &r["data"]["createRateLimitRule"]["rateLimitRule"];
    assert_eq!(rule["name"], "jobs", "{r}");
    assert_eq!(
        (rule["scope"].clone(), rule["scopeId"].clone()),
        (json!("USER"), Value::Null)
    );
    assert_eq!(
        (rule["refillRate"].clone(), rule["capacity"].clone()),
        (json!(0.5), json!(10))
    );
    assert_eq!(rule["status"], "ACTIVE");
    let id = string_at(&r, "/data/createRateLimitRule/rateLimitRule/id");

    // One rule per (name, scope, scopeId).
    let again = create_rule(
        &app,
        json!({ "name": "jobs", "scope": "USER", "refillRate": 1.0, "capacity": 1 }),
    )
    .await;
    assert_code(&again, "CONFLICT");
    let cluster = uuid::Uuid::new_v4().to_string();
    let one = create_rule(
        &app,
        json!({ "name": "diagnosis", "scope": "CLUSTER", "scopeId": cluster, "refillRate": 1.0, "capacity": 2 }),
    )
    .await;
    assert_eq!(
        one["data"]["createRateLimitRule"]["rateLimitRule"]["scopeId"], cluster,
        "{one}"
    );

    let before = app.event_count().await;
    for (input, field) in [
        (
            json!({ "name": "Jobs!", "scope": "USER", "refillRate": 1.0, "capacity": 1 }),
            "name",
        ),
        (
            json!({ "name": "jobs", "scope": "CLUSTER", "refillRate": 0.0, "capacity": 1 }),
            "refillRate",
        ),
        (
            json!({ "name": "jobs", "scope": "CLUSTER", "refillRate": 1.0, "capacity": 0 }),
            "capacity",
        ),
        (
            json!({ "name": "jobs", "scope": "GLOBAL", "scopeId": cluster, "refillRate": 1.0, "capacity": 1 }),
            "scopeId",
        ),
        (
            json!({ "name": "jobs", "scope": "USER", "scopeId": "alice", "refillRate": 1.0, "capacity": 1 }),
            "scopeId",
        ),
    ] {
        let r = create_rule(&app, input).await;
        assert_code(&r, "BAD_USER_INPUT");
        let message = r["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(field), "{field}: {message}");
    }
    app.assert_nothing_appended(before).await;

    let stale = app
        .gql(
            UPDATE_RULE,
            json!({ "id": id, "i": { "refillRate": 2.0, "capacity": 20 }, "v": 7 }),
        )
        .await;
    assert_code(&stale, "CONFLICT");
    let updated = app
        .gql(
            UPDATE_RULE,
            json!({ "id": id, "i": { "refillRate": 2.0, "capacity": 20 }, "v": 1 }),
        )
        .await;
    let rule = &updated["data"]["updateRateLimitRule"]["rateLimitRule"];
    assert_eq!(
        (rule["capacity"].clone(), rule["version"].clone()),
        (json!(20), json!(2)),
        "{updated}"
    );
    let bad = app
        .gql(
            UPDATE_RULE,
            json!({ "id": id, "i": { "refillRate": -1.0, "capacity": 20 } }),
        )
        .await;
    assert_code(&bad, "BAD_USER_INPUT");

    let listed = app
        .gql(
            "{ rateLimitRules(filter: { name: \"jobs\" }) { totalCount edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        listed["data"]["rateLimitRules"]["totalCount"], 1,
        "{listed}"
    );
    let found = app
        .gql_id(
            "query($id: ID!) { rateLimitRule(id: $id) { capacity } }",
            &id,
        )
        .await;
    assert_eq!(found["data"]["rateLimitRule"]["capacity"], 20, "{found}");

    let deleted = app.gql_id(DELETE_RULE, &id).await;
    assert_eq!(
        deleted["data"]["deleteRateLimitRule"]["rateLimitRule"]["status"], "DELETED",
        "{deleted}"
    );
    assert_code(&app.gql_id(DELETE_RULE, &id).await, "NOT_FOUND");
    // The triple is free again.
    let recreated = create_rule(
        &app,
        json!({ "name": "jobs", "scope": "USER", "refillRate": 1.0, "capacity": 1 }),
    )
    .await;
    assert!(recreated["errors"].is_null(), "{recreated}");
    let audit = app
        .gql(
            "{ events(filter: { aggregateType: RateLimitRule }) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(audit["data"]["events"]["totalCount"], 5, "{audit}");
    app.stop().await;
}

#[tokio::test]
async fn rule_crud_and_validation_sqlite() {
    rule_crud_and_validation(Backend::Sqlite).await;
}

#[tokio::test]
async fn rule_crud_and_validation_postgres() {
    rule_crud_and_validation(Backend::Postgres).await;
}

/// With `CLUSTERGENIE_JOBS_CAP=2` set, the third job mutation of a burst is refused with
/// `retryAfterSeconds` and appends nothing.
async fn the_jobs_limiter_refuses_the_burst_beyond_capacity(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |s| {
        s.jobs_cap = Some(2);
        s.jobs_rate = Some(SLOW);
    })
    .await;
    let first = create_droplet(&app, "burst-0", None).await;
    let droplet = string_at(&first, "/data/createDroplet/droplet/id");
    let job = string_at(&first, "/data/createDroplet/job/id");
    let second = create_droplet(&app, "burst-1", None).await;
    // Their jobs done, nothing appends by itself any more.
    app.completed(&job).await;
    app.completed(&string_at(&second, "/data/createDroplet/job/id"))
        .await;
    let own = status(&app, "jobs", "USER", None).await;
    assert_eq!(
        (
            own["source"].clone(),
            own["capacity"].clone(),
            own["remaining"].clone()
        ),
        (json!("DEFAULT"), json!(2), json!(0)),
        "{own}"
    );

    let before = app.event_count().await;
    let refused = create_droplet(&app, "burst-2", None).await;
    assert_code(&refused, "RATE_LIMITED");
    let retry = refused["errors"][0]["extensions"]["retryAfterSeconds"].as_u64();
    // One token per 1000 s.
    assert!(
        retry.is_some_and(|s| (900..=1000).contains(&s)),
        "{refused}"
    );
    // Every job-starting mutation is limited: a destroy and a retry too.
    let destroy = app.gql_id(crate::helpers::DESTROY_DROPLET, &droplet).await;
    assert_code(&destroy, "RATE_LIMITED");
    let retried = app.gql_id(crate::helpers::RETRY_JOB, &job).await;
    assert_code(&retried, "RATE_LIMITED");
    app.assert_nothing_appended(before).await;
    // Others are not job-starting: creating a cluster goes on.
    let cluster = app.try_create_cluster(None, "unlimited", "nyc1").await;
    assert!(cluster["errors"].is_null(), "{cluster}");
    app.stop().await;
}

#[tokio::test]
async fn the_jobs_limiter_refuses_the_burst_beyond_capacity_sqlite() {
    the_jobs_limiter_refuses_the_burst_beyond_capacity(Backend::Sqlite).await;
}

#[tokio::test]
async fn the_jobs_limiter_refuses_the_burst_beyond_capacity_postgres() {
    the_jobs_limiter_refuses_the_burst_beyond_capacity(Backend::Postgres).await;
}

/// In `local` mode the built-in defaults (3 jobs in a burst) do not apply unless set.
#[tokio::test]
async fn local_mode_has_no_default_limit_unless_one_is_set() {
    let app = spawn_app(Backend::Sqlite).await;
    assert_eq!(burst(&app, "free", 5, None).await, 5);
    let own = status(&app, "jobs", "USER", None).await;
    assert_eq!(
        (own["source"].clone(), own["capacity"].clone()),
        (json!("UNLIMITED"), Value::Null),
        "{own}"
    );
    // A rule applies in every mode.
    let r = create_rule(
        &app,
        json!({ "name": "jobs", "scope": "GLOBAL", "refillRate": SLOW, "capacity": 1 }),
    )
    .await;
    assert!(r["errors"].is_null(), "{r}");
    assert_eq!(burst(&app, "ruled", 3, None).await, 1);
    app.stop().await;
}

/// A rule overrides the default of its scope, and a rule for one cluster beats the rule
/// for each cluster; deleting it brings the general rule back.
#[tokio::test]
async fn a_rule_overrides_the_default_and_a_rule_for_one_cluster_beats_the_general_one() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| {
        s.jobs_scope = Some("cluster".into());
        s.jobs_cap = Some(1);
        s.jobs_rate = Some(SLOW);
    })
    .await;
    let (a, b, c) = (
        app.create_cluster("alpha", "nyc1").await,
        app.create_cluster("beta", "nyc1").await,
        app.create_cluster("gamma", "nyc1").await,
    );
    assert_eq!(burst(&app, "default", 3, Some(&c)).await, 1);
    let general = create_rule(
        &app,
        json!({ "name": "jobs", "scope": "CLUSTER", "refillRate": SLOW, "capacity": 2 }),
    )
    .await;
    let general_id = string_at(&general, "/data/createRateLimitRule/rateLimitRule/id");
    let specific = create_rule(
        &app,
        json!({ "name": "jobs", "scope": "CLUSTER", "scopeId": a, "refillRate": SLOW, "capacity": 3 }),
    )
    .await;
    let specific_id = string_at(&specific, "/data/createRateLimitRule/rateLimitRule/id");

    assert_eq!(burst(&app, "a", 5, Some(&a)).await, 3);
    assert_eq!(burst(&app, "b", 5, Some(&b)).await, 2);
    let of_a = status(&app, "jobs", "CLUSTER", Some(&a)).await;
    assert_eq!(
        (
            of_a["source"].clone(),
            of_a["ruleId"].clone(),
            of_a["remaining"].clone()
        ),
        (json!("RULE"), json!(specific_id), json!(0)),
        "{of_a}"
    );
    let of_b = status(&app, "jobs", "CLUSTER", Some(&b)).await;
    assert_eq!(of_b["ruleId"], json!(general_id), "{of_b}");
    assert!(of_b["resetAt"].is_string(), "{of_b}");

    app.gql_id(DELETE_RULE, &specific_id).await;
    let of_a = status(&app, "jobs", "CLUSTER", Some(&a)).await;
    assert_eq!(
        (of_a["ruleId"].clone(), of_a["capacity"].clone()),
        (json!(general_id), json!(2)),
        "{of_a}"
    );
    app.gql_id(DELETE_RULE, &general_id).await;
    let of_a = status(&app, "jobs", "CLUSTER", Some(&a)).await;
    assert_eq!(
        (of_a["source"].clone(), of_a["capacity"].clone()),
        (json!("DEFAULT"), json!(1)),
        "{of_a}"
    );
    app.stop().await;
}

fn redis_url() -> String {
    std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

/// Two API instances on one database and one Redis prefix share the buckets: of a burst
/// sent to both at once, exactly `capacity` requests are allowed between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_sharing_redis_allow_exactly_the_capacity_between_them() {
    let storage = Storage::fresh(Backend::Postgres).await;
    let prefix = format!("cgtest:{}:", uuid::Uuid::new_v4());
    let shared = |s: &mut clustergenie::configuration::Settings| {
        s.redis_url = Some(redis_url());
        s.rate_limit_prefix = prefix.clone();
        s.jobs_scope = Some("global".into());
        s.jobs_cap = Some(4);
        s.jobs_rate = Some(SLOW);
    };
    let one = spawn_app_on(storage.clone(), shared).await;
    let two = spawn_app_on(storage.clone(), shared).await;
    let (_, health) = one.health().await;
    assert_eq!(
        health["checks"]["rate_limits"]["backend"], "redis",
        "{health}"
    );
    assert_eq!(health["checks"]["rate_limits"]["status"], "up", "{health}");

    // All at once: a barrier releases the twelve requests together.
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(12));
    let sends = (0..12).map(|i| {
        let app = if i % 2 == 0 { &one } else { &two };
        let barrier = barrier.clone();
        async move {
            barrier.wait().await;
            create_droplet(app, &format!("shared-{i}"), None).await
        }
    });
    let answers = futures::future::join_all(sends).await;
    let allowed = answers.iter().filter(|r| r["errors"].is_null()).count();
    for r in answers.iter().filter(|r| !r["errors"].is_null()) {
        assert_code(r, "RATE_LIMITED");
    }
    assert_eq!(allowed, 4, "{answers:?}");
    let seen = status(&two, "jobs", "GLOBAL", None).await;
    assert_eq!(seen["remaining"], 0, "{seen}");
    one.stop().await;
    two.stop().await;
}

/// The HTTP limiter (off by default) answers with `RateLimit-*` headers, refuses the burst
/// beyond its capacity with 429 and `Retry-After`, and leaves /health alone.
#[tokio::test]
async fn the_http_limiter_sends_headers_and_429() {
    let plain = spawn_app(Backend::Sqlite).await;
    let (_, headers, _) = plain
        .post_with(
            &[("content-type", "application/json")],
            r#"{"query":"{ catalog { regions { slug } } }"}"#,
        )
        .await;
    assert!(headers.get("ratelimit-limit").is_none(), "off by default");
    plain.stop().await;

    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| {
        s.http_rate_limit = Some("1/h".into());
        s.http_rate_burst = Some(3);
    })
    .await;
    let query = r#"{"query":"{ catalog { regions { slug } } }"}"#;
    let json_body = [("content-type", "application/json")];
    for remaining in ["2", "1", "0"] {
        let (status, headers, _) = app.post_with(&json_body, query).await;
        assert_eq!(status, 200);
        for prefix in ["", "x-"] {
            let header = |name: &str| {
                headers
                    .get(format!("{prefix}ratelimit-{name}"))
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string)
            };
            assert_eq!(header("limit").as_deref(), Some("3"));
            assert_eq!(header("remaining").as_deref(), Some(remaining));
            assert!(header("reset").is_some());
        }
    }
    let (status, headers, body) = app.post_with(&json_body, query).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "RATE_LIMITED",
        "{body}"
    );
    let retry = body["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap();
    assert!((3000..=3600).contains(&retry), "{body}");
    let header = headers.get("retry-after").and_then(|v| v.to_str().ok());
    assert_eq!(header, Some(retry.to_string().as_str()));
    assert_eq!(headers.get("ratelimit-remaining").unwrap(), "0");
    // Probes and scrapes get through.
    let (health, _) = app.health().await;
    assert_eq!(health, 200);
    assert_eq!(app.get("/metrics").await.status().as_u16(), 200);
    app.stop().await;
}
