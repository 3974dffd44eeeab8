//! CAPACITY: disks filling (with a time-to-full estimate from the window's trend) and a
//! cluster that runs hot as a whole, which more droplets fix better than bigger ones.

use super::{droplet_window, finding, next_size, running, share_over, window_evidence};
use super::{Found, Thresholds, MIN_POINTS};
use schema::diagnosis::{Action, Recommendation, Severity, Snapshot};
use std::collections::BTreeMap;

pub(super) const RULES: &[fn(&Snapshot, &Thresholds, &mut Found)] = &[disk, cluster_hot];

/// Least-squares slope of `values` per step.
fn slope(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    let mean_x = (n - 1.0) / 2.0;
    let mean_y = values.iter().sum::<f64>() / n;
    let (mut num, mut den) = (0.0, 0.0);
    for (i, y) in values.iter().enumerate() {
        let dx = i as f64 - mean_x;
        num += dx * (y - mean_y);
        den += dx * dx;
    }
    if den == 0.0 {
        0.0
    } else {
        num / den
    }
}

/// A disk over `disk_critical`, or expected full within `disk_full_hours` at its trend.
fn disk(s: &Snapshot, t: &Thresholds, found: &mut Found) {
    for d in running(s) {
        let Some(w) = droplet_window(s, &d.id, "DISK") else {
            continue;
        };
        let last = *w.values.last().expect("a judged window has points");
        let per_hour = slope(&w.values) * 3600.0 / f64::from(w.step_seconds.max(1));
        let hours_to_full = (per_hour > 1e-9).then(|| (100.0 - last) / per_hour);
        found.metric(format!("{}.disk_percent", d.name), last);
        if let Some(h) = hours_to_full {
            found.metric(format!("{}.disk_hours_to_full", d.name), h);
        }
        let soon = hours_to_full.is_some_and(|h| h <= t.disk_full_hours);
        if last < t.disk_critical && !soon {
            continue;
        }
        let severity = if last >= t.disk_critical || hours_to_full.is_some_and(|h| h <= 24.0) {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let when = match hours_to_full {
            Some(h) if h < 48.0 => format!("full in about {h:.0} h"),
            Some(h) => format!("full in about {:.0} days", h / 24.0),
            None => "not growing now".to_string(),
        };
        let mut f = finding(
            format!("disk-filling:{}", d.id),
            severity,
            format!("{}'s disk is {last:.0} % full, {when}", d.name),
        );
        f.explanation = format!(
            "The disk grew {per_hour:.2} points an hour over the last {} points and is at \
             {last:.1} %. A full disk stops writes: databases, logs and uploads fail.",
            w.values.len()
        );
        f.confidence = if w.values.len() >= MIN_POINTS * 3 {
            0.85
        } else {
            0.6
        };
        f.evidence.push(window_evidence(w, " %"));
        f.recommendation = Some(match next_size(&d.size, |z| z.disk_gb) {
            Some(bigger) => Recommendation {
                text: format!(
                    "free space on {} (old logs, caches) or resize it to {} ({} GB disk)",
                    d.name, bigger.slug, bigger.disk_gb
                ),
                action: Some(Action::ResizeDroplet {
                    droplet_id: d.id.clone(),
                    size: bigger.slug.into(),
                }),
            },
            None => Recommendation {
                text: format!(
                    "free space on {} (old logs, caches) or attach a volume",
                    d.name
                ),
                action: None,
            },
        });
        found.finding(f);
    }
}

/// The cluster's average CPU over `cpu_warning` for most of the window, with two or more
/// droplets running: one more droplet like the others spreads the load.
fn cluster_hot(s: &Snapshot, t: &Thresholds, found: &mut Found) {
    let Some(c) = &s.cluster else {
        return;
    };
    let series = format!("cluster:{}:AVG", c.id);
    let Some(w) = s
        .metrics
        .iter()
        .find(|w| w.series == series && w.metric == "CPU" && w.values.len() >= MIN_POINTS)
    else {
        return;
    };
    let members: Vec<_> = running(s).collect();
    let mean = w.mean().unwrap_or(0.0);
    found.metric("cluster.cpu_mean", mean);
    found.metric("cluster.running_droplets", members.len() as f64);
    if members.len() < 2 || share_over(w, t.cpu_warning) < t.sustained_share {
        return;
    }
    // New droplets like most of the running ones (ties: the smallest slug).
    let most = |pick: fn(&schema::diagnosis::DropletFacts) -> &str| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &members {
            *counts.entry(pick(d)).or_default() += 1;
        }
        counts
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
            .map(|(v, _)| v.to_string())
            .unwrap_or_default()
    };
    let (size, image, region) = (most(|d| &d.size), most(|d| &d.image), most(|d| &d.region));
    let mut f = finding(
        format!("cluster-hot:{}", c.id),
        if mean >= t.cpu_critical {
            Severity::Critical
        } else {
            Severity::Warning
        },
        format!(
            "cluster {} runs hot across its {} droplets ({mean:.0} % CPU on average)",
            c.name,
            members.len()
        ),
    );
    f.explanation = format!(
        "The average CPU of the cluster's running droplets stayed at or over {:.0} % for most \
         of the window: the load is spread already, so more droplets help more than bigger ones.",
        t.cpu_warning
    );
    f.confidence = 0.8;
    f.evidence.push(window_evidence(w, " %"));
    f.recommendation = Some(Recommendation {
        text: format!(
            "add a droplet ({size}, {image}, {region}) to {}, or add a scaling policy on CPU",
            c.name
        ),
        action: Some(Action::AddDroplet {
            cluster_id: c.id.clone(),
            size,
            image,
            region,
        }),
    });
    found.finding(f);
}
