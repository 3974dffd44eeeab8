//! `Droplet`: a virtual machine — the object, its status, its list filter, its queries and
//! its mutations (create, then destroy, resize and power, each carried out by a job).

use super::telemetry::{self, InjectedLoad, MetricName, MetricRange, MetricSeries};
use super::{Cluster, Guarded, Job};
use crate::graphql::filters::list_filter;
use crate::graphql::inputs::{self, command_input, parsed};
use crate::graphql::pagination::{Connection, PageArgs};
use crate::graphql::payloads::{caller, respond, Payload, Written};
use crate::graphql::query::reads;
use crate::graphql::read_model::{find, list};
use crate::rate_limits::rules::UserKey;
use crate::rate_limits::{user_of, JOBS};
use crate::state::AppState;
use async_graphql::{Context, Object, Result, SimpleObject, ID};
use command::aggregates::DropletOperation;
use command::handlers::{CreateDroplet, DropletJob};
use command::RequestContext;
use projector::{DropletRow, JobFilter as JobRows};
use schema::{DropletId, DropletName, Image, Size};

gql_enum!(
    /// Lifecycle of a droplet.
    DropletStatus, "schema::DropletStatus", schema::DropletStatus { Provisioning, Running, Failed, Stopped, Destroying, Destroyed }
);

/// A virtual machine.
pub struct Droplet(pub DropletRow);

#[Object]
impl Droplet {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.state.name
    }
    async fn cluster_id(&self) -> Option<ID> {
        self.0.state.cluster_id.map(|c| ID(c.to_string()))
    }
    async fn cluster(&self, ctx: &Context<'_>) -> Result<Option<Cluster>> {
        let Some(id) = self.0.state.cluster_id else {
            return Ok(None);
        };
        find(ctx.data_unchecked::<AppState>(), &id.to_string()).await
    }
    async fn region(&self) -> &str {
        &self.0.state.region
    }
    async fn size(&self) -> &str {
        &self.0.state.size
    }
    async fn image(&self) -> &str {
        &self.0.state.image
    }
    async fn status(&self) -> DropletStatus {
        self.0.state.status.into()
    }
    /// Its address once RUNNING.
    async fn ip(&self) -> Option<&str> {
        self.0.state.ip.as_deref()
    }
    #[graphql(flatten)]
    async fn guarded(&self) -> Guarded {
        Guarded::of(self.0.version, self.0.created_us, self.0.updated_us)
    }
    /// The most recent job started for it.
    async fn job(&self, ctx: &Context<'_>) -> Result<Option<Job>> {
        let id = self.0.state.job_id.to_string();
        find(ctx.data_unchecked::<AppState>(), &id).await
    }
    /// One of its metrics over a range (`range: {last: "1h"}`), read at the resolution that
    /// fits the range; a droplet reports while RUNNING.
    async fn metrics(
        &self,
        ctx: &Context<'_>,
        metric: MetricName,
        range: MetricRange,
    ) -> Result<MetricSeries> {
        telemetry::droplet_metrics(ctx.data_unchecked::<AppState>(), &self.0.id, metric, range)
            .await
    }
    /// The load an operator injected last (`injectLoad`), if any.
    async fn injected_load(&self) -> Option<InjectedLoad> {
        self.0.state.load.as_ref().map(Into::into)
    }
    /// Every job that worked on it, oldest first.
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Job>> {
        let filter = JobRows {
            target_id: Some(self.0.id.clone()),
            ..Default::default()
        };
        list(ctx, PageArgs::forward(first, after), filter, None).await
    }
}

list_filter!(
    /// Filters for `droplets`.
    DropletFilter => projector::DropletFilter {
        /// Substring of the name.
        name: String,
        region: String,
        status: DropletStatus,
        cluster_id: ID,
    }
);

reads!(DropletQuery: droplet, droplets -> Droplet, DropletFilter, "One droplet, or null.", "Droplets, oldest first.");

