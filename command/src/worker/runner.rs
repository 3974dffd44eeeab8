//! The dispatcher and the pool of job runners.

use super::provider::{JobPlan, SimulatedProvider};
use crate::aggregates::{Diagnosis, Droplet, Job};
use crate::diagnosis::model::{Explained, ModelBackend};
use crate::diagnosis::{analyze, Diagnoser};
use crate::error::CommandError;
use crate::handlers::Commands;
use crate::handlers::JobEffect;
use schema::events::ModelExchange;
use schema::{DiagnosisId, JobId, JobStatus, JobType};
use std::collections::HashSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, Notify};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Where the dispatcher learns which jobs can run now (the jobs read model).
#[async_trait::async_trait]
pub trait JobFeed: Send + Sync {
    /// Jobs that are QUEUED and due, or RUNNING with an expired lease, oldest first.
    async fn runnable(&self, now_us: i64, limit: i64) -> Result<Vec<JobId>, JobFeedError>;
}

/// The feed could not be read (the dispatcher logs it and looks again on its next round).
#[derive(Debug, thiserror::Error)]
#[error("cannot read the runnable jobs: {0}")]
pub struct JobFeedError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// Worker pool settings.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Concurrent job runners.
    pub workers: usize,
    /// Jobs handed out but not yet started.
    pub queue_capacity: usize,
    /// Lease length; progress reports renew it.
    pub lease: Duration,
    /// Minimum time between two progress events of one job.
    pub progress_interval: Duration,
    /// How often the dispatcher looks for work without being woken.
    pub poll_interval: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            workers: 4,
            queue_capacity: 100,
            lease: Duration::from_secs(30),
            progress_interval: Duration::from_millis(250),
            poll_interval: Duration::from_secs(1),
        }
    }
}

/// A job handed to the runners; `started` is told once the runner tried to start it.
struct Offer {
    job: JobId,
    started: Option<oneshot::Sender<()>>,
}

/// The job worker of one process.
#[derive(Clone)]
pub struct Worker {
    pub(super) id: String,
    pub(super) commands: Commands,
    feed: Arc<dyn JobFeed>,
    provider: SimulatedProvider,
    pub(super) settings: WorkerSettings,
    in_flight: Arc<Mutex<HashSet<JobId>>>,
    /// Runners running a job now, for the heartbeat.
    pub(super) busy: Arc<AtomicI64>,
    /// Signalled when `busy` changes, so the heartbeat tells it at once.
    pub(super) busy_changed: Arc<Notify>,
    queue: mpsc::Sender<Offer>,
    inbox: Arc<Mutex<Option<mpsc::Receiver<Offer>>>>,
    /// Carries out DIAGNOSE jobs; without it they fail, saying so.
    diagnoser: Option<Diagnoser>,
}

impl Worker {
    /// A worker with a fresh identity.
    pub fn new(
        commands: Commands,
        feed: Arc<dyn JobFeed>,
        provider: SimulatedProvider,
        settings: WorkerSettings,
    ) -> Self {
        let (queue, inbox) = mpsc::channel(settings.queue_capacity.max(1));
        Self {
            id: format!("worker-{}", uuid::Uuid::new_v4()),
            commands,
            feed,
            provider,
            settings,
            in_flight: Arc::default(),
            busy: Arc::default(),
            busy_changed: Arc::new(Notify::new()),
            queue,
            inbox: Arc::new(Mutex::new(Some(inbox))),
            diagnoser: None,
        }
    }

    /// This worker also carries out DIAGNOSE jobs, with `diagnoser`.
    pub fn with_diagnoser(mut self, diagnoser: Diagnoser) -> Self {
        self.diagnoser = Some(diagnoser);
        self
    }

    /// Hands `job_id` to the runners (waiting for room in the queue) and resolves once a
    /// runner has tried to start it: the job is then RUNNING under this worker's lease, or
    /// it was not startable (already running elsewhere, finished, not due yet). Used by the
    /// Kafka consumer, which commits its offset only after that.
    pub async fn offer(&self, job_id: JobId) {
        if !self.in_flight.lock().expect("in-flight set").insert(job_id) {
            return; // already queued or running here
        }
        let (started, done) = oneshot::channel();
        let offer = Offer {
            job: job_id,
            started: Some(started),
        };
        if self.queue.send(offer).await.is_err() {
            self.in_flight
                .lock()
                .expect("in-flight set")
                .remove(&job_id);
            return;
        }
        let _ = done.await;
    }

