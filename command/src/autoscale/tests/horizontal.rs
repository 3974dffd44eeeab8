//! HORIZONTAL: the HPA documentation's arithmetic, then each rule in its order.

use super::*;
use crate::autoscale::decide;

// --- HPA's formula and tolerance ------------------------------------------------------

#[test]
fn metric_twice_the_target_doubles_the_count() {
    // HPA docs: current 200m against a target of 100m, one replica → two.
    let d = decide(&cpu(1, 200.0, 100.0));
    assert_eq!(d.desired, 2);
    assert_eq!(d.recommendation, Some(2));
    assert!(d.acts());
    assert_eq!(d.capped_by, None);
    assert_eq!(
        d.reason,
        "CPU 200 % against target 100 %: ceil(1 × 200 / 100) = 2"
    );
}

#[test]
fn metric_half_the_target_halves_the_count() {
    // HPA docs: 50m against 100m halves the replicas.
    let mut i = cpu(4, 50.0, 100.0);
    i.scale_down = immediate();
    assert_eq!(decide(&i).desired, 2);
}

#[test]
fn queue_depth_is_compared_per_droplet() {
    // The issue's scenario: 4 workers, a queue of 400, target 50 per droplet → 8.
    let d = decide(&queue(4, 400.0, 50.0));
    assert_eq!(d.desired, 8);
    assert_eq!(d.metric_value, Some(100.0));
    assert_eq!(d.target, 50.0);
    assert_eq!(
        d.reason,
        "queue 100 per droplet against target 50: ceil(400 / 50) = 8"
    );
}

#[test]
fn the_count_rounds_up() {
    // 3 × 120 / 100 = 3.6: a fourth droplet, never a fraction short.
    assert_eq!(decide(&cpu(3, 120.0, 100.0)).desired, 4);
    // Exact products stay exact: 3 × 70 / 30 = 7, not 8.
    assert_eq!(decide(&cpu(3, 70.0, 30.0)).desired, 7);
    // In floats 30.6 / 10.2 is a little over 3: still 3 droplets, not 4.
    assert_eq!(decide(&cpu(1, 30.6, 10.2)).desired, 3);
}

#[test]
fn within_the_tolerance_nothing_changes() {
    for value in [46.0, 50.0, 54.0, 55.0, 45.0] {
        let d = decide(&cpu(4, value, 50.0));
        assert_eq!(d.desired, 4, "{value}");
        assert_eq!(
            d.recommendation,
            Some(4),
            "{value}: recorded for stabilization"
        );
        assert!(!d.acts());
        assert!(d.reason.contains("within tolerance"), "{}", d.reason);
    }
    assert_eq!(
        decide(&cpu(4, 54.0, 50.0)).reason,
        "CPU 54 % within tolerance of target 50 % (±10 %)"
    );
    // Just past the band the formula applies: ceil(4 × 56 / 50) = 5.
    assert_eq!(decide(&cpu(4, 56.0, 50.0)).desired, 5);
}

#[test]
fn a_wider_tolerance_holds_more() {
    let mut i = cpu(4, 60.0, 50.0);
    i.tolerance = 0.25;
    assert_eq!(decide(&i).desired, 4);
}

// --- Stabilization ----------------------------------------------------------------------

#[test]
fn scale_down_takes_the_highest_recommendation_of_its_window() {
    let mut i = cpu(8, 25.0, 50.0); // recommends 4
    i.recommendations = vec![
        Recommendation {
            at: ago(100),
            desired: 7,
        },
        Recommendation {
            at: ago(200),
            desired: 6,
        },
        Recommendation {
            at: ago(400),
            desired: 8,
        }, // outside the 300 s
    ];
    let d = decide(&i);
    assert_eq!(d.desired, 7);
    assert_eq!(d.recommendation, Some(4), "the raw recommendation is kept");
    assert_eq!(d.capped_by, Some(CappedBy::Stabilization));
    assert!(
        d.reason.ends_with(
            "scale-down stabilization keeps 7 (highest recommendation in the last 300 s)"
        ),
        "{}",
        d.reason
    );
}

#[test]
fn scale_down_without_recent_recommendations_follows_the_metric() {
    let mut i = cpu(8, 25.0, 50.0);
    i.recommendations = vec![Recommendation {
        at: ago(301),
        desired: 8,
    }];
    assert_eq!(decide(&i).desired, 4);
}

