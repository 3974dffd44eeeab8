//! Running scaling policies: the [`Autoscaler`] evaluates every ACTIVE policy once per
//! interval (one evaluation per interval however many worker processes run one: each is
//! claimed in the evaluations store first), and on demand ([`Autoscaler::evaluate`],
//! `evaluateScalingPolicy`).
//!
//! An evaluation collects the [`Inputs`] — the cluster's droplets from the event store, the
//! metric's mean over the policy's window from the metrics store, the recent
//! recommendations from the evaluations store, the recent scalings from the policy — and
//! lets the pure arithmetic of [`crate::autoscale`] decide. A decision that changes the
//! cluster is a `ScalingDecided` event with the plan its SCALE job carries out (the worker,
//! `worker::scale`); every evaluation, acting or not, is kept as the policy's
//! `lastEvaluation`.

mod decision;
mod fleet;

use crate::aggregates::ScalingPolicy;
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::handlers::{Commands, ScalingRecorded};
use chrono::{DateTime, Utc};
use decision::{horizontal, vertical, Looked};
use fleet::Member;
use schema::autoscale::{
    Evaluation, EvaluationOutcome, ScalePlan, ScalingDecision, ScalingMetric, ScalingMode,
};
use schema::{ClusterId, ScalingPolicyId};
use std::sync::Arc;
use std::time::Duration;
use store::scaling_evaluations::ScalingEvaluations;
use tokio_util::sync::CancellationToken;

/// The actor of the decisions the autoscaler records on its own.
pub const AUTOSCALER_ACTOR: &str = "system:autoscaler";

/// Where the autoscaler learns which policies to evaluate and reads the metrics.
#[async_trait::async_trait]
pub trait PolicyFeed: Send + Sync {
    /// Every ACTIVE policy (the read model).
    async fn active_policies(&self) -> Result<Vec<ScalingPolicyId>, FeedError>;
    /// The mean of `metric` for `cluster` over the `window` before `now`; none without
    /// samples. CPU and MEMORY in percent over the droplets; QUEUE_DEPTH the whole queue.
    async fn metric_mean(
        &self,
        cluster: &ClusterId,
        metric: ScalingMetric,
        window: chrono::Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<f64>, FeedError>;
}

/// The feed could not be read (logged; the policy is evaluated again next interval).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct FeedError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// How the autoscaler runs.
#[derive(Debug, Clone)]
pub struct AutoscalerSettings {
    /// How often each policy is evaluated (`CLUSTERGENIE_AUTOSCALER_INTERVAL_SECONDS`).
    pub interval: Duration,
    /// How often it looks for due policies.
    pub tick: Duration,
    /// This evaluator's name in the claims.
    pub runner: String,
}

impl Default for AutoscalerSettings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(15),
            tick: Duration::from_millis(500),
            runner: format!("autoscaler-{}", uuid::Uuid::new_v4().simple()),
        }
    }
}

/// An evaluation and the position of the decision it recorded (0: none).
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    pub evaluation: Evaluation,
    pub position: i64,
}

/// What acting on a decision came to.
struct Acted {
    outcome: EvaluationOutcome,
    job_id: Option<schema::JobId>,
    note: Option<String>,
    position: i64,
}

impl Acted {
    fn held(note: String) -> Self {
        Self {
            outcome: EvaluationOutcome::Held,
            job_id: None,
            note: Some(note),
            position: 0,
        }
    }
}

/// Evaluates scaling policies: on their interval ([`Autoscaler::run`]) or now.
#[derive(Clone)]
pub struct Autoscaler {
    commands: Commands,
    evaluations: ScalingEvaluations,
    feed: Arc<dyn PolicyFeed>,
    settings: AutoscalerSettings,
}

impl Autoscaler {
    pub fn new(
        commands: Commands,
        evaluations: ScalingEvaluations,
        feed: Arc<dyn PolicyFeed>,
        settings: AutoscalerSettings,
    ) -> Self {
        Self {
            commands,
            evaluations,
            feed,
            settings,
        }
    }

    /// The store of the latest evaluations.
    pub fn evaluations(&self) -> &ScalingEvaluations {
        &self.evaluations
    }

