//! The Diagnosis aggregate: one request to look at a cluster or a droplet, carried out by a
//! DIAGNOSE job. QUEUED when asked, RUNNING once its evidence is collected, COMPLETED with a
//! report or FAILED. Its events keep the evidence and, for a model, the prompt's hash and the
//! validated answer, so `history` shows what the assistant saw and said and replay rebuilds
//! the report without asking anyone.
//!
//! One diagnosis per target runs at a time: the handler claims the target while it is not
//! finished (`diagnosis-target`), and a second request gets the running one.

use super::framework::{absent, event_sourced, existing};
use super::{DomainError, Lifecycle};
use schema::diagnosis::{Action, DiagnosisCheck, DiagnosisStatus, DiagnosisTarget, Report, Snapshot};
use schema::events::ModelExchange;
use schema::{DiagnosisEvent, JobId};
use serde::{Deserialize, Serialize};

/// What can be asked of a diagnosis.
#[derive(Debug, Clone, PartialEq)]
pub enum DiagnosisCommand {
    /// Ask for it; `job_id` will carry it out.
    Request {
        target_type: DiagnosisTarget,
        target_id: String,
        checks: Vec<DiagnosisCheck>,
        question: Option<String>,
        job_id: JobId,
    },
    /// Record the evidence the analysis runs on (again, when a retried job collects anew).
    RecordEvidence { digest: String, snapshot: Snapshot },
    /// Record the report.
    Complete {
        report: Report,
        model: Option<ModelExchange>,
        duration_ms: u64,
    },
    /// Record that it could not be made.
    Fail { error: String },
    /// Record that the recommendation of `finding_id` was applied: the handler ran its
    /// command, which `job_id` carries out.
    RecordApplied { finding_id: String, job_id: JobId },
}

/// What readers see of a diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiagnosisState {
    pub target_type: DiagnosisTarget,
    pub target_id: String,
    /// The checks asked for (every check when empty).
    pub checks: Vec<DiagnosisCheck>,
    pub question: Option<String>,
    pub job_id: JobId,
    pub status: DiagnosisStatus,
    /// SHA-256 of the evidence the report was made from.
    pub evidence_digest: Option<String>,
    pub report: Option<Report>,
    pub duration_ms: Option<u64>,
    pub error: Option<String>,
    /// Recommendations applied, in order.
    pub applied: Vec<AppliedRecommendation>,
}

/// A finding whose recommendation was applied, and the job that carries it out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedRecommendation {
    pub finding_id: String,
    pub job_id: JobId,
}

impl Lifecycle for DiagnosisState {
    type Event = DiagnosisEvent;

    fn create(event: &DiagnosisEvent) -> Option<Self> {
        let DiagnosisEvent::DiagnosisRequested {
            target_type,
            target_id,
            checks,
            question,
            job_id,
        } = event
        else {
            return None;
        };
        Some(Self {
            target_type: *target_type,
            target_id: target_id.clone(),
            checks: checks.clone(),
            question: question.clone(),
            job_id: *job_id,
            status: DiagnosisStatus::Queued,
            evidence_digest: None,
            report: None,
            duration_ms: None,
            error: None,
            applied: Vec::new(),
        })
    }

    fn apply(&mut self, event: &DiagnosisEvent) {
        match event {
            DiagnosisEvent::DiagnosisRequested { .. } => {}
            DiagnosisEvent::DiagnosisEvidenceCollected { digest, .. } => {
                self.status = DiagnosisStatus::Running;
                self.evidence_digest = Some(digest.clone());
            }
            DiagnosisEvent::DiagnosisCompleted {
                report,
                duration_ms,
                ..
            } => {
                self.status = DiagnosisStatus::Completed;
                self.report = Some(report.clone());
                self.duration_ms = Some(*duration_ms);
            }
            DiagnosisEvent::DiagnosisFailed { error } => {
                self.status = DiagnosisStatus::Failed;
                self.error = Some(error.clone());
            }
            DiagnosisEvent::RecommendationApplied {
                finding_id, job_id, ..
            } => self.applied.push(AppliedRecommendation {
                finding_id: finding_id.clone(),
                job_id: *job_id,
            }),
        }
    }
}

impl DiagnosisState {
    /// The job carrying out the recommendation of `finding_id`, once it was applied.
    pub fn applied_job(&self, finding_id: &str) -> Option<JobId> {
        self.applied
            .iter()
            .find(|a| a.finding_id == finding_id)
            .map(|a| a.job_id)
    }

