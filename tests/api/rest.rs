//! REST API v1 (`/api/v1`): every route's success and its documented errors on both
//! backends, the roles of GraphQL, REST and GraphQL seeing the same objects, `Idempotency-Key`
//! replays, `ETag`/`If-Match`, and the OpenAPI document (checked in, valid, covering every
//! route) with Swagger UI served offline.

use crate::helpers::{spawn_app, spawn_app_on, Backend, Storage, TestApp, TEST_PASSWORD};
use crate::on_both_backends;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};

/// An answer: status, headers and JSON body (null when empty).
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts an error answer with `status` and GraphQL code `reason`, in REST v1's shape.
    #[track_caller]
    pub fn assert_error(&self, status: u16, reason: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.body["code"], status, "{}", self.body);
        assert_eq!(self.body["reason"], reason, "{}", self.body);
        assert!(self.body["error"].is_string(), "{}", self.body);
        assert!(self.body["timestamp"].is_string(), "{}", self.body);
    }
}

/// A request to the app: method, path, optional bearer token, extra headers, JSON body.
pub(crate) async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let mut request = app.client.request(method, format!("{}{path}", app.address));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.expect("a body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Answer {
        status,
        headers,
        body,
    }
}

pub(crate) async fn get(app: &TestApp, path: &str) -> Answer {
    call(app, Method::GET, path, None, &[], None).await
}

fn droplet_body(name: &str) -> Value {
    json!({ "name": name, "size": "s-1vcpu-1gb", "image": "debian-12-x64", "region": "nyc1", "tags": ["web"] })
}

/// Creates a droplet over REST as the local operator; returns the answer.
async fn create(app: &TestApp, name: &str, headers: &[(&str, &str)]) -> Answer {
    let body = Some(droplet_body(name));
    call(app, Method::POST, "/api/v1/droplets", None, headers, body).await
}

/// The checked-in OpenAPI document.
fn checked_in_openapi() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema/openapi.json");
    std::fs::read_to_string(path).expect("schema/openapi.json exists")
}

#[test]
fn checked_in_openapi_matches_the_code() {
    assert!(
        checked_in_openapi() == query::rest::openapi_json_text(),
        "schema/openapi.json is stale; run `cargo run -- openapi > schema/openapi.json`"
    );
}

/// The document parses as OpenAPI 3.1 (oas3), every operation has responses, every error
/// response is the error body, and every schema reference resolves.
#[test]
fn the_openapi_document_is_valid_openapi_3() {
    let spec = oas3::from_json(query::rest::openapi_json_text()).expect("valid OpenAPI 3.1");
    spec.validate_version()
        .expect("a supported OpenAPI version");
    let operations: Vec<_> = spec.operations().collect();
    assert!(operations.len() >= 9, "{} operations", operations.len());
    let mut ids = std::collections::HashSet::new();
    for (path, method, op) in operations {
        let id = op.operation_id.clone().unwrap_or_default();
        assert!(
            ids.insert(id.clone()),
            "{method} {path}: operationId {id:?} is not unique"
        );
        let responses = op.responses(&spec);
        assert!(
            !responses.is_empty(),
            "{method} {path} documents no response"
        );
        for (status, response) in &responses {
            for (media, content) in &response.content {
                if let Some(schema) = &content.schema {
                    schema
                        .resolve(&spec)
                        .unwrap_or_else(|e| panic!("{method} {path} {status} {media}: {e}"));
                }
            }
            if status.starts_with('4') || status.starts_with('5') {
                let json = response.content.get("application/json");
                assert!(
                    json.is_some_and(|c| c.schema.is_some()),
                    "{method} {path} {status} has no error body"
                );
            }
        }
    }
}

