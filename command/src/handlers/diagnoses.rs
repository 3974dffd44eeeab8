//! Diagnosis commands: `diagnose` (which queues a DIAGNOSE job, one running diagnosis per
//! target), recording the evidence the job collected, and `applyRecommendation`, which runs
//! a finding's command through the normal command path with the diagnosis as its cause.
//! The job's completion and final failure end the diagnosis in the same append as the job
//! (`handlers::jobs`).

use super::idempotency::UserCommand;
use super::{stored_id, Commands, Outcome};
use crate::aggregates::diagnosis::target_key;
use crate::aggregates::{Cluster, Diagnosis, DiagnosisCommand, Droplet, Job, JobCommand};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, StoreError};
use schema::diagnosis::{DiagnosisCheck, DiagnosisTarget, Snapshot};
use schema::{AggregateType, DiagnosisId, IdempotencyKey, JobId, JobType};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Scope of the claims that keep one unfinished diagnosis per target.
pub const DIAGNOSIS_TARGET: &str = "diagnosis-target";

/// Longest question accepted, in characters.
pub const MAX_QUESTION_CHARS: usize = 2000;

/// Input of `diagnose`.
#[derive(Debug, Clone)]
pub struct Diagnose {
    pub target_type: DiagnosisTarget,
    /// The cluster's or droplet's id.
    pub target_id: uuid::Uuid,
    /// The checks to run; every check when empty.
    pub checks: Vec<DiagnosisCheck>,
    /// What the operator wants to know, in their words.
    pub question: Option<String>,
    pub idempotency_key: Option<IdempotencyKey>,
}

/// A diagnosis and the job carrying it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiagnosisJob {
    pub diagnosis_id: DiagnosisId,
    pub job_id: JobId,
}

/// Stored as the first response of an idempotent `diagnose`: `"<diagnosis id> <job id>"`.
impl fmt::Display for DiagnosisJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.diagnosis_id, self.job_id)
    }
}

impl FromStr for DiagnosisJob {
    type Err = CommandError;
    fn from_str(s: &str) -> Result<Self, CommandError> {
        let (diagnosis, job) = s
            .split_once(' ')
            .ok_or_else(|| CommandError::Internal("corrupt idempotency record".into()))?;
        Ok(Self {
            diagnosis_id: stored_id(diagnosis)?,
            job_id: stored_id(job)?,
        })
    }
}

/// SHA-256 of a snapshot's JSON, hex: the digest its events and its report name.
pub fn evidence_digest(snapshot: &Snapshot) -> String {
    let json = serde_json::to_vec(snapshot).unwrap_or_default();
    hex::encode(Sha256::digest(json))
}

