//! Hostile HTTP clients: oversized and slow bodies, cross-site requests, CORS preflights and
//! bad tokens. Each test is one finding of the abuse battery (issue 12).

use crate::helpers::{
    assert_code, error_code, spawn_app, spawn_app_on, token_with, Backend, Storage, TestApp,
};
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CREATE: &str = r#"{"query":"mutation { createCluster(input: {name: \"csrf\", region: \"nyc1\"}) { cluster { id } } }"}"#;

/// Opens a raw connection and sends the head of a JSON `POST /graphql` ending in `rest`
/// (the remaining headers, and as much of the body as the test wants sent).
async fn start_post(app: &TestApp, rest: &str) -> tokio::net::TcpStream {
    let mut socket = tokio::net::TcpStream::connect(("127.0.0.1", app.port))
        .await
        .expect("connects");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: application/json\r\n{rest}",
        app.port
    );
    socket.write_all(head.as_bytes()).await.expect("head sent");
    socket
}

/// Reads the server's answer (within a minute) and checks that it starts with `status_line`.
async fn assert_answer(socket: &mut tokio::net::TcpStream, status_line: &str) {
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(60), socket.read(&mut answer))
        .await
        .unwrap_or_else(|_| panic!("no answer within a minute; expected {status_line}"))
        .expect("the answer can be read");
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with(status_line), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_limit_gets_413_without_an_echo() {
    let app = spawn_app(Backend::Sqlite).await;
    let filler = "A".repeat(2 * 1024 * 1024);
    let body = json!({ "query": format!("{{ catalog {{ regions {{ slug }} }} }} # {filler}") });
    let (status, _, r) = app
        .post_with(&[("content-type", "application/json")], body.to_string())
        .await;
    assert_eq!(status, 413);
    assert_code(&r, "BAD_USER_INPUT");
    assert!(r.to_string().len() < 500, "the error echoes the body");
    // The same body chunked, without a Content-Length, is cut off while it is read.
    let mut socket = start_post(&app, "Transfer-Encoding: chunked\r\n\r\n").await;
    let mut cut_off = false;
    for chunk in body.to_string().as_bytes().chunks(64 * 1024) {
        let frame = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        if socket.write_all(&frame).await.is_err() {
            cut_off = true; // the server answered and closed
            break;
        }
    }
    if !cut_off {
        // The server may answer and close between our last chunk and the terminator; what
        // counts is its answer below, so a failed write here is no failure.
        socket.write_all(b"0\r\n\r\n").await.ok();
    }
    assert_answer(&mut socket, "HTTP/1.1 413").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parse_errors_echo_at_most_an_excerpt() {
    let app = spawn_app(Backend::Sqlite).await;
    let long = "x".repeat(500_000);
    for body in [
        format!(r#"{{"query": "{{ {long}"}}"#),
        format!(r#"{{"query": 1, "variables": "{long}"}}"#),
        format!(r#"["{long}"]"#),
    ] {
        let (status, _, r) = app
            .post_with(&[("content-type", "application/json")], body)
            .await;
        assert!(status == 200 || status == 400, "{status}");
        assert!(
            r.to_string().len() < 1000,
            "{status}: {} bytes",
            r.to_string().len()
        );
        let message = r["errors"][0]["message"].as_str().unwrap_or("");
        assert!(!message.contains("untagged"), "{message}");
    }
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_is_timed_out_with_408() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| s.body_timeout_seconds = 1.0).await;
    let mut socket = start_post(&app, "Content-Length: 1000\r\n\r\n{\"query\": ").await;
    // Never send the rest: the server must answer (not wait forever).
    assert_answer(&mut socket, "HTTP/1.1 408").await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cross_site_requests_execute_nothing() {
    let app = spawn_app(Backend::Sqlite).await;
    let before = app.api_event_count(0).await;
    let own = format!("http://127.0.0.1:{}", app.port);
    for (headers, expected) in [
        (vec![("content-type", "text/plain")], 415),
        (
            vec![("content-type", "application/x-www-form-urlencoded")],
            415,
        ),
        (
            vec![("content-type", "multipart/form-data; boundary=x")],
            415,
        ),
        (vec![], 415),
        (
            vec![
                ("content-type", "application/json"),
                ("origin", "https://evil.example"),
            ],
            403,
        ),
        (
            vec![
                ("content-type", "application/json"),
                ("origin", "http://127.0.0.1:1"),
            ],
            403,
        ),
    ] {
        let (status, _, r) = app.post_with(&headers, CREATE).await;
        assert_eq!(status, expected, "{headers:?}: {r}");
        assert!(error_code(&r).is_some(), "{r}");
    }
    // The console's own origin works, and so does a client that sends no Origin.
    let (status, _, r) = app
        .post_with(
            &[("content-type", "application/json"), ("origin", &own)],
            CREATE,
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert!(
        r["data"]["createCluster"]["cluster"]["id"].is_string(),
        "{r}"
    );
    let marker = app.create_cluster_position("marker").await;
    assert_eq!(
        app.api_event_count(marker).await,
        before + 2,
        "only the same-origin and the marker mutation may append"
    );
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_preflights_follow_the_allowed_origins() {
    let storage = Storage::fresh(Backend::Sqlite).await;
    let app = spawn_app_on(storage, |s| {
        s.allowed_origins = "https://console.example".into()
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type, authorization",
            )
            .send()
    };
    let allowed = preflight("https://console.example").await.unwrap();
    assert!(allowed.status().is_success(), "{}", allowed.status());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://console.example"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(!refused.status().is_success(), "{}", refused.status());
    assert!(refused
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    // The listed origin may also POST.
    let (status, headers, r) = app
        .post_with(
            &[
                ("content-type", "application/json"),
                ("origin", "https://console.example"),
            ],
            r#"{"query": "{ catalog { regions { slug } } }"}"#,
        )
        .await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://console.example"
    );
    app.stop().await;
}

/// Tokens that must be refused: no `exp`, a future `nbf`, subjects that are not user names.
pub fn bad_tokens() -> Vec<(String, String)> {
    let now = chrono::Utc::now().timestamp();
    let mut tokens = vec![
        ("no exp".to_string(), token_with(json!({ "sub": "alice" }))),
        (
            "future nbf".to_string(),
            token_with(json!({ "sub": "alice", "exp": now + 7200, "nbf": now + 3600 })),
        ),
        (
            "expired".to_string(),
            token_with(json!({ "sub": "alice", "exp": now - 3600 })),
        ),
    ];
    for sub in [
        "System:worker",
        "system:worker",
        "Anonymous",
        "LOCAL",
        "alice\nsystem:worker",
        "ali\u{0}ce",
        "ali\u{202e}ecila",
        "",
    ] {
        tokens.push((
            format!("sub {sub:?}"),
            token_with(json!({ "sub": sub, "exp": now + 3600 })),
        ));
    }
    tokens
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_get_401_over_http() {
    let app = spawn_app(Backend::Sqlite).await;
    let alice = app.token("alice").await;
    let before = app.api_event_count(0).await;
    for (what, bad) in bad_tokens() {
        let auth = format!("Bearer {bad}");
        let (status, headers, r) = app
            .post_with(
                &[
                    ("content-type", "application/json"),
                    ("authorization", &auth),
                ],
                CREATE,
            )
            .await;
        assert_eq!(status, 401, "{what}: {r}");
        assert_eq!(headers["www-authenticate"], "Bearer", "{what}");
        assert_eq!(
            error_code(&r).as_deref(),
            Some("UNAUTHENTICATED"),
            "{what}: {r}"
        );
    }
    // A good token still works and names the actor.
    let r = app.try_create_cluster(Some(&alice), "tok", "nyc1").await;
    let position = testkit::graphql::i64_at(&r, "/data/createCluster/position");
    assert_eq!(app.api_event_count(position).await, before + 1);
    app.stop().await;
}