/// Every operation of the document is served (no request falls through to the scope's
/// "no route" answer), and a route the document lacks is not: the server and the document
/// agree, whichever side a route was added to.
async fn every_documented_route_is_served_and_nothing_else(backend: Backend) {
    let app = spawn_app(backend).await;
    let doc: Value = serde_json::from_str(&query::rest::openapi_json_text()).unwrap();
    let mut served = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let concrete = path.replace("{id}", "00000000-0000-4000-8000-000000000000");
            let body = (method == Method::POST).then(|| json!({}));
            let r = call(&app, method.clone(), &concrete, None, &[], body).await;
            let fell_through = r.status == 405
                || r.body["error"]
                    .as_str()
                    .is_some_and(|e| e.starts_with("no route"));
            assert!(
                !fell_through,
                "{method} {path} is documented but not served: {}",
                r.body
            );
            served += 1;
        }
    }
    assert!(served >= 9);
    for (method, path) in [
        (Method::GET, "/api/v1/nothing-here"),
        (Method::GET, "/api/v1/droplets/x/y"),
    ] {
        let r = call(&app, method.clone(), path, None, &[], None).await;
        r.assert_error(404, "NOT_FOUND");
        assert!(
            r.body["error"].as_str().unwrap().starts_with("no route"),
            "{}",
            r.body
        );
    }
    // A path it serves, with a method it does not: 405, and what the path takes.
    for (method, path, allow) in [
        (Method::PUT, "/api/v1/droplets", "GET, POST"),
        (Method::TRACE, "/api/v1/health", "GET"),
        (Method::POST, "/api/v1/droplets/x", "GET, DELETE"),
    ] {
        let r = call(&app, method.clone(), path, None, &[], None).await;
        r.assert_error(405, "BAD_USER_INPUT");
        assert_eq!(r.headers["allow"], allow, "{method} {path}");
    }
    // The document and Swagger UI are served, the UI from the binary (no internet).
    let r = get(&app, "/api/v1/openapi.json").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, doc);
    let ui = app.get("/swagger/").await;
    assert_eq!(ui.status(), 200);
    let html = ui.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    let config = app.get("/swagger/swagger-initializer.js").await;
    assert_eq!(config.status(), 200);
    assert!(config
        .text()
        .await
        .unwrap()
        .contains("/api/v1/openapi.json"));
    assert_eq!(app.get("/swagger/swagger-ui-bundle.js").await.status(), 200);
    for path in ["/swagger", "/swagger/index.html"] {
        let page = app.get(path).await;
        assert_eq!(page.status(), 200, "{path}");
        assert!(page.text().await.unwrap().contains("swagger-ui"), "{path}");
    }
    app.stop().await;
}
on_both_backends!(every_documented_route_is_served_and_nothing_else);

async fn health_and_metrics(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = get(&app, "/api/v1/health").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "healthy");
    assert_eq!(r.body["version"], env!("CARGO_PKG_VERSION"));
    assert!(r.body["timestamp"].is_string());
    assert_eq!(r.body["services"]["database"], "up");
    assert_eq!(r.body["services"]["redis"], "disabled");
    assert_eq!(r.body["services"]["kafka"], "disabled");
    let metrics = app.get("/api/v1/metrics").await;
    assert_eq!(metrics.status(), 200);
    let text = metrics.text().await.unwrap();
    assert!(text.contains("# TYPE"), "{text}");
    app.stop().await;
}
on_both_backends!(health_and_metrics);