    /// Whether it has ended (COMPLETED or FAILED).
    pub fn is_finished(&self) -> bool {
        matches!(
            self.status,
            DiagnosisStatus::Completed | DiagnosisStatus::Failed
        )
    }

    /// The claim value of its target (`<TYPE>:<id>`).
    pub fn target_key(&self) -> String {
        target_key(self.target_type, &self.target_id)
    }
}

/// The claim value of a diagnosis target.
pub fn target_key(target_type: DiagnosisTarget, target_id: &str) -> String {
    format!("{}:{target_id}", target_type.as_str())
}

/// The state of one diagnosis, folded from its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    /// What readers see (`None` before the request).
    #[serde(flatten)]
    pub state: Option<DiagnosisState>,
}

impl Diagnosis {
    fn decide(&self, command: DiagnosisCommand) -> Result<Vec<DiagnosisEvent>, DomainError> {
        Ok(match command {
            DiagnosisCommand::Request {
                target_type,
                target_id,
                checks,
                question,
                job_id,
            } => {
                absent(&self.state, "diagnosis")?;
                vec![DiagnosisEvent::DiagnosisRequested {
                    target_type,
                    target_id,
                    checks,
                    question,
                    job_id,
                }]
            }
            DiagnosisCommand::RecordEvidence { digest, snapshot } => {
                self.unfinished()?;
                vec![DiagnosisEvent::DiagnosisEvidenceCollected { digest, snapshot }]
            }
            DiagnosisCommand::Complete {
                report,
                model,
                duration_ms,
            } => {
                let state = self.unfinished()?;
                if state.status != DiagnosisStatus::Running {
                    return Err(DomainError::FailedPrecondition(
                        "diagnosis has no evidence yet".into(),
                    ));
                }
                vec![DiagnosisEvent::DiagnosisCompleted {
                    report,
                    model,
                    duration_ms,
                }]
            }
            DiagnosisCommand::Fail { error } => {
                self.unfinished()?;
                vec![DiagnosisEvent::DiagnosisFailed { error }]
            }
            DiagnosisCommand::RecordApplied { finding_id, job_id } => {
                let action = self.action_of(&finding_id)?;
                vec![DiagnosisEvent::RecommendationApplied {
                    finding_id,
                    action,
                    job_id,
                }]
            }
        })
    }

    /// The command the recommendation of `finding_id` runs, if it may run now: the
    /// diagnosis is COMPLETED, the finding exists, has a command and was not applied yet.
    pub fn action_of(&self, finding_id: &str) -> Result<Action, DomainError> {
        let state = existing(&self.state, "diagnosis")?;
        let Some(report) = state
            .report
            .as_ref()
            .filter(|_| state.status == DiagnosisStatus::Completed)
        else {
            return Err(DomainError::FailedPrecondition(format!(
                "diagnosis is {}, not COMPLETED",
                state.status
            )));
        };
        let Some(finding) = report.findings.iter().find(|f| f.id == finding_id) else {
            return Err(DomainError::NotFound(format!(
                "finding {finding_id} not found in this diagnosis"
            )));
        };
        let Some(action) = finding.recommendation.as_ref().and_then(|r| r.action.clone()) else {
            return Err(DomainError::FailedPrecondition(format!(
                "finding {finding_id} recommends nothing the system can run"
            )));
        };
        if state.applied_job(finding_id).is_some() {
            return Err(DomainError::FailedPrecondition(format!(
                "the recommendation of finding {finding_id} was applied already"
            )));
        }
        Ok(action)
    }

    fn unfinished(&self) -> Result<&DiagnosisState, DomainError> {
        let state = existing(&self.state, "diagnosis")?;
        if state.is_finished() {
            return Err(DomainError::FailedPrecondition(format!(
                "diagnosis is {} already",
                state.status
            )));
        }
        Ok(state)
    }

    /// Nothing beyond what readers see is needed to decide.
    fn remember(&mut self, _event: &DiagnosisEvent) {}
}

