//! The invariants over arbitrary inputs: the bounds and the cost cap always hold, a
//! cooldown only yields to them, and a decision depends on its inputs alone.

use super::*;
use crate::autoscale::{decide, decide_vertical};
use proptest::prelude::*;

fn metric() -> impl Strategy<Value = ScalingMetric> {
    prop::sample::select(ScalingMetric::ALL.to_vec())
}

fn behavior() -> impl Strategy<Value = Behavior> {
    let amount = prop_oneof![
        (0u32..6).prop_map(StepAmount::Droplets),
        (0u32..150).prop_map(StepAmount::Percent),
    ];
    let step = (amount, 1u32..600).prop_map(|(amount, period_seconds)| Step {
        amount,
        period_seconds,
    });
    (0u32..600, prop::option::of(step)).prop_map(|(window, max_step)| Behavior {
        stabilization_window_seconds: window,
        max_step,
    })
}

fn recommendations() -> impl Strategy<Value = Vec<Recommendation>> {
    prop::collection::vec((0i64..900, 0u32..60), 0..6).prop_map(|v| {
        v.into_iter()
            .map(|(s, desired)| Recommendation {
                at: ago(s),
                desired,
            })
            .collect()
    })
}

fn actions() -> impl Strategy<Value = Vec<ScalingAction>> {
    prop::collection::vec((0i64..900, 0u32..60, 0u32..60), 0..4).prop_map(|v| {
        v.into_iter()
            .map(|(s, from, to)| ScalingAction {
                at: ago(s),
                from,
                to,
            })
            .collect()
    })
}

prop_compose! {
    fn any_inputs()(
        metric in metric(),
        current in 0u32..60,
        value in prop::option::of(0.0f64..2_000.0),
        target in 0.5f64..200.0,
        tolerance in 0.0f64..0.3,
        min in 0u32..20,
        span in 0u32..40,
        (scale_up, scale_down) in (behavior(), behavior()),
        recommendations in recommendations(),
        actions in actions(),
        last_scaled in prop::option::of(0i64..900),
        cooldown_seconds in 0u32..600,
        price in 0.001f64..1.0,
        limit in prop::option::of(0.0f64..20.0),
    ) -> Inputs {
        Inputs {
            now: now(),
            current,
            metric,
            metric_value: value,
            target,
            tolerance,
            min,
            max: min + span,
            scale_up,
            scale_down,
            recommendations,
            actions,
            last_scaled_at: last_scaled.map(ago),
            cooldown_seconds,
            hourly_price_per_droplet: price,
            cost_limit_per_hour: limit,
        }
    }
}

fn fits(droplets: u32, price: f64, limit: f64) -> bool {
    f64::from(droplets) * price <= limit + 1e-9
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn desired_stays_within_min_and_max(i in any_inputs()) {
        let d = decide(&i);
        prop_assert!((i.min..=i.max).contains(&d.desired), "{d:?}");
    }

    #[test]
    fn desired_never_costs_more_than_the_cap_when_min_fits_it(i in any_inputs()) {
        let d = decide(&i);
        if let Some(limit) = i.cost_limit_per_hour {
            if fits(i.min, i.hourly_price_per_droplet, limit) {
                prop_assert!(fits(d.desired, i.hourly_price_per_droplet, limit), "{d:?}");
            } else {
                prop_assert_eq!(d.desired, i.min);
            }
        }
    }

    #[test]
    fn a_cooldown_yields_only_to_the_bounds(i in any_inputs()) {
        let cooling = i
            .last_scaled_at
            .is_some_and(|at| i.now < at + Duration::seconds(i.cooldown_seconds.into()));
        let in_bounds = (i.min..=i.max).contains(&i.current)
            && i.cost_limit_per_hour
                .is_none_or(|l| fits(i.current, i.hourly_price_per_droplet, l));
        if cooling && in_bounds && i.current > 0 {
            prop_assert_eq!(decide(&i).desired, i.current);
        }
    }

    #[test]
    fn the_same_inputs_give_the_same_decision(i in any_inputs()) {
        prop_assert_eq!(decide(&i), decide(&i.clone()));
    }

    #[test]
    fn vertical_stays_within_its_sizes_and_the_cap(
        current in 0usize..5,
        (min, span) in (0usize..5, 0usize..5),
        value in prop::option::of(0.0f64..150.0),
        target in 1.0f64..100.0,
        droplets in 0u32..10,
        limit in prop::option::of(0.0f64..5.0),
        history in prop::collection::vec((0i64..900, 0usize..5), 0..5),
        down_window in 0u32..600,
    ) {
        let sizes: Vec<SizeOption> = (0..5)
            .map(|n| SizeOption {
                slug: format!("size-{n}"),
                hourly_price: 0.01 * f64::from(1u32 << n),
                capacity: f64::from(1u32 << n),
            })
            .collect();
        let max = (min + span).min(4);
        let i = VerticalInputs {
            now: now(),
            current_size: sizes[current].slug.clone(),
            min_size: sizes[min].slug.clone(),
            max_size: sizes[max].slug.clone(),
            droplets,
            metric: ScalingMetric::Cpu,
            metric_value: value,
            target,
            tolerance: DEFAULT_TOLERANCE,
            scale_up: Behavior::scale_up_default(),
            scale_down: Behavior { stabilization_window_seconds: down_window, max_step: None },
            recommendations: history
                .into_iter()
                .map(|(s, n)| SizeRecommendation { at: ago(s), size: sizes[n].slug.clone() })
                .collect(),
            last_scaled_at: None,
            cooldown_seconds: 0,
            cost_limit_per_hour: limit,
            sizes,
        };
        let d = decide_vertical(&i);
        let position = i.sizes.iter().position(|s| s.slug == d.desired).unwrap();
        if droplets == 0 {
            // Nothing to resize: nothing to decide, wherever the bounds are.
            prop_assert!(!d.acts());
            return Ok(());
        }
        prop_assert!((min..=max).contains(&position), "{d:?}");
        if let Some(limit) = limit {
            if fits(droplets, i.sizes[min].hourly_price, limit) {
                prop_assert!(fits(droplets, i.sizes[position].hourly_price, limit), "{d:?}");
            }
        }
        if limit.is_none() && (min..=max).contains(&current) {
            prop_assert!(position.abs_diff(current) <= 1, "one step at a time: {d:?}");
        }
        prop_assert_eq!(d, decide_vertical(&i.clone()));
    }
}
