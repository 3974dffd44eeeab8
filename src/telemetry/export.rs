//! Bounded, counted span export around the SDK's batch processor.
//!
//! Ended spans wait in a queue of fixed size for the processor's own thread, which posts them
//! to the collector. A span that finds the queue full, or whose batch the collector did not
//! take (down, refusing, too slow), is dropped and counted in
//! `clustergenie_otel_spans_dropped_total{reason="queue_full"|"export_failed"}`; exported
//! spans in `clustergenie_otel_spans_exported_total`. Ending a span never waits.
//!
//! The SDK counts its own queue drops only internally, so [`BoundedProcessor`] admits spans
//! itself: it counts every span from admission until [`CountingExporter`] has seen its batch
//! exported or failed, and admits at most the queue size. The SDK's channel, which holds only
//! admitted spans not yet taken for export, therefore never overflows, and every drop is
//! counted here, exactly once.

use opentelemetry::Context;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{BatchSpanProcessor, Span, SpanData, SpanExporter, SpanProcessor};
use opentelemetry_sdk::Resource;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const DROPPED: &str = "clustergenie_otel_spans_dropped_total";
const EXPORTED: &str = "clustergenie_otel_spans_exported_total";

/// Counters shared by the processor and its exporter.
#[derive(Debug)]
pub struct ExportStats {
    capacity: usize,
    /// Admitted spans whose export has not finished yet.
    pending: AtomicUsize,
    exported: AtomicU64,
    dropped_queue_full: AtomicU64,
    dropped_export_failed: AtomicU64,
    failing: AtomicBool,
}

impl ExportStats {
    fn new(capacity: usize) -> Self {
        for reason in ["queue_full", "export_failed"] {
            metrics::counter!(DROPPED, "reason" => reason).absolute(0);
        }
        metrics::counter!(EXPORTED).absolute(0);
        Self {
            capacity: capacity.max(1),
            pending: AtomicUsize::new(0),
            exported: AtomicU64::new(0),
            dropped_queue_full: AtomicU64::new(0),
            dropped_export_failed: AtomicU64::new(0),
            failing: AtomicBool::new(false),
        }
    }

    /// Spans the collector accepted.
    pub fn exported(&self) -> u64 {
        self.exported.load(Ordering::Relaxed)
    }

    /// Spans dropped because the queue was full.
    pub fn dropped_queue_full(&self) -> u64 {
        self.dropped_queue_full.load(Ordering::Relaxed)
    }

    /// Spans dropped because their batch could not be exported.
    pub fn dropped_export_failed(&self) -> u64 {
        self.dropped_export_failed.load(Ordering::Relaxed)
    }
}

/// Builds the bounded processor exporting through `exporter`, with the SDK's batch settings
/// (`OTEL_BSP_SCHEDULE_DELAY`, `OTEL_BSP_MAX_EXPORT_BATCH_SIZE`, …) and a queue of
/// `capacity` spans.
pub fn bounded_batch<E>(exporter: E, endpoint: &str, capacity: usize) -> BoundedProcessor
where
    E: SpanExporter + 'static,
{
    let stats = Arc::new(ExportStats::new(capacity));
    let exporter = CountingExporter {
        inner: exporter,
        stats: stats.clone(),
        endpoint: endpoint.to_string(),
    };
    let config = opentelemetry_sdk::trace::BatchConfigBuilder::default()
        .with_max_queue_size(stats.capacity)
        .build();
    BoundedProcessor {
        inner: BatchSpanProcessor::new(exporter, config),
        stats,
    }
}

/// The SDK's batch processor behind an admission bound that counts what it turns away.
#[derive(Debug)]
pub struct BoundedProcessor {
    inner: BatchSpanProcessor,
    stats: Arc<ExportStats>,
}

impl BoundedProcessor {
    /// The processor's counters.
    pub fn stats(&self) -> Arc<ExportStats> {
        self.stats.clone()
    }
}

