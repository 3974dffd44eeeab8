//! The `diagnoses` read model: one row per diagnosis, folded by the Diagnosis aggregate,
//! with its report as JSON.

use super::lifecycle::{Lifecycle, StateColumns};
use super::{Listed, Table};
use crate::backend::{Bind, Columns};
use crate::clause::Where;
use crate::codec::{json, json_opt, typed};
use crate::counts;
use crate::rows::{ChangedRow, LifecycleRow};
use command::aggregates::DiagnosisState;
use schema::diagnosis::{DiagnosisStatus, DiagnosisTarget};
use schema::{AggregateType, JobId};

/// A diagnosis as the API shows it.
pub type DiagnosisRow = LifecycleRow<DiagnosisState>;

/// The `diagnoses` read model.
pub type Diagnoses = Lifecycle<DiagnosisState>;

/// Filters of the `diagnoses` list.
#[derive(Debug, Clone, Default)]
pub struct DiagnosisFilter {
    pub target_type: Option<DiagnosisTarget>,
    /// The target's id, exactly.
    pub target_id: Option<String>,
    pub status: Option<DiagnosisStatus>,
}

impl StateColumns for DiagnosisState {
    const AGGREGATE: AggregateType = AggregateType::Diagnosis;
    const NAME: &'static str = "diagnoses";
    const COLUMNS: &'static str = "id, ordinal, target_type, target_id, checks, question, job_id, \
        status, evidence_digest, report, duration_ms, error, applied, version, created_us, updated_us";

    fn status(&self) -> &'static str {
        self.status.as_str()
    }
    fn statuses() -> Vec<&'static str> {
        DiagnosisStatus::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn decode(row: &impl Columns) -> Result<Self, sqlx::Error> {
        Ok(DiagnosisState {
            target_type: typed(row, "target_type", DiagnosisTarget::parse)?,
            target_id: row.text("target_id")?,
            checks: json(row, "checks")?,
            question: row.text_opt("question")?,
            job_id: typed(row, "job_id", |s| s.parse::<JobId>().ok())?,
            status: typed(row, "status", DiagnosisStatus::parse)?,
            evidence_digest: row.text_opt("evidence_digest")?,
            report: json_opt(row, "report")?,
            duration_ms: row
                .int_opt("duration_ms")?
                .map(|v| u64::try_from(v).unwrap_or_default()),
            error: row.text_opt("error")?,
            applied: json(row, "applied")?,
        })
    }
    fn bind<'q, Q: Bind<'q>>(&'q self, q: Q) -> Result<Q, serde_json::Error> {
        Ok(q.text(self.target_type.as_str())
            .text(&self.target_id)
            .owned(serde_json::to_string(&self.checks)?)
            .text_opt(self.question.as_deref())
            .owned(self.job_id.to_string())
            .text(self.status.as_str())
            .text_opt(self.evidence_digest.as_deref())
            .owned_opt(
                self.report
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()?,
            )
            .int_opt(
                self.duration_ms
                    .map(|v| i64::try_from(v).unwrap_or(i64::MAX)),
            )
            .text_opt(self.error.as_deref())
            .owned(serde_json::to_string(&self.applied)?))
    }
    fn changed(_row: &DiagnosisRow) -> Option<ChangedRow> {
        None
    }
}

impl Listed for Diagnoses {
    type Filter = DiagnosisFilter;
    fn filter(f: &DiagnosisFilter, w: &mut Where) -> Option<String> {
        w.eq("target_type", f.target_type.map(|s| s.as_str()));
        w.eq("target_id", f.target_id.as_deref());
        w.eq("status", f.status.map(|s| s.as_str()));
        let unfiltered = f.target_type.is_none() && f.target_id.is_none();
        unfiltered.then(|| counts::key(Self::NAME, f.status.map(|s| s.as_str())))
    }
}
