//! Diagnosis commands: `diagnose` (which queues a DIAGNOSE job, one running diagnosis per
//! target), recording the evidence the job collected, and `applyRecommendation`, which runs
//! a finding's command through the normal command path with the diagnosis as its cause.
//! The job's completion and final failure end the diagnosis in the same append as the job
//! (`handlers::jobs`).

use super::idempotency::UserCommand;
use super::{stored_id, CommandOptions, Commands, CreateDroplet, Outcome};
use crate::aggregates::diagnosis::target_key;
use crate::aggregates::{
    Cluster, Diagnosis, DiagnosisCommand, Droplet, DropletOperation, Job, JobCommand,
};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, StoreError};
use schema::diagnosis::{Action, DiagnosisCheck, DiagnosisTarget, Snapshot};
use schema::{
    AggregateType, ClusterId, DiagnosisId, DropletName, IdempotencyKey, Image, JobId, JobType,
    Region, Size,
};
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

/// `diagnose` as a user command (its input checked and fingerprinted), and its checks in
/// canonical order without repeats.
fn diagnose_command<'a>(
    ctx: &'a RequestContext,
    input: &'a Diagnose,
) -> Result<(UserCommand<'a>, Vec<DiagnosisCheck>), CommandError> {
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
    Ok((UserCommand::new("diagnose", ctx, key, fingerprint), checks))
}