#[test]
fn a_recommendation_at_the_window_start_no_longer_counts() {
    // HPA counts those strictly after the cutoff.
    let mut i = cpu(8, 25.0, 50.0);
    i.recommendations = vec![Recommendation {
        at: ago(300),
        desired: 8,
    }];
    assert_eq!(decide(&i).desired, 4);
}

#[test]
fn scale_down_stabilization_does_not_slow_scale_up() {
    let mut i = cpu(4, 100.0, 50.0);
    i.recommendations = vec![Recommendation {
        at: ago(10),
        desired: 2,
    }];
    assert_eq!(decide(&i).desired, 8);
}

#[test]
fn scale_up_takes_the_lowest_recommendation_of_its_window() {
    let mut i = queue(4, 400.0, 50.0); // recommends 8
    i.scale_up.stabilization_window_seconds = 60;
    i.recommendations = vec![
        Recommendation {
            at: ago(30),
            desired: 5,
        },
        Recommendation {
            at: ago(90),
            desired: 4,
        }, // outside the 60 s
    ];
    let d = decide(&i);
    assert_eq!(d.desired, 5);
    assert_eq!(d.capped_by, Some(CappedBy::Stabilization));
    assert!(
        d.reason.contains("scale-up stabilization keeps 5"),
        "{}",
        d.reason
    );
}

#[test]
fn stabilization_never_moves_against_the_metric() {
    // Going up, an older higher recommendation does not push past the current one.
    let mut i = queue(4, 240.0, 50.0); // recommends 5
    i.scale_up.stabilization_window_seconds = 60;
    i.recommendations = vec![Recommendation {
        at: ago(10),
        desired: 9,
    }];
    assert_eq!(decide(&i).desired, 5);
}

// --- Min, max and steps -------------------------------------------------------------------

#[test]
fn max_caps_with_the_issues_reason() {
    let mut i = queue(4, 450.0, 50.0); // recommends 9
    i.max = 8;
    let d = decide(&i);
    assert_eq!(d.desired, 8);
    assert_eq!(d.recommendation, Some(9));
    assert_eq!(d.capped_by, Some(CappedBy::Max));
    assert!(
        d.reason.ends_with("; desired 9 capped by max 8"),
        "{}",
        d.reason
    );
}

#[test]
fn min_floors_a_scale_down() {
    let mut i = cpu(4, 5.0, 50.0); // recommends 1
    i.min = 2;
    i.scale_down = immediate();
    let d = decide(&i);
    assert_eq!(d.desired, 2);
    assert_eq!(d.capped_by, Some(CappedBy::Min));
    assert!(
        d.reason.ends_with("desired 1 capped by min 2"),
        "{}",
        d.reason
    );
}

#[test]
fn a_droplet_step_limits_four_to_eight_to_four_to_six() {
    let mut i = queue(4, 400.0, 50.0);
    i.scale_up.max_step = step(StepAmount::Droplets(2), 60);
    let d = decide(&i);
    assert_eq!(d.desired, 6);
    assert_eq!(d.recommendation, Some(8));
    assert_eq!(d.capped_by, Some(CappedBy::Step));
    assert!(
        d.reason
            .ends_with("desired 8 capped by step limit 6 (at most 2 droplets per 60 s)"),
        "{}",
        d.reason
    );
}

#[test]
fn scalings_within_the_period_count_against_the_step() {
    let mut i = queue(4, 400.0, 50.0);
    i.scale_up.max_step = step(StepAmount::Droplets(3), 60);
    // 2 → 4 thirty seconds ago: the period started at 2, so 5 is the limit.
    i.actions = vec![ScalingAction {
        at: ago(30),
        from: 2,
        to: 4,
    }];
    assert_eq!(decide(&i).desired, 5);
    // Two minutes ago it no longer counts.
    i.actions = vec![ScalingAction {
        at: ago(120),
        from: 2,
        to: 4,
    }];
    assert_eq!(decide(&i).desired, 7);
    // A spent step holds the count, it never shrinks it.
    i.actions = vec![ScalingAction {
        at: ago(30),
        from: 1,
        to: 4,
    }];
    let d = decide(&i);
    assert_eq!(d.desired, 4);
    assert_eq!(d.capped_by, Some(CappedBy::Step));
}

