//! SCALE jobs: carry out what a scaling decision planned — create the planned droplets in
//! the cluster from the policy's template, destroy the planned ones, or (vertical) resize
//! them one at a time — one step per droplet under its own idempotency key
//! (`scale-<job>-<step>`), so an attempt that runs again after a crash neither creates,
//! destroys nor resizes one droplet too many; then wait for the droplets to be RUNNING (or
//! destroyed), reporting progress per droplet. A resize is awaited before the next one
//! starts: the cluster never has more than one droplet resizing.

use super::runner::Worker;
use crate::aggregates::{Droplet, DropletOperation, Job};
use crate::error::CommandError;
use crate::handlers::{CommandOptions, CreateDroplet, JobEffect};
use schema::autoscale::{ScaleOutcome, ScalePlan};
use schema::events::upcast;
use schema::{
    AggregateType, ClusterId, DropletId, DropletName, DropletStatus, IdempotencyKey, JobId, Region,
    ScalingPolicyEvent,
};
use std::time::{Duration, Instant};

/// How long a SCALE job waits for its droplets to settle before it completes anyway
/// (naming those still on their way).
const SETTLE_LIMIT: Duration = Duration::from_secs(600);

/// A droplet a step created or asked to destroy, awaited until it settles.
struct Awaited {
    id: DropletId,
    name: String,
}

impl Worker {
    /// Carries out a SCALE job (its target is the scaling policy whose decision queued it).
    pub(super) async fn scale(
        &self,
        job_id: JobId,
        job: &Job,
        lease: chrono::Duration,
    ) -> Result<(), CommandError> {
        let policy_id = job.target_id().to_string();
        let Some((cluster_id, plan)) = self.planned(&policy_id, job_id).await? else {
            return self
                .fail_attempt(job_id, "no scaling decision names this job", false)
                .await;
        };
        let ctx = self.commands.worker_context(job_id).await?;
        let steps = plan.steps().max(1);
        // Creating and destroying take half the progress, settling the other half; a
        // resize settles within its own step.
        let share = if matches!(plan, ScalePlan::Resize { .. }) {
            1.0
        } else {
            0.5
        };
        let mut outcome = ScaleOutcome::default();
        let mut awaited = Vec::new();
        for step in 0..plan.steps() {
            let key = IdempotencyKey::parse(&format!("scale-{job_id}-{step}"))?;
            let (verb, name) = match &plan {
                ScalePlan::Add { names, .. } => ("creating", names[step].clone()),
                ScalePlan::Remove { droplets } => ("destroying", droplets[step].name.clone()),
                ScalePlan::Resize { droplets, .. } => ("resizing", droplets[step].name.clone()),
            };
            let message = format!("{verb} {name} ({} of {})", step + 1, plan.steps());
            self.commands
                .report_progress(
                    job_id,
                    &self.id,
                    pct(step, steps, share),
                    "scale",
                    &message,
                    lease,
                )
                .await?;
            let done = match &plan {
                ScalePlan::Add {
                    size,
                    image,
                    region,
                    ..
                } => {
                    let input = CreateDroplet {
                        name: DropletName::parse(&name)?,
                        region: Region::parse(region)?,
                        size: size.clone(),
                        image: image.clone(),
                        cluster_id: Some(cluster_id),
                        idempotency_key: Some(key),
                    };
                    self.commands
                        .create_droplet(&ctx, input)
                        .await
                        .map(|o| o.value.droplet_id)
                }
                ScalePlan::Remove { droplets } => {
                    let options = CommandOptions {
                        idempotency_key: Some(key),
                        ..CommandOptions::default()
                    };
                    let id = droplets[step].droplet_id;
                    self.commands
                        .request_operation(&ctx, id, DropletOperation::Destroy, options)
                        .await
                        .map(|_| id)
                }
                ScalePlan::Resize { droplets, size } => {
                    let options = CommandOptions {
                        idempotency_key: Some(key),
                        ..CommandOptions::default()
                    };
                    let id = droplets[step].droplet_id;
                    let operation = DropletOperation::Resize { size: size.clone() };
                    match self
                        .commands
                        .request_operation(&ctx, id, operation, options)
                        .await
                    {
                        Ok(_) => {
                            let awaited = Awaited { id, name };
                            let progress = (pct(step, steps, share), message);
                            self.resized(
                                job_id,
                                &awaited,
                                size.as_str(),
                                progress,
                                lease,
                                &mut outcome,
                            )
                            .await?;
                            continue;
                        }
                        Err(e) => Err(e),
                    }
                }
            };
            match done {
                Ok(id) => awaited.push(Awaited { id, name }),
                // The plan met a changed world (the name was taken, the droplet got a job
                // or went away): the step is skipped, the rest goes on.
                Err(
                    e @ (CommandError::Conflict(_)
                    | CommandError::FailedPrecondition(_)
                    | CommandError::NotFound(_)
                    | CommandError::BadInput(_)),
                ) => outcome.skipped.push(format!("{name}: {e}")),
                Err(e) => return Err(e),
            }
        }
        let adding = matches!(plan, ScalePlan::Add { .. });
        self.settle(job_id, &awaited, adding, steps, lease, &mut outcome)
            .await?;
        let result = serde_json::to_value(&outcome).unwrap_or_default();
        self.commands
            .complete_job(job_id, &self.id, JobEffect::Scaled(outcome), result)
            .await?;
        tracing::info!(%job_id, policy = %policy_id, "scaling completed");
        Ok(())
    }

