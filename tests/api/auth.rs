//! Authentication and roles: `required` mode, login, sessions, API tokens, every role
//! against every class of field (queries, mutations, subscriptions), the ways a token is
//! refused, a revoked token ending its subscription, login guessing limited, and secrets
//! absent from every output surface.

use crate::helpers::{
    error_code, spawn_app_on, token_with, ws_next, ws_send, Backend, Storage, TestApp,
    TEST_PASSWORD,
};
use crate::on_both_backends;
use serde_json::{json, Value};
use std::time::Duration;

/// The password of the bootstrap admin of `required`-mode apps.
const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// An app that requires a token, with the user `admin` created from the environment.
async fn required_app(backend: Backend) -> TestApp {
    let storage = Storage::fresh(backend).await;
    spawn_app_on(storage, |s| {
        s.auth = Some(query::auth::AuthMode::Required);
        s.admin_password = Some(ADMIN_PASSWORD.into());
    })
    .await
}

async fn login(app: &TestApp, username: &str, password: &str) -> Value {
    app.gql(
        "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt user { id username role } } }",
        json!({ "u": username, "p": password }),
    )
    .await
}

async fn admin_token(app: &TestApp) -> String {
    let r = login(app, "admin", ADMIN_PASSWORD).await;
    r["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("admin login: {r}"))
        .to_string()
}

/// Creates `name` with `role` as `admin` and signs them in; returns (user id, token).
async fn user(app: &TestApp, admin: &str, name: &str, role: &str) -> (String, String) {
    let r = app
        .gql_as(
            Some(admin),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id role status } } }",
            json!({ "i": { "username": name, "password": TEST_PASSWORD, "role": role } }),
        )
        .await;
    let id = r["data"]["createUser"]["user"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("createUser {name}: {r}"))
        .to_string();
    let r = login(app, name, TEST_PASSWORD).await;
    let token = r["data"]["login"]["token"]
        .as_str()
        .unwrap_or_else(|| panic!("login {name}: {r}"))
        .to_string();
    assert_eq!(r["data"]["login"]["user"]["role"], role, "{r}");
    (id, token)
}

/// Creates an API token `name` as the holder of `token`: its secret and its id.
async fn api_token(app: &TestApp, token: &str, name: &str) -> (String, String) {
    let r = app
        .gql_as(
            Some(token),
            "mutation($n: String!) { createApiToken(input: {name: $n}) { secret apiToken { id } } }",
            json!({ "n": name }),
        )
        .await;
    let at = |pointer: &str| {
        r.pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("createApiToken {name}: {r}"))
            .to_string()
    };
    (
        at("/data/createApiToken/secret"),
        at("/data/createApiToken/apiToken/id"),
    )
}

/// One class of root field, with a request that exercises it and the least role it needs
/// (`None`: anyone).
struct Class {
    what: &'static str,
    query: &'static str,
    variables: fn(u32) -> Value,
    needs: Option<&'static str>,
}

fn classes() -> Vec<Class> {
    vec![
        Class {
            what: "read query",
            query: "{ clusters { totalCount } droplets(first: 1) { totalCount } }",
            variables: |_| json!({}),
            needs: Some("VIEWER"),
        },
        Class {
            what: "audit query",
            query: "{ events(first: 1) { totalCount } }",
            variables: |_| json!({}),
            needs: Some("VIEWER"),
        },
        Class {
            what: "me",
            query: "{ me { actor role via authMode } }",
            variables: |_| json!({}),
            needs: None,
        },
        Class {
            what: "cluster command",
            query: "mutation($i: CreateClusterInput!) { createCluster(input: $i) { position } }",
            variables: |n| json!({ "i": { "name": format!("c-{n}"), "region": "nyc1" } }),
            needs: Some("OPERATOR"),
        },
        Class {
            what: "health-check command",
            query: "mutation($i: CreateHealthCheckInput!) { createHealthCheck(input: $i) { position } }",
            variables: |n| json!({ "i": { "name": format!("hc-{n}"), "kind": "TCP", "target": "127.0.0.1:9", "intervalSeconds": 60 } }),
            needs: Some("OPERATOR"),
        },
        Class {
            what: "own API token",
            query: "mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret } }",
            variables: |n| json!({ "i": { "name": format!("t-{n}") } }),
            needs: Some("VIEWER"),
        },
        Class {
            what: "user administration",
            query: "mutation($i: CreateUserInput!) { createUser(input: $i) { position } }",
            variables: |n| json!({ "i": { "username": format!("made-{n}"), "password": "long-enough-pw", "role": "VIEWER" } }),
            needs: Some("ADMIN"),
        },
        Class {
            what: "user list",
            query: "{ users { totalCount } }",
            variables: |_| json!({}),
            needs: Some("ADMIN"),
        },
    ]
}