/// Create over REST and read over GraphQL, create over GraphQL and list over REST; the
/// droplet's ETag is its version and a stale If-Match is refused; 404s and 400s.
async fn droplets_over_rest_and_graphql(backend: Backend) {
    let app = spawn_app(backend).await;
    let r = create(&app, "rest-1", &[]).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["droplet"]["id"]
        .as_str()
        .expect("droplet id")
        .to_string();
    let job = r.body["job_id"].as_str().expect("job id").to_string();
    assert_eq!(r.body["droplet"]["name"], "rest-1");
    assert_eq!(r.body["droplet"]["status"], "PROVISIONING");
    assert_eq!(r.body["droplet"]["job_id"], job.as_str());
    assert_eq!(
        r.header("location"),
        Some(format!("/api/v1/droplets/{id}").as_str())
    );
    assert!(r.header("etag").is_some());

    // The same droplet over GraphQL, with the same job.
    let g = app
        .gql_id("query($id: ID!) { droplet(id: $id) { name status region size image version job { id } } }", &id)
        .await;
    let d = &g["data"]["droplet"];
    assert_eq!(d["name"], "rest-1", "{g}");
    assert_eq!(d["region"], "nyc1");
    assert_eq!(d["job"]["id"], job.as_str());
    app.completed(&job).await;

    // Created over GraphQL, seen over REST.
    let (other, _) = app.create_droplet("graphql-1", "debian-12-x64").await;
    let list = get(&app, "/api/v1/droplets").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["total"], 2);
    assert_eq!(
        (list.body["limit"].as_i64(), list.body["offset"].as_i64()),
        (Some(50), Some(0))
    );
    let names: Vec<_> = list.body["droplets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["name"].clone())
        .collect();
    assert_eq!(names, [json!("rest-1"), json!("graphql-1")]);
    let page = get(&app, "/api/v1/droplets?limit=1&offset=1").await;
    assert_eq!(
        page.body["droplets"][0]["id"],
        other.as_str(),
        "{}",
        page.body
    );
    assert_eq!(page.body["total"], 2);
    let running = get(&app, "/api/v1/droplets?status=running").await;
    assert_eq!(running.body["total"], 1, "{}", running.body);
    assert_eq!(running.body["droplets"][0]["id"], id.as_str());

    // One droplet: its metrics and its version as the ETag.
    let one = get(&app, &format!("/api/v1/droplets/{id}")).await;
    assert_eq!(one.status, 200, "{}", one.body);
    assert_eq!(one.body["status"], "RUNNING");
    for m in ["cpu_usage", "memory_usage", "disk_usage"] {
        let v = &one.body["metrics"][m];
        assert!(v.is_null() || v.is_number(), "{m}: {}", one.body);
    }
    let version = one.body["version"].as_i64().unwrap();
    let graphql_version = app
        .gql_id("query($id: ID!) { droplet(id: $id) { version } }", &id)
        .await["data"]["droplet"]["version"]
        .as_i64();
    assert_eq!(graphql_version, Some(version));
    let etag = one.header("etag").expect("an ETag").to_string();
    assert_eq!(etag, format!("\"{version}\""));

    // A stale If-Match is a conflict and destroys nothing; the current one destroys.
    let path = format!("/api/v1/droplets/{id}");
    let stale = format!("\"{}\"", version - 1);
    let r = call(
        &app,
        Method::DELETE,
        &path,
        None,
        &[("If-Match", &stale)],
        None,
    )
    .await;
    r.assert_error(409, "CONFLICT");
    let r = call(
        &app,
        Method::DELETE,
        &path,
        None,
        &[("If-Match", "lots")],
        None,
    )
    .await;
    r.assert_error(400, "BAD_USER_INPUT");
    assert!(
        r.body["error"].as_str().unwrap().starts_with("If-Match:"),
        "{}",
        r.body
    );
    assert_eq!(app.droplet(&id).await["status"], "RUNNING");
    let r = call(
        &app,
        Method::DELETE,
        &path,
        None,
        &[("If-Match", &etag)],
        None,
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let g = app.droplet(&id).await;
    assert!(
        matches!(g["status"].as_str(), Some("DESTROYING" | "DESTROYED")),
        "{g}"
    );
    // Destroying it again is refused by the aggregate: 409.
    let r = call(&app, Method::DELETE, &path, None, &[], None).await;
    r.assert_error(409, "FAILED_PRECONDITION");

    // Missing and malformed ids.
    let nobody = "/api/v1/droplets/00000000-0000-4000-8000-000000000000";
    get(&app, nobody).await.assert_error(404, "NOT_FOUND");
    call(&app, Method::DELETE, nobody, None, &[], None)
        .await
        .assert_error(404, "NOT_FOUND");
    let r = get(&app, "/api/v1/droplets/not-a-uuid").await;
    r.assert_error(400, "BAD_USER_INPUT");
    assert!(
        r.body["error"].as_str().unwrap().starts_with("id:"),
        "{}",
        r.body
    );
    app.stop().await;
}
on_both_backends!(droplets_over_rest_and_graphql);

/// Bodies and parameters are checked at the edge; each refusal names what was wrong.
async fn bad_requests_name_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let post = |body: Value| async {
        let r = call(
            &app,
            Method::POST,
            "/api/v1/droplets",
            None,
            &[],
            Some(body),
        )
        .await;
        r.assert_error(400, "BAD_USER_INPUT");
        r.body["error"].as_str().unwrap().to_string()
    };
    let mut missing = droplet_body("x");
    missing.as_object_mut().unwrap().remove("image");
    assert_eq!(post(missing).await, "image: is required");
    let mut wrong = droplet_body("x");
    wrong["size"] = json!(5);
    assert_eq!(post(wrong).await, "size: must be a string");
    let mut tags = droplet_body("x");
    tags["tags"] = json!("web");
    assert_eq!(post(tags).await, "tags: must be an array of strings");
    assert!(post(
        json!({ "name": "x", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "region": "mars1" })
    )
    .await
    .starts_with("region:"));
    assert!(post(json!([1, 2])).await.contains("JSON object"));
    let r = app
        .client
        .post(format!("{}/api/v1/droplets", app.address))
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // Another site's form cannot post (no JSON content type): nothing is created.
    let r = app
        .client
        .post(format!("{}/api/v1/droplets", app.address))
        .header("content-type", "text/plain")
        .body(droplet_body("csrf").to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    for (query, field) in [
        ("limit=0", "limit:"),
        ("offset=-1", "offset:"),
        ("status=", "status:"),
        ("limit=ten", "limit:"),
        ("status=sleeping", "status:"),
    ] {
        let r = get(&app, &format!("/api/v1/droplets?{query}")).await;
        r.assert_error(400, "BAD_USER_INPUT");
        assert!(
            r.body["error"].as_str().unwrap().starts_with(field),
            "{query}: {}",
            r.body
        );
    }
    // More than the page size cap is cut to it, as the answer says.
    let r = get(&app, "/api/v1/droplets?limit=101").await;
    assert_eq!(
        (r.status, &r.body["limit"]),
        (200, &json!(100)),
        "{}",
        r.body
    );
    let r = get(&app, "/api/v1/jobs?type=teleport").await;
    r.assert_error(400, "BAD_USER_INPUT");
    assert!(
        r.body["error"].as_str().unwrap().starts_with("type:"),
        "{}",
        r.body
    );
    assert_eq!(get(&app, "/api/v1/droplets").await.body["total"], 0);

    // Another site's page is refused before anything runs, as on /graphql.
    let evil = [("Origin", "https://evil.example")];
    let body = Some(droplet_body("from-evil"));
    let r = call(&app, Method::POST, "/api/v1/droplets", None, &evil, body).await;
    r.assert_error(403, "FORBIDDEN");
    let body = Some(json!({ "username": "admin", "password": "x" }));
    let r = call(&app, Method::POST, "/api/v1/auth/login", None, &evil, body).await;
    r.assert_error(403, "FORBIDDEN");
    call(&app, Method::GET, "/api/v1/jobs", None, &evil, None)
        .await
        .assert_error(403, "FORBIDDEN");
    assert_eq!(get(&app, "/api/v1/droplets").await.body["total"], 0);

    // A live droplet's name is taken: 409.
    assert_eq!(create(&app, "taken", &[]).await.status, 201);
    create(&app, "taken", &[])
        .await
        .assert_error(409, "CONFLICT");
    app.stop().await;
}
on_both_backends!(bad_requests_name_the_field);

/// A retried POST or DELETE with the same Idempotency-Key returns the first result and
/// appends nothing; the key used for another request is a conflict.
async fn idempotency_keys_replay(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = [("Idempotency-Key", "create-web-7")];
    let first = create(&app, "web-7", &key).await;
    assert_eq!(first.status, 201, "{}", first.body);
    let again = create(&app, "web-7", &key).await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body["droplet"]["id"], first.body["droplet"]["id"]);
    assert_eq!(again.body["job_id"], first.body["job_id"]);
    create(&app, "web-8", &key)
        .await
        .assert_error(409, "CONFLICT");
    // One droplet and one provisioning job (the worker appends the job's own progress).
    assert_eq!(get(&app, "/api/v1/droplets").await.body["total"], 1);
    let jobs = get(&app, "/api/v1/jobs?type=provision").await;
    assert_eq!(jobs.body["total"], 1, "{}", jobs.body);

    let id = first.body["droplet"]["id"].as_str().unwrap();
    app.completed(first.body["job_id"].as_str().unwrap()).await;
    let path = format!("/api/v1/droplets/{id}");
    let key = [("Idempotency-Key", "destroy-web-7")];
    let r = call(&app, Method::DELETE, &path, None, &key, None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = call(&app, Method::DELETE, &path, None, &key, None).await;
    assert_eq!(r.status, 204, "{}", r.body);
    let jobs = get(&app, "/api/v1/jobs?type=destroy").await;
    assert_eq!(jobs.body["total"], 1, "{}", jobs.body);
    app.stop().await;
}
on_both_backends!(idempotency_keys_replay);

async fn jobs_are_listed_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let a = create(&app, "job-a", &[]).await;
    let b = create(&app, "job-b", &[]).await;
    app.completed(a.body["job_id"].as_str().unwrap()).await;
    app.completed(b.body["job_id"].as_str().unwrap()).await;
    let r = get(&app, "/api/v1/jobs").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["total"], 2);
    let job = &r.body["jobs"][0];
    assert_eq!(job["id"], b.body["job_id"], "newest first: {}", r.body);
    assert_eq!(job["type"], "PROVISION");
    assert_eq!(job["status"], "COMPLETED");
    assert_eq!(job["progress"], 100);
    assert_eq!(job["resource_id"], b.body["droplet"]["id"]);
    assert!(
        job["message"].is_string()
            && job["created_at"].is_string()
            && job["updated_at"].is_string()
    );
    let r = get(&app, "/api/v1/jobs?limit=1&status=completed&type=PROVISION").await;
    assert_eq!(
        r.body["jobs"].as_array().map(Vec::len),
        Some(1),
        "{}",
        r.body
    );
    assert_eq!(r.body["total"], 2);
    let r = get(&app, "/api/v1/jobs?status=failed").await;
    assert_eq!(r.body["total"], 0, "{}", r.body);
    get(&app, "/api/v1/jobs?limit=0")
        .await
        .assert_error(400, "BAD_USER_INPUT");
    app.stop().await;
}
on_both_backends!(jobs_are_listed_newest_first);

