//! The cost cap, ours alone (HPA, KEDA and DigitalOcean's pools have none): the cluster's
//! droplets may not cost more an hour than the policy allows, though never fewer than min
//! (or smaller than min size) — validation keeps min within the cap, and a cap lowered
//! later says so rather than leaving the policy's bounds.

use super::{dollars, Draft};
use schema::autoscale::{CappedBy, SizeOption};

/// Absorbs floating-point noise, so $0.30 pays for six droplets at $0.05.
const PRICE_SLACK: f64 = 1e-9;

/// Whether `droplets` at `hourly_price` fit `limit`.
fn fits(droplets: u32, hourly_price: f64, limit: f64) -> bool {
    f64::from(droplets) * hourly_price <= limit + PRICE_SLACK
}

/// Lowers `draft` to the most droplets that fit `limit`, never below `min`.
pub(super) fn cap_count(
    draft: &mut Draft,
    min: u32,
    hourly_price_per_droplet: f64,
    limit: Option<f64>,
) {
    let Some(limit) = limit.filter(|l| l.is_finite()) else {
        return;
    };
    let price = hourly_price_per_droplet;
    if !(price.is_finite() && price > 0.0) || fits(draft.desired, price, limit) {
        return;
    }
    // The float division can land just under a whole number; `fits` has the last word.
    let mut allowed = (limit.max(0.0) / price + PRICE_SLACK)
        .floor()
        .min(f64::from(u32::MAX)) as u32;
    while allowed > 0 && !fits(allowed, price, limit) {
        allowed -= 1;
    }
    let wanted = draft.desired;
    let cap = dollars(limit);
    if allowed >= min {
        draft.cap(
            allowed,
            CappedBy::Cost,
            format!(
                "cost cap {cap}/h allows {allowed} ({wanted} would cost {}/h)",
                dollars(f64::from(wanted) * price)
            ),
        );
    } else {
        draft.cap(
            min,
            CappedBy::Cost,
            format!("cost cap {cap}/h allows {allowed}, below min {min}: staying at min {min}"),
        );
    }
}

/// Lowers `draft` (an index into `sizes`) to the biggest size from `min` up whose `droplets`
/// fit `limit`, never below `min`.
pub(super) fn cap_size(
    draft: &mut Draft,
    sizes: &[SizeOption],
    min: u32,
    droplets: u32,
    limit: Option<f64>,
) {
    let Some(limit) = limit.filter(|l| l.is_finite()) else {
        return;
    };
    let fits_at = |i: u32| fits(droplets, sizes[i as usize].hourly_price, limit);
    if fits_at(draft.desired) {
        return;
    }
    let cap = dollars(limit);
    let wanted = &sizes[draft.desired as usize].slug;
    match (min..draft.desired).rev().find(|i| fits_at(*i)) {
        Some(i) => {
            let clause = format!(
                "cost cap {cap}/h allows {} ({droplets} × {wanted} would cost {}/h)",
                sizes[i as usize].slug,
                dollars(f64::from(droplets) * sizes[draft.desired as usize].hourly_price)
            );
            draft.cap(i, CappedBy::Cost, clause);
        }
        None => {
            let floor = &sizes[min as usize].slug;
            let clause = format!(
                "cost cap {cap}/h allows no size from min size {floor}: staying at {floor}"
            );
            draft.cap(min, CappedBy::Cost, clause);
        }
    }
}
