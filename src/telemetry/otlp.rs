//! The OTLP/HTTP export path, configured once from the environment: the collector's base
//! URL, the request timeout, the queue bound, one HTTP client and the resource that names
//! the role. Traces use it through [`OtlpConfig::span_exporter`], logs through
//! [`OtlpConfig::log_exporter`]: the same endpoint (each signal at its own path), client and
//! [`resource`]. The endpoint given here wins over the per-signal variables
//! (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `…_LOGS_ENDPOINT`); headers come from
//! `OTEL_EXPORTER_OTLP_HEADERS` (or `…_TRACES_HEADERS`, `…_LOGS_HEADERS`), read by the exporter.
//!
//! The client is reqwest's *blocking* client. The SDK's batch processors export from their
//! own thread, outside any Tokio runtime, and wait for the export with a plain executor; the
//! async reqwest client panicked there ("there is no reactor running"). The blocking client
//! brings its own I/O thread, so export works from every role, never touches the runtime
//! that serves requests, and is still running while that runtime shuts down (the final
//! flush). The SDK's Tokio-runtime batch processor would have worked too, but it is an
//! experimental API, competes with request handling on the runtime, and its final flush has
//! to be awaited before the runtime is gone.

use crate::configuration::ConfigError;
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use std::time::Duration;

/// Default request timeout (`OTEL_EXPORTER_OTLP_TIMEOUT`, milliseconds), as the spec says.
const DEFAULT_TIMEOUT_MS: u64 = 10_000;
/// Default bound of the span queue (`OTEL_BSP_MAX_QUEUE_SIZE`), as the spec says.
const DEFAULT_QUEUE_SIZE: usize = 2048;

/// An OTLP signal, each with its own path under the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Spans, at `/v1/traces`.
    Traces,
    /// Log records, at `/v1/logs`.
    Logs,
}

impl Signal {
    fn path(self) -> &'static str {
        match self {
            Signal::Traces => "v1/traces",
            Signal::Logs => "v1/logs",
        }
    }
}

/// Where and how to export over OTLP/HTTP (protobuf).
#[derive(Debug, Clone)]
pub struct OtlpConfig {
    endpoint: String,
    timeout: Duration,
    queue_size: usize,
    client: reqwest::blocking::Client,
}

impl OtlpConfig {
    /// The export path to `endpoint` (`OTEL_EXPORTER_OTLP_ENDPOINT`, e.g.
    /// `http://collector:4318`), with `OTEL_EXPORTER_OTLP_TIMEOUT` and
    /// `OTEL_BSP_MAX_QUEUE_SIZE` from the environment.
    pub fn from_env(endpoint: &str) -> Result<Self, ConfigError> {
        let endpoint = endpoint.trim().trim_end_matches('/').to_string();
        let timeout = Duration::from_millis(env_number(
            "OTEL_EXPORTER_OTLP_TIMEOUT",
            DEFAULT_TIMEOUT_MS,
            "a positive number of milliseconds",
        )?);
        let queue_size = env_number(
            "OTEL_BSP_MAX_QUEUE_SIZE",
            DEFAULT_QUEUE_SIZE as u64,
            "a positive number of spans",
        )? as usize;
        // Built on a thread of its own: reqwest's blocking client must not be created or
        // dropped inside an async context, and this runs inside `main`'s runtime.
        let client = std::thread::spawn(move || {
            reqwest::blocking::Client::builder()
                .timeout(timeout)
                .build()
        })
        .join()
        .map_err(|_| {
            config_error(
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "cannot start the HTTP client",
            )
        })?
        .map_err(|e| config_error("OTEL_EXPORTER_OTLP_ENDPOINT", &e.to_string()))?;
        Ok(Self {
            endpoint,
            timeout,
            queue_size,
            client,
        })
    }

    /// The collector's base URL.
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The URL a signal is posted to.
    pub fn url(&self, signal: Signal) -> String {
        format!("{}/{}", self.endpoint, signal.path())
    }

    /// How many spans may wait for export before new ones are dropped.
    pub fn queue_size(&self) -> usize {
        self.queue_size
    }

    /// Points an OTLP exporter builder of any signal at this collector, over this client.
    pub fn configure<B: WithExportConfig + WithHttpConfig>(&self, builder: B, signal: Signal) -> B {
        builder
            .with_endpoint(self.url(signal))
            .with_protocol(Protocol::HttpBinary)
            .with_timeout(self.timeout)
            .with_http_client(self.client.clone())
    }

    /// The OTLP span exporter.
    pub fn span_exporter(&self) -> anyhow::Result<opentelemetry_otlp::SpanExporter> {
        Ok(self
            .configure(
                opentelemetry_otlp::SpanExporter::builder().with_http(),
                Signal::Traces,
            )
            .build()?)
    }

    /// The OTLP log exporter.
    pub fn log_exporter(&self) -> anyhow::Result<opentelemetry_otlp::LogExporter> {
        Ok(self
            .configure(
                opentelemetry_otlp::LogExporter::builder().with_http(),
                Signal::Logs,
            )
            .build()?)
    }
}

/// The resource every signal of this process carries: `service.name` from
/// `OTEL_SERVICE_NAME` (one per role, e.g. `clustergenie-relay-1`), `service.version`, and
/// whatever `OTEL_RESOURCE_ATTRIBUTES` adds.
pub fn resource() -> Resource {
    let service = std::env::var("OTEL_SERVICE_NAME")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| "clustergenie".into());
    Resource::builder()
        .with_service_name(service)
        .with_attribute(opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        ))
        .build()
}

fn config_error(name: &str, reason: &str) -> ConfigError {
    ConfigError {
        name: name.into(),
        reason: reason.into(),
    }
}

fn env_number(name: &str, default: u64, what: &str) -> Result<u64, ConfigError> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| config_error(name, &format!("must be {what}, got {v:?}"))),
        _ => Ok(default),
    }
}
