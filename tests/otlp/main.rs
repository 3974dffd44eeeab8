//! OTLP export of the real binary: `clustergenie serve` runs as a child process (the tracer
//! provider is process-global) against a receiver inside the test, which decodes what it is
//! sent, spans and log records, with the `opentelemetry-proto` types.

#[path = "../common/otlp_receiver.rs"]
mod otlp_receiver;

use otlp_receiver::{ReceivedLog, ReceivedSpan, Receiver, ReservedPort};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use testkit::process::ChildProcess;
use testkit::storage::TempDir;
use testkit::wait;

const SERVICE: &str = "clustergenie-otlp-test";
/// Generous: exports happen every 100 ms here; this only bounds a broken run.
const WAIT: Duration = Duration::from_secs(60);

/// `clustergenie serve` on fresh SQLite storage, exporting to `endpoint`.
struct Serve {
    process: ChildProcess,
    port: u16,
    dir: TempDir,
    client: reqwest::Client,
}

impl Serve {
    async fn start(endpoint: &str) -> Self {
        Self::start_with(endpoint, &[]).await
    }

    /// [`Serve::start`] with more environment variables (set last, so they win).
    async fn start_with(endpoint: &str, env: &[(&str, &str)]) -> Self {
        let dir = TempDir::new("clustergenie-otlp");
        let log = |name: &str| {
            Stdio::from(std::fs::File::create(dir.path().join(name)).expect("a log file"))
        };
        let mut command = Command::new(env!("CARGO_BIN_EXE_clustergenie"));
        command
            .arg("serve")
            .env_remove("DATABASE_URL")
            .env_remove("CLUSTERGENIE_KAFKA_BROKERS")
            .env_remove("CLUSTERGENIE_CONFIG")
            .env("CLUSTERGENIE_LISTEN", "127.0.0.1:0")
            .env("CLUSTERGENIE_DATA_DIR", dir.path().join("data"))
            .env("CLUSTERGENIE_LOG_FORMAT", "json")
            .env("CLUSTERGENIE_PROVISION_SECONDS", "0.3")
            .env("RUST_LOG", "info,sqlx=warn")
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
            .env("OTEL_SERVICE_NAME", SERVICE)
            .env("OTEL_BSP_SCHEDULE_DELAY", "100")
            .env("OTEL_BLRP_SCHEDULE_DELAY", "100")
            .env("OTEL_EXPORTER_OTLP_TIMEOUT", "2000")
            .envs(env.iter().copied())
            .stdout(log("stdout.log"))
            .stderr(log("stderr.log"));
        let mut process = ChildProcess::spawn(&mut command);
        let port = process.bound_port(WAIT, || output_in(dir.path())).await;
        let serve = Self {
            process,
            port,
            dir,
            client: reqwest::Client::new(),
        };
        wait::until("serve to be healthy", WAIT, || async {
            match serve.health().await {
                Some(200) => Ok(()),
                other => Err(format!("/health: {other:?}\n{}", serve.output())),
            }
        })
        .await;
        serve
    }

    async fn health(&self) -> Option<u16> {
        let r = self
            .client
            .get(format!("http://127.0.0.1:{}/health", self.port))
            .send()
            .await
            .ok()?;
        Some(r.status().as_u16())
    }

