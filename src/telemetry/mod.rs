//! Tracing and metrics, installed once per process.
//!
//! Spans always get real W3C trace ids (so every event's metadata carries a `traceparent`);
//! they are exported over OTLP/HTTP only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set
//! ([`otlp`] builds the export path, [`export`] bounds and counts it), and then so are the
//! log events, as OTLP log records ([`logs`]).

pub mod export;
pub mod logs;
pub mod otlp;
pub mod otlp_logs;

use crate::configuration::{LogFormat, Settings};
use anyhow::Context as _;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::error::OTelSdkError;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use otlp::OtlpConfig;
use std::sync::{Arc, OnceLock};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// The tracer and logger providers; flush exported spans and logs on
/// [`TelemetryGuard::shutdown`] or drop.
pub struct TelemetryGuard {
    provider: SdkTracerProvider,
    stats: Option<Arc<export::ExportStats>>,
    /// Only with OTLP export.
    logs: Option<SdkLoggerProvider>,
}

impl TelemetryGuard {
    /// Exports what is still queued (waiting at most 5 s for the collector) and stops the
    /// export thread. Blocking: call it off the async runtime, e.g. in `spawn_blocking`.
    pub fn shutdown(&self) {
        match self.provider.shutdown() {
            Ok(()) | Err(OTelSdkError::AlreadyShutdown) => {}
            Err(e) => tracing::warn!(error = %e, "cannot flush the remaining spans at shutdown"),
        }
        if let Some(stats) = &self.stats {
            let dropped = stats.dropped_queue_full() + stats.dropped_export_failed();
            if dropped > 0 {
                tracing::warn!(
                    exported = stats.exported(),
                    dropped_queue_full = stats.dropped_queue_full(),
                    dropped_export_failed = stats.dropped_export_failed(),
                    "some spans never reached the OTLP collector"
                );
            }
        }
        // Last, so that the warnings above are exported too.
        if let Some(logs) = &self.logs {
            match logs.shutdown() {
                Ok(()) | Err(OTelSdkError::AlreadyShutdown) => {}
                Err(e) => {
                    eprintln!("clustergenie: cannot flush the remaining logs at shutdown: {e}")
                }
            }
        }
    }
}

impl TelemetryGuard {
    /// [`TelemetryGuard::shutdown`] from async code: the last spans (the shutdown itself)
    /// go out before the process ends.
    pub async fn flush(self) {
        let _ = tokio::task::spawn_blocking(move || self.shutdown()).await;
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        let _ = self.provider.shutdown();
        if let Some(logs) = &self.logs {
            let _ = logs.shutdown();
        }
    }
}

/// Starts tracing and metrics as `settings` say (OTLP export when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` is set). Call once, at start.
pub fn start(settings: &Settings) -> anyhow::Result<TelemetryGuard> {
    let otlp = settings
        .otel_exporter_otlp_endpoint
        .as_deref()
        .map(OtlpConfig::from_env)
        .transpose()?;
    init_tracing(
        settings.log_format,
        otlp.as_ref(),
        settings.log_store_level.level(),
    )
    .context("cannot start telemetry")
}

/// Installs the global tracing subscriber (and the metrics recorder, which counts dropped
/// spans): console lines as `RUST_LOG` says, spans, and the activity-log capture from
/// `store_level` up (none when `None`). Call once, at start.
pub fn init_tracing(
    format: LogFormat,
    otlp: Option<&OtlpConfig>,
    store_level: Option<tracing::Level>,
) -> anyhow::Result<TelemetryGuard> {
    let _ = metrics_handle();
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let mut builder = SdkTracerProvider::builder().with_resource(otlp::resource());
    let mut stats = None;
    if let Some(otlp) = otlp {
        let processor =
            export::bounded_batch(otlp.span_exporter()?, otlp.endpoint(), otlp.queue_size());
        stats = Some(processor.stats());
        builder = builder.with_span_processor(processor);
    }
    let provider = builder.build();
    let (log_bridge, logs) = otlp.map(otlp_logs::bridge).transpose()?.unzip();
    opentelemetry::global::set_tracer_provider(provider.clone());
    let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("clustergenie"));
    let fmt = match format {
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(false)
            .boxed(),
        LogFormat::Pretty => tracing_subscriber::fmt::layer().compact().boxed(),
    };
    // Each layer filters for itself: the store keeps its own level whatever RUST_LOG says.
    let capture =
        store_level.map(|level| logs::CaptureLayer.with_filter(logs::store_filter(level)));
    tracing_subscriber::registry()
        .with(fmt.with_filter(console_filter()))
        .with(otel.with_filter(console_filter()))
        .with(capture)
        .with(log_bridge.map(|bridge| bridge.with_filter(console_filter())))
        .try_init()?;
    if let Some(otlp) = otlp {
        tracing::info!(endpoint = %otlp.url(otlp::Signal::Traces), queue = otlp.queue_size(), "exporting spans over OTLP/HTTP");
        tracing::info!(endpoint = %otlp.url(otlp::Signal::Logs), "exporting logs over OTLP/HTTP");
    }
    Ok(TelemetryGuard {
        provider,
        stats,
        logs,
    })
}

/// Installs only the activity-log capture (with spans for trace ids, exported nowhere) as
/// the global subscriber, when none is installed yet: for a process that embeds
/// [`crate::startup::Application`] without [`start`] (the tests).
pub fn install_capture(level: tracing::Level) {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let provider = SdkTracerProvider::builder().build();
        let otel = tracing_opentelemetry::layer().with_tracer(provider.tracer("clustergenie"));
        let _ = tracing_subscriber::registry()
            .with(otel.with_filter(tracing_subscriber::filter::LevelFilter::INFO))
            .with(logs::CaptureLayer.with_filter(logs::store_filter(level)))
            .try_init();
    });
}

/// What the console shows (and spans are made for): `RUST_LOG`, by default `info,sqlx=warn`.
fn console_filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"))
}

/// The process-wide Prometheus recorder (installed on first use).
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
                    10.0,
                ])
                .expect("static buckets are valid")
                .build_recorder();
            let handle = recorder.handle();
            // Fails only if another recorder was installed first; the handle still renders ours.
            let _ = metrics::set_global_recorder(recorder);
            // Histogram samples wait in the recorder until drained; without a Prometheus
            // scraping /metrics they would pile up for ever (measured: RSS +0.24 MiB per
            // 12,000 requests). Drain them every 5 s, as the exporter's own server does.
            let upkeep = handle.clone();
            let _ = std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || loop {
                    std::thread::sleep(std::time::Duration::from_secs(5));
                    upkeep.run_upkeep();
                });
            handle
        })
        .clone()
}
