//! One evaluation's decision, horizontal or vertical: the [`Inputs`] / [`VerticalInputs`]
//! gathered from what the autoscaler looked at, the pure arithmetic of [`crate::autoscale`],
//! and the recommendations to keep for the next evaluations' stabilization.

use super::fleet::Member;
use crate::aggregates::ScalingPolicy;
use crate::autoscale::{decide, decide_vertical, Inputs, VerticalInputs};
use crate::error::CommandError;
use chrono::{DateTime, Utc};
use schema::autoscale::{
    DecisionInputs, Recommendation, ScalingDecision, ScalingMetric, SizeChange, SizeOption,
    SizeRecommendation,
};
use schema::catalog::SIZES;
use schema::scaling_policy::{hourly_price, HOURS_PER_MONTH};
use std::collections::BTreeMap;

/// What an evaluation looked at, besides the policy.
pub(super) struct Looked {
    pub now: DateTime<Utc>,
    /// Droplets that count (not destroyed, not leaving).
    pub current: u32,
    pub metric_value: Option<f64>,
    /// The policy's first evaluation: its history starts with what the cluster has, as
    /// HPA's does, so a new policy waits out its scale-down window before shrinking.
    pub first: bool,
    /// Recorded without acting (a dry-run policy, or a preview).
    pub dry_run: bool,
}

/// A decision and the recommendations to keep (JSON, as the evaluations store holds them).
pub(super) type Decided = (ScalingDecision, String);

/// The recommendations kept: those inside the longer of the two stabilization windows.
fn keep<T: serde::Serialize>(
    policy: &ScalingPolicy,
    now: DateTime<Utc>,
    mut kept: Vec<T>,
    at: impl Fn(&T) -> DateTime<Utc>,
) -> Result<String, CommandError> {
    let spec = &policy.require_live()?.spec;
    let window = spec
        .scale_up
        .stabilization_window_seconds
        .max(spec.scale_down.stabilization_window_seconds);
    kept.retain(|r| (now - at(r)).num_seconds() <= i64::from(window));
    serde_json::to_string(&kept).map_err(|e| CommandError::Internal(e.to_string()))
}

/// More or fewer droplets of the template.
pub(super) fn horizontal(
    policy: &ScalingPolicy,
    looked: &Looked,
    stored: &str,
) -> Result<Decided, CommandError> {
    let spec = &policy.require_live()?.spec;
    let Some(template) = spec.template.as_ref() else {
        return Err(CommandError::Internal(format!(
            "horizontal policy {} has no template",
            spec.name
        )));
    };
    let mut recommendations: Vec<Recommendation> = serde_json::from_str(stored).unwrap_or_default();
    if looked.first {
        recommendations.push(Recommendation {
            at: looked.now,
            desired: looked.current,
        });
    }
    let inputs = Inputs {
        now: looked.now,
        current: looked.current,
        metric: spec.metric,
        metric_value: looked.metric_value,
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
    if let Some(desired) = decided.recommendation {
        recommendations.push(Recommendation {
            at: looked.now,
            desired,
        });
    }
    let decision = ScalingDecision {
        at: looked.now,
        current: decided.current,
        desired: decided.desired,
        metric_value: decided.metric_value,
        target: decided.target,
        reason: decided.reason,
        capped_by: decided.capped_by,
        dry_run: looked.dry_run,
        sizes: None,
        inputs: DecisionInputs::Horizontal(Box::new(inputs)),
    };
    Ok((
        decision,
        keep(policy, looked.now, recommendations, |r| r.at)?,
    ))
}

/// The catalog's sizes as the vertical arithmetic sees them: price per hour, and the
/// capacity the metric measures (vCPUs for CPU and the queue, memory for MEMORY).
fn size_options(metric: ScalingMetric) -> Vec<SizeOption> {
    SIZES
        .iter()
        .map(|s| SizeOption {
            slug: s.slug.to_string(),
            hourly_price: s.price_monthly / HOURS_PER_MONTH,
            capacity: match metric {
                ScalingMetric::Memory => f64::from(s.memory_mb),
                ScalingMetric::Cpu | ScalingMetric::QueueDepth => f64::from(s.vcpus),
            },
        })
        .collect()
}

/// The size most of `members` have (the smallest of the most common, for a tie); none
/// without members.
pub(super) fn common_size(members: &[&Member]) -> Option<String> {
    let mut counts: BTreeMap<usize, (usize, &str)> = BTreeMap::new();
    for m in members {
        let rank = SIZES
            .iter()
            .position(|s| s.slug == m.size)
            .unwrap_or(usize::MAX);
        counts.entry(rank).or_insert((0, &m.size)).0 += 1;
    }
    // BTreeMap iterates smallest size first; `max_by_key` keeps the last maximum, so
    // reverse to prefer the smallest among equals.
    counts
        .values()
        .rev()
        .max_by_key(|(n, _)| *n)
        .map(|(_, slug)| slug.to_string())
}

/// A bigger or smaller size for the cluster's droplets, one catalog step at a time.
pub(super) fn vertical(
    policy: &ScalingPolicy,
    looked: &Looked,
    members: &[&Member],
    stored: &str,
) -> Result<Decided, CommandError> {
    let spec = &policy.require_live()?.spec;
    let (Some(min_size), Some(max_size)) = (spec.min_size.as_ref(), spec.max_size.as_ref()) else {
        return Err(CommandError::Internal(format!(
            "vertical policy {} has no size range",
            spec.name
        )));
    };
    let mut recommendations: Vec<SizeRecommendation> =
        serde_json::from_str(stored).unwrap_or_default();
    let current_size = common_size(members).unwrap_or_else(|| min_size.to_string());
    if looked.first {
        recommendations.push(SizeRecommendation {
            at: looked.now,
            size: current_size.clone(),
        });
    }
    let inputs = VerticalInputs {
        now: looked.now,
        sizes: size_options(spec.metric),
        current_size: current_size.clone(),
        min_size: min_size.to_string(),
        max_size: max_size.to_string(),
        droplets: looked.current,
        metric: spec.metric,
        metric_value: looked.metric_value,
        target: spec.target,
        tolerance: spec.tolerance,
        scale_up: spec.scale_up,
        scale_down: spec.scale_down,
        recommendations: recommendations.clone(),
        last_scaled_at: policy.last_scaled_at,
        cooldown_seconds: spec.cooldown_seconds,
        cost_limit_per_hour: spec.cost_limit_per_hour,
    };
    let decided = decide_vertical(&inputs);
    if let Some(size) = decided.recommendation.clone() {
        recommendations.push(SizeRecommendation {
            at: looked.now,
            size,
        });
    }
    let desired = decided.desired.clone();
    let decision = ScalingDecision {
        at: looked.now,
        current: looked.current,
        desired: looked.current,
        metric_value: decided.metric_value,
        target: decided.target,
        reason: decided.reason,
        capped_by: decided.capped_by,
        dry_run: looked.dry_run,
        sizes: Some(SizeChange {
            current: decided.current,
            desired,
        }),
        inputs: DecisionInputs::Vertical(Box::new(inputs)),
    };
    Ok((
        decision,
        keep(policy, looked.now, recommendations, |r| r.at)?,
    ))
}
