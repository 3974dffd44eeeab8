//! PERFORMANCE: droplets running hot on CPU or memory for most of the window, and outbound
//! traffic at a pace beyond what the size's monthly transfer includes.

use super::{droplet_window, finding, next_size, running, share_over, size, window_evidence};
use super::{Found, Thresholds};
use schema::catalog::SizeInfo;
use schema::diagnosis::{Action, Recommendation, Severity, Snapshot};

pub(super) const RULES: &[fn(&Snapshot, &Thresholds, &mut Found)] = &[cpu, memory, transfer];

/// Sustained CPU over `cpu_warning` → resize one size up in vCPUs.
fn cpu(s: &Snapshot, t: &Thresholds, found: &mut Found) {
    sustained(
        s,
        t,
        found,
        Hot {
            metric: "CPU",
            rule: "cpu-sustained",
            what: "CPU",
            warning: t.cpu_warning,
            critical: t.cpu_critical,
            grows: |z| z.vcpus,
            describe: |z| format!("{} vCPUs", z.vcpus),
        },
    );
}

/// Sustained memory over `memory_warning` → resize one size up in memory.
fn memory(s: &Snapshot, t: &Thresholds, found: &mut Found) {
    sustained(
        s,
        t,
        found,
        Hot {
            metric: "MEMORY",
            rule: "memory-sustained",
            what: "memory",
            warning: t.memory_warning,
            critical: t.memory_critical,
            grows: |z| z.memory_mb,
            describe: |z| format!("{} GiB memory", z.memory_mb / 1024),
        },
    );
}

struct Hot {
    metric: &'static str,
    rule: &'static str,
    what: &'static str,
    warning: f64,
    critical: f64,
    grows: fn(&SizeInfo) -> u32,
    describe: fn(&SizeInfo) -> String,
}

fn sustained(s: &Snapshot, t: &Thresholds, found: &mut Found, hot: Hot) {
    for d in running(s) {
        let Some(w) = droplet_window(s, &d.id, hot.metric) else {
            continue;
        };
        let mean = w.mean().unwrap_or(0.0);
        found.metric(
            format!("{}.{}_mean", d.name, hot.metric.to_lowercase()),
            mean,
        );
        let share = share_over(w, hot.warning);
        if share < t.sustained_share {
            continue;
        }
        let severity = if mean >= hot.critical {
            Severity::Critical
        } else {
            Severity::Warning
        };
        let mut f = finding(
            format!("{}:{}", hot.rule, d.id),
            severity,
            format!(
                "{} runs hot on {} ({mean:.0} % on average)",
                d.name, hot.what
            ),
        );
        f.explanation = format!(
            "{:.0} % of the last {} points of {}'s {} were at or over {:.0} % (mean {mean:.1} %). \
             Work on it is likely slowed down or queued.",
            share * 100.0,
            w.values.len(),
            d.name,
            hot.what,
            hot.warning
        );
        f.confidence = (0.5 + share * 0.45).min(0.95);
        f.evidence.push(window_evidence(w, " %"));
        f.recommendation = Some(match next_size(&d.size, hot.grows) {
            Some(bigger) => Recommendation {
                text: format!(
                    "resize {} to {} ({}, ${:.0}/month)",
                    d.name,
                    bigger.slug,
                    (hot.describe)(bigger),
                    bigger.price_monthly
                ),
                action: Some(Action::ResizeDroplet {
                    droplet_id: d.id.clone(),
                    size: bigger.slug.into(),
                }),
            },
            None => Recommendation {
                text: format!(
                    "{} is on the largest size; spread the work over more droplets",
                    d.name
                ),
                action: None,
            },
        });
        found.detail(format!(
            "{}: {} mean {mean:.1} %, {:.0} % of points over {:.0} %",
            d.name,
            hot.what,
            share * 100.0,
            hot.warning
        ));
        found.finding(f);
    }
}

/// Seconds in the 30-day month transfer allowances are counted in.
const MONTH_SECONDS: f64 = 30.0 * 24.0 * 3600.0;

/// Outbound traffic whose pace would use more than `transfer_share` of the size's monthly
/// transfer.
fn transfer(s: &Snapshot, t: &Thresholds, found: &mut Found) {
    for d in running(s) {
        let (Some(w), Some(z)) = (droplet_window(s, &d.id, "NETWORK_OUT"), size(&d.size)) else {
            continue;
        };
        let bytes_per_second = w.mean().unwrap_or(0.0);
        let month_gb = bytes_per_second * MONTH_SECONDS / 1e9;
        let share = month_gb / f64::from(z.transfer_gb_monthly);
        found.metric(format!("{}.transfer_share", d.name), share);
        if share < t.transfer_share {
            continue;
        }
        let severity = if share >= 1.0 {
            Severity::Warning
        } else {
            Severity::Info
        };
        let mut f = finding(
            format!("transfer-pace:{}", d.id),
            severity,
            format!(
                "{} sends {:.0} % of its size's monthly transfer at this pace",
                d.name,
                share * 100.0
            ),
        );
        f.explanation = format!(
            "Outbound traffic averages {:.0} KB/s; over a month that is {month_gb:.0} GB against \
             the {} GB {} includes. Traffic beyond it is billed.",
            bytes_per_second / 1e3,
            z.transfer_gb_monthly,
            z.slug
        );
        f.confidence = 0.6;
        f.evidence.push(window_evidence(w, " B/s"));
        let bigger = next_size(&d.size, |z| z.transfer_gb_monthly);
        f.recommendation = Some(Recommendation {
            text: match bigger {
                Some(b) => format!(
                    "check what {} serves (a cache or a CDN in front cuts outbound traffic), or resize to {} ({} GB transfer)",
                    d.name, b.slug, b.transfer_gb_monthly
                ),
                None => format!(
                    "check what {} serves; a cache or a CDN in front cuts outbound traffic",
                    d.name
                ),
            },
            action: bigger.map(|b| Action::ResizeDroplet {
                droplet_id: d.id.clone(),
                size: b.slug.into(),
            }),
        });
        found.finding(f);
    }
}