event_sourced!(
    Diagnosis,
    "Diagnosis",
    DiagnosisCommand,
    DiagnosisEvent,
    DiagnosisState
);

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use cqrs_es::test::TestFramework;
    use schema::diagnosis::{Finding, Recommendation, Severity};

    fn requested() -> DiagnosisEvent {
        DiagnosisEvent::DiagnosisRequested {
            target_type: DiagnosisTarget::Cluster,
            target_id: "c".into(),
            checks: vec![],
            question: None,
            job_id: JobId(uuid::Uuid::nil()),
        }
    }

    fn snapshot() -> Snapshot {
        let taken_at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
        Snapshot::empty(DiagnosisTarget::Cluster, "c", taken_at)
    }

    fn collected() -> DiagnosisEvent {
        DiagnosisEvent::DiagnosisEvidenceCollected {
            digest: "d".into(),
            snapshot: snapshot(),
        }
    }

    fn report(action: Option<Action>) -> Report {
        Report {
            checks: vec![],
            findings: vec![Finding {
                id: "f".into(),
                check: DiagnosisCheck::Reliability,
                severity: Severity::Info,
                title: "t".into(),
                explanation: "e".into(),
                confidence: 0.9,
                evidence: vec![],
                recommendation: Some(Recommendation {
                    text: "r".into(),
                    action,
                }),
            }],
            backend: "builtin".into(),
            tokens_used: None,
            note: None,
            summary: None,
        }
    }

    fn completed(action: Option<Action>) -> DiagnosisEvent {
        DiagnosisEvent::DiagnosisCompleted {
            report: report(action),
            model: None,
            duration_ms: 5,
        }
    }

    const POWER: fn() -> Action = || Action::PowerOnDroplet {
        droplet_id: "d".into(),
    };

    #[test]
    fn completes_only_after_its_evidence_and_only_once() {
        let complete = || DiagnosisCommand::Complete {
            report: report(None),
            model: None,
            duration_ms: 5,
        };
        TestFramework::<Diagnosis>::with(())
            .given(vec![requested()])
            .when(complete())
            .then_expect_error(DomainError::FailedPrecondition(
                "diagnosis has no evidence yet".into(),
            ));
        TestFramework::<Diagnosis>::with(())
            .given(vec![requested(), collected()])
            .when(complete())
            .then_expect_events(vec![completed(None)]);
        TestFramework::<Diagnosis>::with(())
            .given(vec![requested(), collected(), completed(None)])
            .when(DiagnosisCommand::Fail { error: "x".into() })
            .then_expect_error(DomainError::FailedPrecondition(
                "diagnosis is COMPLETED already".into(),
            ));
        let mut state = None;
        for e in [requested(), collected(), completed(None)] {
            DiagnosisState::evolve(&mut state, &e);
        }
        let state = state.unwrap();
        assert_eq!(state.status, DiagnosisStatus::Completed);
        assert_eq!(state.evidence_digest.as_deref(), Some("d"));
        assert_eq!(state.target_key(), "CLUSTER:c");
    }

    #[test]
    fn a_recommendation_applies_once_and_only_with_a_command() {
        let job = JobId::new();
        let apply = || DiagnosisCommand::RecordApplied {
            finding_id: "f".into(),
            job_id: job,
        };
        TestFramework::<Diagnosis>::with(())
            .given(vec![requested(), collected(), completed(Some(POWER()))])
            .when(apply())
            .then_expect_events(vec![DiagnosisEvent::RecommendationApplied {
                finding_id: "f".into(),
                action: POWER(),
                job_id: job,
            }]);
        TestFramework::<Diagnosis>::with(())
            .given(vec![
                requested(),
                collected(),
                completed(Some(POWER())),
                DiagnosisEvent::RecommendationApplied {
                    finding_id: "f".into(),
                    action: POWER(),
                    job_id: job,
                },
            ])
            .when(apply())
            .then_expect_error(DomainError::FailedPrecondition(
                "the recommendation of finding f was applied already".into(),
            ));
        TestFramework::<Diagnosis>::with(())
            .given(vec![requested(), collected(), completed(None)])
            .when(apply())
            .then_expect_error(DomainError::FailedPrecondition(
                "finding f recommends nothing the system can run".into(),
            ));
        TestFramework::<Diagnosis>::with(())
            .given(vec![requested(), collected()])
            .when(apply())
            .then_expect_error(DomainError::FailedPrecondition(
                "diagnosis is RUNNING, not COMPLETED".into(),
            ));
        TestFramework::<Diagnosis>::with(())
            .given(vec![requested(), collected(), completed(Some(POWER()))])
            .when(DiagnosisCommand::RecordApplied {
                finding_id: "nope".into(),
                job_id: job,
            })
            .then_expect_error(DomainError::NotFound(
                "finding nope not found in this diagnosis".into(),
            ));
    }
}