    /// This worker's identity, recorded in the leases it takes.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Runs until `shutdown` is cancelled. `wake` is signalled when new jobs may be runnable.
    pub async fn run(self, wake: Arc<Notify>, shutdown: CancellationToken) {
        let Some(rx) = self.inbox.lock().expect("inbox").take() else {
            tracing::error!(worker = %self.id, "a worker runs only once");
            return;
        };
        let tx = self.queue.clone();
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let mut runners = tokio::task::JoinSet::new();
        let heartbeat = tokio::spawn(self.clone().heartbeat(shutdown.clone()));
        let pool_size = self.settings.workers.max(1);
        metrics::gauge!("clustergenie_worker_runners").increment(pool_size as f64);
        for _ in 0..pool_size {
            let me = self.clone();
            let rx = rx.clone();
            let stop = shutdown.clone();
            runners.spawn(async move {
                loop {
                    let next = tokio::select! {
                        _ = stop.cancelled() => None,
                        job = async { rx.lock().await.recv().await } => job,
                    };
                    let Some(Offer {
                        job: job_id,
                        started,
                    }) = next
                    else {
                        break;
                    };
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        _ = me.execute(job_id, started) => {}
                    }
                    me.in_flight.lock().expect("in-flight set").remove(&job_id);
                }
            });
        }
        tracing::info!(worker = %self.id, workers = self.settings.workers, queue = self.settings.queue_capacity, "job worker started");
        loop {
            self.dispatch(&tx).await;
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
        drop(tx);
        runners.shutdown().await;
        let _ = heartbeat.await;
        metrics::gauge!("clustergenie_worker_runners").decrement(pool_size as f64);
        tracing::info!(worker = %self.id, "job worker stopped");
    }

    /// Hands runnable jobs to the queue until it is full.
    async fn dispatch(&self, tx: &mpsc::Sender<Offer>) {
        let free = tx.capacity() as i64;
        if free == 0 {
            return;
        }
        let in_flight = self.in_flight.lock().expect("in-flight set").len() as i64;
        let jobs = match self
            .feed
            .runnable(chrono::Utc::now().timestamp_micros(), free + in_flight)
            .await
        {
            Ok(jobs) => jobs,
            Err(e) => {
                tracing::warn!(error = %e, "cannot look for runnable jobs");
                return;
            }
        };
        for job_id in jobs {
            if !self.in_flight.lock().expect("in-flight set").insert(job_id) {
                continue;
            }
            let offer = Offer {
                job: job_id,
                started: None,
            };
            if tx.try_send(offer).is_err() {
                // Queue full: the job stays QUEUED in the store and is found again later.
                self.in_flight
                    .lock()
                    .expect("in-flight set")
                    .remove(&job_id);
                break;
            }
        }
    }

    /// Starts, runs and finishes one job, in a `job.run` span that continues the trace of
    /// the request that queued it (whichever way the job reached this worker: Kafka, the
    /// sweep, or the in-process change feed).
    async fn execute(&self, job_id: JobId, started: Option<oneshot::Sender<()>>) {
        let span = tracing::info_span!(
            "job.run",
            otel.kind = "consumer",
            job.id = %job_id,
            job.type = tracing::field::Empty,
            worker = %self.id,
            correlation_id = tracing::field::Empty
        );
        match self
            .commands
            .store()
            .latest_of(
                schema::AggregateType::Job,
                &job_id.to_string(),
                &["JobQueued", "JobRequeued"],
            )
            .await
        {
            Ok(Some(queued)) => {
                crate::context::continue_trace(&span, &queued.metadata);
                span.record("correlation_id", queued.metadata.correlation_id.as_str());
            }
            Ok(None) => {}
            Err(e) => tracing::debug!(%job_id, error = %e, "cannot read the job's trace context"),
        }
        self.execute_in_span(job_id, started).instrument(span).await
    }