#[test]
fn a_percent_step_rounds_up_when_growing() {
    let mut i = queue(4, 400.0, 50.0);
    i.scale_up.max_step = step(StepAmount::Percent(25), 60);
    assert_eq!(decide(&i).desired, 5); // ceil(4 × 1.25)
    i.current = 3;
    i.metric_value = Some(400.0);
    i.scale_up.max_step = step(StepAmount::Percent(50), 60);
    assert_eq!(decide(&i).desired, 5); // ceil(3 × 1.5) = ceil(4.5)
    i.current = 1;
    i.scale_up.max_step = step(StepAmount::Percent(10), 60);
    assert_eq!(
        decide(&i).desired,
        2,
        "a percent of one droplet still grows"
    );
}

#[test]
fn a_percent_step_rounds_down_when_shrinking() {
    let mut i = cpu(10, 10.0, 50.0); // recommends 2
    i.scale_down = immediate();
    i.scale_down.max_step = step(StepAmount::Percent(50), 60);
    assert_eq!(decide(&i).desired, 5);
    i.current = 5; // recommends 1
    assert_eq!(decide(&i).desired, 2); // floor(5 × 0.5)
}

#[test]
fn a_droplet_step_limits_scale_down() {
    let mut i = cpu(10, 10.0, 50.0);
    i.scale_down = immediate();
    i.scale_down.max_step = step(StepAmount::Droplets(1), 60);
    let d = decide(&i);
    assert_eq!(d.desired, 9);
    assert!(
        d.reason.contains("(at most 1 droplet per 60 s)"),
        "{}",
        d.reason
    );
}

#[test]
fn on_a_tie_between_step_and_max_max_is_named() {
    let mut i = queue(4, 400.0, 50.0);
    i.scale_up.max_step = step(StepAmount::Droplets(2), 60);
    i.max = 6;
    assert_eq!(decide(&i).capped_by, Some(CappedBy::Max));
    i.max = 5;
    assert_eq!(decide(&i).capped_by, Some(CappedBy::Max));
    i.max = 7;
    assert_eq!(decide(&i).capped_by, Some(CappedBy::Step));
}

// --- Bounds before the metric --------------------------------------------------------------

#[test]
fn no_droplets_scale_to_min() {
    let mut i = cpu(0, 0.0, 50.0);
    i.min = 2;
    i.metric_value = None;
    let d = decide(&i);
    assert_eq!(d.desired, 2);
    assert_eq!(d.reason, "no droplets: scaling to min 2");
    assert_eq!(d.recommendation, None);
    i.min = 0;
    let d = decide(&i);
    assert_eq!(d.desired, 0);
    assert!(!d.acts());
}

#[test]
fn no_droplets_ignore_a_queue_they_cannot_share() {
    let mut i = queue(0, 400.0, 50.0);
    i.min = 2;
    let d = decide(&i);
    assert_eq!((d.desired, d.metric_value), (2, None));
}

#[test]
fn a_count_outside_the_bounds_goes_straight_to_them() {
    // Even within the tolerance, in a cooldown and past a step: the bounds are the policy.
    let mut i = cpu(10, 50.0, 50.0);
    i.max = 8;
    i.last_scaled_at = Some(ago(10));
    i.cooldown_seconds = 600;
    i.scale_down.max_step = step(StepAmount::Droplets(1), 60);
    let d = decide(&i);
    assert_eq!((d.desired, d.capped_by), (8, Some(CappedBy::Max)));
    assert_eq!(d.reason, "current 10 above max 8");
    let mut i = cpu(1, 50.0, 50.0);
    i.min = 3;
    let d = decide(&i);
    assert_eq!((d.desired, d.capped_by), (3, Some(CappedBy::Min)));
    assert_eq!(d.reason, "current 1 below min 3");
}

#[test]
fn without_samples_nothing_changes() {
    let mut i = cpu(4, 0.0, 50.0);
    i.metric_value = None;
    let d = decide(&i);
    assert_eq!(d.desired, 4);
    assert_eq!(d.metric_value, None);
    assert_eq!(d.recommendation, None);
    assert_eq!(d.reason, "no metric samples in the window");
    i.metric_value = Some(f64::NAN);
    assert_eq!(decide(&i).reason, "no metric samples in the window");
}