fn rank(role: Option<&str>) -> u8 {
    match role {
        None => 0,
        Some("VIEWER") => 1,
        Some("OPERATOR") => 2,
        Some("ADMIN") => 3,
        Some(other) => panic!("role {other}"),
    }
}

async fn every_role_against_every_class_of_field(backend: Backend) {
    let app = required_app(backend).await;
    let admin = admin_token(&app).await;
    let (_, viewer) = user(&app, &admin, "vera", "VIEWER").await;
    let (_, operator) = user(&app, &admin, "otto", "OPERATOR").await;
    let callers: [(Option<&str>, Option<&str>); 4] = [
        (None, None),
        (Some("VIEWER"), Some(viewer.as_str())),
        (Some("OPERATOR"), Some(operator.as_str())),
        (Some("ADMIN"), Some(admin.as_str())),
    ];
    let mut n = 0;
    for class in classes() {
        for (role, token) in callers {
            n += 1;
            let head = app.store_head().await;
            let (status, r) = app
                .graphql
                .post_raw(token, class.query, (class.variables)(n))
                .await;
            let allowed = class
                .needs
                .is_none_or(|needs| rank(role) >= rank(Some(needs)));
            let who = role.unwrap_or("anonymous");
            if allowed {
                assert_eq!(error_code(&r), None, "{who} may run {}: {r}", class.what);
                assert_eq!(status, 200, "{who}, {}: {r}", class.what);
            } else {
                let expected = if role.is_none() {
                    "UNAUTHENTICATED"
                } else {
                    "FORBIDDEN"
                };
                assert_eq!(
                    error_code(&r).as_deref(),
                    Some(expected),
                    "{who} may not run {}: {r}",
                    class.what
                );
                assert!(r["data"].is_null(), "{who}, {}: {r}", class.what);
                let http = if role.is_none() { 401 } else { 200 };
                assert_eq!(status, http, "{who}, {}: {r}", class.what);
                assert_eq!(
                    app.store_head().await,
                    head,
                    "{who}, {}: nothing appended",
                    class.what
                );
            }
        }
    }

    // Subscriptions: the token in connection_init; anonymous may connect but not subscribe.
    for (role, token) in callers {
        let mut ws = app.ws_connect(&[]).await.expect("connects");
        let init = match token {
            Some(t) => {
                json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {t}") } })
            }
            None => json!({ "type": "connection_init" }),
        };
        ws_send(&mut ws, init).await;
        let ack = ws_next(&mut ws).await.expect("acknowledged");
        assert_eq!(ack["type"], "connection_ack", "{ack}");
        ws_send(
            &mut ws,
            json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { events { position } }" } }),
        )
        .await;
        if role.is_none() {
            // Refused before it runs: one answer with the error, then complete.
            let answer = ws_next(&mut ws).await.expect("an answer");
            assert_eq!(answer["type"], "next", "{answer}");
            assert!(answer["payload"]["data"].is_null(), "{answer}");
            assert_eq!(
                answer["payload"]["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
                "{answer}"
            );
            let end = ws_next(&mut ws).await.expect("complete");
            assert_eq!(end["type"], "complete", "{end}");
        } else {
            // Runs: a new event arrives.
            app.gql_as(
                Some(&admin),
                "mutation($i: CreateClusterInput!) { createCluster(input: $i) { position } }",
                json!({ "i": { "name": format!("sub-{}", rank(role)), "region": "nyc1" } }),
            )
            .await;
            let next = ws_next(&mut ws).await.expect("an event");
            assert_eq!(next["type"], "next", "{role:?}: {next}");
        }
    }
    app.stop().await;
}
on_both_backends!(every_role_against_every_class_of_field);

async fn actors_are_the_users_who_acted(backend: Backend) {
    let app = required_app(backend).await;
    let admin = admin_token(&app).await;
    let (_, operator) = user(&app, &admin, "otto", "OPERATOR").await;
    let r = app
        .gql_as(
            Some(&operator),
            "mutation { createCluster(input: {name: \"by-otto\", region: \"nyc1\"}) { cluster { id } } }",
            json!({}),
        )
        .await;
    let id = r["data"]["createCluster"]["cluster"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .gql_as(
            Some(&admin),
            "query($id: ID!) { events(first: 5, filter: {aggregateId: $id}) { nodes { actor } } history(aggregateType: Cluster, aggregateId: $id) { events { actor } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(r["data"]["events"]["nodes"][0]["actor"], "otto", "{r}");
    assert_eq!(r["data"]["history"]["events"][0]["actor"], "otto", "{r}");
    let me = app
        .gql_as(
            Some(&operator),
            "{ me { actor role via authMode user { username } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        me["data"]["me"],
        json!({ "actor": "otto", "role": "OPERATOR", "via": "SESSION", "authMode": "required", "user": { "username": "otto" } }),
        "{me}"
    );
    let anonymous = app.gql("{ me { actor role via } }", json!({})).await;
    assert_eq!(
        anonymous["data"]["me"],
        json!({ "actor": "anonymous", "role": null, "via": "ANONYMOUS" })
    );
    app.stop().await;
}
on_both_backends!(actors_are_the_users_who_acted);

/// `{"alg":"none","typ":"JWT"}`, base64url.
const ALG_NONE_HEADER: &str = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";

async fn refused_tokens_get_401_and_append_nothing(backend: Backend) {
    let app = required_app(backend).await;
    let admin = admin_token(&app).await;
    let (otto_id, otto) = user(&app, &admin, "otto", "OPERATOR").await;
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64, ver: u32| json!({ "sub": otto_id, "role": "ADMIN", "ver": ver, "iat": now, "exp": exp });
    let mut tampered = otto.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let hs512 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS512),
        &claims(now + 3600, 0),
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::AUTH_SECRET.as_bytes()),
    )
    .unwrap();
    let signed = token_with(claims(now + 3600, 0));
    let payload = signed.split('.').nth(1).unwrap();
    let none = format!("{ALG_NONE_HEADER}.{payload}.");
    let other_secret = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &claims(now + 3600, 0),
        &jsonwebtoken::EncodingKey::from_secret(b"another-secret-of-some-length"),
    )
    .unwrap();
    let cases = [
        ("expired", token_with(claims(now - 3600, 0))),
        (
            "issued in the future",
            token_with(
                json!({ "sub": otto_id, "role": "OPERATOR", "ver": 0, "iat": now + 3600, "exp": now + 7200 }),
            ),
        ),
        ("tampered signature", tampered),
        ("alg none", none),
        ("HS512", hs512),
        ("another secret", other_secret),
        ("a stale token version", token_with(claims(now + 3600, 7))),
        (
            "an unknown user",
            token_with(
                json!({ "sub": uuid::Uuid::new_v4().to_string(), "role": "ADMIN", "ver": 0, "iat": now, "exp": now + 3600 }),
            ),
        ),
        (
            "a user name as subject",
            token_with(
                json!({ "sub": "otto", "role": "ADMIN", "ver": 0, "iat": now, "exp": now + 3600 }),
            ),
        ),
        (
            "an unknown API token",
            format!("cg_{}_{}", uuid::Uuid::new_v4().simple(), "0".repeat(64)),
        ),
        ("garbage", "not-a-token".to_string()),
    ];
    let head = app.store_head().await;
    for (what, token) in &cases {
        let r = app
            .graphql
            .post_raw(Some(token), "mutation { createCluster(input: {name: \"nope\", region: \"nyc1\"}) { position } }", json!({}))
            .await;
        assert_eq!(r.0, 401, "{what}: {}", r.1);
        assert_eq!(
            error_code(&r.1).as_deref(),
            Some("UNAUTHENTICATED"),
            "{what}: {}",
            r.1
        );
    }
    assert_eq!(app.store_head().await, head, "nothing appended");

    // API tokens: work, then stop at revocation; sessions stop when the user is disabled.
    let (secret, token_id) = api_token(&app, &otto, "ci").await;
    assert!(secret.starts_with("cg_"), "{secret}");
    let me = app
        .gql_as(Some(&secret), "{ me { actor via role } }", json!({}))
        .await;
    assert_eq!(
        me["data"]["me"],
        json!({ "actor": "otto", "via": "API_TOKEN", "role": "OPERATOR" }),
        "{me}"
    );
    // Another user may not revoke it; otto may.
    let (_, vera) = user(&app, &admin, "vera", "VIEWER").await;
    let revoke = "mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { status } } }";
    let r = app
        .gql_as(Some(&vera), revoke, json!({ "id": token_id }))
        .await;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let r = app
        .gql_as(Some(&otto), revoke, json!({ "id": token_id }))
        .await;
    assert_eq!(
        r["data"]["revokeApiToken"]["apiToken"]["status"], "REVOKED",
        "{r}"
    );
    let r = app
        .graphql
        .post_raw(Some(&secret), "{ me { actor } }", json!({}))
        .await;
    assert_eq!(r.0, 401, "a revoked token: {}", r.1);

    // A role change ends the session; disabling ends sessions and API tokens at once.
    let (second, _) = api_token(&app, &otto, "ci-2").await;
    let update = "mutation($id: ID!, $i: UpdateUserInput!) { updateUser(id: $id, input: $i) { user { role status } } }";
    let r = app
        .gql_as(
            Some(&admin),
            update,
            json!({ "id": otto_id, "i": { "role": "VIEWER" } }),
        )
        .await;
    assert_eq!(r["data"]["updateUser"]["user"]["role"], "VIEWER", "{r}");
    let r = app
        .graphql
        .post_raw(Some(&otto), "{ me { actor } }", json!({}))
        .await;
    assert_eq!(r.0, 401, "a session after a role change: {}", r.1);
    // The API token acts with the new role.
    let r = app.gql_as(Some(&second), "mutation { createCluster(input: {name: \"as-viewer\", region: \"nyc1\"}) { position } }", json!({})).await;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    let session = login(&app, "otto", TEST_PASSWORD).await["data"]["login"]["token"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .gql_as(
            Some(&admin),
            update,
            json!({ "id": otto_id, "i": { "disabled": true } }),
        )
        .await;
    assert_eq!(r["data"]["updateUser"]["user"]["status"], "DISABLED", "{r}");
    for (what, token) in [("session", &session), ("API token", &second)] {
        let r = app
            .graphql
            .post_raw(Some(token), "{ me { actor } }", json!({}))
            .await;
        assert_eq!(r.0, 401, "a disabled user's {what}: {}", r.1);
    }
    let r = login(&app, "otto", TEST_PASSWORD).await;
    assert_eq!(error_code(&r).as_deref(), Some("UNAUTHENTICATED"), "{r}");
    assert_eq!(r["errors"][0]["message"], "invalid username or password");

    // The last active admin can neither be disabled nor demoted.
    let admin_id = login(&app, "admin", ADMIN_PASSWORD).await["data"]["login"]["user"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for change in [json!({ "disabled": true }), json!({ "role": "OPERATOR" })] {
        let r = app
            .gql_as(Some(&admin), update, json!({ "id": admin_id, "i": change }))
            .await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("FAILED_PRECONDITION"),
            "{r}"
        );
    }
    app.stop().await;
}
on_both_backends!(refused_tokens_get_401_and_append_nothing);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_ends_its_subscription() {
    let app = required_app(Backend::Sqlite).await;
    let admin = admin_token(&app).await;
    let (_, otto) = user(&app, &admin, "otto", "OPERATOR").await;
    let (secret, id) = api_token(&app, &otto, "watcher").await;
    let mut ws = app.ws_connect(&[]).await.expect("connects");
    ws_send(&mut ws, json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {secret}") } })).await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "connection_ack");
    ws_send(
        &mut ws,
        json!({ "id": "1", "type": "subscribe", "payload": { "query": "subscription { events(filter: {aggregateType: Cluster}) { position } }" } }),
    )
    .await;
    app.gql_as(
        Some(&otto),
        "mutation { createCluster(input: {name: \"seen\", region: \"nyc1\"}) { position } }",
        json!({}),
    )
    .await;
    assert_eq!(ws_next(&mut ws).await.unwrap()["type"], "next");
    app.gql_as(
        Some(&admin),
        "mutation($id: ID!) { revokeApiToken(id: $id) { position } }",
        json!({ "id": id }),
    )
    .await;
    let close = loop {
        match ws_next(&mut ws).await {
            Ok(message) => assert_ne!(
                message["type"], "next",
                "an event after revocation: {message}"
            ),
            Err(close) => break close,
        }
    };
    let close = close.expect("a close frame");
    assert_eq!(u16::from(close.code), 4403, "{close:?}");
    assert!(close.reason.contains("revoked"), "{close:?}");
    app.stop().await;
}

/// With `REDIS_URL`, the login limiter's buckets are shared: guesses spread over two API
/// instances on one database are limited after one burst between them, and the right
/// password is then refused on both until the bucket refills.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn guesses_spread_over_two_instances_share_one_limit_in_redis() {
    let storage = Storage::fresh(Backend::Postgres).await;
    let prefix = format!("cgtest:{}:", uuid::Uuid::new_v4());
    let shared = |s: &mut clustergenie::configuration::Settings| {
        s.auth = Some(query::auth::AuthMode::Required);
        s.admin_password = Some(ADMIN_PASSWORD.into());
        s.redis_url = Some(
            std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned()),
        );
        s.rate_limit_prefix = prefix.clone();
    };
    let one = spawn_app_on(storage.clone(), shared).await;
    let two = spawn_app_on(storage.clone(), shared).await;
    for attempt in 1..=query::auth::LOGIN_BURST {
        let app = if attempt % 2 == 0 { &one } else { &two };
        let r = login(app, "admin", "wrong-password").await;
        assert_eq!(
            error_code(&r).as_deref(),
            Some("UNAUTHENTICATED"),
            "attempt {attempt}: {r}"
        );
    }
    for app in [&one, &two] {
        let r = login(app, "admin", ADMIN_PASSWORD).await;
        assert_eq!(error_code(&r).as_deref(), Some("RATE_LIMITED"), "{r}");
    }
    // The buckets are Redis keys under the prefix, named by user and by address, never by
    // anything secret.
    let client = redis::Client::open(
        std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned()),
    )
    .unwrap();
    let mut redis = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}*"))
        .query_async(&mut redis)
        .await
        .unwrap();
    assert!(keys.iter().any(|k| k.contains("login:user:")), "{keys:?}");
    assert!(keys.iter().any(|k| k.contains("login:addr:")), "{keys:?}");
    assert!(
        keys.iter()
            .all(|k| !k.contains("password") && !k.contains(ADMIN_PASSWORD)),
        "{keys:?}"
    );
    one.stop().await;
    two.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_passwords_is_rate_limited() {
    let app = required_app(Backend::Sqlite).await;
    let mut limited = None;
    for attempt in 1..=query::auth::LOGIN_BURST + 1 {
        let r = login(&app, "admin", "wrong-password").await;
        match error_code(&r).as_deref() {
            Some("UNAUTHENTICATED") => assert!(attempt <= query::auth::LOGIN_BURST, "{r}"),
            Some("RATE_LIMITED") => {
                limited = Some(r);
                break;
            }
            other => panic!("attempt {attempt}: {other:?}: {r}"),
        }
    }
    let limited = limited.expect("the attempt after the burst is limited");
    let retry = limited["errors"][0]["extensions"]["retryAfterSeconds"]
        .as_u64()
        .unwrap();
    assert!((1..=12).contains(&retry), "{limited}");
    // The right password does not get through either until the bucket refills.
    let r = login(&app, "admin", ADMIN_PASSWORD).await;
    assert_eq!(error_code(&r).as_deref(), Some("RATE_LIMITED"), "{r}");
    app.stop().await;
}

