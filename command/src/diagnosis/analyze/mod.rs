//! The built-in analyzer: one module per check, each a set of rules over the snapshot.
//! A rule finds problems ([`Finding`]s citing their evidence, with a recommendation and,
//! where the system can do it, the command that applies it) and notes the figures it looked
//! at in its check's `metrics`.
//!
//! | check | rules |
//! |---|---|
//! | PERFORMANCE | sustained CPU, sustained memory, outbound traffic beyond the size's transfer |
//! | CAPACITY | disk filling (time to full), cluster running hot as a whole |
//! | CONNECTIVITY | health check failing, health check flapping |
//! | RELIABILITY | repeated job failures with one error, FAILED droplets, long PROVISIONING, no RUNNING droplet, STOPPED droplets |
//! | SECURITY | droplets outside any cluster, deprecated images, actors acting beyond their role |

mod capacity;
mod connectivity;
mod performance;
mod reliability;
mod security;
#[cfg(test)]
mod tests;

use schema::catalog::{SizeInfo, SIZES};
use schema::diagnosis::{
    CheckResult, CheckStatus, DiagnosisCheck, DropletFacts, Evidence, EvidenceKind, Finding,
    MetricWindow, Report, Snapshot,
};
use std::collections::BTreeMap;

/// The thresholds the rules apply (`CLUSTERGENIE_DIAG_THRESHOLD_*`).
#[derive(Debug, Clone, PartialEq)]
pub struct Thresholds {
    /// CPU percent that counts as hot, and as critical.
    pub cpu_warning: f64,
    pub cpu_critical: f64,
    /// Memory percent that counts as high, and as critical.
    pub memory_warning: f64,
    pub memory_critical: f64,
    /// Share of a window's points over the threshold that makes it sustained.
    pub sustained_share: f64,
    /// Disk percent that counts as nearly full.
    pub disk_critical: f64,
    /// A disk expected full within this many hours is a finding.
    pub disk_full_hours: f64,
    /// Outbound traffic at this share of the size's monthly transfer pace is a finding.
    pub transfer_share: f64,
    /// Minutes in PROVISIONING after which a droplet is stuck.
    pub provisioning_minutes: f64,
    /// Changes between passing and failing among a check's recent results that make it
    /// flapping.
    pub flapping_changes: usize,
    /// Failed jobs with one error that make a pattern.
    pub repeated_failures: usize,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            cpu_warning: 80.0,
            cpu_critical: 95.0,
            memory_warning: 85.0,
            memory_critical: 95.0,
            sustained_share: 0.8,
            disk_critical: 90.0,
            disk_full_hours: 72.0,
            transfer_share: 0.8,
            provisioning_minutes: 10.0,
            flapping_changes: 3,
            repeated_failures: 2,
        }
    }
}

/// Fewest points a window needs before a rule judges it.
const MIN_POINTS: usize = 3;

/// What the rules of one check found.
#[derive(Default)]
struct Found {
    findings: Vec<Finding>,
    details: Vec<String>,
    metrics: BTreeMap<String, f64>,
}

impl Found {
    fn finding(&mut self, f: Finding) {
        self.findings.push(f);
    }
    fn detail(&mut self, d: impl Into<String>) {
        self.details.push(d.into());
    }
    fn metric(&mut self, name: impl Into<String>, value: f64) {
        self.metrics.insert(name.into(), round(value));
    }
}

/// The built-in report on `snapshot` for `checks` (every check when empty).
pub fn analyze(snapshot: &Snapshot, checks: &[DiagnosisCheck], t: &Thresholds) -> Report {
    let wanted = |c: DiagnosisCheck| checks.is_empty() || checks.contains(&c);
    let mut results = Vec::new();
    let mut findings = Vec::new();
    for &check in DiagnosisCheck::ALL.iter().filter(|c| wanted(**c)) {
        let mut found = Found::default();
        let rules: &[fn(&Snapshot, &Thresholds, &mut Found)] = match check {
            DiagnosisCheck::Performance => performance::RULES,
            DiagnosisCheck::Capacity => capacity::RULES,
            DiagnosisCheck::Connectivity => connectivity::RULES,
            DiagnosisCheck::Reliability => reliability::RULES,
            DiagnosisCheck::Security => security::RULES,
        };
        for rule in rules {
            rule(snapshot, t, &mut found);
        }
        for f in &mut found.findings {
            f.check = check;
            f.confidence = round(f.confidence);
        }
        let summary = summary(check, &found.findings);
        results.push(CheckResult {
            check,
            status: CheckStatus::Pass,
            summary,
            details: found.details,
            metrics: found.metrics,
        });
        findings.extend(found.findings);
    }
    let mut report = Report {
        checks: results,
        findings,
        backend: "builtin".into(),
        tokens_used: None,
        note: None,
        summary: None,
    };
    report.normalize();
    report
}

