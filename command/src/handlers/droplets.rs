//! Droplet commands: create (which queues provisioning), destroy, resize and power.

use super::{check_version, parse_id, retry_races, Commands, IdempotencyKey, Outcome};
use crate::aggregates::{
    Cluster, ClusterCommand, Droplet, DropletCommand, DropletOperation, Job, JobCommand,
};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, StoreError};
use schema::{
    AggregateType, ClusterId, DropletId, DropletName, Image, JobId, JobType, Region, Size,
};

/// Scope of live-droplet-name claims.
pub(crate) const DROPLET_NAME: &str = "droplet-name";

/// Raw input of `createDroplet`, parsed by the handler.
#[derive(Debug, Clone, Default)]
pub struct CreateDropletInput {
    /// Droplet name.
    pub name: String,
    /// Region slug.
    pub region: String,
    /// Size slug.
    pub size: String,
    /// Image slug.
    pub image: String,
    /// Cluster to place it in.
    pub cluster_id: Option<String>,
    /// Makes a retried request return the first result.
    pub idempotency_key: Option<String>,
}

/// The parsed input of `createDroplet`.
struct NewDroplet {
    name: DropletName,
    region: Region,
    size: Size,
    image: Image,
    cluster_id: Option<ClusterId>,
}

/// What `createDroplet` produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropletCreated {
    /// The new droplet.
    pub droplet_id: DropletId,
    /// Its provisioning job.
    pub job_id: JobId,
}

impl Commands {
    /// Creates a droplet and queues its provisioning job, atomically.
    #[tracing::instrument(skip_all, fields(name = %input.name))]
    pub async fn create_droplet(
        &self,
        ctx: &RequestContext,
        input: CreateDropletInput,
    ) -> Result<Outcome<DropletCreated>, CommandError> {
        let result = self.create_droplet_inner(ctx, input).await;
        Self::record("createDroplet", &result);
        result
    }

    async fn create_droplet_inner(
        &self,
        ctx: &RequestContext,
        input: CreateDropletInput,
    ) -> Result<Outcome<DropletCreated>, CommandError> {
        let parsed = NewDroplet {
            name: DropletName::parse(&input.name)?,
            region: Region::parse(&input.region)?,
            size: Size::parse(&input.size)?,
            image: Image::parse(&input.image)?,
            cluster_id: match input.cluster_id.as_deref() {
                None => None,
                Some(raw) => Some(parse_id("cluster", raw)?),
            },
        };
        let fingerprint = format!(
            "{}|{}|{}|{}|{}",
            parsed.name,
            parsed.region,
            parsed.size,
            parsed.image,
            parsed.cluster_id.map(|c| c.to_string()).unwrap_or_default()
        );
        let decode = |s: &str| -> Result<DropletCreated, CommandError> {
            let (d, j) = s
                .split_once(' ')
                .ok_or_else(|| CommandError::Internal("corrupt idempotency record".into()))?;
            Ok(DropletCreated {
                droplet_id: parse_id("droplet", d)?,
                job_id: parse_id("job", j)?,
            })
        };
        let key = input.idempotency_key.as_deref();
        let parsed = &parsed;
        self.idempotently(ctx, "createDroplet", key, fingerprint, decode, |key| {
            // No expected version: a lost race on the cluster (another droplet joined it
            // first) is decided again on the fresh state, as every other command does.
            retry_races(None, move || {
                self.create_droplet_once(ctx, parsed, key.clone())
            })
        })
        .await
    }

