//! `Diagnosis`: what the assistant found about a cluster or a droplet — the object and its
//! report (a result per check, findings citing their evidence, recommendations with the
//! command that applies them), its list filter, its queries and `diagnose`.

use super::{Guarded, Job};
use crate::errors;
use crate::graphql::filters::list_filter;
use crate::graphql::inputs;
use crate::graphql::payloads::{caller, respond, Payload, Written};
use crate::graphql::query::reads;
use crate::graphql::read_model::find;
use crate::rate_limits::rules::UserKey;
use crate::rate_limits::user_of;
use crate::state::AppState;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use command::handlers::{Diagnose, DiagnosisJob, Outcome};
use command::RequestContext;
use projector::DiagnosisRow;
use schema::diagnosis as d;
use schema::{DiagnosisId, JobId};

gql_enum!(
    /// What a diagnosis looks at.
    DiagnosisTarget, "schema::diagnosis::DiagnosisTarget", schema::diagnosis::DiagnosisTarget { Cluster, Droplet }
);
gql_enum!(
    /// A class of problems a diagnosis looks for.
    DiagnosisCheck, "schema::diagnosis::DiagnosisCheck", schema::diagnosis::DiagnosisCheck { Connectivity, Performance, Capacity, Reliability, Security }
);
gql_enum!(
    /// Lifecycle of a diagnosis.
    DiagnosisStatus, "schema::diagnosis::DiagnosisStatus", schema::diagnosis::DiagnosisStatus { Queued, Running, Completed, Failed }
);
gql_enum!(
    /// The outcome of one check.
    CheckStatus, "schema::diagnosis::CheckStatus", schema::diagnosis::CheckStatus { Pass, Warning, Fail }
);
gql_enum!(
    /// How bad a finding is.
    Severity, "schema::diagnosis::Severity", schema::diagnosis::Severity { Critical, Warning, Info }
);
gql_enum!(
    /// What a piece of evidence is (and so where the console links it).
    EvidenceKind, "schema::diagnosis::EvidenceKind", schema::diagnosis::EvidenceKind { MetricWindow, HealthResult, Job, Event, Log }
);

/// A diagnosis of a cluster or a droplet, carried out by a DIAGNOSE job.
pub struct Diagnosis(pub DiagnosisRow);

#[Object]
impl Diagnosis {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn target_type(&self) -> DiagnosisTarget {
        self.0.state.target_type.into()
    }
    async fn target_id(&self) -> ID {
        ID(self.0.state.target_id.clone())
    }
    /// The checks asked for (every check when empty).
    async fn checks(&self) -> Vec<DiagnosisCheck> {
        self.0.state.checks.iter().map(|c| (*c).into()).collect()
    }
    /// The operator's question, if any.
    async fn question(&self) -> Option<&str> {
        self.0.state.question.as_deref()
    }
    async fn status(&self) -> DiagnosisStatus {
        self.0.state.status.into()
    }
    async fn job_id(&self) -> ID {
        ID(self.0.state.job_id.to_string())
    }
    /// The DIAGNOSE job (its progress: `jobProgress`).
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        find(
            ctx.data_unchecked::<AppState>(),
            &self.0.state.job_id.to_string(),
        )
        .await
    }
    /// SHA-256 of the evidence the report was made from (the evidence itself is in the
    /// diagnosis' `history`).
    async fn evidence_digest(&self) -> Option<&str> {
        self.0.state.evidence_digest.as_deref()
    }
    /// The report, once COMPLETED.
    async fn report(&self) -> Option<DiagnosisReport> {
        self.0.state.report.as_ref().map(DiagnosisReport::from)
    }
    /// How long making the report took, in milliseconds.
    async fn duration_ms(&self) -> Option<i64> {
        self.0
            .state
            .duration_ms
            .map(|v| i64::try_from(v).unwrap_or(i64::MAX))
    }
    /// Why it FAILED.
    async fn error(&self) -> Option<&str> {
        self.0.state.error.as_deref()
    }
    /// Findings whose recommendation was applied.
    async fn applied_findings(&self) -> Vec<&str> {
        self.0
            .state
            .applied
            .iter()
            .map(|a| a.finding_id.as_str())
            .collect()
    }
    /// Recommendations applied, in order, with the jobs carrying them out.
    async fn applied_recommendations(&self) -> Vec<AppliedRecommendation> {
        self.0
            .state
            .applied
            .iter()
            .map(|a| AppliedRecommendation(a.clone()))
            .collect()
    }
    #[graphql(flatten)]
    async fn guarded(&self) -> Guarded {
        Guarded::of(self.0.version, self.0.created_us, self.0.updated_us)
    }
}