    async fn metrics(&self) -> String {
        self.client
            .get(format!("http://127.0.0.1:{}/metrics", self.port))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// A named GraphQL operation; panics on errors.
    async fn gql(&self, query: &str, operation: &str, variables: Value) -> Value {
        self.gql_as(None, query, operation, variables).await
    }

    /// [`Serve::gql`], with `Authorization: Bearer <token>` when a token is given.
    async fn gql_as(
        &self,
        token: Option<&str>,
        query: &str,
        operation: &str,
        variables: Value,
    ) -> Value {
        let mut request = self
            .client
            .post(format!("http://127.0.0.1:{}/graphql", self.port))
            .json(&json!({ "query": query, "operationName": operation, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let r: Value = request.send().await.unwrap().json().await.unwrap();
        assert!(r.get("errors").is_none(), "{operation}: {r}");
        r["data"].clone()
    }

    async fn create_cluster(&self, operation: &str, name: &str) -> String {
        let query = format!("mutation {operation}($input: CreateClusterInput!) {{ createCluster(input: $input) {{ cluster {{ id }} position }} }}");
        let data = self
            .gql(
                &query,
                operation,
                json!({ "input": { "name": name, "region": "nyc1" } }),
            )
            .await;
        data["createCluster"]["cluster"]["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn stdout(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("stdout.log")).unwrap_or_default()
    }

    fn output(&self) -> String {
        output_in(self.dir.path())
    }

    /// Waits until the log has `n` lines containing `text`.
    async fn wait_for_log(&self, text: &str, n: usize) {
        wait::until(&format!("{n}× {text:?} in the log"), WAIT, || async {
            let seen = self.stdout().lines().filter(|l| l.contains(text)).count();
            (seen >= n)
                .then_some(())
                .ok_or_else(|| format!("{seen} times:\n{}", self.output()))
        })
        .await;
    }

    /// SIGTERM; asserts a clean exit, and that nothing panicked.
    fn stop(mut self) -> String {
        let exit = self.process.terminate(Duration::from_secs(30));
        let output = self.output();
        let exit = exit.unwrap_or_else(|| panic!("serve did not stop after SIGTERM:\n{output}"));
        assert!(exit.success(), "serve exited with {exit}:\n{output}");
        assert!(!output.contains("panicked"), "a thread panicked:\n{output}");
        output
    }
}

/// What `serve` wrote to `dir`'s stdout and stderr logs.
fn output_in(dir: &Path) -> String {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
    format!(
        "--- stdout\n{}\n--- stderr\n{}",
        read("stdout.log"),
        read("stderr.log")
    )
}

/// The GraphQL span of the operation named `operation`.
fn operation_span(spans: &[ReceivedSpan], operation: &str) -> Option<ReceivedSpan> {
    spans
        .iter()
        .find(|s| {
            s.attributes
                .get("graphql.operation.name")
                .map(String::as_str)
                == Some(operation)
        })
        .cloned()
}

/// The value of the metric line starting with `prefix`.
fn metric(text: &str, prefix: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mutations_spans_reach_the_collector_named_after_the_operation() {
    let receiver = Receiver::start().await;
    let serve = Serve::start(&receiver.endpoint()).await;
    serve.create_cluster("CreateProdCluster", "prod").await;

    let span = receiver
        .wait_for("the CreateProdCluster span", WAIT, |s| {
            operation_span(s, "CreateProdCluster")
        })
        .await;
    assert_eq!(span.name, "mutation CreateProdCluster");
    assert_eq!(span.service, SERVICE);
    assert_eq!(span.attributes["graphql.operation.type"], "mutation");
    assert_eq!(span.attributes["graphql.root_fields"], "createCluster");
    // The command handler's span is its child, in the same trace.
    receiver
        .wait_for("the command span under the request", WAIT, |spans| {
            spans
                .iter()
                .find(|s| s.name == "create_cluster" && s.parent_span_id == span.span_id)
                .map(|s| assert_eq!(s.trace_id, span.trace_id))
        })
        .await;
    let metrics = serve.metrics().await;
    assert!(
        metric(&metrics, "clustergenie_otel_spans_exported_total") >= 2.0,
        "{metrics}"
    );
    assert_eq!(
        metric(&metrics, "clustergenie_otel_spans_dropped_total"),
        0.0,
        "{metrics}"
    );
    serve.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_embedded_mode_the_projector_and_the_worker_continue_the_mutations_trace() {
    let receiver = Receiver::start().await;
    let serve = Serve::start(&receiver.endpoint()).await;
    let query = "mutation CreateWeb($input: CreateDropletInput!) { createDroplet(input: $input) { droplet { id } job { id } } }";
    let data = serve
        .gql(
            query,
            "CreateWeb",
            json!({ "input": { "name": "web-1", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" } }),
        )
        .await;
    let job = data["createDroplet"]["job"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let root = receiver
        .wait_for("the CreateWeb span", WAIT, |s| {
            operation_span(s, "CreateWeb")
        })
        .await;
    let api_spans = |spans: &[ReceivedSpan]| -> Vec<String> {
        spans
            .iter()
            .filter(|s| {
                s.trace_id == root.trace_id && s.name != "job.run" && s.name != "projector.apply"
            })
            .map(|s| s.span_id.clone())
            .collect()
    };
    let job_run = receiver
        .wait_for("the job.run span in the mutation's trace", WAIT, |spans| {
            spans
                .iter()
                .find(|s| s.name == "job.run" && s.trace_id == root.trace_id)
                .cloned()
        })
        .await;
    assert_eq!(job_run.attributes["job.id"], job);
    assert_eq!(job_run.attributes["job.type"], "PROVISION");
    assert!(api_spans(&receiver.spans()).contains(&job_run.parent_span_id));
    receiver
        .wait_for("a projector.apply span under the mutation", WAIT, |spans| {
            let parents = api_spans(spans);
            spans
                .iter()
                .find(|s| {
                    s.name == "projector.apply"
                        && s.trace_id == root.trace_id
                        && parents.contains(&s.parent_span_id)
                })
                .cloned()
        })
        .await;
    serve.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_that_is_down_or_goes_away_costs_spans_not_requests() {
    // Nothing listens on the collector's port at first (it is held, not listened on).
    let reserved = ReservedPort::new();
    let port = reserved.port;
    let serve = Serve::start(&format!("http://127.0.0.1:{port}")).await;
    serve.create_cluster("WhileDown", "down").await;
    serve
        .wait_for_log("cannot export spans to the OTLP collector", 1)
        .await;

    // The collector comes up: spans flow.
    let receiver = Receiver::start_reserved(reserved).await;
    serve.create_cluster("WhileUp", "up").await;
    receiver
        .wait_for("the WhileUp span", WAIT, |s| operation_span(s, "WhileUp"))
        .await;
    serve
        .wait_for_log("spans reach the OTLP collector again", 1)
        .await;

    // It goes away mid-run: requests go on, spans are dropped and counted, one warning.
    receiver.stop().await;
    serve.create_cluster("AfterStop", "after").await;
    assert_eq!(serve.health().await, Some(200));
    serve
        .wait_for_log("cannot export spans to the OTLP collector", 2)
        .await;
    let metrics = serve.metrics().await;
    assert!(
        metric(
            &metrics,
            "clustergenie_otel_spans_dropped_total{reason=\"export_failed\"}"
        ) >= 1.0,
        "{metrics}"
    );
    serve.create_cluster("StillServing", "still").await;
    assert_eq!(serve.health().await, Some(200));
    let output = serve.stop();
    let warnings = output
        .lines()
        .filter(|l| l.contains("cannot export spans to the OTLP collector"))
        .count();
    assert_eq!(warnings, 2, "one warning per outage:\n{output}");
    // Log records are lost the same way: said once per outage, not once per batch.
    assert!(
        output.contains("cannot export logs to the OTLP collector"),
        "{output}"
    );
    assert!(
        !output.contains("BatchLogProcessor.ExportError"),
        "{output}"
    );
}

/// The records of the exporter's own HTTP stack, or of the SDK, that reached the collector.
fn exporter_internals(logs: &[ReceivedLog]) -> Vec<String> {
    logs.iter()
        .filter(|l| {
            ["opentelemetry", "reqwest", "hyper", "h2"]
                .iter()
                .any(|t| l.scope.starts_with(t))
        })
        .map(|l| format!("{} {:?}", l.scope, l.body))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_reach_the_collector_in_the_trace_of_the_mutation_without_its_credentials() {
    const SECRET: &str = "otlp-test-secret-never-exported";
    const PASSWORD: &str = "otlp-password-never-exported";
    let receiver = Receiver::start().await;
    // Debug logs of the exporter's HTTP stack on: were they exported, every export would
    // log more to export.
    let serve = Serve::start_with(
        &receiver.endpoint(),
        &[
            ("CLUSTERGENIE_AUTH_SECRET", SECRET),
            ("CLUSTERGENIE_ADMIN_PASSWORD", PASSWORD),
            (
                "RUST_LOG",
                "info,sqlx=warn,reqwest=debug,hyper=debug,hyper_util=debug,opentelemetry=debug,opentelemetry_sdk=debug",
            ),
        ],
    )
    .await;
    let login = serve
        .gql_as(
            None,
            "mutation SignIn($p: String!) { login(username: \"admin\", password: $p) { token } }",
            "SignIn",
            json!({ "p": PASSWORD }),
        )
        .await;
    let token = login["login"]["token"].as_str().unwrap().to_string();
    let query = "mutation CreateLogged($input: CreateDropletInput!) { createDroplet(input: $input) { droplet { id } job { id } } }";
    let data = serve
        .gql_as(
            Some(&token),
            query,
            "CreateLogged",
            json!({ "input": { "name": "logged-1", "region": "nyc1", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64" } }),
        )
        .await;
    let job = data["createDroplet"]["job"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let root = receiver
        .wait_for("the CreateLogged span", WAIT, |s| {
            operation_span(s, "CreateLogged")
        })
        .await;
    assert_eq!(root.attributes["actor"], "admin");
    let job_run = receiver
        .wait_for("the job.run span in the mutation's trace", WAIT, |spans| {
            spans
                .iter()
                .find(|s| s.name == "job.run" && s.trace_id == root.trace_id)
                .cloned()
        })
        .await;

    // The worker's log line, in the job's span of the mutation's trace.
    let completed = receiver
        .wait_for_log("the job's \"job completed\" record", WAIT, |logs| {
            logs.iter()
                .find(|l| l.body == "job completed" && l.attributes.get("job_id") == Some(&job))
                .cloned()
        })
        .await;
    assert_eq!(completed.service, SERVICE);
    assert_eq!(completed.severity_text, "INFO");
    // SeverityNumber INFO.
    assert_eq!(completed.severity_number, 9);
    assert_eq!(completed.scope, "command::worker::runner");
    assert_eq!(completed.trace_id, root.trace_id);
    assert_eq!(completed.span_id, job_run.span_id);

    // A record outside any span carries no trace: the start-up line.
    let started = receiver
        .wait_for_log("the start-up record", WAIT, |logs| {
            logs.iter()
                .find(|l| l.body == "exporting logs over OTLP/HTTP")
                .cloned()
        })
        .await;
    assert_eq!(started.service, SERVICE);
    assert_eq!(started.trace_id, "");
    assert_eq!(
        started.attributes["endpoint"],
        format!("{}/v1/logs", receiver.endpoint())
    );

    let output = serve.stop();
    // Flushed at shutdown: the last line of the run (said before the flush) arrives.
    receiver
        .wait_for_log("the shutdown record", WAIT, |logs| {
            logs.iter()
                .find(|l| l.body == "shutdown requested")
                .cloned()
        })
        .await;
    let logs = receiver.logs();
    assert_eq!(exporter_internals(&logs), Vec::<String>::new());
    // The HTTP stack did log (so the filter above was needed), to the console only.
    assert!(
        output.contains("reqwest::") || output.contains("hyper"),
        "no debug line of the HTTP stack in the output:\n{output}"
    );
    for l in &logs {
        let texts = std::iter::once(&l.body).chain(l.attributes.values());
        for text in texts {
            assert!(
                !text.contains(&token) && !text.contains(SECRET) && !text.contains(PASSWORD),
                "a credential was exported in {l:?}"
            );
        }
    }
}
