//! Running health checks: the [`Scheduler`] runs every enabled check on its interval (one run
//! per interval however many worker processes schedule: each run is claimed in the results
//! store first), stores what the run observed, and once a threshold of consecutive runs is
//! reached asks the HealthCheck aggregate to record the change of health.
//!
//! - [`probe`]: HTTP and TCP targets, under the address policy.
//! - INTERNAL targets (the database, the broker, projector lag, API latency) are measured by
//!   the process that runs the scheduler, through [`InternalProbe`].

pub mod probe;

use crate::context::RequestContext;
use crate::error::CommandError;
use crate::handlers::Commands;
use chrono::Utc;
use probe::{evaluate, ProbeResult, Prober};
use schema::conditions::Observation;
use schema::health_check::HealthCheckSpec;
use schema::health_target::HealthTarget;
use schema::values::HealthState;
use schema::HealthCheckId;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::health_results::{HealthResults, StoredResult};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// The actor of the events a scheduler records.
pub const SCHEDULER_ACTOR: &str = "system:health-scheduler";

/// A check the scheduler runs: enabled and not deleted.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveCheck {
    /// Its id.
    pub id: HealthCheckId,
    /// Its specification.
    pub spec: HealthCheckSpec,
    /// Its health as last recorded.
    pub health: HealthState,
}

/// Where the scheduler learns which checks to run (the health-checks read model).
#[async_trait::async_trait]
pub trait CheckFeed: Send + Sync {
    /// Every enabled check that is not deleted, oldest first.
    async fn active_checks(&self) -> Result<Vec<ActiveCheck>, CheckFeedError>;
}

/// The feed could not be read (the scheduler logs it and looks again on its next tick).
#[derive(Debug, thiserror::Error)]
#[error("cannot read the health checks: {0}")]
pub struct CheckFeedError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// Measures a part of ClusterGenie for an INTERNAL check.
#[async_trait::async_trait]
pub trait InternalProbe: Send + Sync {
    /// What target `name` (one of `schema::health_target::INTERNAL_TARGETS`) looks like now;
    /// an error when it cannot be observed. The caller bounds the time it takes.
    async fn measure(&self, name: &str) -> Result<Observation, String>;
}

/// How the scheduler runs.
#[derive(Debug, Clone)]
pub struct SchedulerSettings {
    /// How often it looks for due checks.
    pub tick: Duration,
    /// How long results are kept.
    pub retention: Duration,
    /// Runs in flight at once.
    pub concurrency: usize,
    /// This scheduler's name in the run claims.
    pub runner: String,
    /// How often it reads the checks again (their specifications, new and deleted ones).
    pub refresh: Duration,
}

impl Default for SchedulerSettings {
    fn default() -> Self {
        Self {
            tick: Duration::from_millis(250),
            retention: Duration::from_secs(8 * 24 * 3600),
            concurrency: 64,
            runner: format!("scheduler-{}", uuid::Uuid::new_v4().simple()),
            refresh: Duration::from_secs(2),
        }
    }
}

/// Runs checks: on their intervals ([`Scheduler::run`]) or on demand ([`Scheduler::run_once`]).
#[derive(Clone)]
pub struct Scheduler {
    commands: Commands,
    results: HealthResults,
    prober: Prober,
    internal: Arc<dyn InternalProbe>,
    settings: SchedulerSettings,
}

impl Scheduler {
    /// A scheduler storing into `results` and recording through `commands`.
    pub fn new(
        commands: Commands,
        results: HealthResults,
        prober: Prober,
        internal: Arc<dyn InternalProbe>,
        settings: SchedulerSettings,
    ) -> Self {
        Self {
            commands,
            results,
            prober,
            internal,
            settings,
        }
    }

    /// The results store it writes.
    pub fn results(&self) -> &HealthResults {
        &self.results
    }