/// A finding whose recommendation was applied.
pub struct AppliedRecommendation(command::aggregates::AppliedRecommendation);

#[Object]
impl AppliedRecommendation {
    async fn finding_id(&self) -> &str {
        &self.0.finding_id
    }
    async fn job_id(&self) -> ID {
        ID(self.0.job_id.to_string())
    }
    /// The job carrying it out (for RETRY_JOB, the job retried).
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        find(ctx.data_unchecked::<AppState>(), &self.0.job_id.to_string()).await
    }
}

/// What a diagnosis found.
#[derive(SimpleObject)]
pub struct DiagnosisReport {
    /// One result per check that ran.
    pub checks: Vec<CheckResult>,
    /// Worst first.
    pub findings: Vec<Finding>,
    /// `builtin` or `openai:<model>`.
    pub backend: String,
    /// Tokens the model used, when one answered.
    pub tokens_used: Option<i64>,
    /// How the report was made, e.g. why the built-in analysis is shown.
    pub note: Option<String>,
    /// The model's summary, when one answered.
    pub summary: Option<String>,
}

/// The result of one check.
#[derive(SimpleObject)]
pub struct CheckResult {
    pub check: DiagnosisCheck,
    pub status: CheckStatus,
    pub summary: String,
    pub details: Vec<String>,
    /// Figures the check looked at.
    pub metrics: Vec<NamedValue>,
}

/// A named figure.
#[derive(SimpleObject)]
pub struct NamedValue {
    pub name: String,
    pub value: f64,
}

/// One problem, why, and what to do.
#[derive(SimpleObject)]
pub struct Finding {
    /// Stable within its report (`applyRecommendation` names it).
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
#[derive(SimpleObject)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// What it points at: a metric window (`<series>/<metric>@<from>..<to>`), a health
    /// result (`<check id>@<time>`), a job id, an event's position or a log line's id.
    #[graphql(name = "ref")]
    pub reference: String,
    pub excerpt: String,
}

/// What to do about a finding.
#[derive(SimpleObject)]
pub struct Recommendation {
    pub text: String,
    /// The command that applies it, or null when it takes a person.
    pub action: Option<RecommendedAction>,
}

/// A command a recommendation runs: `kind` and the fields it uses.
#[derive(SimpleObject)]
pub struct RecommendedAction {
    /// RESIZE_DROPLET, POWER_ON_DROPLET, RETRY_JOB or ADD_DROPLET.
    pub kind: String,
    pub droplet_id: Option<ID>,
    pub cluster_id: Option<ID>,
    pub job_id: Option<ID>,
    pub size: Option<String>,
    pub image: Option<String>,
    pub region: Option<String>,
}

impl From<&d::Report> for DiagnosisReport {
    fn from(r: &d::Report) -> Self {
        Self {
            checks: r
                .checks
                .iter()
                .map(|c| CheckResult {
                    check: c.check.into(),
                    status: c.status.into(),
                    summary: c.summary.clone(),
                    details: c.details.clone(),
                    metrics: c
                        .metrics
                        .iter()
                        .map(|(name, value)| NamedValue {
                            name: name.clone(),
                            value: *value,
                        })
                        .collect(),
                })
                .collect(),
            findings: r.findings.iter().map(Finding::from).collect(),
            backend: r.backend.clone(),
            tokens_used: r.tokens_used.map(i64::from),
            note: r.note.clone(),
            summary: r.summary.clone(),
        }
    }
}

