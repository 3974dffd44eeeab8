//! Probes against servers the tests start on 127.0.0.1.

use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const DENY: AddressPolicy = AddressPolicy {
    allow_private: false,
};

/// An HTTP server on 127.0.0.1 that answers each request with `answer(path)`, written as is;
/// `None` holds the connection open without answering.
async fn serve(answer: fn(&str) -> Option<String>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head);
                let path = head.split(' ').nth(1).unwrap_or("/").to_string();
                match answer(&path) {
                    Some(response) => {
                        let _ = stream.write_all(response.as_bytes()).await;
                    }
                    None => tokio::time::sleep(Duration::from_secs(60)).await,
                }
            });
        }
    });
    address
}

fn response(status: &str, headers: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
        body.len()
    )
}

fn conditions(texts: &[&str]) -> Vec<Condition> {
    texts.iter().map(|t| Condition::parse(t).unwrap()).collect()
}

fn http(address: SocketAddr, path: &str) -> HealthTarget {
    HealthTarget::Http {
        url: format!("http://{address}{path}"),
    }
}

fn prober() -> Prober {
    Prober::new(DENY).unwrap()
}

#[tokio::test]
async fn a_healthy_http_target_passes_every_condition() {
    let server = serve(|path| {
        (path == "/health").then(|| response("200 OK", "", r#"{"status":"UP","checks":[1,2]}"#))
    })
    .await;
    let checks = conditions(&[
        "[STATUS] == 200",
        "[BODY].status == UP",
        "len([BODY].checks) == 2",
        "[CONNECTED] == true",
        "[IP] == 127.0.0.1",
        "[RESPONSE_TIME] >= 0",
    ]);
    let result = prober()
        .probe(&http(server, "/health"), &checks, Duration::from_secs(10))
        .await;
    assert!(result.success, "{result:?}");
    assert_eq!(result.status, Some(200));
    assert_eq!(result.error, None);
    let actual: Vec<&str> = result
        .condition_results
        .iter()
        .map(|r| r.actual.as_str())
        .collect();
    assert_eq!(actual[..5], ["200", "UP", "2", "true", "127.0.0.1"]);
    assert!(result.duration_ms >= 0.0);
}

#[tokio::test]
async fn a_failing_answer_fails_its_conditions_and_says_what_it_saw() {
    let server = serve(|_| {
        Some(response(
            "503 Service Unavailable",
            "",
            r#"{"status":"DOWN"}"#,
        ))
    })
    .await;
    let checks = conditions(&["[STATUS] == 200", "[BODY].status == UP"]);
    let result = prober()
        .probe(&http(server, "/"), &checks, Duration::from_secs(10))
        .await;
    assert!(!result.success);
    assert_eq!(result.status, Some(503));
    assert_eq!(
        result.error, None,
        "the target answered; only the conditions failed"
    );
    let outcomes: Vec<(bool, &str)> = result
        .condition_results
        .iter()
        .map(|r| (r.success, r.actual.as_str()))
        .collect();
    assert_eq!(outcomes, [(false, "503"), (false, "DOWN")]);
}

#[tokio::test]
async fn a_target_that_never_answers_times_out() {
    let server = serve(|_| None).await;
    let checks = conditions(&["[STATUS] == 200"]);
    let result = prober()
        .probe(&http(server, "/"), &checks, Duration::from_millis(300))
        .await;
    assert!(!result.success);
    assert_eq!(result.error.as_deref(), Some("timed out after 300 ms"));
    assert_eq!(result.condition_results[0].actual, "(none)");
}

#[tokio::test]
async fn a_closed_port_is_not_connected() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let checks = conditions(&["[CONNECTED] == true"]);
    let tcp = HealthTarget::Tcp {
        host: "127.0.0.1".into(),
        port,
    };
    let result = prober().probe(&tcp, &checks, Duration::from_secs(5)).await;
    assert!(!result.success);
    assert_eq!(result.condition_results[0].actual, "false");
    assert!(
        result.error.as_deref().unwrap().contains("refused"),
        "{result:?}"
    );
    let result = prober()
        .probe(
            &http(format!("127.0.0.1:{port}").parse().unwrap(), "/"),
            &[],
            Duration::from_secs(5),
        )
        .await;
    assert!(!result.success, "no conditions, and no connection");
}

#[tokio::test]
async fn an_open_port_is_connected_through_its_host_name() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let checks = conditions(&["[CONNECTED] == true", "[IP] == 127.0.0.1"]);
    let tcp = HealthTarget::Tcp {
        host: "localhost".into(),
        port,
    };
    let result = prober().probe(&tcp, &checks, Duration::from_secs(5)).await;
    assert!(result.success, "{result:?}");
    assert_eq!(result.status, None);
}

