//! The final report from the built-in one and the model's validated, unmasked answer: a
//! pure function, so replay rebuilds the same report from the recorded answer without the
//! model.
//!
//! The model ranks and explains; it does not decide. A built-in finding keeps its id,
//! check, severity, evidence (the model's citations are added) and action; the model gives
//! its title, explanation, confidence and recommendation text. A new finding of the model's
//! own gets `model:<n>`, its evidence resolved from the snapshot and no action (the model
//! never invents commands). Built-in findings the model left out follow its ranking in the
//! built-in order, unchanged: a model cannot hide a finding.

use super::answer::ModelAnswer;
use super::evidence;
use schema::diagnosis::{Finding, Recommendation, Report, Snapshot};

/// Who answered, as the report and the diagnosis' events record it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answerer<'a> {
    /// The model's name, as configured.
    pub model: &'a str,
    /// Tokens it used (prompt and completion), when the server said.
    pub tokens_used: Option<u32>,
}

/// The report the model's `answer` makes of the `builtin` one.
pub fn apply_answer(
    snapshot: &Snapshot,
    builtin: &Report,
    answer: &ModelAnswer,
    answerer: &Answerer<'_>,
) -> Report {
    let mut findings: Vec<Finding> = Vec::with_capacity(builtin.findings.len());
    let mut used: Vec<&str> = Vec::new();
    let mut new_findings = 0;
    for mf in &answer.findings {
        let recommendation_text = mf.recommendation.clone().filter(|t| !t.trim().is_empty());
        match &mf.builtin_id {
            Some(id) => {
                let Some(b) = builtin.findings.iter().find(|f| &f.id == id) else {
                    continue;
                };
                if used.contains(&b.id.as_str()) {
                    continue;
                }
                used.push(&b.id);
                let mut cited = b.evidence.clone();
                for e in mf
                    .evidence
                    .iter()
                    .filter_map(|r| evidence::resolve(snapshot, r))
                {
                    if !cited
                        .iter()
                        .any(|c| c.kind == e.kind && c.reference == e.reference)
                    {
                        cited.push(e);
                    }
                }
                let recommendation = match (&b.recommendation, recommendation_text) {
                    (Some(r), Some(text)) => Some(Recommendation {
                        text,
                        action: r.action.clone(),
                    }),
                    (Some(r), None) => Some(r.clone()),
                    (None, Some(text)) => Some(Recommendation { text, action: None }),
                    (None, None) => None,
                };
                findings.push(Finding {
                    id: b.id.clone(),
                    check: b.check,
                    severity: b.severity,
                    title: mf.title.clone(),
                    explanation: mf.explanation.clone(),
                    confidence: mf.confidence.clamp(0.0, 1.0),
                    evidence: cited,
                    recommendation,
                });
            }
            None => {
                new_findings += 1;
                findings.push(Finding {
                    id: format!("model:{new_findings}"),
                    check: mf.check,
                    severity: mf.severity,
                    title: mf.title.clone(),
                    explanation: mf.explanation.clone(),
                    confidence: mf.confidence.clamp(0.0, 1.0),
                    evidence: mf
                        .evidence
                        .iter()
                        .filter_map(|r| evidence::resolve(snapshot, r))
                        .collect(),
                    recommendation: recommendation_text
                        .map(|text| Recommendation { text, action: None }),
                });
            }
        }
    }
    findings.extend(
        builtin
            .findings
            .iter()
            .filter(|f| !used.contains(&f.id.as_str()))
            .cloned(),
    );
    let mut report = Report {
        checks: builtin.checks.clone(),
        findings,
        backend: format!("openai:{}", answerer.model),
        tokens_used: answerer.tokens_used,
        note: builtin.note.clone(),
        summary: Some(answer.summary.clone()),
    };
    report.refresh_statuses();
    report
}