impl From<&d::Finding> for Finding {
    fn from(f: &d::Finding) -> Self {
        Self {
            id: f.id.clone(),
            check: f.check.into(),
            severity: f.severity.into(),
            title: f.title.clone(),
            explanation: f.explanation.clone(),
            confidence: f.confidence,
            evidence: f
                .evidence
                .iter()
                .map(|e| Evidence {
                    kind: e.kind.into(),
                    reference: e.reference.clone(),
                    excerpt: e.excerpt.clone(),
                })
                .collect(),
            recommendation: f.recommendation.as_ref().map(|r| Recommendation {
                text: r.text.clone(),
                action: r.action.as_ref().map(RecommendedAction::from),
            }),
        }
    }
}

impl From<&d::Action> for RecommendedAction {
    fn from(a: &d::Action) -> Self {
        let id = |s: &String| Some(ID(s.clone()));
        let mut out = Self {
            kind: a.kind().into(),
            droplet_id: None,
            cluster_id: None,
            job_id: None,
            size: None,
            image: None,
            region: None,
        };
        match a {
            d::Action::ResizeDroplet { droplet_id, size } => {
                out.droplet_id = id(droplet_id);
                out.size = Some(size.clone());
            }
            d::Action::PowerOnDroplet { droplet_id } => out.droplet_id = id(droplet_id),
            d::Action::RetryJob { job_id } => out.job_id = id(job_id),
            d::Action::AddDroplet {
                cluster_id,
                size,
                image,
                region,
            } => {
                out.cluster_id = id(cluster_id);
                out.size = Some(size.clone());
                out.image = Some(image.clone());
                out.region = Some(region.clone());
            }
        }
        out
    }
}

list_filter!(
    /// Filters for `diagnoses`.
    DiagnosisFilter => projector::DiagnosisFilter {
        target_type: DiagnosisTarget,
        /// The cluster's or droplet's id, exactly.
        target_id: String,
        status: DiagnosisStatus,
    }
);

reads!(DiagnosisQuery: diagnosis, diagnoses -> Diagnosis, DiagnosisFilter, "One diagnosis, or null.", "Diagnoses, oldest first.");

/// Input of `diagnose`.
#[derive(InputObject, Clone, Debug)]
pub struct DiagnoseInput {
    pub target_type: DiagnosisTarget,
    /// The cluster's or droplet's id.
    pub target_id: ID,
    /// The checks to run; all of them when omitted or empty.
    pub checks: Option<Vec<DiagnosisCheck>>,
    /// What you want to know, in your words (at most 2,000 characters).
    pub question: Option<String>,
    /// A retried request with the same key returns the first result and appends nothing.
    pub idempotency_key: Option<String>,
}

/// Result of `diagnose`: the diagnosis and its job (`position` 0 when a diagnosis of the
/// target was running already and is the one returned).
#[derive(SimpleObject)]
pub struct DiagnosePayload {
    pub diagnosis: Option<Diagnosis>,
    pub job: Option<Job>,
    #[doc = crate::graphql::payloads::position_doc!()]
    pub position: i64,
    #[doc = crate::graphql::payloads::projected_doc!()]
    pub projected: bool,
    /// The diagnosis and job ids, readable or not (REST v1 names them).
    #[graphql(skip)]
    pub ids: DiagnosisJob,
}

impl Payload for DiagnosePayload {
    type Affected = DiagnosisJob;

    async fn read(state: &AppState, ids: DiagnosisJob, written: Written) -> Result<Self> {
        Ok(Self {
            diagnosis: find(state, &ids.diagnosis_id.to_string()).await?,
            job: find(state, &ids.job_id.to_string()).await?,
            position: written.position,
            projected: written.projected,
            ids,
        })
    }
}

