//! Activity-log capture: a tracing layer that turns every event at or above
//! `CLUSTERGENIE_LOG_STORE_LEVEL` into a [`LogRecord`] (service, instance, module, message,
//! fields, trace id, correlation id, resource ids; secrets redacted) and hands it to a bounded
//! buffer, never blocking the caller; a writer task ([`attach`]) stores the buffer in batches
//! in the database of the event store, and a retention task deletes what is older than
//! `CLUSTERGENIE_LOG_RETENTION_HOURS`.
//!
//! The layer is installed with the global subscriber, before a database is open: records
//! written until a writer attaches wait in a small buffer of their own. A process with more
//! than one application (tests) gives every attached writer every record.

use regex::Regex;
use schema::logs::LogLevel;
use serde_json::{Map, Value};
use std::collections::VecDeque;
use std::sync::{LazyLock, Mutex, OnceLock};
use std::time::Duration;
use store::activity_log::{ActivityLog, LogRecord};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// Records kept for the first writer while none is attached.
const EARLY_RECORDS: usize = 2_000;
/// Most records one batch stores.
const BATCH_RECORDS: usize = 1_000;
/// Longest a record waits in the buffer before its batch is stored: a failing job's error
/// is searchable well within a second.
const FLUSH_INTERVAL: Duration = Duration::from_millis(200);
/// Longest stored message and field value (characters); longer ones are cut.
const MAX_VALUE_CHARS: usize = 8_192;
/// How often the retention task deletes old records.
const PRUNE_INTERVAL: Duration = Duration::from_secs(60);
/// The value stored in place of a secret.
pub const REDACTED: &str = "[redacted]";

/// Field names whose values are secrets, wherever they appear (lower case, substrings).
const SECRET_NAMES: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "authorization",
    "api_key",
    "apikey",
    "api-key",
    "cookie",
    "credential",
    "private_key",
];

/// Fields whose names contain a secret's name but hold none: ids of API tokens (the
/// secret is never in a field; the id is what an audit needs).
const NOT_SECRETS: &[&str] = &["api_token_id", "token_id"];

/// Fields that are not resource ids although they end in `id`.
const NOT_RESOURCES: &[&str] = &[
    "correlation_id",
    "causation_id",
    "trace_id",
    "span_id",
    "event_id",
    "worker",
    "worker_id",
    "runner",
];

/// Spans whose name says which service their events belong to.
const SPAN_SERVICES: &[(&str, &str)] = &[
    ("graphql", "api"),
    ("job.run", "worker"),
    ("projector.apply", "projector"),
    ("relay.publish", "relay"),
];

/// Module prefixes and the service their events belong to, most specific first.
const TARGET_SERVICES: &[(&str, &str)] = &[
    ("command::worker", "worker"),
    ("bus::work", "worker"),
    ("command::health", "scheduler"),
    ("clustergenie::health_checks", "scheduler"),
    ("command::telemetry", "simulator"),
    ("clustergenie::simulator", "simulator"),
    ("projector", "projector"),
    ("bus::projection", "projector"),
    ("bus::relay", "relay"),
    ("clustergenie::roles::relay", "relay"),
    ("clustergenie::roles::projector", "projector"),
    ("clustergenie::roles::worker", "worker"),
    ("clustergenie::roles::api", "api"),
    ("clustergenie::startup", "api"),
    ("bus::live", "api"),
    ("query", "api"),
    ("command::handlers", "api"),
    ("actix_web", "api"),
    ("actix_server", "api"),
    ("actix_http", "api"),
    ("async_graphql", "api"),
];

/// Where captured records go: the writers attached, or the early buffer before any is.
struct Hub {
    instance: String,
    /// The service of records no span or module places (the process's role).
    default_service: Mutex<&'static str>,
    sinks: Mutex<Sinks>,
    dropped: std::sync::atomic::AtomicU64,
}