async fn secrets_are_absent_from_every_output_surface(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |s| {
        s.auth = Some(query::auth::AuthMode::Required);
        s.admin_password = Some(ADMIN_PASSWORD.into());
        s.log_store_level = clustergenie::configuration::StoreLevel::Debug;
    })
    .await;
    let admin = admin_token(&app).await;
    let (otto_id, otto) = user(&app, &admin, "otto", "OPERATOR").await;
    let (secret, _) = api_token(&app, &otto, "ci").await;
    let new_password = "a-new-password-nobody-sees";
    app.gql_as(
        Some(&admin),
        "mutation($id: ID!, $p: String!) { updateUser(id: $id, input: {password: $p}) { position } }",
        json!({ "id": otto_id, "p": new_password }),
    )
    .await;
    // A failed login with a password-like value too.
    login(&app, "otto", "guess-that-is-logged-nowhere").await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let secrets = [
        ADMIN_PASSWORD,
        TEST_PASSWORD,
        new_password,
        "guess-that-is-logged-nowhere",
        secret.as_str(),
        &secret[secret.len() - 64..],
        admin.as_str(),
        otto.as_str(),
        "$argon2",
    ];
    let mut surfaces: Vec<(&str, String)> = Vec::new();
    let events = app
        .gql_as(
            Some(&admin),
            "{ events(first: 100) { nodes { type actor payload metadata } } }",
            json!({}),
        )
        .await;
    assert!(
        events["data"]["events"]["nodes"].as_array().unwrap().len() >= 4,
        "{events}"
    );
    surfaces.push(("events", events.to_string()));
    let history = app
        .gql_as(
            Some(&admin),
            "query($id: ID!) { history(aggregateType: User, aggregateId: $id) { state events { payload } } }",
            json!({ "id": otto_id }),
        )
        .await;
    surfaces.push(("history", history.to_string()));
    let logs = app
        .gql_as(
            Some(&admin),
            "{ logs(first: 1000) { nodes { message fields } } }",
            json!({}),
        )
        .await;
    surfaces.push(("logs", logs.to_string()));
    surfaces.push(("metrics", app.get("/metrics").await.text().await.unwrap()));
    surfaces.push(("health", app.get("/health").await.text().await.unwrap()));
    // What the relay would publish to Kafka: the stored events, payloads and metadata.
    let stored = app.store_log().await;
    surfaces.push(("stored events", format!("{stored:?}")));
    for (surface, text) in &surfaces {
        for s in &secrets {
            assert!(
                !text.contains(s),
                "{surface} shows a secret ({}…)",
                &s[..4.min(s.len())]
            );
        }
    }
    app.stop().await;
}
on_both_backends!(secrets_are_absent_from_every_output_surface);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn local_mode_acts_as_the_local_operator_and_still_checks_tokens() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await;
    let me = app
        .gql("{ me { actor role via authMode } }", json!({}))
        .await;
    assert_eq!(
        me["data"]["me"],
        json!({ "actor": "local", "role": "ADMIN", "via": "LOCAL", "authMode": "local" })
    );
    // A token sent is checked all the same, and then counts.
    let r = app
        .graphql
        .post_raw(Some("garbage"), "{ me { actor } }", json!({}))
        .await;
    assert_eq!(r.0, 401, "{}", r.1);
    let viewer = app.token_for("vera", "VIEWER").await;
    let r = app
        .gql_as(
            Some(&viewer),
            "mutation { createCluster(input: {name: \"no\", region: \"nyc1\"}) { position } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&r).as_deref(), Some("FORBIDDEN"), "{r}");
    app.stop().await;
}

#[test]
fn local_mode_is_refused_on_a_non_loopback_address() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_clustergenie"))
        .arg("serve")
        .env("CLUSTERGENIE_AUTH", "local")
        .env("CLUSTERGENIE_LISTEN", "0.0.0.0:0")
        .env("RUST_LOG", "warn")
        .output()
        .expect("runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("CLUSTERGENIE_AUTH: local is refused on 0.0.0.0:0"),
        "{stderr}"
    );
}
