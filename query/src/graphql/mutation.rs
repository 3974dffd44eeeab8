//! The Mutation root: each mutation parses its arguments into a checked command and answers
//! through [`respond`], which settles the write and reads the affected objects.

use super::inputs::{self, CreateClusterInput, CreateDropletInput};
use super::payloads::{respond, ClusterPayload, DropletPayload, JobPayload};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, Object, Result, ID};
use command::aggregates::DropletOperation;
use command::RequestContext;
use schema::Size;

/// Root of all mutations.
pub struct MutationRoot;

/// The shared state and the caller of a mutation.
fn caller<'a>(ctx: &'a Context<'_>) -> (&'a AppState, RequestContext) {
    let state = ctx.data_unchecked::<AppState>();
    let request = ctx
        .data_opt::<RequestContext>()
        .cloned()
        .unwrap_or_else(RequestContext::anonymous);
    (state, request)
}

/// Starts `operation` on droplet `id`. The idempotency key is checked before the id, as
/// for every command on an existing aggregate.
async fn operate(
    ctx: &Context<'_>,
    id: &ID,
    operation: DropletOperation,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<DropletPayload> {
    let options = inputs::options(expected_version, idempotency_key)?;
    let id = inputs::droplet_id(id)?;
    let (state, caller) = caller(ctx);
    let command = state
        .commands
        .request_operation(&caller, id, operation, options);
    respond(state, command).await
}

#[Object]
impl MutationRoot {
    /// Creates a cluster with a unique name.
    async fn create_cluster(
        &self,
        ctx: &Context<'_>,
        input: CreateClusterInput,
    ) -> Result<ClusterPayload> {
        let input = input.parse()?;
        let (state, caller) = caller(ctx);
        respond(state, state.commands.create_cluster(&caller, input)).await
    }

    /// Deletes a cluster that has no live droplets.
    async fn delete_cluster(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<ClusterPayload> {
        let options = inputs::options(expected_version, idempotency_key)?;
        let id = inputs::cluster_id(&id)?;
        let (state, caller) = caller(ctx);
        respond(state, state.commands.delete_cluster(&caller, id, options)).await
    }

    /// Creates a droplet and starts its provisioning job.
    async fn create_droplet(
        &self,
        ctx: &Context<'_>,
        input: CreateDropletInput,
    ) -> Result<DropletPayload> {
        let input = input.parse()?;
        let (state, caller) = caller(ctx);
        respond(state, state.commands.create_droplet(&caller, input)).await
    }

    /// Starts destroying a droplet.
    async fn destroy_droplet(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<DropletPayload> {
        let operation = DropletOperation::Destroy;
        operate(ctx, &id, operation, expected_version, idempotency_key).await
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
        let size = Size::parse(&size).map_err(errors::refused)?;
        let operation = DropletOperation::Resize { size };
        operate(ctx, &id, operation, expected_version, idempotency_key).await
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
        let operation = DropletOperation::Power { on };
        operate(ctx, &id, operation, expected_version, idempotency_key).await
    }

    /// Cancels a queued or running job.
    async fn cancel_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        idempotency_key: Option<String>,
    ) -> Result<JobPayload> {
        let key = inputs::idempotency_key(idempotency_key)?;
        let id = inputs::job_id(&id)?;
        let (state, caller) = caller(ctx);
        respond(state, state.commands.cancel_job(&caller, id, key)).await
    }

    /// Queues a failed or cancelled job again.
    async fn retry_job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        idempotency_key: Option<String>,
    ) -> Result<JobPayload> {
        let key = inputs::idempotency_key(idempotency_key)?;
        let id = inputs::job_id(&id)?;
        let (state, caller) = caller(ctx);
        respond(state, state.commands.retry_job(&caller, id, key)).await
    }
}