/// The password of the bootstrap admin of the `required`-mode app.
const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// An app that requires credentials, an ADMIN's session and a VIEWER's (`vera`).
pub(crate) async fn app_with_viewer(backend: Backend) -> (TestApp, String, String) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |s| {
        s.auth = Some(query::auth::AuthMode::Required);
        s.admin_password = Some(ADMIN_PASSWORD.into());
    })
    .await;
    let session = |username: &'static str, password: &'static str| {
        let body = json!({ "username": username, "password": password });
        let app = &app;
        async move {
            let r = call(
                app,
                Method::POST,
                "/api/v1/auth/login",
                None,
                &[],
                Some(body),
            )
            .await;
            assert_eq!(r.status, 200, "{}", r.body);
            r.body["token"].as_str().unwrap().to_string()
        }
    };
    let admin = session("admin", ADMIN_PASSWORD).await;
    let r = app
        .gql_as(
            Some(&admin),
            "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
            json!({ "i": { "username": "vera", "password": TEST_PASSWORD, "role": "VIEWER" } }),
        )
        .await;
    assert!(r["errors"].is_null(), "{r}");
    let viewer = session("vera", TEST_PASSWORD).await;
    (app, admin, viewer)
}

/// Login, and GraphQL's roles on every route: anonymous callers are refused where GraphQL
/// refuses them, a viewer reads but cannot create or destroy, an operator can; a REST
/// session works on GraphQL.
async fn login_and_roles(backend: Backend) {
    let storage = Storage::fresh(backend).await;
    let app = spawn_app_on(storage, |s| {
        s.auth = Some(query::auth::AuthMode::Required);
        s.admin_password = Some(ADMIN_PASSWORD.into());
    })
    .await;
    let login = |username: &str, password: &str| {
        let body = json!({ "username": username, "password": password });
        call(
            &app,
            Method::POST,
            "/api/v1/auth/login",
            None,
            &[],
            Some(body),
        )
    };
    let r = login("admin", ADMIN_PASSWORD).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["user"]["username"], "admin");
    assert_eq!(r.body["user"]["role"], "ADMIN");
    assert!(r.body["expires_at"].is_string() && r.body["user"]["id"].is_string());
    let admin = r.body["token"].as_str().unwrap().to_string();
    let me = app
        .gql_as(Some(&admin), "{ me { actor role } }", json!({}))
        .await;
    assert_eq!(me["data"]["me"]["role"], "ADMIN", "{me}");

    login("admin", "wrong-password")
        .await
        .assert_error(401, "UNAUTHENTICATED");
    login("nobody", "wrong-password")
        .await
        .assert_error(401, "UNAUTHENTICATED");
    let r = call(
        &app,
        Method::POST,
        "/api/v1/auth/login",
        None,
        &[],
        Some(json!({ "username": "admin" })),
    )
    .await;
    r.assert_error(400, "BAD_USER_INPUT");
    assert_eq!(r.body["error"], "password: is required");

    for (role, name) in [("VIEWER", "vera"), ("OPERATOR", "otto")] {
        let r = app
            .gql_as(
                Some(&admin),
                "mutation($i: CreateUserInput!) { createUser(input: $i) { user { id } } }",
                json!({ "i": { "username": name, "password": TEST_PASSWORD, "role": role } }),
            )
            .await;
        assert!(r["errors"].is_null(), "{r}");
    }
    let viewer = login("vera", TEST_PASSWORD).await.body["token"]
        .as_str()
        .unwrap()
        .to_string();
    let operator = login("otto", TEST_PASSWORD).await.body["token"]
        .as_str()
        .unwrap()
        .to_string();

    // Anonymous: refused everywhere but health, metrics, the document and login.
    for (method, path) in [
        (Method::GET, "/api/v1/droplets"),
        (
            Method::GET,
            "/api/v1/droplets/00000000-0000-4000-8000-000000000000",
        ),
        (
            Method::DELETE,
            "/api/v1/droplets/00000000-0000-4000-8000-000000000000",
        ),
        (Method::GET, "/api/v1/jobs"),
    ] {
        let r = call(&app, method.clone(), path, None, &[], None).await;
        r.assert_error(401, "UNAUTHENTICATED");
        assert_eq!(
            r.header("www-authenticate"),
            Some("Bearer"),
            "{method} {path}"
        );
    }
    let body = Some(droplet_body("anon"));
    call(&app, Method::POST, "/api/v1/droplets", None, &[], body)
        .await
        .assert_error(401, "UNAUTHENTICATED");
    call(
        &app,
        Method::GET,
        "/api/v1/jobs",
        Some("not-a-token"),
        &[],
        None,
    )
    .await
    .assert_error(401, "UNAUTHENTICATED");
    assert_eq!(get(&app, "/api/v1/health").await.status, 200);
    assert_eq!(get(&app, "/api/v1/openapi.json").await.status, 200);

    // A viewer reads, and may not create or destroy.
    let r = call(
        &app,
        Method::GET,
        "/api/v1/droplets",
        Some(&viewer),
        &[],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let body = Some(droplet_body("viewer-made"));
    let r = call(
        &app,
        Method::POST,
        "/api/v1/droplets",
        Some(&viewer),
        &[],
        body,
    )
    .await;
    r.assert_error(403, "FORBIDDEN");
    assert!(
        r.body["error"]
            .as_str()
            .unwrap()
            .contains("createDroplet needs the OPERATOR role"),
        "{}",
        r.body
    );

    // An operator creates; the event records them as the actor; the viewer sees it.
    let body = Some(droplet_body("operator-made"));
    let r = call(
        &app,
        Method::POST,
        "/api/v1/droplets",
        Some(&operator),
        &[],
        body,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.body["droplet"]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/droplets/{id}");
    let r = call(&app, Method::GET, &path, Some(&viewer), &[], None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    call(&app, Method::DELETE, &path, Some(&viewer), &[], None)
        .await
        .assert_error(403, "FORBIDDEN");
    let events = app
        .gql_as(
            Some(&admin),
            "query($id: ID!) { history(aggregateType: Droplet, aggregateId: $id) { events { actor } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(
        events["data"]["history"]["events"][0]["actor"], "otto",
        "{events}"
    );
    app.stop().await;
}
on_both_backends!(login_and_roles);

/// REST login shares GraphQL's login limit: guessing is slowed to 429 with Retry-After.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_guessing_is_limited() {
    let app = spawn_app(Backend::Sqlite).await;
    let body = Some(json!({ "username": "mallory", "password": "guess" }));
    let mut limited = None;
    for _ in 0..=query::auth::LOGIN_BURST {
        let r = call(
            &app,
            Method::POST,
            "/api/v1/auth/login",
            None,
            &[],
            body.clone(),
        )
        .await;
        if r.status == 429 {
            limited = Some(r);
            break;
        }
        r.assert_error(401, "UNAUTHENTICATED");
    }
    let r = limited.expect("the login limit applies to REST");
    r.assert_error(429, "RATE_LIMITED");
    assert!(r
        .header("retry-after")
        .is_some_and(|s| s.parse::<u64>().is_ok()));
    // GraphQL's login now refuses the same name too: one limit.
    let g = app
        .gql(
            "mutation { login(username: \"mallory\", password: \"guess\") { token } }",
            json!({}),
        )
        .await;
    assert_eq!(
        crate::helpers::error_code(&g).as_deref(),
        Some("RATE_LIMITED"),
        "{g}"
    );
    app.stop().await;
}

/// The HTTP limiter's refusal under `/api/v1` has REST's shape and headers; the health
/// probe is never limited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_http_limit_answers_in_rest_shape() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| {
        s.http_rate_limit = Some("1/h".into());
        s.http_rate_burst = Some(2);
    })
    .await;
    for remaining in ["1", "0"] {
        let r = get(&app, "/api/v1/droplets").await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.header("ratelimit-remaining"), Some(remaining));
    }
    let r = get(&app, "/api/v1/droplets").await;
    r.assert_error(429, "RATE_LIMITED");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((3000..=3600).contains(&retry), "{retry}");
    assert_eq!(get(&app, "/api/v1/health").await.status, 200);
    app.stop().await;
}

/// With the database gone, health is 503 `degraded` naming the database, and routes answer
/// REST's 503 (or 500) error, never a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_database_is_503() {
    let app = spawn_app(Backend::Postgres).await;
    let name = app
        .storage
        .postgres_url()
        .rsplit('/')
        .next()
        .unwrap()
        .to_string();
    let admin_url = format!("{}/postgres", testkit::storage::postgres_base());
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
        .await
        .unwrap();
    let drop = format!("DROP DATABASE {name} WITH (FORCE)");
    sqlx::Executor::execute(&mut admin, drop.as_str())
        .await
        .unwrap();
    let r = get(&app, "/api/v1/health").await;
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.body["status"], "degraded");
    assert_eq!(r.body["services"]["database"], "down");
    for r in [
        get(&app, "/api/v1/droplets").await,
        create(&app, "late", &[]).await,
    ] {
        assert!(matches!(r.status, 500 | 503), "{}", r.body);
        let reason = if r.status == 503 {
            "UNAVAILABLE"
        } else {
            "INTERNAL"
        };
        r.assert_error(r.status, reason);
    }
}