/// Result of `applyRecommendation`: the diagnosis and the job carrying the recommendation
/// out (`position` 0 when it had been applied already and that job is the one returned).
#[derive(SimpleObject)]
pub struct ApplyRecommendationPayload {
    pub diagnosis: Option<Diagnosis>,
    pub job: Option<Job>,
    #[doc = crate::graphql::payloads::position_doc!()]
    pub position: i64,
    #[doc = crate::graphql::payloads::projected_doc!()]
    pub projected: bool,
}

impl Payload for ApplyRecommendationPayload {
    type Affected = (DiagnosisId, JobId);

    async fn read(
        state: &AppState,
        (diagnosis, job): Self::Affected,
        written: Written,
    ) -> Result<Self> {
        Ok(Self {
            diagnosis: find(state, &diagnosis.to_string()).await?,
            job: find(state, &job.to_string()).await?,
            position: written.position,
            projected: written.projected,
        })
    }
}

/// The one path of `diagnose` (GraphQL and REST v1): parse; answer a request that starts
/// nothing (bad input, no such target, a key used before, the target's unfinished
/// diagnosis) before it costs a token; then the `diagnosis` rate limit (the target's
/// cluster's bucket when the limit is per cluster); then the command.
pub(crate) async fn diagnose(
    state: &AppState,
    user: UserKey,
    caller: &RequestContext,
    input: DiagnoseInput,
) -> Result<DiagnosePayload> {
    let target_id: uuid::Uuid = input
        .target_id
        .parse()
        .map_err(|_| errors::bad_input("targetId: not an id"))?;
    let idempotency_key = inputs::idempotency_key(input.idempotency_key)?;
    let input = Diagnose {
        target_type: input.target_type.into(),
        target_id,
        checks: input
            .checks
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        question: input
            .question
            .map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty()),
        idempotency_key,
    };
    let admitted = state.commands.diagnosis_admission(caller, &input).await;
    if let Some(answer) = admitted.transpose() {
        return respond(state, async { answer }).await;
    }
    let cluster = match input.target_type {
        d::DiagnosisTarget::Cluster => Some(target_id.to_string()),
        d::DiagnosisTarget::Droplet => find::<super::Droplet>(state, &target_id.to_string())
            .await?
            .and_then(|d| d.0.state.cluster_id.map(|c| c.to_string())),
    };
    state
        .rate_limits
        .check_for(user, crate::rate_limits::DIAGNOSIS, cluster.as_deref())
        .await?;
    respond(state, state.commands.diagnose(caller, input)).await
}

/// Diagnosis mutations.
#[derive(Default)]
pub struct DiagnosisMutation;

#[Object]
impl DiagnosisMutation {
    /// Asks for a diagnosis of a cluster or a droplet: a DIAGNOSE job collects the
    /// evidence and runs the analysis (watch it with `jobProgress`). One runs per target at
    /// a time; asking again meanwhile returns the running one. Limited by the `diagnosis`
    /// rate limiter (per cluster by default).
    async fn diagnose(&self, ctx: &Context<'_>, input: DiagnoseInput) -> Result<DiagnosePayload> {
        let (state, caller) = caller(ctx);
        diagnose(state, user_of(ctx), &caller, input).await
    }

    /// Runs a finding's recommended command (resize, power on, retry, add a droplet)
    /// through the normal command path, with the diagnosis as the cause of its events.
    /// Applying the same finding again returns the job it started the first time.
    async fn apply_recommendation(
        &self,
        ctx: &Context<'_>,
        diagnosis_id: ID,
        finding_id: String,
    ) -> Result<ApplyRecommendationPayload> {
        let diagnosis: DiagnosisId = diagnosis_id
            .parse()
            .map_err(|_| errors::bad_input("diagnosisId: not an id"))?;
        let (state, caller) = caller(ctx);
        let command = async {
            let done = state
                .commands
                .apply_recommendation(&caller, diagnosis, finding_id.trim())
                .await?;
            Ok::<_, command::error::CommandError>(Outcome {
                value: (diagnosis, done.value),
                position: done.position,
            })
        };
        respond(state, command).await
    }
}
