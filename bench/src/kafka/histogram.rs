//! Prometheus histograms scraped from the roles: buckets, differences and quantiles,
//! computed as Prometheus' `histogram_quantile` does.

use std::collections::BTreeMap;

/// Cumulative bucket counts of a Prometheus histogram (upper bound → count).
pub(super) fn buckets(text: &str, name: &str) -> BTreeMap<OrdF64, f64> {
    let prefix = format!("{name}_bucket{{");
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with(&prefix)) {
        let Some(le) = line
            .split("le=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
        else {
            continue;
        };
        let bound = if le == "+Inf" {
            f64::INFINITY
        } else {
            match le.parse::<f64>() {
                Ok(b) => b,
                Err(_) => continue,
            }
        };
        if let Some(count) = line.rsplit(' ').next().and_then(|c| c.parse::<f64>().ok()) {
            *out.entry(OrdF64(bound)).or_default() += count;
        }
    }
    out
}

/// An f64 usable as a map key (bucket bounds are never NaN).
#[derive(Debug, Clone, Copy)]
pub(super) struct OrdF64(f64);
impl PartialEq for OrdF64 {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for OrdF64 {}
impl PartialOrd for OrdF64 {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for OrdF64 {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// `after - before`, bucket by bucket.
pub(super) fn delta(
    after: &BTreeMap<OrdF64, f64>,
    before: &BTreeMap<OrdF64, f64>,
) -> BTreeMap<OrdF64, f64> {
    after
        .iter()
        .map(|(k, v)| (*k, v - before.get(k).copied().unwrap_or(0.0)))
        .collect()
}

/// Prometheus' `histogram_quantile`: linear interpolation inside the bucket that holds the
/// quantile; the highest finite bound when it falls in `+Inf`.
pub(super) fn histogram_quantile(q: f64, cumulative: &BTreeMap<OrdF64, f64>) -> f64 {
    let Some(total) = cumulative.get(&OrdF64(f64::INFINITY)).copied() else {
        return f64::NAN;
    };
    if total <= 0.0 {
        return f64::NAN;
    }
    let rank = q * total;
    let mut lower = 0.0;
    let mut below = 0.0;
    for (bound, count) in cumulative {
        if *count >= rank {
            if bound.0.is_infinite() {
                return lower;
            }
            let inside = count - below;
            if inside <= 0.0 {
                return bound.0;
            }
            return lower + (bound.0 - lower) * (rank - below) / inside;
        }
        lower = bound.0;
        below = *count;
    }
    lower
}

/// Share of observations at or below `bound` (must be a bucket bound).
pub(super) fn share_within(bound: f64, cumulative: &BTreeMap<OrdF64, f64>) -> f64 {
    let total = cumulative
        .get(&OrdF64(f64::INFINITY))
        .copied()
        .unwrap_or(0.0);
    let within = cumulative.get(&OrdF64(bound)).copied().unwrap_or(0.0);
    if total > 0.0 {
        within / total
    } else {
        f64::NAN
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantile_interpolates_like_prometheus() {
        let text = "x_bucket{le=\"0.01\"} 50\nx_bucket{le=\"0.025\"} 90\nx_bucket{le=\"0.05\"} 100\nx_bucket{le=\"+Inf\"} 100\nx_count 100\n";
        let b = buckets(text, "x");
        assert!((histogram_quantile(0.5, &b) - 0.01).abs() < 1e-9);
        // 0.99 × 100 = 99: 9 of the 10 in (0.025, 0.05].
        assert!((histogram_quantile(0.99, &b) - 0.0475).abs() < 1e-9);
        assert!((share_within(0.05, &b) - 1.0).abs() < 1e-9);
        let before = buckets("x_bucket{le=\"0.01\"} 50\nx_bucket{le=\"+Inf\"} 50\n", "x");
        let d = delta(&b, &before);
        assert_eq!(d[&OrdF64(0.01)], 0.0);
        assert_eq!(d[&OrdF64(f64::INFINITY)], 50.0);
    }
}