    async fn execute_in_span(&self, job_id: JobId, started: Option<oneshot::Sender<()>>) {
        let lease = chrono::Duration::from_std(self.settings.lease)
            .unwrap_or(chrono::Duration::seconds(30));
        let start = self.commands.start_job(job_id, &self.id, lease).await;
        if let Some(started) = started {
            let _ = started.send(());
        }
        let job = match start {
            Ok(job) => job,
            Err(
                CommandError::FailedPrecondition(_)
                | CommandError::NotFound(_)
                | CommandError::Conflict(_)
                | CommandError::Race(_),
            ) => return,
            Err(e) => {
                tracing::warn!(%job_id, error = %e, "cannot start job");
                return;
            }
        };
        if let Some(t) = job.job_type() {
            tracing::Span::current().record("job.type", t.as_str());
        }
        let busy = Busy::new(self);
        let started = Instant::now();
        let outcome = self.run_job(job_id, &job, lease).await;
        drop(busy);
        metrics::histogram!("clustergenie_job_seconds", "type" => job.job_type().map(|t| t.as_str()).unwrap_or("?"))
            .record(started.elapsed().as_secs_f64());
        if let Err(e) = outcome {
            tracing::info!(%job_id, error = %e, "job attempt ended without completing");
        }
    }

    async fn run_job(
        &self,
        job_id: JobId,
        job: &Job,
        lease: chrono::Duration,
    ) -> Result<(), CommandError> {
        match job.job_type() {
            Some(JobType::Diagnose) => return self.diagnose(job_id, job, lease).await,
            Some(JobType::Scale) => return self.scale(job_id, job, lease).await,
            _ => {}
        }
        let image = match job.job_type() {
            Some(JobType::Provision) => {
                let (droplet, _) = self.commands.load::<Droplet>(job.target_id()).await?;
                droplet.state.map(|d| d.image)
            }
            _ => None,
        };
        let plan = match self
            .provider
            .plan(&job_id.to_string(), job, image.as_deref())
        {
            Ok(plan) => plan,
            Err(e) => return self.fail_attempt(job_id, &e.message, e.retryable).await,
        };
        match self.walk(job_id, &plan, lease).await? {
            Some(error) => {
                self.fail_attempt(job_id, &error.message, error.retryable)
                    .await?;
            }
            None => {
                let result = serde_json::json!({ "stages": plan.stages.iter().map(|s| s.name).collect::<Vec<_>>() });
                self.commands
                    .complete_job(job_id, &self.id, plan.effect.clone(), result)
                    .await?;
                tracing::info!(%job_id, "job completed");
            }
        }
        Ok(())
    }

    /// Walks through the plan's stages in real time, reporting throttled progress.
    /// Returns the failure the plan called for, if any.
    async fn walk(
        &self,
        job_id: JobId,
        plan: &JobPlan,
        lease: chrono::Duration,
    ) -> Result<Option<super::ProviderError>, CommandError> {
        let tick = self
            .settings
            .progress_interval
            .max(Duration::from_millis(20));
        let mut done_share = 0.0;
        let mut last_report: Option<Instant>;
        let heartbeat = self.settings.lease / 3;
        for (index, stage) in plan.stages.iter().enumerate() {
            let stage_time = plan.duration.mul_f64(stage.share);
            let stage_start = Instant::now();
            self.commands
                .report_progress(
                    job_id,
                    &self.id,
                    pct(done_share),
                    stage.name,
                    stage.message,
                    lease,
                )
                .await?;
            last_report = Some(Instant::now());
            loop {
                let elapsed = stage_start.elapsed();
                if elapsed >= stage_time {
                    break;
                }
                if let Some((at, error)) = &plan.fails_at {
                    if *at == index && elapsed >= stage_time / 2 {
                        return Ok(Some(error.clone()));
                    }
                }
                tokio::time::sleep(tick.min(stage_time - elapsed)).await;
                let fraction = (stage_start.elapsed().as_secs_f64()
                    / stage_time.as_secs_f64().max(1e-9))
                .min(1.0);
                let due =
                    last_report.is_none_or(|t| t.elapsed() >= tick || t.elapsed() >= heartbeat);
                if due && fraction < 1.0 {
                    self.commands
                        .report_progress(
                            job_id,
                            &self.id,
                            pct(done_share + stage.share * fraction),
                            stage.name,
                            stage.message,
                            lease,
                        )
                        .await?;
                    last_report = Some(Instant::now());
                }
            }
            if let Some((at, error)) = &plan.fails_at {
                if *at == index {
                    return Ok(Some(error.clone()));
                }
            }
            done_share += stage.share;
        }
        Ok(None)
    }
}