impl Commands {
    /// Asks for a diagnosis of a cluster or a droplet and queues its DIAGNOSE job. While
    /// one is unfinished for the same target, answers with that one (position 0) instead.
    #[tracing::instrument(skip_all, fields(target = %input.target_id))]
    pub async fn diagnose(
        &self,
        ctx: &RequestContext,
        input: Diagnose,
    ) -> Result<Outcome<DiagnosisJob>, CommandError> {
        if let Some(q) = &input.question {
            if q.chars().count() > MAX_QUESTION_CHARS {
                return Err(CommandError::BadInput(format!(
                    "question: at most {MAX_QUESTION_CHARS} characters"
                )));
            }
        }
        let mut checks = input.checks.clone();
        checks.sort_by_key(|c| DiagnosisCheck::ALL.iter().position(|a| a == c));
        checks.dedup();
        let fingerprint = format!(
            "{}|{}|{:?}|{}",
            input.target_type,
            input.target_id,
            checks,
            input.question.as_deref().unwrap_or_default()
        );
        let key = input.idempotency_key.as_ref();
        let command = UserCommand::new("diagnose", ctx, key, fingerprint);
        let (input, checks) = (&input, &checks);
        self.run_user_command(command, |key| async move {
            self.require_target(input.target_type, input.target_id)
                .await?;
            let (diagnosis_id, job_id) = match &key {
                Some(k) => (DiagnosisId(k.derived("diagnosis")), JobId(k.derived("job"))),
                None => (DiagnosisId::new(), JobId::new()),
            };
            let target_id = input.target_id.to_string();
            let request = DiagnosisCommand::Request {
                target_type: input.target_type,
                target_id: target_id.clone(),
                checks: checks.clone(),
                question: input.question.clone(),
                job_id,
            };
            let queue = JobCommand::QueueJob {
                job_type: JobType::Diagnose,
                target_type: AggregateType::Diagnosis,
                target_id: diagnosis_id.to_string(),
                params: serde_json::json!({}),
                max_attempts: self.jobs.max_attempts,
            };
            let mut events = self
                .decide::<Diagnosis>(&diagnosis_id.to_string(), request)
                .await?
                .new_events();
            events.extend(
                self.decide::<Job>(&job_id.to_string(), queue)
                    .await?
                    .new_events(),
            );
            let claim = Claim {
                scope: DIAGNOSIS_TARGET,
                value: target_key(input.target_type, &target_id),
                owner: diagnosis_id.to_string(),
            };
            let value = DiagnosisJob {
                diagnosis_id,
                job_id,
            };
            let record = key.map(|k| k.record(&value));
            match self
                .commit("diagnose", ctx, events, vec![claim.clone()], vec![], record)
                .await
            {
                Ok(position) => Ok(Outcome { value, position }),
                Err(StoreError::ClaimTaken { .. }) => self.running(&claim).await,
                Err(e) => Err(e.into()),
            }
        })
        .await
    }

    /// The unfinished diagnosis holding `claim`'s target (it may have just finished: then
    /// the caller is told to ask again).
    async fn running(&self, claim: &Claim) -> Result<Outcome<DiagnosisJob>, CommandError> {
        let gone = || {
            CommandError::Race(format!(
                "the diagnosis running on {} just finished; ask again",
                claim.value
            ))
        };
        let owner = self
            .store()
            .claim_owner(claim.scope, &claim.value)
            .await?
            .ok_or_else(gone)?;
        let (diagnosis, _) = self.load::<Diagnosis>(&owner).await?;
        let state = diagnosis.state.ok_or_else(gone)?;
        Ok(Outcome {
            value: DiagnosisJob {
                diagnosis_id: stored_id(&owner)?,
                job_id: state.job_id,
            },
            position: 0,
        })
    }

    /// The target exists and is not deleted or destroyed.
    async fn require_target(
        &self,
        target_type: DiagnosisTarget,
        id: uuid::Uuid,
    ) -> Result<(), CommandError> {
        let id = id.to_string();
        let live = match target_type {
            DiagnosisTarget::Cluster => {
                let (c, _) = self.load::<Cluster>(&id).await?;
                c.state
                    .is_some_and(|s| s.status == schema::ClusterStatus::Active)
            }
            DiagnosisTarget::Droplet => {
                let (d, _) = self.load::<Droplet>(&id).await?;
                d.state.is_some_and(|s| s.status.is_live())
            }
        };
        if live {
            Ok(())
        } else {
            Err(CommandError::NotFound(format!(
                "{} {id} not found",
                target_type.as_str().to_lowercase()
            )))
        }
    }

    /// The DIAGNOSE job `job_id` collected `snapshot` for its diagnosis: recorded (with its
    /// digest) before the analysis runs on it. Returns the digest.
    pub async fn record_diagnosis_evidence(
        &self,
        job_id: JobId,
        diagnosis_id: DiagnosisId,
        snapshot: Snapshot,
    ) -> Result<String, CommandError> {
        let ctx = self.worker_context(job_id).await?;
        let digest = evidence_digest(&snapshot);
        let events = self
            .decide::<Diagnosis>(
                &diagnosis_id.to_string(),
                DiagnosisCommand::RecordEvidence {
                    digest: digest.clone(),
                    snapshot,
                },
            )
            .await?
            .new_events();
        self.commit(
            "recordDiagnosisEvidence",
            &ctx,
            events,
            vec![],
            vec![],
            None,
        )
        .await?;
        Ok(digest)
    }
}