// --- Cooldown -------------------------------------------------------------------------------

#[test]
fn the_cooldown_holds_with_its_end_in_the_reason() {
    let mut i = queue(4, 400.0, 50.0);
    i.last_scaled_at = Some(at(13, 58, 0));
    i.cooldown_seconds = 300;
    let d = decide(&i);
    assert_eq!(d.desired, 4);
    assert!(!d.acts());
    assert_eq!(
        d.recommendation,
        Some(8),
        "still recorded for stabilization"
    );
    assert_eq!(d.capped_by, Some(CappedBy::Cooldown));
    assert!(
        d.reason
            .ends_with("desired 8 held at 4: cooldown until 14:03 UTC"),
        "{}",
        d.reason
    );
    i.last_scaled_at = Some(at(13, 58, 30));
    assert!(decide(&i).reason.ends_with("cooldown until 14:03:30 UTC"));
}

#[test]
fn the_cooldown_ends_on_time() {
    let mut i = queue(4, 400.0, 50.0);
    i.last_scaled_at = Some(at(13, 55, 0));
    i.cooldown_seconds = 300;
    assert_eq!(decide(&i).desired, 8);
}

#[test]
fn the_cooldown_is_silent_when_nothing_would_change() {
    let mut i = cpu(4, 50.0, 50.0);
    i.last_scaled_at = Some(ago(10));
    i.cooldown_seconds = 300;
    let d = decide(&i);
    assert_eq!(d.capped_by, None);
    assert!(!d.reason.contains("cooldown"));
}

// --- Cost cap -------------------------------------------------------------------------------

#[test]
fn the_cost_cap_allows_the_most_droplets_it_pays_for() {
    let mut i = queue(4, 400.0, 50.0); // recommends 8
    i.cost_limit_per_hour = Some(0.30); // six at $0.05
    let d = decide(&i);
    assert_eq!(d.desired, 6);
    assert_eq!(d.capped_by, Some(CappedBy::Cost));
    assert!(
        d.reason
            .ends_with("cost cap $0.30/h allows 6 (8 would cost $0.40/h)"),
        "{}",
        d.reason
    );
}

#[test]
fn the_cost_cap_comes_after_max_and_both_are_explained() {
    let mut i = queue(4, 450.0, 50.0); // recommends 9
    i.max = 8;
    i.cost_limit_per_hour = Some(0.30);
    let d = decide(&i);
    assert_eq!(d.desired, 6);
    assert_eq!(d.capped_by, Some(CappedBy::Cost));
    assert!(d
        .reason
        .contains("desired 9 capped by max 8; cost cap $0.30/h allows 6"));
}

#[test]
fn the_cost_cap_never_goes_below_min() {
    let mut i = queue(4, 400.0, 50.0);
    i.min = 2;
    i.cost_limit_per_hour = Some(0.05);
    let d = decide(&i);
    assert_eq!(d.desired, 2);
    assert_eq!(d.capped_by, Some(CappedBy::Cost));
    assert!(
        d.reason
            .ends_with("cost cap $0.05/h allows 1, below min 2: staying at min 2"),
        "{}",
        d.reason
    );
}

#[test]
fn the_cost_cap_shrinks_a_cluster_over_it_even_in_a_cooldown() {
    let mut i = cpu(8, 50.0, 50.0); // on target
    i.cost_limit_per_hour = Some(0.30);
    i.last_scaled_at = Some(ago(10));
    i.cooldown_seconds = 300;
    let d = decide(&i);
    assert_eq!(d.desired, 6);
    assert_eq!(d.capped_by, Some(CappedBy::Cost));
}

#[test]
fn the_cost_cap_is_silent_while_it_fits() {
    let mut i = queue(4, 400.0, 50.0);
    i.cost_limit_per_hour = Some(0.40);
    let d = decide(&i);
    assert_eq!((d.desired, d.capped_by), (8, None));
}

// --- The decision as a whole -----------------------------------------------------------------

#[test]
fn the_same_inputs_give_the_same_decision() {
    let mut i = queue(4, 450.0, 50.0);
    i.max = 8;
    i.cost_limit_per_hour = Some(0.30);
    i.recommendations = vec![Recommendation {
        at: ago(5),
        desired: 3,
    }];
    assert_eq!(decide(&i), decide(&i.clone()));
}
