//! Stabilization (HPA's `stabilizationWindowSeconds`): scale-up follows the lowest
//! recommendation within its window and scale-down the highest within its, so the cluster
//! moves only as far as the whole window agrees on.

use super::Draft;
use chrono::{DateTime, Duration, Utc};
use schema::autoscale::{Behavior, CappedBy};

/// Moves `draft` from `current` toward `raw` only as far as the recommendations of the
/// windows allow (the current recommendation counts too); `history` holds
/// `(made at, recommended position)`, any order. `name` writes a position for the reason.
pub(super) fn stabilize(
    draft: &mut Draft,
    now: DateTime<Utc>,
    current: u32,
    raw: u32,
    history: impl Iterator<Item = (DateTime<Utc>, u32)> + Clone,
    (up, down): (&Behavior, &Behavior),
    name: &dyn Fn(u32) -> String,
) {
    // HPA counts a recommendation strictly after the window's start.
    let within = |window: u32| {
        let cutoff = now - Duration::seconds(i64::from(window));
        history
            .clone()
            .filter(move |(at, _)| *at > cutoff)
            .map(|(_, v)| v)
    };
    let lowest = within(up.stabilization_window_seconds).fold(raw, u32::min);
    let highest = within(down.stabilization_window_seconds).fold(raw, u32::max);
    let stabilized = current.max(lowest).min(highest);
    draft.desired = stabilized;
    if stabilized == raw {
        return;
    }
    let (direction, which, window) = if raw > current {
        ("scale-up", "lowest", up.stabilization_window_seconds)
    } else {
        ("scale-down", "highest", down.stabilization_window_seconds)
    };
    draft.cap(
        stabilized,
        CappedBy::Stabilization,
        format!(
            "{direction} stabilization keeps {} ({which} recommendation in the last {window} s)",
            name(stabilized)
        ),
    );
}
