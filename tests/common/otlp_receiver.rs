//! A local OTLP/HTTP receiver for tests: an actix-web server on 127.0.0.1 that decodes the
//! `ExportTraceServiceRequest` and `ExportLogsServiceRequest` protobuf bodies posted to
//! `/v1/traces` and `/v1/logs` (the types of the `opentelemetry-proto` crate) and keeps every
//! span and log record it was sent.

use actix_web::dev::ServerHandle;
use actix_web::{web, App, HttpResponse, HttpServer};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use prost::Message;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Notify;

/// One received span, flattened.
#[derive(Debug, Clone)]
pub struct ReceivedSpan {
    /// `service.name` of the resource that sent it.
    pub service: String,
    pub name: String,
    /// Hex ids, as in a `traceparent`; `parent_span_id` is empty for a root span.
    pub trace_id: String,
    pub span_id: String,
    pub parent_span_id: String,
    /// Attributes as text.
    pub attributes: HashMap<String, String>,
}

/// One received log record, flattened.
#[derive(Debug, Clone)]
pub struct ReceivedLog {
    /// `service.name` of the resource that sent it.
    pub service: String,
    /// The instrumentation scope's name: the `tracing` target of the event.
    pub scope: String,
    pub severity_text: String,
    pub severity_number: i32,
    /// The message, as text.
    pub body: String,
    /// Hex ids of the span the record was emitted in; empty outside any span.
    pub trace_id: String,
    pub span_id: String,
    /// Attributes (the event's fields) as text.
    pub attributes: HashMap<String, String>,
}

#[derive(Default)]
struct Store {
    spans: Mutex<Vec<ReceivedSpan>>,
    logs: Mutex<Vec<ReceivedLog>>,
    changed: Notify,
}

/// A running receiver.
pub struct Receiver {
    pub port: u16,
    store: Arc<Store>,
    handle: ServerHandle,
    task: tokio::task::JoinHandle<()>,
}

