//! HORIZONTAL mode: how many droplets the cluster should have, as HPA v2 decides replicas,
//! then our cooldown and cost cap.

use super::{cooldown, cost, judged_metric, per_droplet, stabilization, step};
use super::{
    describe, num, on_target, target_text, within_tolerance, Decision, Draft, ROUNDING_SLACK,
};
use schema::autoscale::{CappedBy, Inputs, ScalingMetric};

/// What `inputs` call for: the droplet count, the reason and the recommendation to keep.
pub fn decide(inputs: &Inputs) -> Decision<u32> {
    let i = inputs;
    let metric_value = per_droplet(i.metric, i.metric_value, i.current);
    let mut draft = Draft::new(i.current);
    let recommendation = propose(i, metric_value, &mut draft);
    cost::cap_count(
        &mut draft,
        i.min,
        i.hourly_price_per_droplet,
        i.cost_limit_per_hour,
    );
    Decision {
        current: i.current,
        desired: draft.desired,
        metric_value,
        target: i.target,
        reason: draft.reason(),
        capped_by: draft.capped_by,
        recommendation,
    }
}

/// Every rule before the cost cap; returns the raw recommendation when the metric made one.
fn propose(i: &Inputs, metric_value: Option<f64>, draft: &mut Draft) -> Option<u32> {
    // Validation keeps min ≤ max; were it not so, min wins, as it does over the cost cap.
    let (min, max) = (i.min, i.max.max(i.min));
    let current = i.current;
    if current == 0 {
        if min == 0 {
            draft.note("no droplets and min 0: nothing to measure");
        } else {
            draft.cap(
                min,
                CappedBy::Min,
                format!("no droplets: scaling to min {min}"),
            );
        }
        return None;
    }
    // HPA corrects a count outside the bounds before it looks at any metric.
    if current < min {
        draft.cap(
            min,
            CappedBy::Min,
            format!("current {current} below min {min}"),
        );
        return None;
    }
    if current > max {
        draft.cap(
            max,
            CappedBy::Max,
            format!("current {current} above max {max}"),
        );
        return None;
    }
    let value = judged_metric(metric_value, i.target, draft)?;
    let raw = recommend(i, value, draft);
    let history = i.recommendations.iter().map(|r| (r.at, r.desired));
    let name = |n: u32| n.to_string();
    let behaviors = (&i.scale_up, &i.scale_down);
    stabilization::stabilize(draft, i.now, current, raw, history, behaviors, &name);
    bound(i, min, max, draft);
    cooldown::hold(
        draft,
        i.now,
        current,
        i.last_scaled_at,
        i.cooldown_seconds,
        &name,
    );
    Some(raw)
}

/// HPA's formula: `ceil(current × metric / target)`, or current within the tolerance.
fn recommend(i: &Inputs, value: f64, draft: &mut Draft) -> u32 {
    let current = i.current;
    let ratio = value / i.target;
    if on_target(ratio, i.tolerance) {
        draft.note(within_tolerance(i.metric, value, i.target, i.tolerance));
        return current;
    }
    let target = target_text(i.metric, i.target);
    // A queue's total is exact where its per-droplet average may not be.
    let (demand, formula) = match (i.metric, i.metric_value) {
        (ScalingMetric::QueueDepth, Some(total)) => {
            let total = total.max(0.0);
            (total, format!("ceil({} / {})", num(total), num(i.target)))
        }
        _ => (
            f64::from(current) * value,
            format!("ceil({current} × {} / {})", num(value), num(i.target)),
        ),
    };
    let raw = (demand / i.target - ROUNDING_SLACK)
        .ceil()
        .clamp(0.0, f64::from(u32::MAX)) as u32;
    draft.note(format!(
        "{} against target {target}: {formula} = {raw}",
        describe(i.metric, value)
    ));
    raw
}

/// Min, max and the step limits together, as HPA applies them: the tighter one wins (max
/// or min on a tie).
fn bound(i: &Inputs, min: u32, max: u32, draft: &mut Draft) {
    let (current, wanted) = (i.current, draft.desired);
    if wanted > current {
        let step = i
            .scale_up
            .max_step
            .map(|s| (step::up_limit(i.now, current, &s, &i.actions), s));
        match step {
            Some((limit, s)) if limit < max && wanted > limit => draft.cap(
                limit,
                CappedBy::Step,
                format!(
                    "desired {wanted} capped by step limit {limit} ({})",
                    step::describe(&s)
                ),
            ),
            _ if wanted > max => draft.cap(
                max,
                CappedBy::Max,
                format!("desired {wanted} capped by max {max}"),
            ),
            _ => {}
        }
    } else if wanted < current {
        let step = i
            .scale_down
            .max_step
            .map(|s| (step::down_limit(i.now, current, &s, &i.actions), s));
        match step {
            Some((limit, s)) if limit > min && wanted < limit => draft.cap(
                limit,
                CappedBy::Step,
                format!(
                    "desired {wanted} capped by step limit {limit} ({})",
                    step::describe(&s)
                ),
            ),
            _ if wanted < min => draft.cap(
                min,
                CappedBy::Min,
                format!("desired {wanted} capped by min {min}"),
            ),
            _ => {}
        }
    }
}
