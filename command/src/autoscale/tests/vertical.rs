//! VERTICAL: one size step up or down, its edges, and the shared rules over sizes.

use super::*;
use crate::autoscale::decide_vertical;

/// Four sizes, each twice the one before, at $0.01 an hour per vCPU.
fn sizes() -> Vec<SizeOption> {
    [
        ("s-1vcpu", 1.0),
        ("s-2vcpu", 2.0),
        ("s-4vcpu", 4.0),
        ("s-8vcpu", 8.0),
    ]
    .into_iter()
    .map(|(slug, vcpus)| SizeOption {
        slug: slug.into(),
        hourly_price: vcpus / 100.0,
        capacity: vcpus,
    })
    .collect()
}

/// Four droplets of `size` at CPU `value` against `target`, any size allowed.
fn vertical(size: &str, value: f64, target: f64) -> VerticalInputs {
    VerticalInputs {
        now: now(),
        sizes: sizes(),
        current_size: size.into(),
        min_size: "s-1vcpu".into(),
        max_size: "s-8vcpu".into(),
        droplets: 4,
        metric: ScalingMetric::Cpu,
        metric_value: Some(value),
        target,
        tolerance: DEFAULT_TOLERANCE,
        scale_up: Behavior::scale_up_default(),
        scale_down: immediate(),
        recommendations: vec![],
        last_scaled_at: None,
        cooldown_seconds: 0,
        cost_limit_per_hour: None,
    }
}

#[test]
fn above_the_target_one_size_up() {
    let d = decide_vertical(&vertical("s-2vcpu", 90.0, 60.0));
    assert_eq!(d.desired, "s-4vcpu");
    assert_eq!(d.recommendation.as_deref(), Some("s-4vcpu"));
    assert!(d.acts());
    assert_eq!(
        d.reason,
        "CPU 90 % against target 60 %: one size up, s-4vcpu"
    );
}

#[test]
fn far_above_the_target_still_one_size_up() {
    assert_eq!(
        decide_vertical(&vertical("s-1vcpu", 100.0, 10.0)).desired,
        "s-2vcpu"
    );
}

#[test]
fn below_the_target_one_size_down_when_the_smaller_size_holds_the_load() {
    let d = decide_vertical(&vertical("s-4vcpu", 20.0, 60.0));
    assert_eq!(d.desired, "s-2vcpu");
    assert_eq!(
        d.reason,
        "CPU 20 % against target 60 %: one size down, s-2vcpu (predicted CPU 40 %)"
    );
}

#[test]
fn below_the_target_no_step_down_that_would_scale_up_again() {
    // 40 % of four vCPUs is 80 % of two: above 60 % + 10 %, it would only flap.
    let d = decide_vertical(&vertical("s-4vcpu", 40.0, 60.0));
    assert_eq!(d.desired, "s-4vcpu");
    assert_eq!(d.recommendation.as_deref(), Some("s-4vcpu"));
    assert!(
        d.reason
            .ends_with("but s-2vcpu would run at CPU 80 %: staying"),
        "{}",
        d.reason
    );
}

#[test]
fn without_capacities_a_step_down_is_not_predicted() {
    let mut i = vertical("s-4vcpu", 40.0, 60.0);
    i.sizes.iter_mut().for_each(|s| s.capacity = 0.0);
    assert_eq!(decide_vertical(&i).desired, "s-2vcpu");
}

#[test]
fn within_the_tolerance_the_size_stays() {
    let d = decide_vertical(&vertical("s-2vcpu", 64.0, 60.0));
    assert_eq!(d.desired, "s-2vcpu");
    assert!(d.reason.contains("within tolerance"));
}

#[test]
fn the_catalogs_ends_hold() {
    let d = decide_vertical(&vertical("s-8vcpu", 95.0, 60.0));
    assert_eq!(d.desired, "s-8vcpu");
    assert!(
        d.reason.ends_with("but s-8vcpu is the largest size"),
        "{}",
        d.reason
    );
    let d = decide_vertical(&vertical("s-1vcpu", 5.0, 60.0));
    assert_eq!(d.desired, "s-1vcpu");
    assert!(
        d.reason.ends_with("but s-1vcpu is the smallest size"),
        "{}",
        d.reason
    );
}