#[derive(Default)]
struct Sinks {
    next: u64,
    attached: Vec<(u64, mpsc::Sender<LogRecord>)>,
    /// `Some` until the first writer attaches.
    early: Option<VecDeque<LogRecord>>,
}

fn hub() -> &'static Hub {
    static HUB: OnceLock<Hub> = OnceLock::new();
    HUB.get_or_init(|| Hub {
        instance: instance_name(),
        default_service: Mutex::new("system"),
        sinks: Mutex::new(Sinks {
            early: Some(VecDeque::new()),
            ..Sinks::default()
        }),
        dropped: Default::default(),
    })
}

/// `host:pid`.
fn instance_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{host}:{}", std::process::id())
}

/// Sets the service of records neither a span nor their module places (the role:
/// `api`, `worker`, `projector`, `relay`; `system` for `serve` and the tools).
pub fn set_default_service(service: &'static str) {
    *hub().default_service.lock().expect("log hub") = service;
}

/// Records dropped because a writer's buffer was full, since start.
pub fn dropped() -> u64 {
    hub().dropped.load(std::sync::atomic::Ordering::Relaxed)
}

impl Hub {
    fn offer(&self, record: LogRecord) {
        let mut sinks = self.sinks.lock().expect("log hub");
        if let Some(early) = sinks.early.as_mut() {
            if early.len() == EARLY_RECORDS {
                early.pop_front();
            }
            early.push_back(record);
            return;
        }
        let n = sinks.attached.len();
        let mut record = Some(record);
        for (i, (_, tx)) in sinks.attached.iter().enumerate() {
            let r = if i + 1 == n {
                record.take().expect("one record per sink")
            } else {
                record.clone().expect("one record per sink")
            };
            if tx.try_send(r).is_err() {
                self.dropped
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                metrics::counter!("clustergenie_log_records_dropped_total").increment(1);
            }
        }
    }
}

/// The capture layer; filter it with [`store_filter`].
pub struct CaptureLayer;

/// The events the capture layer stores: `level` and up, without the chatty internals of
/// the libraries below us (and never the log writer's own, which would feed on itself).
pub fn store_filter(level: tracing::Level) -> tracing_subscriber::filter::Targets {
    use tracing_subscriber::filter::LevelFilter;
    let quiet = std::cmp::min(LevelFilter::from_level(level), LevelFilter::WARN);
    tracing_subscriber::filter::Targets::new()
        .with_default(level)
        .with_target("clustergenie::telemetry::logs", LevelFilter::OFF)
        .with_target("sqlx", quiet)
        .with_target("hyper", quiet)
        .with_target("h2", quiet)
        .with_target("reqwest", quiet)
        .with_target("rdkafka", quiet)
        .with_target("opentelemetry", quiet)
        .with_target("opentelemetry_sdk", quiet)
        .with_target("tungstenite", quiet)
        .with_target("mio", quiet)
}

/// Span fields kept for the records written inside the span.
#[derive(Default)]
struct SpanFields(Map<String, Value>);