impl SpanProcessor for BoundedProcessor {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, span: SpanData) {
        if self.stats.pending.fetch_add(1, Ordering::AcqRel) >= self.stats.capacity {
            self.stats.pending.fetch_sub(1, Ordering::AcqRel);
            self.stats
                .dropped_queue_full
                .fetch_add(1, Ordering::Relaxed);
            metrics::counter!(DROPPED, "reason" => "queue_full").increment(1);
            return;
        }
        self.inner.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// An exporter that counts what it exported or lost, and logs once per collector outage.
#[derive(Debug)]
pub struct CountingExporter<E> {
    inner: E,
    stats: Arc<ExportStats>,
    endpoint: String,
}

impl<E: SpanExporter> SpanExporter for CountingExporter<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let n = batch.len();
        let result = self.inner.export(batch).await;
        self.stats.pending.fetch_sub(n, Ordering::AcqRel);
        match result {
            Ok(()) => {
                self.stats.exported.fetch_add(n as u64, Ordering::Relaxed);
                metrics::counter!(EXPORTED).increment(n as u64);
                if self.stats.failing.swap(false, Ordering::Relaxed) {
                    tracing::info!(endpoint = %self.endpoint, "spans reach the OTLP collector again");
                }
            }
            Err(e) => {
                self.stats
                    .dropped_export_failed
                    .fetch_add(n as u64, Ordering::Relaxed);
                metrics::counter!(DROPPED, "reason" => "export_failed").increment(n as u64);
                if !self.stats.failing.swap(true, Ordering::Relaxed) {
                    tracing::warn!(
                        endpoint = %self.endpoint,
                        error = %e,
                        "cannot export spans to the OTLP collector; dropping them until it answers (clustergenie_otel_spans_dropped_total)"
                    );
                }
            }
        }
        // The failure is counted and logged above, once per outage; handing it back would
        // only make the SDK log it again for every batch (it does not retry).
        Ok(())
    }

    fn shutdown_with_timeout(&mut self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&mut self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{Span as _, Tracer, TracerProvider as _};
    use opentelemetry_sdk::error::OTelSdkError;
    use opentelemetry_sdk::trace::SdkTracerProvider;
    use std::sync::mpsc;
    use std::sync::Mutex;

    /// A collector stand-in: holds every export until `release` lets it through, then
    /// accepts or refuses it.
    #[derive(Debug)]
    struct Collector {
        gate: Mutex<mpsc::Receiver<bool>>,
    }

    impl SpanExporter for Collector {
        async fn export(&self, _batch: Vec<SpanData>) -> OTelSdkResult {
            let accept = self.gate.lock().unwrap().recv().unwrap_or(true);
            if accept {
                Ok(())
            } else {
                Err(OTelSdkError::InternalFailure("connection refused".into()))
            }
        }
    }

    /// A provider whose only processor is a bounded batch in front of a [`Collector`].
    struct Harness {
        provider: SdkTracerProvider,
        stats: Arc<ExportStats>,
        release: mpsc::Sender<bool>,
    }

    impl Harness {
        fn new(capacity: usize) -> Self {
            let (release, gate) = mpsc::channel();
            let collector = Collector {
                gate: Mutex::new(gate),
            };
            let processor = bounded_batch(collector, "http://collector.test", capacity);
            let stats = processor.stats();
            let provider = SdkTracerProvider::builder()
                .with_span_processor(processor)
                .build();
            Self {
                provider,
                stats,
                release,
            }
        }

        /// Ends `n` spans named `name`.
        fn spans(&self, n: usize, name: &'static str) {
            let tracer = self.provider.tracer("test");
            for _ in 0..n {
                tracer.start(name).end();
            }
        }

        /// Lets `exports` held exports through, accepted or refused, and waits for them.
        fn flush(&self, exports: usize, accept: bool) {
            for _ in 0..exports {
                self.release.send(accept).unwrap();
            }
            self.provider.force_flush().unwrap();
        }

        fn shutdown(self) {
            drop(self.release);
            self.provider.shutdown().unwrap();
        }
    }

    #[test]
    fn a_full_queue_drops_and_counts_spans_without_blocking() {
        let h = Harness::new(4);
        // The collector holds the first export, so nothing leaves the queue.
        h.spans(10, "work");
        assert_eq!(h.stats.dropped_queue_full(), 6);
        h.flush(10, true);
        assert_eq!(h.stats.exported(), 4);
        assert_eq!(h.stats.dropped_export_failed(), 0);
        // Room again once the batch has gone.
        h.spans(1, "later");
        h.flush(1, true);
        assert_eq!(h.stats.exported(), 5);
        assert_eq!(h.stats.dropped_queue_full(), 6);
        h.shutdown();
    }

    #[test]
    fn a_refused_batch_is_counted_and_the_processor_goes_on() {
        let h = Harness::new(100);
        h.spans(3, "work");
        h.flush(1, false);
        assert_eq!(h.stats.dropped_export_failed(), 3);
        h.spans(1, "after");
        h.flush(1, true);
        assert_eq!(h.stats.exported(), 1);
        h.shutdown();
    }
}