    async fn create_droplet_once(
        &self,
        ctx: &RequestContext,
        input: &NewDroplet,
        key: Option<IdempotencyKey>,
    ) -> Result<Outcome<DropletCreated>, CommandError> {
        let (droplet_id, job_id) = match &key {
            Some(k) => (
                DropletId(schema::ids::derived_uuid(&k.scope, "droplet")),
                JobId(schema::ids::derived_uuid(&k.scope, "job")),
            ),
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
        let droplet = self
            .decide::<Droplet>(
                &droplet_id.to_string(),
                DropletCommand::CreateDroplet {
                    name: input.name.clone(),
                    cluster_id: input.cluster_id,
                    region: input.region.clone(),
                    size: input.size.clone(),
                    image: input.image.clone(),
                    job_id,
                },
            )
            .await?;
        events.extend(droplet.new_events());
        let job = self
            .decide::<Job>(
                &job_id.to_string(),
                JobCommand::QueueJob {
                    job_type: JobType::Provision,
                    target_type: AggregateType::Droplet,
                    target_id: droplet_id.to_string(),
                    params: serde_json::json!({}),
                    max_attempts: self.jobs.max_attempts,
                },
            )
            .await?;
        events.extend(job.new_events());

        let claim = Claim {
            scope: DROPLET_NAME,
            value: input.name.to_string(),
            owner: droplet_id.to_string(),
        };
        let record = key.map(|k| k.record(format!("{droplet_id} {job_id}")));
        let value = DropletCreated { droplet_id, job_id };
        match self
            .commit("createDroplet", ctx, events, vec![claim], vec![], record)
            .await
        {
            Ok(position) => Ok(Outcome { value, position }),
            Err(StoreError::ClaimTaken { .. }) => Err(taken(&input.name)),
            Err(e) => Err(e.into()),
        }
    }

    /// Starts destroying a droplet; its job finishes the work.
    pub async fn destroy_droplet(
        &self,
        ctx: &RequestContext,
        id: &str,
        expected_version: Option<i64>,
        idempotency_key: Option<&str>,
    ) -> Result<Outcome<(DropletId, JobId)>, CommandError> {
        let result = self
            .request_operation(
                ctx,
                id,
                DropletOperation::Destroy,
                expected_version,
                idempotency_key,
            )
            .await;
        Self::record("destroyDroplet", &result);
        result
    }

    /// Starts resizing a droplet.
    pub async fn resize_droplet(
        &self,
        ctx: &RequestContext,
        id: &str,
        size: &str,
        expected_version: Option<i64>,
        idempotency_key: Option<&str>,
    ) -> Result<Outcome<(DropletId, JobId)>, CommandError> {
        let result = async {
            let operation = DropletOperation::Resize {
                size: Size::parse(size)?,
            };
            self.request_operation(ctx, id, operation, expected_version, idempotency_key)
                .await
        }
        .await;
        Self::record("resizeDroplet", &result);
        result
    }

    /// Starts powering a droplet on or off.
    pub async fn power_droplet(
        &self,
        ctx: &RequestContext,
        id: &str,
        on: bool,
        expected_version: Option<i64>,
        idempotency_key: Option<&str>,
    ) -> Result<Outcome<(DropletId, JobId)>, CommandError> {
        let operation = DropletOperation::Power { on };
        let result = self
            .request_operation(ctx, id, operation, expected_version, idempotency_key)
            .await;
        Self::record("powerDroplet", &result);
        result
    }

    #[tracing::instrument(skip(self, ctx))]
    async fn request_operation(
        &self,
        ctx: &RequestContext,
        id: &str,
        operation: DropletOperation,
        expected_version: Option<i64>,
        idempotency_key: Option<&str>,
    ) -> Result<Outcome<(DropletId, JobId)>, CommandError> {
        let fingerprint = format!("{}|{operation:?}|{expected_version:?}", id.trim());
        let decode = |s: &str| -> Result<(DropletId, JobId), CommandError> {
            let (d, j) = s
                .split_once(' ')
                .ok_or_else(|| CommandError::Internal("corrupt idempotency record".into()))?;
            Ok((parse_id("droplet", d)?, parse_id("job", j)?))
        };
        let command = command_name(operation.job_type());
        self.idempotently(ctx, command, idempotency_key, fingerprint, decode, |key| {
            retry_races(expected_version, move || {
                self.request_operation_once(
                    ctx,
                    id,
                    operation.clone(),
                    expected_version,
                    key.clone(),
                )
            })
        })
        .await
    }

    async fn request_operation_once(
        &self,
        ctx: &RequestContext,
        id: &str,
        operation: DropletOperation,
        expected_version: Option<i64>,
        key: Option<IdempotencyKey>,
    ) -> Result<Outcome<(DropletId, JobId)>, CommandError> {
        let droplet_id: DropletId = parse_id("droplet", id)?;
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
        let job = self
            .decide::<Job>(
                &job_id.to_string(),
                JobCommand::QueueJob {
                    job_type,
                    target_type: AggregateType::Droplet,
                    target_id: droplet_id.to_string(),
                    params,
                    max_attempts: self.jobs.max_attempts,
                },
            )
            .await?;
        let mut events = droplet.new_events();
        events.extend(job.new_events());
        let record = key.map(|k| k.record(format!("{droplet_id} {job_id}")));
        let position = self
            .commit(command_name(job_type), ctx, events, vec![], vec![], record)
            .await?;
        Ok(Outcome {
            value: (droplet_id, job_id),
            position,
        })
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