impl<S> Layer<S> for CaptureLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = SpanFields::default();
        attrs.record(&mut Fields(&mut fields.0));
        span.extensions_mut().insert(fields);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut ext = span.extensions_mut();
        if let Some(fields) = ext.get_mut::<SpanFields>() {
            values.record(&mut Fields(&mut fields.0));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let meta = event.metadata();
        let mut fields = Map::new();
        let mut span_service = None;
        let mut trace_id = None;
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                let ext = span.extensions();
                if let Some(own) = ext.get::<SpanFields>() {
                    for (k, v) in &own.0 {
                        fields.insert(k.clone(), v.clone());
                    }
                }
                if let Some(service) = SPAN_SERVICES
                    .iter()
                    .find(|(name, _)| *name == span.name())
                    .map(|(_, s)| *s)
                {
                    span_service = Some(service);
                }
                if let Some(id) = ext
                    .get::<tracing_opentelemetry::OtelData>()
                    .and_then(|d| d.trace_id())
                    .filter(|t| *t != opentelemetry::TraceId::INVALID)
                {
                    trace_id = Some(id.to_string());
                }
            }
        }
        // The span's own bookkeeping fields are not the record's.
        for k in ["otel.kind", "otel.name", "otel.status_code"] {
            fields.remove(k);
        }
        event.record(&mut Fields(&mut fields));
        let message = match fields.remove("message") {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let target = meta.target();
        let hub = hub();
        let service = span_service
            .or_else(|| {
                TARGET_SERVICES
                    .iter()
                    .find(|(prefix, _)| {
                        target == *prefix
                            || target
                                .strip_prefix(prefix)
                                .is_some_and(|rest| rest.starts_with("::"))
                    })
                    .map(|(_, s)| *s)
            })
            .unwrap_or_else(|| *hub.default_service.lock().expect("log hub"));
        let correlation_id = match fields.get("correlation_id") {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        let resource_ids = resource_ids(&fields);
        hub.offer(LogRecord {
            id: 0,
            at_us: store::now_us(),
            level: level_of(meta.level()),
            service: service.to_string(),
            instance: hub.instance.clone(),
            target: target.to_string(),
            message: scrub(&cut(message)),
            fields,
            resource_ids,
            correlation_id,
            trace_id,
        });
    }
}

fn level_of(level: &tracing::Level) -> LogLevel {
    match *level {
        tracing::Level::TRACE => LogLevel::Trace,
        tracing::Level::DEBUG => LogLevel::Debug,
        tracing::Level::INFO => LogLevel::Info,
        tracing::Level::WARN => LogLevel::Warn,
        tracing::Level::ERROR => LogLevel::Error,
    }
}

/// The ids of droplets, clusters, jobs and health checks among `fields`: values of fields
/// named `id`, `…_id` or `….id` (not correlation, causation, trace or event ids) that are
/// UUIDs.
fn resource_ids(fields: &Map<String, Value>) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (name, value) in fields {
        let name = name.as_str();
        let id_like = name == "id"
            || name.ends_with("_id")
            || name.ends_with(".id")
            || matches!(name, "droplet" | "cluster" | "job" | "check" | "target");
        if !id_like || NOT_RESOURCES.contains(&name) {
            continue;
        }
        if let Value::String(s) = value {
            if uuid::Uuid::try_parse(s).is_ok() && !ids.contains(s) {
                ids.push(s.clone());
            }
        }
    }
    ids
}

/// A tracing field visitor writing into a JSON map; secret fields are redacted and string
/// values scrubbed.
struct Fields<'a>(&'a mut Map<String, Value>);

impl Fields<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        let name = field.name();
        let lower = name.to_ascii_lowercase();
        let value = if SECRET_NAMES.iter().any(|s| lower.contains(s))
            && !NOT_SECRETS.contains(&lower.as_str())
        {
            Value::String(REDACTED.into())
        } else {
            value
        };
        self.0.insert(name.to_string(), value);
    }
}

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        let value = if field.name() == "message" {
            value.to_string()
        } else {
            scrub(&cut(value.to_string()))
        };
        self.put(field, Value::String(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, Value::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, Value::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.put(field, Value::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, Value::from(value));
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.record_str(field, &value.to_string());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let text = format!("{value:?}");
        self.record_str(field, &text);
    }
}

fn cut(mut text: String) -> String {
    if let Some((at, _)) = text.char_indices().nth(MAX_VALUE_CHARS) {
        text.truncate(at);
        text.push('…');
    }
    text
}