impl Commands {
    /// What `diagnose` would answer without starting anything, checked before a caller
    /// spends a rate-limit token on it: an error for bad input or a missing target, the
    /// first result of an idempotency key used before, or the unfinished diagnosis of the
    /// same target (position 0). `None`: the request would start a new diagnosis.
    pub async fn diagnosis_admission(
        &self,
        ctx: &RequestContext,
        input: &Diagnose,
    ) -> Result<Option<Outcome<DiagnosisJob>>, CommandError> {
        let (command, _) = diagnose_command(ctx, input)?;
        if let Some(first) = self.replay_of(&command).await? {
            return Ok(Some(first));
        }
        self.require_target(input.target_type, input.target_id)
            .await?;
        let claim = Claim {
            scope: DIAGNOSIS_TARGET,
            value: target_key(input.target_type, &input.target_id.to_string()),
            owner: String::new(),
        };
        // No unfinished one (or it has just finished): a new one would start.
        match self.running(&claim).await {
            Ok(running) => Ok(Some(running)),
            Err(CommandError::Race(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Asks for a diagnosis of a cluster or a droplet and queues its DIAGNOSE job. While
    /// one is unfinished for the same target, answers with that one (position 0) instead.
    #[tracing::instrument(skip_all, fields(target = %input.target_id))]
    pub async fn diagnose(
        &self,
        ctx: &RequestContext,
        input: Diagnose,
    ) -> Result<Outcome<DiagnosisJob>, CommandError> {
        let (command, checks) = diagnose_command(ctx, &input)?;
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
    /// Whether cluster or droplet `id` exists and is live (an active cluster, a droplet not
    /// destroyed): what a diagnosis may be of and a health check may watch over.
    pub(crate) async fn is_live(
        &self,
        kind: DiagnosisTarget,
        id: &str,
    ) -> Result<bool, CommandError> {
        Ok(match kind {
            DiagnosisTarget::Cluster => {
                let (c, _) = self.load::<Cluster>(id).await?;
                c.state
                    .is_some_and(|s| s.status == schema::ClusterStatus::Active)
            }
            DiagnosisTarget::Droplet => {
                let (d, _) = self.load::<Droplet>(id).await?;
                d.state.is_some_and(|s| s.status.is_live())
            }
        })
    }

    async fn require_target(
        &self,
        target_type: DiagnosisTarget,
        id: uuid::Uuid,
    ) -> Result<(), CommandError> {
        let id = id.to_string();
        if self.is_live(target_type, &id).await? {
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

    /// Runs the recommendation of finding `finding_id` through the normal command path
    /// (resize, power on, retry, add a droplet) with the diagnosis as the cause of its
    /// events, then records that it was applied. Applying a finding again, by anyone,
    /// answers with the job it started the first time (position 0).
    #[tracing::instrument(skip_all, fields(diagnosis = %diagnosis_id, finding = finding_id))]
    pub async fn apply_recommendation(
        &self,
        ctx: &RequestContext,
        diagnosis_id: DiagnosisId,
        finding_id: &str,
    ) -> Result<Outcome<JobId>, CommandError> {
        let id = diagnosis_id.to_string();
        let (diagnosis, _) = self.load::<Diagnosis>(&id).await?;
        if let Some(job_id) = applied_job(&diagnosis, finding_id) {
            return Ok(Outcome {
                value: job_id,
                position: 0,
            });
        }
        let action = diagnosis.action_of(finding_id)?;
        // The command's events are caused by the diagnosis; its key, derived from the
        // diagnosis and the finding, makes a retry after a failure below start nothing new.
        let caused = RequestContext {
            causation_id: id.clone(),
            ..ctx.clone()
        };
        let key = IdempotencyKey::parse(&format!("recommendation:{id}:{finding_id}"))?;
        let started = self.run_action(&caused, &action, &key).await?;
        let record = DiagnosisCommand::RecordApplied {
            finding_id: finding_id.to_string(),
            job_id: started.value,
        };
        let events = match self.decide::<Diagnosis>(&id, record).await {
            Ok(decided) => decided.new_events(),
            // Someone else applied it meanwhile: theirs is the job.
            Err(e) => {
                let (diagnosis, _) = self.load::<Diagnosis>(&id).await?;
                return match applied_job(&diagnosis, finding_id) {
                    Some(job_id) => Ok(Outcome {
                        value: job_id,
                        position: 0,
                    }),
                    None => Err(e),
                };
            }
        };
        let position = self
            .commit("applyRecommendation", &caused, events, vec![], vec![], None)
            .await?;
        Ok(Outcome {
            value: started.value,
            position: position.max(started.position),
        })
    }

    /// Runs `action` as `ctx` under `key`; the job carrying it out.
    async fn run_action(
        &self,
        ctx: &RequestContext,
        action: &Action,
        key: &IdempotencyKey,
    ) -> Result<Outcome<JobId>, CommandError> {
        match action {
            Action::ResizeDroplet { droplet_id, size } => {
                let size = Size::parse(size)?;
                let resize = DropletOperation::Resize { size };
                self.operate(ctx, droplet_id, resize, key).await
            }
            Action::PowerOnDroplet { droplet_id } => {
                let power_on = DropletOperation::Power { on: true };
                self.operate(ctx, droplet_id, power_on, key).await
            }
            Action::RetryJob { job_id } => {
                self.retry_job(ctx, stored_id(job_id)?, Some(key.clone()))
                    .await
            }
            Action::AddDroplet {
                cluster_id,
                size,
                image,
                region,
            } => {
                let (cluster, _) = self.load::<Cluster>(cluster_id).await?;
                let Some(cluster) = cluster.state else {
                    return Err(CommandError::NotFound(format!(
                        "cluster {cluster_id} not found"
                    )));
                };
                let input = CreateDroplet {
                    name: new_member_name(&cluster.name, key)?,
                    region: Region::parse(region)?,
                    size: Size::parse(size)?,
                    image: Image::parse(image)?,
                    cluster_id: Some(stored_id::<ClusterId>(cluster_id)?),
                    idempotency_key: Some(key.clone()),
                };
                let done = self.create_droplet(ctx, input).await?;
                Ok(Outcome {
                    value: done.value.job_id,
                    position: done.position,
                })
            }
        }
    }

    /// Requests `operation` on droplet `droplet_id` under `key`; the job carrying it out.
    async fn operate(
        &self,
        ctx: &RequestContext,
        droplet_id: &str,
        operation: DropletOperation,
        key: &IdempotencyKey,
    ) -> Result<Outcome<JobId>, CommandError> {
        let options = CommandOptions {
            idempotency_key: Some(key.clone()),
            ..CommandOptions::default()
        };
        let done = self
            .request_operation(ctx, stored_id(droplet_id)?, operation, options)
            .await?;
        Ok(Outcome {
            value: done.value.job_id,
            position: done.position,
        })
    }
}

/// The job of an applied recommendation, if `finding_id`'s was.
fn applied_job(diagnosis: &Diagnosis, finding_id: &str) -> Option<JobId> {
    diagnosis.state.as_ref()?.applied_job(finding_id)
}

/// A name for a droplet a recommendation adds to cluster `cluster`: the cluster's name and
/// six hex digits derived from the recommendation, so applying it again names the same one.
fn new_member_name(cluster: &str, key: &IdempotencyKey) -> Result<DropletName, CommandError> {
    let suffix = &hex::encode(Sha256::digest(key.as_str()))[..6];
    let mut stem: String = cluster.chars().take(63 - suffix.len() - 1).collect();
    while stem.ends_with('-') {
        stem.pop();
    }
    Ok(DropletName::parse(&format!("{stem}-{suffix}"))?)
}
