//! OTLP log export: with an OTLP endpoint, every `tracing` event the subscriber lets through
//! is also sent as an OTLP log record (to `<endpoint>/v1/logs`), with the resource of the
//! spans and the trace and span id of the span it happened in.
//!
//! The bridge is `opentelemetry-appender-tracing`'s layer over an SDK batch log processor
//! (`OTEL_BLRP_SCHEDULE_DELAY`, `OTEL_BLRP_MAX_QUEUE_SIZE`, …), which exports from its own
//! thread with the blocking client of [`OtlpConfig`]. The trace context comes from the OTel
//! context that the tracing-opentelemetry layer activates when a span is entered.
//!
//! Two things would feed back into the export: what the SDK logs about itself (its threads
//! suppress their own telemetry, so it is never exported) and what the HTTP stack under the
//! exporter logs from reqwest's own I/O thread, which is not suppressed: those targets are
//! filtered out of the bridge (and only of the bridge: the console log still shows them).

use super::otlp::OtlpConfig;
use opentelemetry_appender_tracing::layer::OpenTelemetryTracingBridge;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, SdkLoggerProvider};
use opentelemetry_sdk::Resource;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

/// Targets never exported as logs: the exporter's own stack (a log about sending logs
/// would be sent, and logged again).
const NOT_EXPORTED: &[&str] = &["opentelemetry", "reqwest", "hyper", "h2", "tonic", "tower"];

/// The bridge layer for the registry and the logger provider behind it (which the
/// [`super::TelemetryGuard`] flushes at shutdown).
pub fn bridge<S>(otlp: &OtlpConfig) -> anyhow::Result<(impl Layer<S>, SdkLoggerProvider)>
where
    S: tracing::Subscriber + for<'a> LookupSpan<'a>,
{
    let exporter = OutageReporting {
        inner: otlp.log_exporter()?,
        endpoint: otlp.endpoint().to_string(),
        failing: AtomicBool::new(false),
    };
    let provider = SdkLoggerProvider::builder()
        .with_resource(super::otlp::resource())
        .with_batch_exporter(exporter)
        .build();
    let layer = OpenTelemetryTracingBridge::new(&provider).with_filter(
        tracing_subscriber::filter::filter_fn(|metadata| exported(metadata.target())),
    );
    Ok((layer, provider))
}

/// Whether events of `target` are exported: not when it is one of [`NOT_EXPORTED`] or a
/// module or sibling crate of one (`hyper::…`, `hyper_util`, `opentelemetry-otlp`, the
/// SDK's internal-log target).
fn exported(target: &str) -> bool {
    !NOT_EXPORTED.iter().any(|prefix| {
        target
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([':', '_', '-']))
    })
}

/// A log exporter that says once per collector outage that logs are being lost, and once
/// when they flow again. A lost batch is not handed back to the SDK as an error: it does not
/// retry, and would only log the failure again for every batch.
#[derive(Debug)]
struct OutageReporting<E> {
    inner: E,
    endpoint: String,
    failing: AtomicBool,
}

impl<E: LogExporter> LogExporter for OutageReporting<E> {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        match self.inner.export(batch).await {
            Ok(()) => {
                if self.failing.swap(false, Ordering::Relaxed) {
                    tracing::info!(endpoint = %self.endpoint, "logs reach the OTLP collector again");
                }
            }
            Err(e) => {
                if !self.failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        endpoint = %self.endpoint,
                        error = %e,
                        "cannot export logs to the OTLP collector; dropping them until it answers"
                    );
                }
            }
        }
        Ok(())
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

#[cfg(test)]
mod tests {
    use super::exported;

    #[test]
    fn the_exporters_own_stack_is_not_exported() {
        for internal in [
            "opentelemetry_sdk",
            "opentelemetry-otlp",
            "opentelemetry",
            "reqwest::blocking::wait",
            "hyper_util::client::legacy::pool",
            "hyper::proto::h1::conn",
            "h2::codec",
        ] {
            assert!(!exported(internal), "{internal}");
        }
        for ours in [
            "clustergenie::telemetry::export",
            "command::worker::runner",
            "query::ws::connection",
            "actix_server::builder",
            "h2o",
            "hyperion",
        ] {
            assert!(exported(ours), "{ours}");
        }
    }
}
