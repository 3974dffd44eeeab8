//! Cooldown (KEDA, DigitalOcean's pools): after a scaling, the policy waits before the next
//! one, whatever the metric says.

use super::Draft;
use chrono::{DateTime, Duration, Timelike, Utc};
use schema::autoscale::CappedBy;

/// Holds `draft` at `current` while the cooldown after `last_scaled_at` runs.
pub(super) fn hold(
    draft: &mut Draft,
    now: DateTime<Utc>,
    current: u32,
    last_scaled_at: Option<DateTime<Utc>>,
    cooldown_seconds: u32,
    name: &dyn Fn(u32) -> String,
) {
    if draft.desired == current {
        return;
    }
    let Some(until) = last_scaled_at.map(|at| at + Duration::seconds(cooldown_seconds.into()))
    else {
        return;
    };
    if now < until {
        let clause = format!(
            "desired {} held at {}: cooldown until {}",
            name(draft.desired),
            name(current),
            clock(until)
        );
        draft.cap(current, CappedBy::Cooldown, clause);
    }
}

/// "14:03 UTC", with seconds when they are not zero ("14:03:30 UTC"): a cooldown that ends
/// at 14:03:30 does not read as over at 14:03.
fn clock(t: DateTime<Utc>) -> String {
    if t.second() == 0 && t.nanosecond() == 0 {
        t.format("%H:%M UTC").to_string()
    } else {
        t.format("%H:%M:%S UTC").to_string()
    }
}