/// Replaces what looks like a secret inside free text: bearer tokens, JWTs, the password
/// of a URL, `password=…`-style pairs.
pub fn scrub(text: &str) -> String {
    static PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
        [
            (r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]+=*", "$1 [redacted]"),
            (
                r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*",
                "[redacted]",
            ),
            (r"([a-z][a-z0-9+.-]*://[^/\s:@]*):[^@\s/]+@", "$1:[redacted]@"),
            // ClusterGenie's own API tokens (`command::credentials`), wherever they appear.
            (r"\bcg_[0-9a-f]{32}_[0-9a-f]{64}\b", "[redacted]"),
            (
                r#"(?i)\b(password|passwd|secret|token|api[_-]?key)(["']?\s*[=:]\s*["']?)[^\s"',;&]+"#,
                "$1$2[redacted]",
            ),
        ]
        .into_iter()
        .map(|(re, with)| (Regex::new(re).expect("a valid pattern"), with))
        .collect()
    });
    let mut text = std::borrow::Cow::Borrowed(text);
    for (re, with) in PATTERNS.iter() {
        if re.is_match(&text) {
            text = std::borrow::Cow::Owned(re.replace_all(&text, *with).into_owned());
        }
    }
    text.into_owned()
}

/// A writer attached to the capture: stores records until `shutdown`, then what is left.
pub struct LogWriter {
    id: u64,
}

impl Drop for LogWriter {
    fn drop(&mut self) {
        let mut sinks = hub().sinks.lock().expect("log hub");
        sinks.attached.retain(|(id, _)| *id != self.id);
    }
}

/// How the store keeps records.
#[derive(Debug, Clone, Copy)]
pub struct StoreSettings {
    /// Records waiting to be stored at most; more are dropped and counted.
    pub buffer: usize,
    /// Hours records are kept.
    pub retention_hours: u64,
}

/// Attaches a writer storing captured records in `log`, and starts the retention task; both
/// stop on `shutdown` (the writer after storing what is buffered).
pub fn attach(
    log: ActivityLog,
    settings: StoreSettings,
    shutdown: CancellationToken,
) -> (LogWriter, Vec<tokio::task::JoinHandle<()>>) {
    // Shown in /metrics from the start, not only after the first loss.
    metrics::counter!("clustergenie_log_records_dropped_total").increment(0);
    metrics::counter!("clustergenie_log_records_stored_total").increment(0);
    let (tx, rx) = mpsc::channel(settings.buffer.max(1));
    let id = {
        let mut sinks = hub().sinks.lock().expect("log hub");
        sinks.next += 1;
        let id = sinks.next;
        if let Some(early) = sinks.early.take() {
            for record in early {
                let _ = tx.try_send(record);
            }
        }
        sinks.attached.push((id, tx));
        id
    };
    let writer = tokio::spawn(write(log.clone(), rx, shutdown.clone()));
    let retention = tokio::spawn(prune(log, settings.retention_hours, shutdown));
    (LogWriter { id }, vec![writer, retention])
}

async fn write(log: ActivityLog, mut rx: mpsc::Receiver<LogRecord>, shutdown: CancellationToken) {
    let mut batch = Vec::with_capacity(BATCH_RECORDS);
    let mut failing = false;
    loop {
        let stopping = tokio::select! {
            n = rx.recv_many(&mut batch, BATCH_RECORDS) => n == 0,
            _ = shutdown.cancelled() => true,
        };
        if !stopping {
            // Gather for a moment: one transaction per batch, not per record.
            let deadline = tokio::time::sleep(FLUSH_INTERVAL);
            tokio::pin!(deadline);
            while batch.len() < BATCH_RECORDS {
                let room = BATCH_RECORDS - batch.len();
                tokio::select! {
                    n = rx.recv_many(&mut batch, room) => if n == 0 { break },
                    _ = &mut deadline => break,
                    _ = shutdown.cancelled() => break,
                }
            }
        } else {
            while let Ok(r) = rx.try_recv() {
                batch.push(r);
            }
        }
        if !batch.is_empty() {
            let started = std::time::Instant::now();
            match log.append(&batch).await {
                Ok(_) => {
                    metrics::counter!("clustergenie_log_records_stored_total")
                        .increment(batch.len() as u64);
                    metrics::histogram!("clustergenie_log_batch_seconds")
                        .record(started.elapsed().as_secs_f64());
                    if failing {
                        failing = false;
                        tracing::info!("log records are stored again");
                    }
                }
                Err(e) => {
                    metrics::counter!("clustergenie_log_records_dropped_total")
                        .increment(batch.len() as u64);
                    if !failing {
                        failing = true;
                        // Shown on the console (this module's records are never stored).
                        tracing::warn!(error = %e, records = batch.len(), "cannot store log records; dropping them until the database answers");
                    }
                }
            }
            batch.clear();
        }
        metrics::gauge!("clustergenie_log_buffer_records").set(rx.len() as f64);
        if stopping {
            return;
        }
    }
}