#[tokio::test]
async fn a_redirect_is_followed_but_never_to_a_metadata_address() {
    let server = serve(|path| match path {
        "/moved" => Some(response("302 Found", "location: /health\r\n", "")),
        "/health" => Some(response("200 OK", "", "ok")),
        "/metadata" => Some(response(
            "302 Found",
            "location: http://169.254.169.254/latest/meta-data/\r\n",
            "",
        )),
        "/loop" => Some(response("302 Found", "location: /loop\r\n", "")),
        _ => Some(response("404 Not Found", "", "")),
    })
    .await;
    let checks = conditions(&["[STATUS] == 200", "[BODY] == ok"]);
    let t = Duration::from_secs(10);
    let followed = prober().probe(&http(server, "/moved"), &checks, t).await;
    assert!(followed.success, "{followed:?}");

    let refused = prober().probe(&http(server, "/metadata"), &checks, t).await;
    assert!(!refused.success);
    let error = refused.error.unwrap();
    assert!(
        error.contains("redirected") && error.contains("link-local or cloud metadata address"),
        "{error}"
    );

    let looped = prober().probe(&http(server, "/loop"), &checks, t).await;
    assert!(looped.error.unwrap().contains("more than 5 redirects"));
}

#[tokio::test]
async fn host_names_resolving_to_forbidden_addresses_are_refused() {
    // The resolver the HTTP client and the TCP probe share: a name (here a literal, which the
    // system resolver returns as is) whose addresses are all forbidden has none to use.
    let error = resolve(DENY, "169.254.169.254", 80).await.unwrap_err();
    assert!(error.contains("cloud metadata address"), "{error}");
    let error = resolve(DENY, "::ffff:169.254.169.254", 80)
        .await
        .unwrap_err();
    assert!(error.contains("cloud metadata address"), "{error}");
    let allowed = AddressPolicy {
        allow_private: true,
    };
    assert_eq!(
        resolve(allowed, "169.254.169.254", 80).await.unwrap().len(),
        1
    );
    assert!(resolve(DENY, "localhost", 80).await.is_ok());
}

#[tokio::test]
async fn only_the_first_64_kib_of_a_body_are_read() {
    let server = serve(|_| {
        let body = "x".repeat(1024 * 1024);
        Some(response("200 OK", "", &body))
    })
    .await;
    let checks = conditions(&["len([BODY]) == 65536"]);
    let result = prober()
        .probe(&http(server, "/"), &checks, Duration::from_secs(10))
        .await;
    assert!(result.success, "{:?}", result.condition_results);
}

#[test]
fn an_error_fails_the_run_whatever_the_conditions_say() {
    let o = Observation {
        connected: true,
        ..Observation::default()
    };
    let at = Utc::now();
    assert!(evaluate(at, &o, &[], None).success);
    assert!(!evaluate(at, &o, &[], Some("broken".into())).success);
    let checks = conditions(&["[CONNECTED] == false"]);
    assert!(evaluate(at, &Observation::default(), &checks, None).success);
}

#[tokio::test]
async fn https_targets_are_spoken_to_over_tls() {
    // A plain-HTTP server on the https port: the TLS handshake fails, as it would against a
    // wrong certificate; the client has a TLS backend rather than refusing the scheme.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream
                .write_all(response("200 OK", "", "plain").as_bytes())
                .await;
        }
    });
    let https = HealthTarget::Http {
        url: format!("https://{server}/"),
    };
    let result = prober().probe(&https, &[], Duration::from_secs(10)).await;
    assert!(!result.success);
    let error = result.error.unwrap();
    assert!(!error.contains("scheme is not http"), "{error}");
    assert!(!error.contains("timed out"), "{error}");
    assert_eq!(result.status, None, "{error}");
}
