//! Droplet commands: create (which queues provisioning), destroy, resize and power.

use super::idempotency::{KeyInForce, UserCommand};
use super::{check_version, stored_id, CommandOptions, Commands, CreateDroplet, Outcome};
use crate::aggregates::{
    Cluster, ClusterCommand, Droplet, DropletCommand, DropletOperation, Job, JobCommand,
};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, StoreError};
use schema::{AggregateType, DropletId, DropletName, JobId, JobType};
use std::fmt;
use std::str::FromStr;

/// Scope of live-droplet-name claims.
pub(crate) const DROPLET_NAME: &str = "droplet-name";

/// A droplet and the job a command queued to work on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropletJob {
    /// The droplet.
    pub droplet_id: DropletId,
    /// The job carrying the work out.
    pub job_id: JobId,
}

/// Stored as the first response of an idempotent command: `"<droplet id> <job id>"`.
impl fmt::Display for DropletJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.droplet_id, self.job_id)
    }
}

impl FromStr for DropletJob {
    type Err = CommandError;
    fn from_str(s: &str) -> Result<Self, CommandError> {
        let (droplet, job) = s
            .split_once(' ')
            .ok_or_else(|| CommandError::Internal("corrupt idempotency record".into()))?;
        Ok(Self {
            droplet_id: stored_id(droplet)?,
            job_id: stored_id(job)?,
        })
    }
}

impl Commands {
    /// Creates a droplet and queues its provisioning job, atomically.
    #[tracing::instrument(skip_all, fields(name = %input.name))]
    pub async fn create_droplet(
        &self,
        ctx: &RequestContext,
        input: CreateDroplet,
    ) -> Result<Outcome<DropletJob>, CommandError> {
        let fingerprint = format!(
            "{}|{}|{}|{}|{}",
            input.name,
            input.region,
            input.size,
            input.image,
            input.cluster_id.map(|c| c.to_string()).unwrap_or_default()
        );
        // No expected version: a lost race on the cluster (another droplet joined it
        // first) is decided again on the fresh state, as every other command does.
        let key = input.idempotency_key.as_ref();
        let command = UserCommand::new("createDroplet", ctx, key, fingerprint);
        self.run_user_command(command, |key| self.create_droplet_once(ctx, &input, key))
            .await
    }

    async fn create_droplet_once(
        &self,
        ctx: &RequestContext,
        input: &CreateDroplet,
        key: Option<KeyInForce>,
    ) -> Result<Outcome<DropletJob>, CommandError> {
        let (droplet_id, job_id) = match &key {
            Some(k) => (DropletId(k.derived("droplet")), JobId(k.derived("job"))),
            None => (DropletId::new(), JobId::new()),
        };
        let mut events = Vec::new();
        if let Some(cid) = input.cluster_id {
            let (cluster, version) = self.load::<Cluster>(&cid.to_string()).await?;
            let Some(found) = &cluster.state else {
                return Err(CommandError::BadInput(format!(
                    "clusterId: cluster {cid} not found"
                )));
            };
            if found.region != input.region.as_str() {
                return Err(CommandError::BadInput(format!(
                    "region: cluster {} is in {}, not {}",
                    found.name, found.region, input.region
                )));
            }
            let attach = Self::decide_on(
                &cid.to_string(),
                cluster,
                version,
                ClusterCommand::AttachDroplet { droplet_id },
            )
            .await?;
            events.extend(attach.new_events());
        }
        let create = DropletCommand::CreateDroplet {
            name: input.name.clone(),
            cluster_id: input.cluster_id,
            region: input.region.clone(),
            size: input.size.clone(),
            image: input.image.clone(),
            job_id,
        };
        let queue = self.queue_job(JobType::Provision, droplet_id, serde_json::json!({}));
        let (droplet_key, job_key) = (droplet_id.to_string(), job_id.to_string());
        let droplet = self.decide::<Droplet>(&droplet_key, create).await?;
        events.extend(droplet.new_events());
        events.extend(self.decide::<Job>(&job_key, queue).await?.new_events());

        let claim = Claim {
            scope: DROPLET_NAME,
            value: input.name.to_string(),
            owner: droplet_id.to_string(),
        };
        let value = DropletJob { droplet_id, job_id };
        let record = key.map(|k| k.record(&value));
        match self
            .commit("createDroplet", ctx, events, vec![claim], vec![], record)
            .await
        {
            Ok(position) => Ok(Outcome { value, position }),
            Err(StoreError::ClaimTaken { .. }) => Err(taken(&input.name)),
            Err(e) => Err(e.into()),
        }
    }

    /// Starts an operation on a droplet (destroy, resize, power); its job does the work.
    #[tracing::instrument(skip(self, ctx, options))]
    pub async fn request_operation(
        &self,
        ctx: &RequestContext,
        droplet_id: DropletId,
        operation: DropletOperation,
        options: CommandOptions,
    ) -> Result<Outcome<DropletJob>, CommandError> {
        let expected_version = options.expected_version;
        let fingerprint = format!("{droplet_id}|{operation:?}|{expected_version:?}");
        let name = command_name(operation.job_type());
        let command = UserCommand::guarded(name, ctx, &options, fingerprint);
        self.run_user_command(command, |key| {
            self.request_operation_once(ctx, droplet_id, operation.clone(), expected_version, key)
        })
        .await
    }

    async fn request_operation_once(
        &self,
        ctx: &RequestContext,
        droplet_id: DropletId,
        operation: DropletOperation,
        expected_version: Option<i64>,
        key: Option<KeyInForce>,
    ) -> Result<Outcome<DropletJob>, CommandError> {
        let (state, version) = self.load::<Droplet>(&droplet_id.to_string()).await?;
        if state.state.is_none() {
            return Err(CommandError::NotFound(format!(
                "droplet {droplet_id} not found"
            )));
        }
        check_version(expected_version, version)?;
        let job_id = JobId::new();
        let job_type = operation.job_type();
        let params = serde_json::to_value(&operation).expect("operations serialize");
        let droplet = Self::decide_on(
            &droplet_id.to_string(),
            state,
            version,
            DropletCommand::RequestOperation { job_id, operation },
        )
        .await?;
        let queue = self.queue_job(job_type, droplet_id, params);
        let job = self.decide::<Job>(&job_id.to_string(), queue).await?;
        let mut events = droplet.new_events();
        events.extend(job.new_events());
        let value = DropletJob { droplet_id, job_id };
        let record = key.map(|k| k.record(&value));
        let position = self
            .commit(command_name(job_type), ctx, events, vec![], vec![], record)
            .await?;
        Ok(Outcome { value, position })
    }
}

impl Commands {
    /// Queues a job of `job_type` on a droplet.
    fn queue_job(
        &self,
        job_type: JobType,
        droplet_id: DropletId,
        params: serde_json::Value,
    ) -> JobCommand {
        JobCommand::QueueJob {
            job_type,
            target_type: AggregateType::Droplet,
            target_id: droplet_id.to_string(),
            params,
            max_attempts: self.jobs.max_attempts,
        }
    }
}

fn command_name(job_type: JobType) -> &'static str {
    match job_type {
        JobType::Destroy => "destroyDroplet",
        JobType::Resize => "resizeDroplet",
        _ => "powerDroplet",
    }
}

fn taken(name: &DropletName) -> CommandError {
    CommandError::Conflict(format!(
        "droplet name \"{name}\" is already used by a live droplet"
    ))
}
