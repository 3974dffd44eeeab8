//! REST v1 rate-limit rules and buckets (`/api/v1/observability/ratelimit`) on both
//! backends: set (create, then change), read, list, status and delete by key, REST and
//! GraphQL seeing the same rules, each documented error, and GraphQL's roles (VIEWER reads,
//! ADMIN changes).

use crate::helpers::{spawn_app, Backend};
use crate::on_both_backends;
use crate::rest::{app_with_viewer, call, get};
use reqwest::Method;
use serde_json::{json, Value};

const CONFIG: &str = "/api/v1/observability/ratelimit/config";
const STATUS: &str = "/api/v1/observability/ratelimit/status";

const GQL_RULES: &str = "query($f: RateLimitRuleFilter) { rateLimitRules(filter: $f) \
    { totalCount edges { node { id name scope scopeId refillRate capacity status version } } } }";

/// A limiter without a built-in default: UNLIMITED unless a rule says otherwise.
const LIMITER: &str = "reports";

fn rule(scope_type: &str, scope_id: Option<&str>, refill_rate: f64, capacity: i64) -> Value {
    json!({ "name": LIMITER, "scope_type": scope_type, "scope_id": scope_id,
        "refill_rate": refill_rate, "capacity": capacity })
}

/// Set (201, then 200 with the version bumped), read, list, status from the rule, delete
/// (204), then 404 and the bucket back to what it was; REST and GraphQL see the same rules.
async fn rate_limit_rules_over_rest_and_graphql(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = format!("{CONFIG}?name={LIMITER}&scope_type=user");
    let status_path = format!("{STATUS}?name={LIMITER}&scope_type=USER");
    let before = get(&app, &status_path).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(before.body["source"], "UNLIMITED", "{}", before.body);
    get(&app, &key).await.assert_error(404, "NOT_FOUND");

    let body = Some(rule("user", None, 0.001, 5));
    let r = call(&app, Method::POST, CONFIG, None, &[], body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let created = &r.body["rule"];
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["name"], LIMITER);
    assert_eq!(created["scope_type"], "USER");
    assert!(created["scope_id"].is_null(), "{}", r.body);
    assert_eq!(created["capacity"], 5);
    assert_eq!(created["status"], "ACTIVE");
    assert_eq!(created["version"], 1);
    assert_eq!(r.header("etag"), Some("\"1\""));
    assert_eq!(r.header("location"), Some(key.as_str()));

    let r = get(&app, &key).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["id"], id.as_str());
    assert_eq!(r.header("etag"), Some("\"1\""));

    // The same key again changes that rule.
    let body = Some(rule("USER", None, 0.002, 7));
    let r = call(
        &app,
        Method::POST,
        CONFIG,
        None,
        &[("If-Match", "\"1\"")],
        body,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["rule"]["id"], id.as_str());
    assert_eq!(r.body["rule"]["version"], 2, "{}", r.body);
    assert_eq!(r.body["rule"]["capacity"], 7);
    assert_eq!(r.header("etag"), Some("\"2\""));

    // GraphQL reads what REST set, by the key's scope_id filter too.
    let g = app
        .gql(
            GQL_RULES,
            json!({ "f": { "name": LIMITER, "scope": "USER" } }),
        )
        .await;
    let list = &g["data"]["rateLimitRules"];
    assert_eq!(list["totalCount"], 1, "{g}");
    let node = &list["edges"][0]["node"];
    assert_eq!(node["id"], id.as_str(), "{g}");
    assert_eq!(
        (node["capacity"].clone(), node["refillRate"].clone()),
        (json!(7), json!(0.002)),
        "{g}"
    );
    assert_eq!(node["version"], 2, "{g}");

    // A rule for one cluster, created over GraphQL and read over REST.
    let cluster = uuid::Uuid::new_v4().to_string();
    let g = app
        .gql(
            "mutation($i: CreateRateLimitRuleInput!) { createRateLimitRule(input: $i) { rateLimitRule { id } } }",
            json!({ "i": { "name": LIMITER, "scope": "CLUSTER", "scopeId": cluster, "refillRate": 1.0, "capacity": 3 } }),
        )
        .await;
    let one = g["data"]["createRateLimitRule"]["rateLimitRule"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{g}"))
        .to_string();
    let of_cluster = format!("{CONFIG}?name={LIMITER}&scope_type=cluster&scope_id={cluster}");
    let r = get(&app, &of_cluster).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["id"], one.as_str());
    assert_eq!(r.body["scope_id"], cluster.as_str());
    // The rule for each cluster is another key: it has none.
    let each_cluster = format!("{CONFIG}?name={LIMITER}&scope_type=cluster");
    get(&app, &each_cluster)
        .await
        .assert_error(404, "NOT_FOUND");
    let g = app
        .gql(GQL_RULES, json!({ "f": { "scopeId": cluster } }))
        .await;
    assert_eq!(g["data"]["rateLimitRules"]["totalCount"], 1, "{g}");
    let r = get(&app, &format!("{CONFIG}/list?name={LIMITER}")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["total"], 2, "{}", r.body);
    assert_eq!(r.body["limit"], 50);
    assert_eq!(r.body["rules"][0]["id"], id.as_str());
    assert_eq!(r.body["rules"][1]["id"], one.as_str());
    let r = get(&app, &format!("{CONFIG}/list?scope_type=Cluster&limit=1")).await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["rules"][0]["id"], one.as_str());
    let r = get(&app, &format!("{CONFIG}/list?scope_id={cluster}")).await;
    assert_eq!(r.body["total"], 1, "{}", r.body);

    // The bucket follows the rule.
    let r = get(&app, &status_path).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["source"], "RULE", "{}", r.body);
    assert_eq!(r.body["rule_id"], id.as_str());
    assert_eq!(r.body["capacity"], 7);
    assert_eq!(r.body["remaining"], 7);
    assert_eq!(r.body["scope_type"], "USER");
    assert_eq!(r.body["enforced"], true);
    let r = get(
        &app,
        &format!("{STATUS}?name={LIMITER}&scope_type=cluster&scope_id={cluster}"),
    )
    .await;
    assert_eq!(r.body["rule_id"], one.as_str(), "{}", r.body);
    assert_eq!(r.body["capacity"], 3, "{}", r.body);

    call(
        &app,
        Method::DELETE,
        &key,
        None,
        &[("If-Match", "\"1\"")],
        None,
    )
    .await
    .assert_error(409, "CONFLICT");
    let once = [("Idempotency-Key", "delete-once")];
    let r = call(&app, Method::DELETE, &key, None, &once, None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    // A retried delete answers the same and changes nothing.
    let events = app.event_count().await;
    let r = call(&app, Method::DELETE, &key, None, &once, None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    app.assert_nothing_appended(events).await;
    get(&app, &key).await.assert_error(404, "NOT_FOUND");
    call(&app, Method::DELETE, &key, None, &[], None)
        .await
        .assert_error(404, "NOT_FOUND");
    let g = app
        .gql(
            GQL_RULES,
            json!({ "f": { "name": LIMITER, "status": "DELETED" } }),
        )
        .await;
    assert_eq!(
        g["data"]["rateLimitRules"]["edges"][0]["node"]["id"],
        id.as_str(),
        "{g}"
    );
    let r = get(&app, &format!("{CONFIG}/list?status=active")).await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    let r = get(&app, &status_path).await;
    assert_eq!(r.body["source"], before.body["source"], "{}", r.body);
    assert!(r.body["rule_id"].is_null(), "{}", r.body);

    // The key is free again: a set creates a new rule.
    let body = Some(rule("user", None, 1.0, 1));
    let r = call(&app, Method::POST, CONFIG, None, &[], body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_ne!(r.body["rule"]["id"], id.as_str());
    app.stop().await;
}
on_both_backends!(rate_limit_rules_over_rest_and_graphql);

/// Each documented error names its field or parameter; a refused set appends nothing.
async fn rate_limit_errors(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.event_count().await;
    let cluster = uuid::Uuid::new_v4().to_string();
    let cases = [
        (rule("team", None, 1.0, 1), "scope_type:"),
        (
            json!({ "name": LIMITER, "refill_rate": 1.0, "capacity": 1 }),
            "scope_type:",
        ),
        (rule("user", None, 1.0, 0), "capacity:"),
        (rule("user", None, 0.0, 1), "refill_rate:"),
        (rule("user", Some("alice"), 1.0, 1), "scope_id:"),
        (rule("global", Some(&cluster), 1.0, 1), "scope_id:"),
        (
            json!({ "name": "Reports!", "scope_type": "user", "refill_rate": 1.0, "capacity": 1 }),
            "name:",
        ),
        (
            json!({ "name": LIMITER, "scope_type": "user", "capacity": 1 }),
            "refill_rate:",
        ),
        (
            json!({ "name": LIMITER, "scope_type": "user", "refill_rate": 1.0, "capacity": "many" }),
            "capacity:",
        ),
    ];
    for (body, prefix) in cases {
        let r = call(&app, Method::POST, CONFIG, None, &[], Some(body)).await;
        r.assert_error(400, "BAD_USER_INPUT");
        let message = r.body["error"].as_str().unwrap();
        assert!(message.starts_with(prefix), "{prefix} {}", r.body);
    }
    // If-Match on a key without a rule expects one that is not there.
    let r = call(
        &app,
        Method::POST,
        CONFIG,
        None,
        &[("If-Match", "\"3\"")],
        Some(rule("user", None, 1.0, 1)),
    )
    .await;
    r.assert_error(409, "CONFLICT");
    app.assert_nothing_appended(before).await;

    for (path, prefix) in [
        (
            format!("{STATUS}?name={LIMITER}&scope_type=cluster"),
            "scope_id:",
        ),
        (
            format!("{STATUS}?name={LIMITER}&scope_type=planet"),
            "scope_type:",
        ),
        (format!("{STATUS}?name={LIMITER}"), "scope_type:"),
        (format!("{STATUS}?scope_type=user"), "name:"),
        (
            format!("{CONFIG}?name={LIMITER}&scope_type=user&scope_id=bob"),
            "scope_id:",
        ),
        (format!("{CONFIG}?scope_type=user"), "name:"),
        (format!("{CONFIG}/list?status=gone"), "status:"),
        (format!("{CONFIG}/list?limit=0"), "limit:"),
    ] {
        let r = get(&app, &path).await;
        r.assert_error(400, "BAD_USER_INPUT");
        let message = r.body["error"].as_str().unwrap();
        assert!(message.starts_with(prefix), "{path}: {}", r.body);
    }
    let unknown = format!("{CONFIG}?name=nothing&scope_type=global");
    get(&app, &unknown).await.assert_error(404, "NOT_FOUND");
    call(&app, Method::DELETE, &unknown, None, &[], None)
        .await
        .assert_error(404, "NOT_FOUND");

    // A stale If-Match on the change is a CONFLICT; a retried create replays.
    let once = [("Idempotency-Key", "set-once")];
    let body = || Some(rule("global", None, 1.0, 4));
    let first = call(&app, Method::POST, CONFIG, None, &once, body()).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let events = app.event_count().await;
    let again = call(&app, Method::POST, CONFIG, None, &once, body()).await;
    assert_eq!(again.body["rule"]["id"], first.body["rule"]["id"]);
    assert_eq!(again.body["rule"]["version"], 1, "{}", again.body);
    app.assert_nothing_appended(events).await;
    call(
        &app,
        Method::POST,
        CONFIG,
        None,
        &[("If-Match", "\"7\"")],
        Some(rule("global", None, 2.0, 4)),
    )
    .await
    .assert_error(409, "CONFLICT");
    let r = get(&app, &format!("{CONFIG}?name={LIMITER}&scope_type=GLOBAL")).await;
    assert_eq!(r.body["refill_rate"], 1.0, "{}", r.body);
    app.stop().await;
}
on_both_backends!(rate_limit_errors);

/// A viewer reads rules and buckets but may not set or delete a rule; no credentials is 401.
async fn a_viewer_cannot_change_rate_limit_rules(backend: Backend) {
    let (app, admin, viewer) = app_with_viewer(backend).await;
    let key = format!("{CONFIG}?name={LIMITER}&scope_type=global");
    let body = || Some(rule("global", None, 1.0, 2));
    call(&app, Method::POST, CONFIG, Some(&viewer), &[], body())
        .await
        .assert_error(403, "FORBIDDEN");
    let r = call(&app, Method::POST, CONFIG, Some(&admin), &[], body()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    // Changing the key's rule needs ADMIN too.
    call(&app, Method::POST, CONFIG, Some(&viewer), &[], body())
        .await
        .assert_error(403, "FORBIDDEN");
    for path in [
        key.clone(),
        format!("{CONFIG}/list"),
        format!("{STATUS}?name={LIMITER}&scope_type=global"),
    ] {
        let r = call(&app, Method::GET, &path, Some(&viewer), &[], None).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        call(&app, Method::GET, &path, None, &[], None)
            .await
            .assert_error(401, "UNAUTHENTICATED");
    }
    call(&app, Method::DELETE, &key, Some(&viewer), &[], None)
        .await
        .assert_error(403, "FORBIDDEN");
    call(&app, Method::POST, CONFIG, None, &[], body())
        .await
        .assert_error(401, "UNAUTHENTICATED");
    let r = call(&app, Method::DELETE, &key, Some(&admin), &[], None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    app.stop().await;
}
on_both_backends!(a_viewer_cannot_change_rate_limit_rules);
