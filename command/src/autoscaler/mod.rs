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

mod fleet;

use crate::aggregates::ScalingPolicy;
use crate::autoscale::{decide, Inputs};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::handlers::{Commands, ScalingRecorded};
use chrono::{DateTime, Utc};
use fleet::Member;
use schema::autoscale::{
    Evaluation, EvaluationOutcome, Recommendation, ScalePlan, ScalingDecision, ScalingMetric,
    ScalingMode,
};
use schema::scaling_policy::hourly_price;
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
        if spec.mode == ScalingMode::Vertical {
            return Err(CommandError::FailedPrecondition(format!(
                "scaling policy {} is VERTICAL; this release evaluates HORIZONTAL policies only",
                spec.name
            )));
        }
        let Some(template) = spec.template.as_ref() else {
            return Err(CommandError::Internal(format!(
                "horizontal policy {} has no template",
                spec.name
            )));
        };
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
        let mut recommendations: Vec<Recommendation> =
            serde_json::from_str(&stored.recommendations).unwrap_or_default();
        let current = fleet.iter().filter(|m| m.counts()).count() as u32;
        // As HPA does, a policy seen for the first time starts its history with the count
        // the cluster has: a new policy waits out its scale-down window before shrinking.
        if stored.latest.is_none() && !preview {
            recommendations.push(Recommendation {
                at: now,
                desired: current,
            });
        }
        let inputs = Inputs {
            now,
            current,
            metric: spec.metric,
            metric_value,
            target: spec.target,
            tolerance: spec.tolerance,
            min: spec.min_droplets,
            max: spec.max_droplets,
            scale_up: spec.scale_up,
            scale_down: spec.scale_down,
            recommendations: recommendations.clone(),
            actions: policy.actions.clone(),
            last_scaled_at: policy.last_scaled_at,
            cooldown_seconds: spec.cooldown_seconds,
            hourly_price_per_droplet: hourly_price(&template.size),
            cost_limit_per_hour: spec.cost_limit_per_hour,
        };
        let decided = decide(&inputs);
        let acts = decided.acts();
        let decision = ScalingDecision {
            at: now,
            current: decided.current,
            desired: decided.desired,
            metric_value: decided.metric_value,
            target: decided.target,
            reason: decided.reason.clone(),
            capped_by: decided.capped_by,
            dry_run: spec.dry_run || preview,
            inputs,
        };
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
        if let Some(desired) = decided.recommendation {
            recommendations.push(Recommendation { at: now, desired });
        }
        let keep = spec
            .scale_up
            .stabilization_window_seconds
            .max(spec.scale_down.stabilization_window_seconds);
        recommendations.retain(|r| (now - r.at).num_seconds() <= i64::from(keep));
        let latest = serde_json::to_string(&evaluation)
            .map_err(|e| CommandError::Internal(e.to_string()))?;
        let kept = serde_json::to_string(&recommendations)
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
            Some(
                self.plan(state, fleet, decision.current, decision.desired)
                    .await?,
            )
        };
        if let Some(ScalePlan::Remove { droplets }) = &plan {
            if droplets.is_empty() {
                return Ok(Acted::held(
                    "every droplet that could go has a job pending".into(),
                ));
            }
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

    /// What the SCALE job of a decision from `current` to `desired` does: the names of the
    /// droplets to create (`<cluster>-<n>`, the next numbers whose names are free), or the
    /// newest droplets without a pending job to destroy.
    async fn plan(
        &self,
        state: &crate::aggregates::ScalingPolicyState,
        fleet: &[Member],
        current: u32,
        desired: u32,
    ) -> Result<ScalePlan, CommandError> {
        if desired > current {
            let cluster = fleet::cluster(&self.commands, state.cluster_id).await?;
            let template = state.spec.template.clone().ok_or_else(|| {
                CommandError::Internal("a horizontal policy without a template".into())
            })?;
            let names =
                fleet::free_names(&self.commands, &cluster.name, fleet, desired - current).await?;
            return Ok(ScalePlan::Add {
                names,
                size: template.size,
                image: template.image,
                region: cluster.region,
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
