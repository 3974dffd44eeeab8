//! VERTICAL mode: which size the cluster's droplets should have, one catalog step at a
//! time within min size..max size, with the same tolerance, stabilization, cooldown and cost
//! cap as horizontal mode. Resizing one droplet at a time is the caller's concern.

use super::ROUNDING_SLACK;
use super::{cooldown, cost, judged_metric, per_droplet, stabilization};
use super::{describe, on_target, target_text, within_tolerance, Decision, Draft};
use schema::autoscale::{CappedBy, VerticalInputs};

/// What `inputs` call for: the size, the reason and the recommendation to keep.
pub fn decide_vertical(inputs: &VerticalInputs) -> Decision<String> {
    let i = inputs;
    let metric_value = per_droplet(i.metric, i.metric_value, i.droplets);
    let position = |slug: &str| {
        i.sizes
            .iter()
            .position(|s| s.slug == slug)
            .map(|p| p as u32)
    };
    let Some(current) = position(&i.current_size) else {
        return Decision {
            current: i.current_size.clone(),
            desired: i.current_size.clone(),
            metric_value,
            target: i.target,
            reason: format!("current size {} is not among the sizes", i.current_size),
            capped_by: None,
            recommendation: None,
        };
    };
    // Validation names sizes from the catalog; were it not so, the catalog's ends stand in.
    let last = i.sizes.len() as u32 - 1;
    let min = position(&i.min_size).unwrap_or(0);
    let max = position(&i.max_size).unwrap_or(last).max(min);
    let mut draft = Draft::new(current);
    let recommendation = propose(i, (current, min, max), metric_value, &mut draft);
    cost::cap_size(&mut draft, &i.sizes, min, i.droplets, i.cost_limit_per_hour);
    let slug = |p: u32| i.sizes[p as usize].slug.clone();
    Decision {
        current: i.current_size.clone(),
        desired: slug(draft.desired),
        metric_value,
        target: i.target,
        reason: draft.reason(),
        capped_by: draft.capped_by,
        recommendation: recommendation.map(slug),
    }
}

/// Every rule before the cost cap, over positions in the sizes; returns the raw
/// recommendation when the metric made one.
fn propose(
    i: &VerticalInputs,
    (current, min, max): (u32, u32, u32),
    metric_value: Option<f64>,
    draft: &mut Draft,
) -> Option<u32> {
    let name = |p: u32| i.sizes[p as usize].slug.clone();
    if i.droplets == 0 {
        draft.note("no droplets to resize");
        return None;
    }
    if current < min {
        let clause = format!(
            "current size {} below min size {}",
            name(current),
            name(min)
        );
        draft.cap(min, CappedBy::Min, clause);
        return None;
    }
    if current > max {
        let clause = format!(
            "current size {} above max size {}",
            name(current),
            name(max)
        );
        draft.cap(max, CappedBy::Max, clause);
        return None;
    }
    let value = judged_metric(metric_value, i.target, draft)?;
    let raw = recommend(i, current, value, draft);
    let history = i.recommendations.iter().filter_map(|r| {
        i.sizes
            .iter()
            .position(|s| s.slug == r.size)
            .map(|p| (r.at, p as u32))
    });
    let behaviors = (&i.scale_up, &i.scale_down);
    stabilization::stabilize(draft, i.now, current, raw, history, behaviors, &name);
    let wanted = draft.desired;
    if wanted > max {
        let clause = format!(
            "desired size {} capped by max size {}",
            name(wanted),
            name(max)
        );
        draft.cap(max, CappedBy::Max, clause);
    } else if wanted < min {
        let clause = format!(
            "desired size {} capped by min size {}",
            name(wanted),
            name(min)
        );
        draft.cap(min, CappedBy::Min, clause);
    }
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

/// One size up above the tolerance; one size down below it, unless the smaller size is
/// predicted to run above the tolerance (it would only be scaled up again).
fn recommend(i: &VerticalInputs, current: u32, value: f64, draft: &mut Draft) -> u32 {
    let ratio = value / i.target;
    if on_target(ratio, i.tolerance) {
        draft.note(within_tolerance(i.metric, value, i.target, i.tolerance));
        return current;
    }
    let at = format!(
        "{} against target {}",
        describe(i.metric, value),
        target_text(i.metric, i.target)
    );
    let size = |p: u32| &i.sizes[p as usize];
    if ratio > 1.0 {
        if current as usize + 1 == i.sizes.len() {
            draft.note(format!(
                "{at}, but {} is the largest size",
                size(current).slug
            ));
            return current;
        }
        draft.note(format!("{at}: one size up, {}", size(current + 1).slug));
        return current + 1;
    }
    if current == 0 {
        draft.note(format!("{at}, but {} is the smallest size", size(0).slug));
        return current;
    }
    let (now, smaller) = (size(current), size(current - 1));
    if now.capacity > 0.0 && smaller.capacity > 0.0 {
        let predicted = value * now.capacity / smaller.capacity;
        if predicted / i.target - 1.0 > i.tolerance + ROUNDING_SLACK {
            draft.note(format!(
                "{at}, but {} would run at {}: staying",
                smaller.slug,
                describe(i.metric, predicted)
            ));
            return current;
        }
        draft.note(format!(
            "{at}: one size down, {} (predicted {})",
            smaller.slug,
            describe(i.metric, predicted)
        ));
    } else {
        draft.note(format!("{at}: one size down, {}", smaller.slug));
    }
    current - 1
}