#[test]
fn max_size_and_min_size_cap() {
    let mut i = vertical("s-4vcpu", 95.0, 60.0);
    i.max_size = "s-4vcpu".into();
    let d = decide_vertical(&i);
    assert_eq!(
        (d.desired.as_str(), d.capped_by),
        ("s-4vcpu", Some(CappedBy::Max))
    );
    assert!(d
        .reason
        .ends_with("desired size s-8vcpu capped by max size s-4vcpu"));
    let mut i = vertical("s-2vcpu", 10.0, 60.0);
    i.min_size = "s-2vcpu".into();
    let d = decide_vertical(&i);
    assert_eq!(
        (d.desired.as_str(), d.capped_by),
        ("s-2vcpu", Some(CappedBy::Min))
    );
    assert!(d
        .reason
        .ends_with("desired size s-1vcpu capped by min size s-2vcpu"));
}

#[test]
fn a_size_outside_the_bounds_goes_straight_to_them() {
    let mut i = vertical("s-8vcpu", 60.0, 60.0);
    i.max_size = "s-2vcpu".into();
    let d = decide_vertical(&i);
    assert_eq!(d.desired, "s-2vcpu");
    assert_eq!(d.reason, "current size s-8vcpu above max size s-2vcpu");
}

#[test]
fn scale_down_stabilization_over_sizes() {
    let mut i = vertical("s-4vcpu", 20.0, 60.0);
    i.scale_down = Behavior::scale_down_default();
    i.recommendations = vec![
        SizeRecommendation {
            at: ago(60),
            size: "s-4vcpu".into(),
        },
        SizeRecommendation {
            at: ago(90),
            size: "retired-size".into(),
        }, // ignored
    ];
    let d = decide_vertical(&i);
    assert_eq!(d.desired, "s-4vcpu");
    assert_eq!(d.recommendation.as_deref(), Some("s-2vcpu"));
    assert_eq!(d.capped_by, Some(CappedBy::Stabilization));
    assert!(d.reason.contains("scale-down stabilization keeps s-4vcpu"));
}

#[test]
fn the_cooldown_holds_a_resize() {
    let mut i = vertical("s-2vcpu", 90.0, 60.0);
    i.last_scaled_at = Some(at(13, 58, 0));
    i.cooldown_seconds = 300;
    let d = decide_vertical(&i);
    assert_eq!(
        (d.desired.as_str(), d.capped_by),
        ("s-2vcpu", Some(CappedBy::Cooldown))
    );
    assert!(d
        .reason
        .ends_with("desired s-4vcpu held at s-2vcpu: cooldown until 14:03 UTC"));
}

#[test]
fn the_cost_cap_picks_the_biggest_size_it_pays_for() {
    let mut i = vertical("s-2vcpu", 90.0, 60.0); // wants s-4vcpu: 4 × $0.04
    i.cost_limit_per_hour = Some(0.10);
    let d = decide_vertical(&i);
    assert_eq!(
        (d.desired.as_str(), d.capped_by),
        ("s-2vcpu", Some(CappedBy::Cost))
    );
    assert!(
        d.reason
            .ends_with("cost cap $0.10/h allows s-2vcpu (4 × s-4vcpu would cost $0.16/h)"),
        "{}",
        d.reason
    );
}

#[test]
fn the_cost_cap_never_goes_below_min_size() {
    let mut i = vertical("s-4vcpu", 60.0, 60.0);
    i.min_size = "s-2vcpu".into();
    i.cost_limit_per_hour = Some(0.05);
    let d = decide_vertical(&i);
    assert_eq!(d.desired, "s-2vcpu");
    assert!(d
        .reason
        .ends_with("allows no size from min size s-2vcpu: staying at s-2vcpu"));
}

#[test]
fn no_samples_no_droplets_and_unknown_sizes_change_nothing() {
    let mut i = vertical("s-2vcpu", 90.0, 60.0);
    i.metric_value = None;
    assert_eq!(
        decide_vertical(&i).reason,
        "no metric samples in the window"
    );
    let mut i = vertical("s-2vcpu", 90.0, 60.0);
    i.droplets = 0;
    assert_eq!(decide_vertical(&i).reason, "no droplets to resize");
    let i = vertical("s-3vcpu", 90.0, 60.0);
    let d = decide_vertical(&i);
    assert_eq!(d.desired, "s-3vcpu");
    assert_eq!(d.reason, "current size s-3vcpu is not among the sizes");
}
