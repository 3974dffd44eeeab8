//! Step limits (HPA's scaling policies): within any period a direction moves at most so many
//! droplets, or so many percent of the count the period started with. The scalings already
//! made within the period count against it.

use chrono::{DateTime, Duration, Utc};
use schema::autoscale::{ScalingAction, Step, StepAmount};

/// The most droplets scaling up may reach now under `step` (never below `current`).
pub(super) fn up_limit(
    now: DateTime<Utc>,
    current: u32,
    step: &Step,
    actions: &[ScalingAction],
) -> u32 {
    let start = period_start(now, current, step, actions);
    let limit = match step.amount {
        StepAmount::Droplets(n) => start + i64::from(n),
        // Rounded up, or a small cluster could never grow by a percentage.
        StepAmount::Percent(p) => (start * (100 + i64::from(p)) + 99).div_euclid(100),
    };
    clamp_u32(limit).max(current)
}

/// The fewest droplets scaling down may reach now under `step` (never above `current`).
pub(super) fn down_limit(
    now: DateTime<Utc>,
    current: u32,
    step: &Step,
    actions: &[ScalingAction],
) -> u32 {
    let start = period_start(now, current, step, actions);
    let limit = match step.amount {
        StepAmount::Droplets(n) => start - i64::from(n),
        StepAmount::Percent(p) => (start * (100 - i64::from(p.min(100)))).div_euclid(100),
    };
    clamp_u32(limit).min(current)
}

/// "at most 2 droplets per 60 s".
pub(super) fn describe(step: &Step) -> String {
    match step.amount {
        StepAmount::Droplets(n) => format!(
            "at most {n} droplet{} per {} s",
            if n == 1 { "" } else { "s" },
            step.period_seconds
        ),
        StepAmount::Percent(p) => format!("at most {p} % per {} s", step.period_seconds),
    }
}

/// The count the period started with: now, less what scaled up within it, plus what scaled
/// down (HPA's `periodStartReplicas`).
fn period_start(now: DateTime<Utc>, current: u32, step: &Step, actions: &[ScalingAction]) -> i64 {
    let cutoff = now - Duration::seconds(i64::from(step.period_seconds));
    let moved: i64 = actions
        .iter()
        .filter(|a| a.at > cutoff)
        .map(|a| i64::from(a.to) - i64::from(a.from))
        .sum();
    (i64::from(current) - moved).max(0)
}

fn clamp_u32(v: i64) -> u32 {
    u32::try_from(v.max(0)).unwrap_or(u32::MAX)
}
