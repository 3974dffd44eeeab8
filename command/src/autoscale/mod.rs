//! The autoscaler's arithmetic: what a scaling policy decides from one evaluation's
//! [`Inputs`] (more or fewer droplets, [`decide`]) or [`VerticalInputs`] (a bigger or smaller
//! size, [`decide_vertical`]). Pure and deterministic: no clock, no I/O, the same inputs give
//! the same decision and the same reason, so a recorded decision can be recomputed.
//!
//! The rules, in order (Kubernetes' HPA v2 where it has one):
//!
//! | rule | horizontal | vertical |
//! |---|---|---|
//! | no droplets | scale to min | nothing to resize |
//! | current outside min..max | straight to the bound (HPA) | straight to the bound |
//! | no samples | no change | no change |
//! | tolerance | `\|metric/target − 1\| ≤ tolerance`: recommend current | the same |
//! | recommendation | `ceil(current × metric / target)` | one size up, or one down when the smaller size is predicted to stay on target |
//! | stabilization | scale-up follows the lowest, scale-down the highest recommendation of its window | the same, over sizes |
//! | min / max and step limits | at most `maxStep` per period, counting the scalings within it (HPA's policies) | min size / max size |
//! | cooldown | no change before the last scaling + cooldown | the same |
//! | cost cap | the most droplets within the cap, never below min | the biggest size within the cap, never below min size |
//!
//! Min, max and the cost cap are bounds: they hold whatever the earlier rules said (a cost
//! cap lowered under the current count shrinks the cluster even in its cooldown). Tolerance,
//! stabilization, steps and cooldown only temper what the metric asks for.

mod cooldown;
mod cost;
mod horizontal;
mod stabilization;
mod step;
#[cfg(test)]
mod tests;
mod vertical;

pub use horizontal::decide;
pub use schema::autoscale::{Inputs, VerticalInputs};
pub use vertical::decide_vertical;

use schema::autoscale::{CappedBy, ScalingMetric};

/// Absorbs floating-point noise before rounding up, so `ceil(3 × 70 / 30)` is 7, not 8.
const ROUNDING_SLACK: f64 = 1e-9;

/// What one evaluation decided: droplet counts (horizontal) or size slugs (vertical).
#[derive(Debug, Clone, PartialEq)]
pub struct Decision<T> {
    /// What the cluster has now.
    pub current: T,
    /// What it should have.
    pub desired: T,
    /// The metric as compared with the target (queue depth per droplet); none without
    /// samples.
    pub metric_value: Option<f64>,
    pub target: f64,
    /// Every rule that shaped the decision, as sentences joined by "; ".
    pub reason: String,
    /// The rule that last held `desired` away from what the earlier rules said.
    pub capped_by: Option<CappedBy>,
    /// What the metric alone recommended, before stabilization: the caller keeps it in the
    /// history the next evaluations stabilize over. None when no recommendation was made
    /// (no samples, no droplets, current outside the bounds).
    pub recommendation: Option<T>,
}

impl<T: PartialEq> Decision<T> {
    /// Whether the decision changes the cluster (and so is an event and a SCALE job).
    pub fn acts(&self) -> bool {
        self.desired != self.current
    }
}

/// A decision under construction: a position (a count, or an index into the sizes) and the
/// clauses that explain it.
struct Draft {
    desired: u32,
    capped_by: Option<CappedBy>,
    clauses: Vec<String>,
}

impl Draft {
    fn new(current: u32) -> Self {
        Self {
            desired: current,
            capped_by: None,
            clauses: Vec::new(),
        }
    }

    /// Explains without moving.
    fn note(&mut self, clause: impl Into<String>) {
        self.clauses.push(clause.into());
    }

    /// Moves to `to` because of `by`.
    fn cap(&mut self, to: u32, by: CappedBy, clause: impl Into<String>) {
        self.desired = to;
        self.capped_by = Some(by);
        self.clauses.push(clause.into());
    }

    fn reason(&self) -> String {
        self.clauses.join("; ")
    }
}

/// The metric as the target reads it: queue depth per droplet, percentages as they are;
/// none without samples or without droplets to divide a queue by.
/// The metric value a decision judges, or `None` (with the reason noted) when the window
/// has no samples or the target cannot be compared with.
fn judged_metric(metric_value: Option<f64>, target: f64, draft: &mut Draft) -> Option<f64> {
    let Some(value) = metric_value else {
        draft.note("no metric samples in the window");
        return None;
    };
    if !(target.is_finite() && target > 0.0) {
        draft.note(format!("target {} is not positive", num(target)));
        return None;
    }
    Some(value)
}

fn per_droplet(metric: ScalingMetric, value: Option<f64>, droplets: u32) -> Option<f64> {
    let value = value.filter(|v| v.is_finite())?.max(0.0);
    match metric {
        ScalingMetric::QueueDepth if droplets == 0 => None,
        ScalingMetric::QueueDepth => Some(value / f64::from(droplets)),
        ScalingMetric::Cpu | ScalingMetric::Memory => Some(value),
    }
}

/// "CPU 85 %", "queue 100 per droplet": a value of `metric` for reading.
fn describe(metric: ScalingMetric, value: f64) -> String {
    match metric {
        ScalingMetric::Cpu => format!("CPU {} %", num(value)),
        ScalingMetric::Memory => format!("memory {} %", num(value)),
        ScalingMetric::QueueDepth => format!("queue {} per droplet", num(value)),
    }
}

/// HPA's tolerance test, `|ratio − 1| ≤ tolerance`, with the slack that keeps 55 against
/// 50 within ±10 % (in floats 1.1 − 1 is a little more than 0.1).
fn on_target(ratio: f64, tolerance: f64) -> bool {
    (ratio - 1.0).abs() <= tolerance + ROUNDING_SLACK
}

/// "within tolerance of target 50 % (±10 %)".
fn within_tolerance(metric: ScalingMetric, value: f64, target: f64, tolerance: f64) -> String {
    format!(
        "{} within tolerance of target {} (±{} %)",
        describe(metric, value),
        target_text(metric, target),
        num(tolerance * 100.0)
    )
}

fn target_text(metric: ScalingMetric, target: f64) -> String {
    match metric {
        ScalingMetric::Cpu | ScalingMetric::Memory => format!("{} %", num(target)),
        ScalingMetric::QueueDepth => num(target),
    }
}

/// At most two decimals, no trailing zeros: 50, 85.5, 0.33.
fn num(v: f64) -> String {
    let s = format!("{v:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// "$0.30": cents, or four decimals for prices below a cent's precision.
fn dollars(v: f64) -> String {
    if ((v * 100.0).round() - v * 100.0).abs() < 1e-9 {
        format!("${v:.2}")
    } else {
        format!("${v:.4}")
    }
}