fn summary(check: DiagnosisCheck, findings: &[Finding]) -> String {
    use schema::diagnosis::Severity;
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (c, w, i) = (
        count(Severity::Critical),
        count(Severity::Warning),
        count(Severity::Info),
    );
    if findings.is_empty() {
        return format!("{}: no problem found", check.as_str().to_lowercase());
    }
    let mut parts = Vec::new();
    for (n, what) in [(c, "critical"), (w, "warning"), (i, "note")] {
        if n > 0 {
            parts.push(format!("{n} {what}{}", if n == 1 { "" } else { "s" }));
        }
    }
    format!("{}: {}", check.as_str().to_lowercase(), parts.join(", "))
}

/// Two decimals: figures in a report are for reading, and rounding keeps them stable.
fn round(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// A finding under construction (the check is set by [`analyze`]).
/// An event cited as evidence: what, on what, by whom and when.
fn event_evidence(e: &schema::diagnosis::EventFacts) -> schema::diagnosis::Evidence {
    schema::diagnosis::Evidence {
        kind: schema::diagnosis::EvidenceKind::Event,
        reference: e.position.to_string(),
        excerpt: format!(
            "{} on {} {} by {} at {}",
            e.event_type,
            e.aggregate_type,
            e.aggregate_id,
            e.actor,
            e.at.to_rfc3339()
        ),
    }
}

fn finding(id: String, severity: schema::diagnosis::Severity, title: String) -> Finding {
    Finding {
        id,
        check: DiagnosisCheck::Performance,
        severity,
        title,
        explanation: String::new(),
        confidence: 0.0,
        evidence: Vec::new(),
        recommendation: None,
    }
}

/// The window of `metric` of droplet `id`, when it has enough points to judge.
fn droplet_window<'a>(s: &'a Snapshot, id: &str, metric: &str) -> Option<&'a MetricWindow> {
    s.metrics
        .iter()
        .find(|w| w.droplet_id.as_deref() == Some(id) && w.metric == metric)
        .filter(|w| w.values.len() >= MIN_POINTS)
}

/// A metric window as evidence: its reference and its mean, least and greatest values.
fn window_evidence(w: &MetricWindow, unit: &str) -> Evidence {
    let mean = w.mean().unwrap_or(0.0);
    let least = w.values.iter().copied().fold(f64::INFINITY, f64::min);
    let greatest = w.values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let minutes = (w.to - w.from).num_seconds() as f64 / 60.0;
    Evidence {
        kind: EvidenceKind::MetricWindow,
        reference: w.reference(),
        excerpt: format!(
            "{} mean {mean:.1}{unit} over {minutes:.0} min (min {least:.1}, max {greatest:.1}; {} points)",
            w.metric,
            w.values.len()
        ),
    }
}

/// Share of `w`'s points at or over `threshold`.
fn share_over(w: &MetricWindow, threshold: f64) -> f64 {
    if w.values.is_empty() {
        return 0.0;
    }
    w.values.iter().filter(|v| **v >= threshold).count() as f64 / w.values.len() as f64
}

/// Droplets that run (and so report metrics), by name.
fn running(s: &Snapshot) -> impl Iterator<Item = &DropletFacts> {
    s.droplets.iter().filter(|d| d.status == "RUNNING")
}

fn size(slug: &str) -> Option<&'static SizeInfo> {
    SIZES.iter().find(|s| s.slug == slug)
}

/// The smallest size bigger than `slug` in what `grows` measures (and no smaller in the
/// others), or `None` at the top of the catalog.
fn next_size(slug: &str, grows: fn(&SizeInfo) -> u32) -> Option<&'static SizeInfo> {
    let now = size(slug)?;
    SIZES
        .iter()
        .filter(|s| {
            grows(s) > grows(now)
                && s.vcpus >= now.vcpus
                && s.memory_mb >= now.memory_mb
                && s.disk_gb >= now.disk_gb
        })
        .min_by(|a, b| a.price_monthly.total_cmp(&b.price_monthly))
}
