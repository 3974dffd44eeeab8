//! Diagnosis vocabulary: what a diagnosis looks at (the evidence [`Snapshot`]), what it
//! reports (a [`Report`]: a result per check, findings citing their evidence, a
//! recommendation per finding that one click can apply) and the checks it runs.
//!
//! A report is a pure function of its snapshot (for the built-in analyzer) or of the
//! snapshot and the model's validated answer (recorded in the diagnosis' events), so replay
//! rebuilds the same report without the model. Nothing here performs I/O.

use crate::values::string_enum;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

string_enum!(
    /// A class of problems a diagnosis looks for (the original product's checks).
    DiagnosisCheck {
        Connectivity => "CONNECTIVITY",
        Performance => "PERFORMANCE",
        Capacity => "CAPACITY",
        Reliability => "RELIABILITY",
        Security => "SECURITY",
    }
);

string_enum!(
    /// What a diagnosis looks at: a cluster (and its droplets) or one droplet.
    DiagnosisTarget { Cluster => "CLUSTER", Droplet => "DROPLET" }
);

string_enum!(
    /// Lifecycle of a diagnosis.
    DiagnosisStatus {
        Queued => "QUEUED",
        Running => "RUNNING",
        Completed => "COMPLETED",
        Failed => "FAILED",
    }
);

string_enum!(
    /// The outcome of one check: the worst severity among its findings.
    CheckStatus { Pass => "PASS", Warning => "WARNING", Fail => "FAIL" }
);

string_enum!(
    /// How bad a finding is.
    Severity { Critical => "CRITICAL", Warning => "WARNING", Info => "INFO" }
);

string_enum!(
    /// What a piece of evidence is, and so where the console links it to.
    EvidenceKind {
        MetricWindow => "METRIC_WINDOW",
        HealthResult => "HEALTH_RESULT",
        Job => "JOB",
        Event => "EVENT",
        Log => "LOG",
    }
);

impl Severity {
    /// Worst first: CRITICAL, WARNING, INFO.
    pub fn rank(self) -> u8 {
        match self {
            Self::Critical => 0,
            Self::Warning => 1,
            Self::Info => 2,
        }
    }
}

impl CheckStatus {
    /// The status of a check whose worst finding is `worst` (PASS without findings; INFO
    /// findings do not fail a check).
    pub fn of(worst: Option<Severity>) -> Self {
        match worst {
            Some(Severity::Critical) => Self::Fail,
            Some(Severity::Warning) => Self::Warning,
            Some(Severity::Info) | None => Self::Pass,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The evidence snapshot
// ---------------------------------------------------------------------------------------

/// Everything one diagnosis looks at, collected once before any analyzer runs. Every list is
/// bounded and sorted, so the same state gives the same snapshot (and its digest).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// When it was collected; analyzers measure ages from here, never from the clock.
    pub taken_at: DateTime<Utc>,
    pub target: DiagnosisTarget,
    pub target_id: String,
    /// The cluster (for a cluster target, or the droplet's cluster).
    pub cluster: Option<ClusterFacts>,
    /// The target droplet, or the cluster's droplets, by name.
    pub droplets: Vec<DropletFacts>,
    /// One window per droplet and metric (and per cluster aggregate), by series then metric.
    pub metrics: Vec<MetricWindow>,
    /// The health checks of the target and their recent results, by name.
    pub health_checks: Vec<HealthFacts>,
    /// Recent jobs of the target's droplets and cluster, newest first.
    pub jobs: Vec<JobFacts>,
    /// Recent events of the target's aggregates, newest first.
    pub events: Vec<EventFacts>,
    /// Recent warning and error log lines about the target, newest first.
    pub logs: Vec<LogFacts>,
}

/// A cluster as the snapshot saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterFacts {
    pub id: String,
    pub name: String,
    pub region: String,
    pub status: String,
}

/// A droplet as the snapshot saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropletFacts {
    pub id: String,
    pub name: String,
    pub cluster_id: Option<String>,
    pub status: String,
    pub size: String,
    pub image: String,
    pub region: String,
    pub ip: Option<String>,
    /// When it entered its current status.
    pub status_since: DateTime<Utc>,
}

/// One metric of one series over the analysis window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricWindow {
    /// `droplet:<id>` or `cluster:<id>:<AGGREGATE>`.
    pub series: String,
    /// The droplet's id, for a droplet series.
    pub droplet_id: Option<String>,
    pub metric: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Bucket means, oldest first, `step_seconds` apart.
    pub values: Vec<f64>,
    pub step_seconds: u32,
}

impl Snapshot {
    /// A snapshot of `target_id` with nothing in it (no such target, or nothing recorded).
    pub fn empty(target: DiagnosisTarget, target_id: &str, taken_at: DateTime<Utc>) -> Self {
        Self {
            taken_at,
            target,
            target_id: target_id.to_string(),
            cluster: None,
            droplets: vec![],
            metrics: vec![],
            health_checks: vec![],
            jobs: vec![],
            events: vec![],
            logs: vec![],
        }
    }
}

impl MetricWindow {
    /// The mean of the whole window, or `None` without values.
    pub fn mean(&self) -> Option<f64> {
        (!self.values.is_empty())
            .then(|| self.values.iter().sum::<f64>() / self.values.len() as f64)
    }

    /// The stable reference evidence cites it by (`<series>/<metric>@<from>..<to>`).
    pub fn reference(&self) -> String {
        format!(
            "{}/{}@{}..{}",
            self.series,
            self.metric,
            self.from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            self.to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    }
}

/// A health check and its recent results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthFacts {
    pub id: String,
    pub name: String,
    pub kind: String,
    /// HEALTHY, UNHEALTHY or UNKNOWN.
    pub health: String,
    /// Newest first.
    pub results: Vec<HealthResultFacts>,
}