async fn prune(log: ActivityLog, retention_hours: u64, shutdown: CancellationToken) {
    let keep_us = i64::try_from(retention_hours)
        .unwrap_or(i64::MAX / 3_600_000_000)
        .saturating_mul(3_600_000_000);
    loop {
        match log.prune(store::now_us().saturating_sub(keep_us)).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(deleted = n, "old log records deleted"),
            Err(e) => tracing::warn!(error = %e, "cannot delete old log records"),
        }
        tokio::select! {
            _ = tokio::time::sleep(PRUNE_INTERVAL) => {}
            _ = shutdown.cancelled() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_in_free_text_are_scrubbed() {
        for (raw, expect) in [
            (
                "Authorization: Bearer abc.def-123",
                "Authorization: Bearer [redacted]",
            ),
            (
                "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig",
                "token [redacted]",
            ),
            (
                "postgres://cg:hunter2@db:5432/cg",
                "postgres://cg:[redacted]@db:5432/cg",
            ),
            (
                "login with password=hunter2 now",
                "login with password=[redacted] now",
            ),
            (r#"{"api_key": "sk-123"}"#, r#"{"api_key": "[redacted]"}"#),
            ("nothing secret here", "nothing secret here"),
            (
                "curl -H x:cg_0123456789abcdef0123456789abcdef_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "curl -H x:[redacted]",
            ),
        ] {
            assert_eq!(scrub(raw), expect, "{raw}");
        }
    }

    #[test]
    fn token_ids_are_kept_but_token_fields_are_not() {
        let mut map = Map::new();
        struct Probe;
        impl tracing::Callsite for Probe {
            fn set_interest(&self, _: tracing::subscriber::Interest) {}
            fn metadata(&self) -> &tracing::Metadata<'_> {
                &PROBE_META
            }
        }
        static PROBE: Probe = Probe;
        static PROBE_META: tracing::Metadata<'static> = tracing::Metadata::new(
            "probe",
            "probe",
            tracing::Level::INFO,
            None,
            None,
            None,
            tracing::field::FieldSet::new(
                &["api_token_id", "token", "refresh_token"],
                tracing::callsite::Identifier(&PROBE),
            ),
            tracing::metadata::Kind::EVENT,
        );
        let fields = PROBE_META.fields();
        let mut visitor = Fields(&mut map);
        for name in ["api_token_id", "token", "refresh_token"] {
            visitor.put(&fields.field(name).unwrap(), Value::String("v".into()));
        }
        assert_eq!(map["api_token_id"], "v");
        assert_eq!(map["token"], REDACTED);
        assert_eq!(map["refresh_token"], REDACTED);
    }

    #[test]
    fn resource_ids_are_uuid_valued_id_fields() {
        let id = "0b6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f";
        let fields: Map<String, Value> = serde_json::from_value(serde_json::json!({
            "job.id": id,
            "droplet_id": "not-a-uuid",
            "correlation_id": "7b6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f",
            "id": id,
            "cluster_id": "1b6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f",
        }))
        .unwrap();
        let mut ids = resource_ids(&fields);
        ids.sort();
        assert_eq!(ids, [id, "1b6c6f3e-4b1e-4c59-9d6a-1c2b3a4d5e6f"]);
    }
}
