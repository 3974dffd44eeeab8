//! The Mutation root: validates at the edge, runs the command, returns the affected objects
//! once the read models include the command's last event.

use super::consistency::wait_for_own;
use super::inputs::{CreateClusterInput, CreateDropletInput};
use super::types::{Cluster, Droplet, Job};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use command::handlers;
use command::RequestContext;

/// Root of all mutations.
pub struct MutationRoot;

/// Result of `createCluster` and `deleteCluster`.
#[derive(SimpleObject)]
pub struct ClusterPayload {
    pub cluster: Option<Cluster>,
    /// Global position of the command's last event; pass as `minPosition` to read your write.
    pub position: i64,
    /// True when the read models include the command's last event, so the objects above
    /// are current. False when they lag (the projector is behind or down): the command was
    /// carried out all the same, but the objects may be null or older; read them again with
    /// `minPosition: position`.
    pub projected: bool,
}

/// Result of droplet commands.
#[derive(SimpleObject)]
pub struct DropletPayload {
    pub droplet: Option<Droplet>,
    /// The job carrying the work out.
    pub job: Option<Job>,
    /// Global position of the command's last event; pass as `minPosition` to read your write.
    pub position: i64,
    /// True when the read models include the command's last event, so the objects above
    /// are current. False when they lag (the projector is behind or down): the command was
    /// carried out all the same, but the objects may be null or older; read them again with
    /// `minPosition: position`.
    pub projected: bool,
}

/// Result of `cancelJob` and `retryJob`.
#[derive(SimpleObject)]
pub struct JobPayload {
    pub job: Option<Job>,
    /// Global position of the command's last event; pass as `minPosition` to read your write.
    pub position: i64,
    /// True when the read models include the command's last event, so the objects above
    /// are current. False when they lag (the projector is behind or down): the command was
    /// carried out all the same, but the objects may be null or older; read them again with
    /// `minPosition: position`.
    pub projected: bool,
}

fn context<'a>(ctx: &'a Context<'_>) -> (&'a AppState, RequestContext) {
    let state = ctx.data_unchecked::<AppState>();
    let request = ctx
        .data_opt::<RequestContext>()
        .cloned()
        .unwrap_or_else(RequestContext::anonymous);
    (state, request)
}

/// Waits (bounded) for the read models to include `position`; false when they did not.
async fn settle(state: &AppState, position: i64) -> bool {
    // The command is committed either way; if the projector is slow, objects may be null.
    match wait_for_own(state, position).await {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(position, error = ?e.message, "mutation payload served before the read models caught up");
            false
        }
    }
}

async fn droplet_payload(
    state: &AppState,
    droplet_id: String,
    job_id: String,
    position: i64,
) -> Result<DropletPayload> {
    let projected = settle(state, position).await;
    Ok(DropletPayload {
        droplet: state
            .reads
            .droplet(&droplet_id)
            .await
            .map_err(errors::read)?
            .map(Droplet),
        job: state
            .reads
            .job(&job_id)
            .await
            .map_err(errors::read)?
            .map(Job),
        position,
        projected,
    })
}

#[Object]
impl MutationRoot {
    /// Creates a cluster with a unique name.
    async fn create_cluster(
        &self,
        ctx: &Context<'_>,
        input: CreateClusterInput,
    ) -> Result<ClusterPayload> {
        let (state, request) = context(ctx);
        let out = state
            .commands
            .create_cluster(
                &request,
                handlers::CreateClusterInput {
                    name: input.name,
                    region: input.region,
                    labels: input
                        .labels
                        .unwrap_or_default()
                        .into_iter()
                        .map(|l| (l.key, l.value))
                        .collect(),
                    idempotency_key: input.idempotency_key,
                },
            )
            .await
            .map_err(errors::command)?;
        let projected = settle(state, out.position).await;
        Ok(ClusterPayload {
            cluster: state
                .reads
                .cluster(&out.value.to_string())
                .await
                .map_err(errors::read)?
                .map(Cluster),
            position: out.position,
            projected,
        })
    }