impl HealthFacts {
    /// The stable reference evidence cites one of its results by (`<check id>@<time>`).
    pub fn result_reference(&self, result: &HealthResultFacts) -> String {
        format!(
            "{}@{}",
            self.id,
            result.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    }
}

/// One run of a health check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthResultFacts {
    pub at: DateTime<Utc>,
    pub ok: bool,
    pub latency_ms: Option<f64>,
    pub error: Option<String>,
}

/// A job as the snapshot saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobFacts {
    pub id: String,
    pub job_type: String,
    pub target_id: String,
    pub status: String,
    pub attempts: u32,
    pub error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// An event of the audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventFacts {
    pub position: i64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub event_type: String,
    pub actor: String,
    /// The actor's role when it acted, when known.
    pub actor_role: Option<String>,
    pub at: DateTime<Utc>,
}

/// A log line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogFacts {
    /// The line's id in the activity log.
    pub id: i64,
    pub at: DateTime<Utc>,
    pub level: String,
    pub message: String,
}

// ---------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------

/// What a diagnosis found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// One result per requested check, in the order of [`DiagnosisCheck::ALL`].
    pub checks: Vec<CheckResult>,
    /// Worst first, then by check and id.
    pub findings: Vec<Finding>,
    /// `builtin` or `openai:<model>`.
    pub backend: String,
    /// Tokens the model used (prompt and completion), when a model answered.
    #[serde(default)]
    pub tokens_used: Option<u32>,
    /// Why the report is the built-in one although a model is configured, and other
    /// remarks about how it was made.
    #[serde(default)]
    pub note: Option<String>,
    /// The model's explanation of the whole, when a model answered.
    #[serde(default)]
    pub summary: Option<String>,
}

/// The result of one check, in the original product's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    pub check: DiagnosisCheck,
    pub status: CheckStatus,
    pub summary: String,
    pub details: Vec<String>,
    /// Figures the check looked at, by name.
    pub metrics: BTreeMap<String, f64>,
}

/// One problem, why we think so and what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable within a report: the rule and what it is about (`cpu-sustained:<droplet id>`).
    pub id: String,
    pub check: DiagnosisCheck,
    pub severity: Severity,
    pub title: String,
    pub explanation: String,
    /// 0..1.
    pub confidence: f64,
    pub evidence: Vec<Evidence>,
    pub recommendation: Option<Recommendation>,
}

/// A piece of evidence a finding cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// What it points at: a metric window's reference, a health result's `<check id>@<time>`,
    /// a job id, an event's position or a log line's id.
    #[serde(rename = "ref")]
    pub reference: String,
    /// What it says, short.
    pub excerpt: String,
}

/// What to do about a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub text: String,
    /// A command the system can run for it, or `None` when it takes a person.
    pub action: Option<Action>,
}

/// A command a recommendation applies through the normal command path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Action {
    /// Resize the droplet to `size`.
    ResizeDroplet { droplet_id: String, size: String },
    /// Power the droplet on.
    PowerOnDroplet { droplet_id: String },
    /// Queue a failed job again.
    RetryJob { job_id: String },
    /// Add a droplet to the cluster, like its others.
    AddDroplet {
        cluster_id: String,
        size: String,
        image: String,
        region: String,
    },
}

impl Action {
    /// The upper-case name of the command it runs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ResizeDroplet { .. } => "RESIZE_DROPLET",
            Self::PowerOnDroplet { .. } => "POWER_ON_DROPLET",
            Self::RetryJob { .. } => "RETRY_JOB",
            Self::AddDroplet { .. } => "ADD_DROPLET",
        }
    }
}

impl Report {
    /// Sorts findings worst first (then by check and id) and derives every check's status
    /// from its findings, so a report's order never depends on the analyzers' order.
    pub fn normalize(&mut self) {
        self.findings.sort_by(|a, b| {
            (a.severity.rank(), a.check.as_str(), &a.id).cmp(&(
                b.severity.rank(),
                b.check.as_str(),
                &b.id,
            ))
        });
        self.refresh_statuses();
    }

    /// Derives every check's status from its findings, leaving their order alone (a model's
    /// ranking keeps its order; the statuses follow the same rule as the built-in's).
    pub fn refresh_statuses(&mut self) {
        for check in &mut self.checks {
            let worst = self
                .findings
                .iter()
                .filter(|f| f.check == check.check)
                .map(|f| f.severity)
                .min_by_key(|s| s.rank());
            check.status = CheckStatus::of(worst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_serializes_its_reference_as_ref_and_actions_by_kind() {
        let e = Evidence {
            kind: EvidenceKind::Job,
            reference: "j-1".into(),
            excerpt: "failed".into(),
        };
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"kind": "JOB", "ref": "j-1", "excerpt": "failed"})
        );
        let a = Action::ResizeDroplet {
            droplet_id: "d".into(),
            size: "s-2vcpu-4gb".into(),
        };
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["kind"], a.kind());
        assert_eq!(serde_json::from_value::<Action>(v).unwrap(), a);
    }

    #[test]
    fn a_check_is_as_bad_as_its_worst_finding() {
        assert_eq!(CheckStatus::of(None), CheckStatus::Pass);
        assert_eq!(CheckStatus::of(Some(Severity::Info)), CheckStatus::Pass);
        assert_eq!(
            CheckStatus::of(Some(Severity::Warning)),
            CheckStatus::Warning
        );
        assert_eq!(CheckStatus::of(Some(Severity::Critical)), CheckStatus::Fail);
    }
}