    /// Runs due checks from `feed` until `shutdown`, and deletes results past the retention
    /// once an hour.
    ///
    /// Each tick asks the store only for the runs that are due (one indexed query, however
    /// many checks there are) and claims those; the checks themselves are read from `feed`
    /// every [`SchedulerSettings::refresh`], and at once when an operator made one due (an
    /// update or a run on demand), so a changed check never runs with its old specification.
    pub async fn run(self, feed: Arc<dyn CheckFeed>, shutdown: CancellationToken) {
        let slots = Arc::new(Semaphore::new(self.settings.concurrency));
        let mut tick = tokio::time::interval(self.settings.tick);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut pruned = Instant::now() - Duration::from_secs(3600);
        let mut checks: HashMap<String, ActiveCheck> = HashMap::new();
        // Active checks without a scheduled run yet (new ones): due at once.
        let mut unscheduled: Vec<String> = Vec::new();
        let mut refreshed: Option<Instant> = None;
        tracing::info!(runner = %self.settings.runner, "health-check scheduler started");
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tick.tick() => {}
            }
            if pruned.elapsed() >= Duration::from_secs(3600) {
                pruned = Instant::now();
                self.prune().await;
            }
            let now = store::now_us();
            let mut due = match self.results.due(now).await {
                Ok(due) => due,
                Err(e) => {
                    tracing::warn!(error = %e, "health-check scheduler: cannot read due runs");
                    continue;
                }
            };
            let asked = due.iter().any(|(_, at)| *at == 0);
            if asked || refreshed.is_none_or(|r| r.elapsed() >= self.settings.refresh) {
                match self.refresh(feed.as_ref()).await {
                    Ok((active, new)) => {
                        checks = active;
                        unscheduled = new;
                        refreshed = Some(Instant::now());
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "health-check scheduler: no checks this tick");
                        continue;
                    }
                }
            }
            due.extend(unscheduled.drain(..).map(|id| (id, now)));
            for (id, due_at) in due {
                // A deleted or disabled check keeps its old run row; it is not run.
                let Some(check) = checks.get(&id) else {
                    continue;
                };
                let now = store::now_us();
                let next = now + i64::from(check.spec.interval_seconds) * 1_000_000;
                match self
                    .results
                    .claim(&id, now, next, &self.settings.runner)
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        tracing::warn!(check = %id, error = %e, "cannot claim a health-check run");
                        continue;
                    }
                }
                if due_at > 0 {
                    metrics::histogram!("clustergenie_healthcheck_lateness_seconds")
                        .record((now - due_at).max(0) as f64 / 1e6);
                }
                let Ok(slot) = slots.clone().acquire_owned().await else {
                    break;
                };
                let scheduler = self.clone();
                let check = check.clone();
                tokio::spawn(async move {
                    let _slot = slot;
                    if let Err(e) = scheduler.run_once(&check).await {
                        tracing::warn!(check = %check.id, error = %e, "health-check run not recorded");
                    }
                });
            }
        }
        tracing::info!("health-check scheduler stopped");
    }

    /// The active checks by id, and those of them that have no scheduled run yet.
    async fn refresh(
        &self,
        feed: &dyn CheckFeed,
    ) -> Result<(HashMap<String, ActiveCheck>, Vec<String>), Box<dyn std::error::Error + Send + Sync>>
    {
        let active = feed.active_checks().await?;
        let scheduled: HashSet<String> = self.results.scheduled().await?.into_iter().collect();
        let new = active
            .iter()
            .map(|c| c.id.to_string())
            .filter(|id| !scheduled.contains(id))
            .collect();
        Ok((
            active.into_iter().map(|c| (c.id.to_string(), c)).collect(),
            new,
        ))
    }

    /// Runs `check` once now: probes its target, stores the result, and records a change of
    /// health when a threshold is reached. The stored result is returned whether or not it
    /// changed anything.
    pub async fn run_once(&self, check: &ActiveCheck) -> Result<StoredResult, CommandError> {
        let spec = &check.spec;
        let timeout = Duration::from_millis(spec.timeout_ms.into());
        let (conditions, unreadable) = spec.parsed_conditions();
        let mut result = match &spec.target {
            HealthTarget::Internal { name } => {
                let at = Utc::now();
                let started = Instant::now();
                let measured = tokio::time::timeout(timeout, self.internal.measure(name))
                    .await
                    .unwrap_or_else(|_| Err(format!("timed out after {} ms", timeout.as_millis())));
                let elapsed = started.elapsed().as_secs_f64() * 1000.0;
                match measured {
                    Ok(mut o) => {
                        o.response_time_ms = elapsed;
                        evaluate(at, &o, &conditions, None)
                    }
                    Err(error) => {
                        let o = Observation {
                            response_time_ms: elapsed,
                            ..Observation::default()
                        };
                        evaluate(at, &o, &conditions, Some(error))
                    }
                }
            }
            target => self.prober.probe(target, &conditions, timeout).await,
        };
        if !unreadable.is_empty() {
            result.success = false;
            result.error = Some(format!(
                "conditions no longer readable: {}",
                unreadable.join("; ")
            ));
        }
        metrics::counter!(
            "clustergenie_health_check_runs_total",
            "kind" => spec.kind().as_str(),
            "outcome" => if result.success { "success" } else { "failure" }
        )
        .increment(1);
        metrics::histogram!("clustergenie_health_check_duration_seconds", "kind" => spec.kind().as_str())
            .record(result.duration_ms / 1000.0);
        let stored = StoredResult {
            check_id: check.id.to_string(),
            at_us: result.at.timestamp_micros(),
            success: result.success,
            duration_us: (result.duration_ms * 1000.0).round() as i64,
            status: result.status.map(i64::from),
            conditions: serde_json::to_string(&result.condition_results)
                .map_err(|e| CommandError::Internal(e.to_string()))?,
            error: result.error.clone(),
        };
        self.results
            .insert(&stored)
            .await
            .map_err(|e| CommandError::Unavailable(format!("cannot store the result: {e}")))?;
        self.apply_thresholds(check, &result).await?;
        Ok(stored)
    }

    /// Records the change of health the latest runs call for, if any.
    async fn apply_thresholds(
        &self,
        check: &ActiveCheck,
        latest: &ProbeResult,
    ) -> Result<(), CommandError> {
        let spec = &check.spec;
        let (to, needed) = if latest.success {
            (HealthState::Healthy, spec.success_threshold)
        } else {
            (HealthState::Unhealthy, spec.failure_threshold)
        };
        if check.health == to {
            return Ok(());
        }
        let recent = self
            .results
            .latest(&check.id.to_string(), needed.into(), None)
            .await
            .map_err(|e| CommandError::Unavailable(format!("cannot read the results: {e}")))?;
        let streak = recent
            .iter()
            .take_while(|r| r.success == latest.success)
            .count() as u32;
        if streak < needed {
            return Ok(());
        }
        let ctx = RequestContext::new(SCHEDULER_ACTOR);
        let error = if latest.success {
            String::new()
        } else {
            failure_summary(latest)
        };
        let recorded = self
            .commands
            .record_health(&ctx, check.id, to, streak, error)
            .await;
        match recorded {
            Ok(_) => Ok(()),
            // Deleted since the feed was read.
            Err(CommandError::NotFound(_)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    async fn prune(&self) {
        let before = store::now_us() - self.settings.retention.as_micros() as i64;
        match self.results.prune(before).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deleted = n,
                "health-check results past the retention deleted"
            ),
            Err(e) => tracing::warn!(error = %e, "cannot delete old health-check results"),
        }
    }
}

/// Why a run failed, in one line: its error, or the conditions that did not hold.
pub fn failure_summary(result: &ProbeResult) -> String {
    if let Some(error) = &result.error {
        return error.clone();
    }
    let failed: Vec<String> = result
        .condition_results
        .iter()
        .filter(|c| !c.success)
        .map(|c| format!("{} (was {})", c.condition, c.actual))
        .collect();
    if failed.is_empty() {
        "the run failed".into()
    } else {
        failed.join("; ")
    }
}