parsed!(String => DropletName, Size, Image);
parsed!(ID => DropletId);

command_input!(
    /// Input of `createDroplet`.
    CreateDropletInput => CreateDroplet {
        /// DNS label, unique among live droplets.
        name: String,
        /// Region slug from the catalog.
        region: String,
        /// Size slug from the catalog.
        size: String,
        /// Image slug from the catalog.
        image: String,
        /// Cluster to place the droplet in (same region).
        cluster_id: Option<ID>,
        /// A retried request with the same key returns the first result and appends nothing.
        idempotency_key: Option<String>,
    }
);

/// Result of droplet commands.
#[derive(SimpleObject)]
pub struct DropletPayload {
    pub droplet: Option<Droplet>,
    /// The job carrying the work out.
    pub job: Option<Job>,
    #[doc = crate::graphql::payloads::position_doc!()]
    pub position: i64,
    #[doc = crate::graphql::payloads::projected_doc!()]
    pub projected: bool,
}

impl Payload for DropletPayload {
    type Affected = DropletJob;

    async fn read(state: &AppState, ids: DropletJob, written: Written) -> Result<Self> {
        Ok(Self {
            droplet: find(state, &ids.droplet_id.to_string()).await?,
            job: find(state, &ids.job_id.to_string()).await?,
            position: written.position,
            projected: written.projected,
        })
    }
}

/// Droplet mutations.
#[derive(Default)]
pub struct DropletMutation;

/// Starts `operation` on droplet `id`.
async fn operate(
    ctx: &Context<'_>,
    id: ID,
    operation: DropletOperation,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<DropletPayload> {
    let (state, caller) = caller(ctx);
    let options = Options {
        expected_version,
        idempotency_key,
    };
    operate_as(state, user_of(ctx), &caller, id, operation, options).await
}

/// The `expectedVersion` and `idempotencyKey` of a command on an existing droplet, unparsed.
pub(crate) struct Options {
    pub expected_version: Option<i64>,
    pub idempotency_key: Option<String>,
}

/// The one path of every droplet operation (GraphQL's mutations and REST v1's `DELETE`):
/// the idempotency key is checked before the id, as for every command on an existing
/// aggregate, then the jobs limit, then the command.
pub(crate) async fn operate_as(
    state: &AppState,
    user: UserKey,
    caller: &RequestContext,
    id: ID,
    operation: DropletOperation,
    options: Options,
) -> Result<DropletPayload> {
    let options = inputs::options(options.expected_version, options.idempotency_key)?;
    let id: DropletId = inputs::parse(id)?;
    state
        .rate_limits
        .check_droplet_job_for(user, &state.commands, &id.to_string())
        .await?;
    let command = state
        .commands
        .request_operation(caller, id, operation, options);
    respond(state, command).await
}

/// The one path of `createDroplet` (GraphQL and REST v1): parse, the jobs limit, the command.
pub(crate) async fn create(
    state: &AppState,
    user: UserKey,
    caller: &RequestContext,
    input: CreateDropletInput,
) -> Result<DropletPayload> {
    let input = input.parse()?;
    let cluster = input.cluster_id.map(|c| c.to_string());
    state
        .rate_limits
        .check_for(user, JOBS, cluster.as_deref())
        .await?;
    respond(state, state.commands.create_droplet(caller, input)).await
}

#[Object]
impl DropletMutation {
    /// Creates a droplet and starts its provisioning job.
    async fn create_droplet(
        &self,
        ctx: &Context<'_>,
        input: CreateDropletInput,
    ) -> Result<DropletPayload> {
        let (state, caller) = caller(ctx);
        create(state, user_of(ctx), &caller, input).await
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
        operate(ctx, id, operation, expected_version, idempotency_key).await
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
        let size = inputs::parse(size)?;
        let operation = DropletOperation::Resize { size };
        operate(ctx, id, operation, expected_version, idempotency_key).await
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
        operate(ctx, id, operation, expected_version, idempotency_key).await
    }
}