fn text(v: &Option<AnyValue>) -> String {
    match v.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn attributes(kv: &[KeyValue]) -> HashMap<String, String> {
    kv.iter()
        .map(|kv| (kv.key.clone(), text(&kv.value)))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn traces(body: web::Bytes, store: web::Data<Store>) -> HttpResponse {
    let request = match ExportTraceServiceRequest::decode(body) {
        Ok(r) => r,
        Err(e) => return HttpResponse::BadRequest().body(e.to_string()),
    };
    let mut received = Vec::new();
    for rs in &request.resource_spans {
        let resource = rs
            .resource
            .as_ref()
            .map(|r| attributes(&r.attributes))
            .unwrap_or_default();
        let service = resource.get("service.name").cloned().unwrap_or_default();
        for ss in &rs.scope_spans {
            for s in &ss.spans {
                received.push(ReceivedSpan {
                    service: service.clone(),
                    name: s.name.clone(),
                    trace_id: hex(&s.trace_id),
                    span_id: hex(&s.span_id),
                    parent_span_id: hex(&s.parent_span_id),
                    attributes: attributes(&s.attributes),
                });
            }
        }
    }
    store.spans.lock().unwrap().extend(received);
    store.changed.notify_waiters();
    HttpResponse::Ok()
        .content_type("application/x-protobuf")
        .body(ExportTraceServiceResponse::default().encode_to_vec())
}

async fn logs(body: web::Bytes, store: web::Data<Store>) -> HttpResponse {
    let request = match ExportLogsServiceRequest::decode(body) {
        Ok(r) => r,
        Err(e) => return HttpResponse::BadRequest().body(e.to_string()),
    };
    let mut received = Vec::new();
    for rl in &request.resource_logs {
        let resource = rl
            .resource
            .as_ref()
            .map(|r| attributes(&r.attributes))
            .unwrap_or_default();
        let service = resource.get("service.name").cloned().unwrap_or_default();
        for sl in &rl.scope_logs {
            let scope = sl
                .scope
                .as_ref()
                .map(|s| s.name.clone())
                .unwrap_or_default();
            for r in &sl.log_records {
                received.push(ReceivedLog {
                    service: service.clone(),
                    scope: scope.clone(),
                    severity_text: r.severity_text.clone(),
                    severity_number: r.severity_number,
                    body: text(&r.body),
                    trace_id: hex(&r.trace_id),
                    span_id: hex(&r.span_id),
                    attributes: attributes(&r.attributes),
                });
            }
        }
    }
    store.logs.lock().unwrap().extend(received);
    store.changed.notify_waiters();
    HttpResponse::Ok()
        .content_type("application/x-protobuf")
        .body(ExportLogsServiceResponse::default().encode_to_vec())
}

/// A port held for a receiver that is not listening yet: a socket bound to a port the kernel
/// chose, without `listen`, so connections to it are refused and nothing else can take it.
pub struct ReservedPort {
    socket: tokio::net::TcpSocket,
    pub port: u16,
}

impl ReservedPort {
    /// Binds 127.0.0.1:0.
    pub fn new() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().expect("a TCP socket");
        socket
            .bind(([127, 0, 0, 1], 0).into())
            .expect("bind 127.0.0.1:0");
        let port = socket.local_addr().expect("its address").port();
        Self { socket, port }
    }
}

impl Receiver {
    /// A receiver on a port the kernel chose.
    pub async fn start() -> Self {
        Self::start_reserved(ReservedPort::new()).await
    }

    /// A receiver listening on a port reserved earlier.
    pub async fn start_reserved(reserved: ReservedPort) -> Self {
        let listener = reserved
            .socket
            .listen(1024)
            .expect("listen on the reserved port")
            .into_std()
            .expect("a std listener");
        let store = Arc::new(Store::default());
        let data = web::Data::from(store.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .app_data(web::PayloadConfig::new(64 << 20))
                .route("/v1/traces", web::post().to(traces))
                .route("/v1/logs", web::post().to(logs))
        })
        .workers(1)
        .disable_signals()
        .shutdown_timeout(0)
        .listen(listener)
        .expect("serve the OTLP receiver");
        let port = server.addrs()[0].port();
        assert_eq!(
            port, reserved.port,
            "the receiver listens where it was reserved"
        );
        let server = server.run();
        let handle = server.handle();
        let task = tokio::spawn(async move {
            server.await.expect("the OTLP receiver ran");
        });
        Self {
            port,
            store,
            handle,
            task,
        }
    }

    /// The base URL for `OTEL_EXPORTER_OTLP_ENDPOINT`.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every span received so far.
    pub fn spans(&self) -> Vec<ReceivedSpan> {
        self.store.spans.lock().unwrap().clone()
    }

    /// Every log record received so far.
    pub fn logs(&self) -> Vec<ReceivedLog> {
        self.store.logs.lock().unwrap().clone()
    }

    /// Waits until `found` returns something for the spans received so far; panics with
    /// `what` and the spans after `timeout`.
    pub async fn wait_for<T>(
        &self,
        what: &str,
        timeout: Duration,
        found: impl Fn(&[ReceivedSpan]) -> Option<T>,
    ) -> T {
        self.wait_until(
            what,
            timeout,
            || found(&self.spans()),
            || {
                self.spans()
                    .iter()
                    .map(|s| {
                        format!(
                            "{} {} trace={} parent={}",
                            s.service, s.name, s.trace_id, s.parent_span_id
                        )
                    })
                    .collect()
            },
        )
        .await
    }

    /// Waits until `found` returns something for the log records received so far; panics
    /// with `what` and the records after `timeout`.
    pub async fn wait_for_log<T>(
        &self,
        what: &str,
        timeout: Duration,
        found: impl Fn(&[ReceivedLog]) -> Option<T>,
    ) -> T {
        self.wait_until(
            what,
            timeout,
            || found(&self.logs()),
            || {
                self.logs()
                    .iter()
                    .map(|l| {
                        format!(
                            "{} {} {} {:?} trace={}",
                            l.service, l.scope, l.severity_text, l.body, l.trace_id
                        )
                    })
                    .collect()
            },
        )
        .await
    }

    async fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        found: impl Fn() -> Option<T>,
        received: impl Fn() -> Vec<String>,
    ) -> T {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Registered before looking, so a batch arriving in between is not missed.
            let changed = self.store.changed.notified();
            if let Some(t) = found() {
                return t;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                panic!(
                    "the receiver never got {what}; it got:\n{}",
                    received().join("\n")
                );
            }
        }
    }

    /// Stops listening and drops open connections.
    pub async fn stop(self) {
        self.handle.stop(false).await;
        self.task.await.expect("the OTLP receiver stopped cleanly");
    }
}