impl Worker {
    /// Carries out a DIAGNOSE job: collects the evidence (recorded with its digest before
    /// anything looks at it), runs the built-in analyzer on it and completes the job with
    /// the report, which lands on the diagnosis in the same append. Evidence that cannot be
    /// read fails the attempt (retried); a worker without a diagnoser fails the job for good.
    async fn diagnose(
        &self,
        job_id: JobId,
        job: &Job,
        lease: chrono::Duration,
    ) -> Result<(), CommandError> {
        let started = Instant::now();
        let Some(diagnoser) = &self.diagnoser else {
            let message = "this worker cannot diagnose (no evidence source configured)";
            return self.fail_attempt(job_id, message, false).await;
        };
        let diagnosis_id: DiagnosisId = job
            .target_id()
            .parse()
            .map_err(|e| CommandError::Internal(format!("DIAGNOSE job target: {e}")))?;
        let (diagnosis, _) = self
            .commands
            .load::<Diagnosis>(&diagnosis_id.to_string())
            .await?;
        let Some(asked) = diagnosis.state else {
            return Err(CommandError::NotFound(format!(
                "diagnosis {diagnosis_id} not found"
            )));
        };
        self.commands
            .report_progress(
                job_id,
                &self.id,
                5,
                "collect",
                "collecting the evidence",
                lease,
            )
            .await?;
        // Whole seconds: the snapshot (and its digest) do not depend on sub-second timing.
        let taken_at = chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 0);
        let snapshot = match diagnoser
            .source
            .collect(asked.target_type, &asked.target_id, taken_at)
            .await
        {
            Ok(s) => s,
            Err(e) => return self.fail_attempt(job_id, &e.to_string(), true).await,
        };
        let digest = self
            .commands
            .record_diagnosis_evidence(job_id, diagnosis_id, snapshot.clone())
            .await?;
        let message = format!(
            "analyzing {} droplets, {} metric windows, {} health checks, {} jobs, {} events, {} log lines",
            snapshot.droplets.len(),
            snapshot.metrics.len(),
            snapshot.health_checks.len(),
            snapshot.jobs.len(),
            snapshot.events.len(),
            snapshot.logs.len()
        );
        self.commands
            .report_progress(job_id, &self.id, 50, "analyze", &message, lease)
            .await?;
        let builtin = analyze(&snapshot, &asked.checks, &diagnoser.thresholds);
        let (report, model) = match &diagnoser.model {
            None => (builtin, None),
            Some(backend) => {
                self.explain(
                    job_id,
                    backend,
                    &snapshot,
                    &builtin,
                    asked.question.as_deref(),
                    lease,
                )
                .await?
            }
        };
        let findings = report.findings.len();
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.commands
            .complete_job(
                job_id,
                &self.id,
                JobEffect::Diagnosed {
                    report: Box::new(report),
                    model,
                    duration_ms,
                },
                serde_json::json!({ "findings": findings, "evidence": digest }),
            )
            .await?;
        tracing::info!(%job_id, %diagnosis_id, findings, "diagnosis completed");
        Ok(())
    }

    /// Asks the model to explain and rank `builtin`. Its text streams into the job's
    /// progress (throttled; it renews the lease, as a tick does while a non-streamed answer
    /// is awaited). A model that fails leaves the built-in report, with a note why.
    async fn explain(
        &self,
        job_id: JobId,
        backend: &ModelBackend,
        snapshot: &schema::diagnosis::Snapshot,
        builtin: &schema::diagnosis::Report,
        question: Option<&str>,
        lease: chrono::Duration,
    ) -> Result<(schema::diagnosis::Report, Option<ModelExchange>), CommandError> {
        let stage_message = format!("asking {}", backend.settings().backend());
        self.commands
            .report_progress(job_id, &self.id, 60, "explain", &stage_message, lease)
            .await?;
        let (text_tx, mut text_rx) = mpsc::unbounded_channel::<String>();
        let call = backend.explain(snapshot, builtin, question, move |chunk| {
            let _ = text_tx.send(chunk.to_string());
        });
        tokio::pin!(call);
        let tick = self
            .settings
            .progress_interval
            .max(Duration::from_millis(250));
        let renew = (self.settings.lease / 3).max(tick);
        let mut streamed = String::new();
        let mut reported = 0usize;
        let mut last = Instant::now();
        let explained = loop {
            tokio::select! {
                explained = &mut call => break explained,
                Some(chunk) = text_rx.recv() => streamed.push_str(&chunk),
                _ = tokio::time::sleep(tick) => {}
            }
            let fresh = streamed.len() > reported && last.elapsed() >= tick;
            if fresh || last.elapsed() >= renew {
                reported = streamed.len();
                last = Instant::now();
                let message = if streamed.is_empty() {
                    stage_message.clone()
                } else {
                    tail(&streamed, 300)
                };
                self.commands
                    .report_progress(
                        job_id,
                        &self.id,
                        60 + progress_of(reported),
                        "explain",
                        &message,
                        lease,
                    )
                    .await?;
            }
        };
        let exchange = match &explained {
            Explained::Answered {
                answer,
                prompt_hash,
                model,
                ..
            } => ModelExchange {
                backend: format!("openai:{model}"),
                prompt_hash: prompt_hash.clone(),
                answer: Some(answer.clone()),
                fallback: None,
            },
            Explained::FellBack {
                prompt_hash,
                reason,
                ..
            } => ModelExchange {
                // The backend logged why already.
                backend: backend.settings().backend(),
                prompt_hash: prompt_hash.clone(),
                answer: None,
                fallback: Some(reason.clone()),
            },
        };
        Ok((explained.report().clone(), Some(exchange)))
    }
}

