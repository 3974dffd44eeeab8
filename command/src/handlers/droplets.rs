//! Droplet commands: create (which queues provisioning), destroy, resize and power.

use super::{
    check_version, idempotency_scope, parse_id, retry_races, Commands, IdempotencyKey, Outcome,
};
use crate::aggregates::{
    Cluster, ClusterCommand, Droplet, DropletCommand, DropletOperation, Job, JobCommand,
};
use crate::context::RequestContext;
use crate::error::CommandError;
use crate::store::{Claim, IdempotencyRecord, StoreError};
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
        let name = DropletName::parse(&input.name)?;
        let region = Region::parse(&input.region)?;
        let size = Size::parse(&input.size)?;
        let image = Image::parse(&input.image)?;
        let cluster_id: Option<ClusterId> = match input.cluster_id.as_deref() {
            None => None,
            Some(raw) => Some(parse_id("cluster", raw)?),
        };
        let scope = idempotency_scope(ctx, "createDroplet", input.idempotency_key.as_deref())?;
        let fingerprint = format!(
            "{name}|{region}|{size}|{image}|{}",
            cluster_id.map(|c| c.to_string()).unwrap_or_default()
        );
        if let Some(s) = &scope {
            if let Some(found) = self.replayed_droplet(s, &fingerprint).await? {
                return Ok(found);
            }
        }
        let (droplet_id, job_id) = match &scope {
            Some(s) => (
                DropletId(schema::ids::derived_uuid(s, "droplet")),
                JobId(schema::ids::derived_uuid(s, "job")),
            ),
            None => (DropletId::new(), JobId::new()),
        };

        let mut events = Vec::new();
        if let Some(cid) = cluster_id {
            let (cluster, version) = self.load::<Cluster>(&cid.to_string()).await?;
            let Some(found) = &cluster.state else {
                return Err(CommandError::BadInput(format!(
                    "clusterId: cluster {cid} not found"
                )));
            };
            if found.region != region.as_str() {
                return Err(CommandError::BadInput(format!(
                    "region: cluster {} is in {}, not {region}",
                    found.name, found.region
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
                    name: name.clone(),
                    cluster_id,
                    region,
                    size,
                    image,
                    job_id,
                },
            )
            .await;
        let droplet = match (droplet, &scope) {
            (Err(CommandError::Conflict(_) | CommandError::Race(_)), Some(s)) => {
                return self.replayed_or_conflict(s, &fingerprint, &name).await
            }
            (d, _) => d?,
        };
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
            value: name.to_string(),
            owner: droplet_id.to_string(),
        };
        let idempotency = scope.clone().map(|scope_key| IdempotencyRecord {
            scope_key,
            request_hash: fingerprint.clone(),
            response: format!("{droplet_id} {job_id}"),
        });
        let value = DropletCreated { droplet_id, job_id };
        match self
            .commit(
                "createDroplet",
                ctx,
                events,
                vec![claim],
                vec![],
                idempotency,
            )
            .await
        {
            Ok(position) => Ok(Outcome { value, position }),
            Err(
                StoreError::ClaimTaken { .. }
                | StoreError::DuplicateKey
                | StoreError::Conflict { .. },
            ) if scope.is_some() => {
                self.replayed_or_conflict(scope.as_deref().unwrap_or_default(), &fingerprint, &name)
                    .await
            }
            Err(StoreError::ClaimTaken { .. }) => Err(taken(&name)),
            Err(e) => Err(e.into()),
        }
    }

    async fn replayed_droplet(
        &self,
        scope: &str,
        fingerprint: &str,
    ) -> Result<Option<Outcome<DropletCreated>>, CommandError> {
        let Some((response, position)) = self.replayed(scope, fingerprint).await? else {
            return Ok(None);
        };
        let (d, j) = response
            .split_once(' ')
            .ok_or_else(|| CommandError::Internal("corrupt idempotency record".into()))?;
        Ok(Some(Outcome {
            value: DropletCreated {
                droplet_id: parse_id("droplet", d)?,
                job_id: parse_id("job", j)?,
            },
            position,
        }))
    }

    async fn replayed_or_conflict(
        &self,
        scope: &str,
        fingerprint: &str,
        name: &DropletName,
    ) -> Result<Outcome<DropletCreated>, CommandError> {
        self.replayed_droplet(scope, fingerprint)
            .await?
            .ok_or_else(|| taken(name))
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
        "droplet name {:?} is already used by a live droplet",
        name.as_str()
    ))
}