    /// Deletes a cluster that has no live droplets.
    async fn delete_cluster(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<ClusterPayload> {
        let (state, request) = context(ctx);
        let out = state
            .commands
            .delete_cluster(&request, &id, expected_version, idempotency_key.as_deref())
            .await
            .map_err(errors::command)?;
        let projected = settle(state, out.position).await;
        Ok(ClusterPayload {
            cluster: state
                .reads
                .cluster(&out.value.to_string())
                .await
                .map_err(errors::read)?
                .map(Cluster),
            position: out.position,
            projected,
        })
    }

    /// Creates a droplet and starts its provisioning job.
    async fn create_droplet(
        &self,
        ctx: &Context<'_>,
        input: CreateDropletInput,
    ) -> Result<DropletPayload> {
        let (state, request) = context(ctx);
        let out = state
            .commands
            .create_droplet(
                &request,
                handlers::CreateDropletInput {
                    name: input.name,
                    region: input.region,
                    size: input.size,
                    image: input.image,
                    cluster_id: input.cluster_id.map(|c| c.0),
                    idempotency_key: input.idempotency_key,
                },
            )
            .await
            .map_err(errors::command)?;
        droplet_payload(
            state,
            out.value.droplet_id.to_string(),
            out.value.job_id.to_string(),
            out.position,
        )
        .await
    }

    /// Starts destroying a droplet.
    async fn destroy_droplet(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<DropletPayload> {
        let (state, request) = context(ctx);
        let out = state
            .commands
            .destroy_droplet(&request, &id, expected_version, idempotency_key.as_deref())
            .await
            .map_err(errors::command)?;
        droplet_payload(
            state,
            out.value.0.to_string(),
            out.value.1.to_string(),
            out.position,
        )
        .await
    }

    /// Starts resizing a droplet.
    async fn resize_droplet(
        &self,
        ctx: &Context<'_>,
        id: ID,
        size: String,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<DropletPayload> {
        let (state, request) = context(ctx);
        let out = state
            .commands
            .resize_droplet(
                &request,
                &id,
                &size,
                expected_version,
                idempotency_key.as_deref(),
            )
            .await
            .map_err(errors::command)?;
        droplet_payload(
            state,
            out.value.0.to_string(),
            out.value.1.to_string(),
            out.position,
        )
        .await
    }

    /// Starts powering a droplet on (`on: true`) or off.
    async fn power_droplet(
        &self,
        ctx: &Context<'_>,
        id: ID,
        on: bool,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<DropletPayload> {
        let (state, request) = context(ctx);
        let out = state
            .commands
            .power_droplet(
                &request,
                &id,
                on,
                expected_version,
                idempotency_key.as_deref(),
            )
            .await
            .map_err(errors::command)?;
        droplet_payload(
            state,
            out.value.0.to_string(),
            out.value.1.to_string(),
            out.position,
        )
        .await
    }

    /// Cancels a queued or running job.
    async fn cancel_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        idempotency_key: Option<String>,
    ) -> Result<JobPayload> {
        let (state, request) = context(ctx);
        let out = state
            .commands
            .cancel_job(&request, &id, idempotency_key.as_deref())
            .await
            .map_err(errors::command)?;
        let projected = settle(state, out.position).await;
        Ok(JobPayload {
            job: state
                .reads
                .job(&out.value.to_string())
                .await
                .map_err(errors::read)?
                .map(Job),
            position: out.position,
            projected,
        })
    }

    /// Queues a failed or cancelled job again.
    async fn retry_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        idempotency_key: Option<String>,
    ) -> Result<JobPayload> {
        let (state, request) = context(ctx);
        let out = state
            .commands
            .retry_job(&request, &id, idempotency_key.as_deref())
            .await
            .map_err(errors::command)?;
        let projected = settle(state, out.position).await;
        Ok(JobPayload {
            job: state
                .reads
                .job(&out.value.to_string())
                .await
                .map_err(errors::read)?
                .map(Job),
            position: out.position,
            projected,
        })
    }
}