/// The last `max` bytes of `text`, on a character boundary.
fn tail(text: &str, max: usize) -> String {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..].to_string()
}

/// Progress points (0–35) for `bytes` of streamed answer, growing ever slower.
fn progress_of(bytes: usize) -> u8 {
    (35.0 * (1.0 - (-(bytes as f64) / 4000.0).exp())) as u8
}

/// A runner counted busy — in `/metrics` and in the heartbeat, which is told at once — until
/// dropped, also when its job's future is dropped at shutdown.
struct Busy<'a>(&'a Worker);

impl<'a> Busy<'a> {
    fn new(worker: &'a Worker) -> Self {
        Self::count(worker, 1);
        Self(worker)
    }

    fn count(worker: &Worker, change: i64) {
        worker.busy.fetch_add(change, Ordering::Relaxed);
        metrics::gauge!("clustergenie_worker_busy").increment(change as f64);
        worker.busy_changed.notify_one();
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        Self::count(self.0, -1);
    }
}

fn pct(share: f64) -> u8 {
    (share * 100.0).floor().clamp(0.0, 99.0) as u8
}

impl Worker {
    /// Fails the attempt at `job_id` (for good unless `retryable`) and logs it.
    pub(super) async fn fail_attempt(
        &self,
        job_id: JobId,
        message: &str,
        retryable: bool,
    ) -> Result<(), CommandError> {
        let failed = self
            .commands
            .fail_job(job_id, &self.id, message, retryable)
            .await?;
        log_failure(job_id, &failed, message);
        Ok(())
    }
}

/// The activity-log line of a failed attempt: an error when the job failed for good, a
/// warning when it is retried.
fn log_failure(job_id: JobId, job: &Job, error: &str) {
    let Some(state) = job.state.as_ref() else {
        return;
    };
    let (job_type, target_type, target_id) = (
        state.job_type.as_str(),
        state.target_type.as_str(),
        state.target_id.as_str(),
    );
    let (attempt, max_attempts) = (state.attempts, state.max_attempts);
    if state.status == JobStatus::Failed {
        tracing::error!(%job_id, job_type, target_type, target_id, attempt, max_attempts, error, "job failed for good: {error}");
    } else {
        tracing::warn!(%job_id, job_type, target_type, target_id, attempt, max_attempts, error, "job attempt failed, to be retried: {error}");
    }
}