    /// Evaluates every ACTIVE policy once per interval until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        let mut tick = tokio::time::interval(self.settings.tick);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let interval_us = i64::try_from(self.settings.interval.as_micros()).unwrap_or(i64::MAX);
        tracing::info!(runner = %self.settings.runner, interval_seconds = self.settings.interval.as_secs_f64(), "autoscaler started");
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tick.tick() => {}
            }
            let policies = match self.feed.active_policies().await {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(error = %e, "autoscaler: cannot read the policies");
                    continue;
                }
            };
            for id in policies {
                let now = store::now_us();
                let key = id.to_string();
                match self
                    .evaluations
                    .claim(
                        &key,
                        now,
                        now.saturating_add(interval_us),
                        &self.settings.runner,
                    )
                    .await
                {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(e) => {
                        tracing::warn!(policy = %id, error = %e, "autoscaler: cannot claim an evaluation");
                        continue;
                    }
                }
                let ctx = RequestContext::new(AUTOSCALER_ACTOR);
                match self.evaluate(&ctx, id, false).await {
                    Ok(e) => {
                        metrics::counter!("clustergenie_autoscaler_evaluations_total", "outcome" => e.evaluation.outcome.as_str()).increment(1);
                    }
                    // Deleted or paused since the feed was read.
                    Err(CommandError::NotFound(_)) => {}
                    Err(e) => {
                        metrics::counter!("clustergenie_autoscaler_evaluations_total", "outcome" => "ERROR").increment(1);
                        tracing::warn!(policy = %id, error = %e, "autoscaler: evaluation failed");
                    }
                }
            }
        }
        tracing::info!("autoscaler stopped");
    }

    /// Evaluates policy `id` now on behalf of `ctx`. A `preview` decides without recording
    /// anything; otherwise a decision that changes the cluster is recorded (and, unless the
    /// policy is a dry run, carried out by a SCALE job) and the evaluation is kept as the
    /// policy's `lastEvaluation`.
    #[tracing::instrument(skip(self, ctx))]
    pub async fn evaluate(
        &self,
        ctx: &RequestContext,
        id: ScalingPolicyId,
        preview: bool,
    ) -> Result<Evaluated, CommandError> {
        let key = id.to_string();
        let (policy, _) = self.commands.load::<ScalingPolicy>(&key).await?;
        let state = policy.require_live()?.clone();
        let spec = &state.spec;
        let fleet = fleet::members(&self.commands, state.cluster_id).await?;
        let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 3);
        let window = chrono::Duration::seconds(spec.window_seconds.into());
        let metric_value = self
            .feed
            .metric_mean(&state.cluster_id, spec.metric, window, now)
            .await
            .map_err(|e| CommandError::Unavailable(format!("cannot read the metric: {e}")))?;
        let stored =
            self.evaluations.load(&key).await.map_err(|e| {
                CommandError::Unavailable(format!("cannot read the evaluations: {e}"))
            })?;
        let first = stored.latest.is_none() && !preview;
        let counted: Vec<&Member> = fleet.iter().filter(|m| m.counts()).collect();
        let looked = Looked {
            now,
            current: counted.len() as u32,
            metric_value,
            first,
            dry_run: spec.dry_run || preview,
        };
        let (decision, kept) = match spec.mode {
            ScalingMode::Horizontal => horizontal(&policy, &looked, &stored.recommendations)?,
            ScalingMode::Vertical => vertical(&policy, &looked, &counted, &stored.recommendations)?,
        };
        let acts = decision.acts();
        let mut evaluation = Evaluation {
            decision: decision.clone(),
            outcome: EvaluationOutcome::NoChange,
            job_id: None,
            note: None,
        };
        if preview {
            evaluation.outcome = EvaluationOutcome::Preview;
            return Ok(Evaluated {
                evaluation,
                position: 0,
            });
        }
        let mut position = 0;
        if acts {
            let acted = self.act(ctx, id, &policy, &fleet, decision).await?;
            (evaluation.outcome, evaluation.job_id, evaluation.note) =
                (acted.outcome, acted.job_id, acted.note);
            position = acted.position;
        }
        let latest = serde_json::to_string(&evaluation)
            .map_err(|e| CommandError::Internal(e.to_string()))?;
        self.evaluations
            .save(&key, &latest, &kept)
            .await
            .map_err(|e| CommandError::Unavailable(format!("cannot keep the evaluation: {e}")))?;
        Ok(Evaluated {
            evaluation,
            position,
        })
    }

    /// Records a decision that changes the cluster, with the plan its SCALE job carries
    /// out, unless something holds it (said in the note).
    async fn act(
        &self,
        ctx: &RequestContext,
        id: ScalingPolicyId,
        policy: &ScalingPolicy,
        fleet: &[Member],
        decision: ScalingDecision,
    ) -> Result<Acted, CommandError> {
        let state = policy.require_live()?;
        if state.status != schema::scaling_policy::ScalingPolicyStatus::Active {
            return Ok(Acted::held(format!("the policy is {}", state.status)));
        }
        if let Some(job) = policy.pending_job {
            return Ok(Acted::held(format!(
                "waiting for SCALE job {job} to finish"
            )));
        }
        let cluster = fleet::cluster(&self.commands, state.cluster_id).await?;
        if cluster.status == schema::ClusterStatus::Deleted {
            return Ok(Acted::held(format!("cluster {} is deleted", cluster.name)));
        }
        let plan = if decision.dry_run {
            None
        } else {
            Some(self.plan(state, &cluster, fleet, &decision).await?)
        };
        match &plan {
            Some(ScalePlan::Remove { droplets }) if droplets.is_empty() => {
                return Ok(Acted::held(
                    "every droplet that could go has a job pending".into(),
                ));
            }
            Some(ScalePlan::Resize { droplets, .. }) if droplets.is_empty() => {
                return Ok(Acted::held(
                    "every droplet that could be resized has a job pending".into(),
                ));
            }
            _ => {}
        }
        match self.commands.decide_scaling(ctx, id, decision, plan).await {
            Ok(o) => {
                let (outcome, job_id) = match o.value {
                    ScalingRecorded::Recorded { job_id: Some(job) } => {
                        (EvaluationOutcome::Scaling, Some(job))
                    }
                    ScalingRecorded::Recorded { job_id: None } | ScalingRecorded::Unchanged => {
                        (EvaluationOutcome::DryRun, None)
                    }
                };
                Ok(Acted {
                    outcome,
                    job_id,
                    note: None,
                    position: o.position,
                })
            }
            Err(CommandError::Conflict(note) | CommandError::FailedPrecondition(note)) => {
                Ok(Acted::held(note))
            }
            Err(e) => Err(e),
        }
    }

    /// What the SCALE job of a decision does: the names of the droplets to create
    /// (`<cluster>-<n>`, the next numbers whose names are free), the newest droplets without
    /// a pending job to destroy, or (vertical) every droplet not yet at the desired size,
    /// oldest first, without a pending job.
    async fn plan(
        &self,
        state: &crate::aggregates::ScalingPolicyState,
        cluster: &crate::aggregates::ClusterState,
        fleet: &[Member],
        decision: &ScalingDecision,
    ) -> Result<ScalePlan, CommandError> {
        let (current, desired) = (decision.current, decision.desired);
        if let Some(sizes) = &decision.sizes {
            let size = schema::Size::parse(&sizes.desired)?;
            return Ok(ScalePlan::Resize {
                droplets: fleet
                    .iter()
                    .filter(|m| m.counts() && !m.busy && m.size != sizes.desired)
                    .map(|m| schema::autoscale::PlannedResize {
                        droplet_id: m.id,
                        name: m.name.clone(),
                        from: m.size.clone(),
                    })
                    .collect(),
                size,
            });
        }
        if desired > current {
            let template = state.spec.template.clone().ok_or_else(|| {
                CommandError::Internal("a horizontal policy without a template".into())
            })?;
            let names =
                fleet::free_names(&self.commands, &cluster.name, fleet, desired - current).await?;
            return Ok(ScalePlan::Add {
                names,
                size: template.size,
                image: template.image,
                region: cluster.region.clone(),
            });
        }
        let mut removable: Vec<&Member> = fleet.iter().filter(|m| m.counts() && !m.busy).collect();
        removable.sort_by_key(|m| std::cmp::Reverse(m.born));
        Ok(ScalePlan::Remove {
            droplets: removable
                .into_iter()
                .take((current - desired) as usize)
                .map(|m| schema::autoscale::PlannedRemoval {
                    droplet_id: m.id,
                    name: m.name.clone(),
                })
                .collect(),
        })
    }
}
