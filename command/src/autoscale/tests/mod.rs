//! The HPA examples and each rule over prepared inputs, then the invariants as properties.

mod horizontal;
mod properties;
mod vertical;

use chrono::{DateTime, Duration, TimeZone, Utc};
use schema::autoscale::*;

/// 2026-12-03 at `h:m:s` UTC.
fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, h, m, s).unwrap()
}

/// When every test evaluates: 14:00:00.
fn now() -> DateTime<Utc> {
    at(14, 0, 0)
}

fn ago(seconds: i64) -> DateTime<Utc> {
    now() - Duration::seconds(seconds)
}

/// No stabilization in either direction, no steps.
fn immediate() -> Behavior {
    Behavior {
        stabilization_window_seconds: 0,
        max_step: None,
    }
}

fn step(amount: StepAmount, period_seconds: u32) -> Option<Step> {
    Some(Step {
        amount,
        period_seconds,
    })
}

/// `current` droplets on `metric` at `value` against `target`: bounds 1..=100, HPA's default
/// behaviours, no history, no cooldown, $0.05 an hour a droplet, no cost cap.
fn inputs(metric: ScalingMetric, current: u32, value: f64, target: f64) -> Inputs {
    Inputs {
        now: now(),
        current,
        metric,
        metric_value: Some(value),
        target,
        tolerance: DEFAULT_TOLERANCE,
        min: 1,
        max: 100,
        scale_up: Behavior::scale_up_default(),
        scale_down: Behavior::scale_down_default(),
        recommendations: vec![],
        actions: vec![],
        last_scaled_at: None,
        cooldown_seconds: 0,
        hourly_price_per_droplet: 0.05,
        cost_limit_per_hour: None,
    }
}

fn cpu(current: u32, value: f64, target: f64) -> Inputs {
    inputs(ScalingMetric::Cpu, current, value, target)
}

fn queue(current: u32, total: f64, target: f64) -> Inputs {
    inputs(ScalingMetric::QueueDepth, current, total, target)
}