    /// The cluster and the plan of the decision that queued `job_id`.
    async fn planned(
        &self,
        policy_id: &str,
        job_id: JobId,
    ) -> Result<Option<(ClusterId, ScalePlan)>, CommandError> {
        let stored = self
            .commands
            .store()
            .load(AggregateType::ScalingPolicy, policy_id)
            .await?;
        let mut cluster = None;
        for e in stored.into_iter().rev() {
            let event: ScalingPolicyEvent = upcast(&e.event_type, &e.event_version, e.payload)
                .map_err(|err| CommandError::Internal(err.to_string()))?;
            match event {
                ScalingPolicyEvent::ScalingDecided {
                    plan: Some(plan),
                    job_id: Some(j),
                    ..
                } if j == job_id && cluster.is_none() => cluster = Some(plan),
                ScalingPolicyEvent::ScalingPolicyCreated { cluster_id, .. } => {
                    return Ok(cluster.map(|plan| (cluster_id, plan)));
                }
                _ => {}
            }
        }
        Ok(None)
    }

    /// Waits until the resize of droplet `id` to `size` ends (its job done, the droplet
    /// RUNNING or STOPPED again), renewing the lease; notes whether it took.
    async fn resized(
        &self,
        job_id: JobId,
        awaited: &Awaited,
        size: &str,
        (progress, message): (u8, String),
        lease: chrono::Duration,
        outcome: &mut ScaleOutcome,
    ) -> Result<(), CommandError> {
        let name = awaited.name.as_str();
        let started = Instant::now();
        let tick = self
            .settings
            .progress_interval
            .max(Duration::from_millis(100));
        let renew = (lease / 3).to_std().unwrap_or(Duration::from_secs(10));
        let mut renewed = Instant::now();
        loop {
            let (droplet, _) = self
                .commands
                .load::<Droplet>(&awaited.id.to_string())
                .await?;
            let Some(state) = droplet.state.as_ref() else {
                outcome.skipped.push(format!("{name}: it is gone"));
                return Ok(());
            };
            if droplet.pending.is_none() {
                if state.size.as_str() == size {
                    outcome.resized.push(name.to_string());
                } else {
                    outcome
                        .skipped
                        .push(format!("{name}: its resize job did not complete"));
                }
                return Ok(());
            }
            if started.elapsed() >= SETTLE_LIMIT {
                outcome.skipped.push(format!(
                    "{name}: not resized after {} s",
                    SETTLE_LIMIT.as_secs()
                ));
                return Ok(());
            }
            // Keeps the lease, a third of it at a time (the progress stays at the step's).
            if renewed.elapsed() >= renew {
                self.commands
                    .report_progress(job_id, &self.id, progress, "scale", &message, lease)
                    .await?;
                renewed = Instant::now();
            }
            tokio::time::sleep(tick).await;
        }
    }

    /// Waits until every awaited droplet is RUNNING (adding) or destroyed (removing), or has
    /// failed, reporting progress and renewing the lease; what did not settle is noted.
    async fn settle(
        &self,
        job_id: JobId,
        awaited: &[Awaited],
        adding: bool,
        steps: usize,
        lease: chrono::Duration,
        outcome: &mut ScaleOutcome,
    ) -> Result<(), CommandError> {
        let started = Instant::now();
        let tick = self
            .settings
            .progress_interval
            .max(Duration::from_millis(100));
        let mut open: Vec<&Awaited> = awaited.iter().collect();
        let goal = if adding { "running" } else { "destroyed" };
        loop {
            let mut still = Vec::new();
            for a in open {
                let (droplet, _) = self.commands.load::<Droplet>(&a.id.to_string()).await?;
                let status = droplet.state.map(|s| s.status);
                match (adding, status) {
                    (true, Some(DropletStatus::Running)) => outcome.created.push(a.name.clone()),
                    (true, Some(DropletStatus::Failed)) => {
                        outcome.created.push(a.name.clone());
                        outcome
                            .skipped
                            .push(format!("{}: provisioning failed", a.name));
                    }
                    (false, Some(DropletStatus::Destroyed) | None) => {
                        outcome.destroyed.push(a.name.clone())
                    }
                    // Its destroy job was cancelled or failed for good.
                    (false, Some(_)) if droplet.pending.is_none() => outcome
                        .skipped
                        .push(format!("{}: its destroy job did not complete", a.name)),
                    _ => still.push(a),
                }
            }
            open = still;
            let settled = awaited.len() - open.len();
            let message = format!("{settled} of {} {goal}", awaited.len());
            if open.is_empty() {
                self.commands
                    .report_progress(job_id, &self.id, 99, "settle", &message, lease)
                    .await?;
                break;
            }
            if started.elapsed() >= SETTLE_LIMIT {
                for a in open {
                    if adding {
                        outcome.created.push(a.name.clone());
                    }
                    outcome.skipped.push(format!(
                        "{}: not {goal} after {} s",
                        a.name,
                        SETTLE_LIMIT.as_secs()
                    ));
                }
                break;
            }
            self.commands
                .report_progress(
                    job_id,
                    &self.id,
                    50 + pct(settled, steps, 0.5),
                    "settle",
                    &message,
                    lease,
                )
                .await?;
            tokio::time::sleep(tick).await;
        }
        Ok(())
    }
}

/// `done` of `total` steps as progress points out of `share` of 100.
fn pct(done: usize, total: usize, share: f64) -> u8 {
    ((done as f64 / total.max(1) as f64) * share * 100.0)
        .floor()
        .clamp(0.0, 99.0) as u8
}
