//! `Cluster`: a named group of droplets in one region — the object, its status, its list
//! filter, its queries and its mutations.

use super::telemetry::{
    self, InjectedLoad, MetricAggregate, MetricName, MetricRange, MetricSeries,
};
use super::{Droplet, Guarded};
use crate::errors;
use crate::graphql::filters::list_filter;
use crate::graphql::inputs::{self, command_input, parsed, FromInput};
use crate::graphql::pagination::{Connection, PageArgs};
use crate::graphql::payloads::{caller, respond, single_payload};
use crate::graphql::query::reads;
use crate::graphql::read_model::list;
use crate::state::AppState;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use command::handlers::CreateCluster;
use command::RequestContext;
use projector::{ClusterRow, DropletFilter as DropletRows};
use schema::{ClusterId, ClusterName, Labels};

gql_enum!(
    /// Lifecycle of a cluster.
    ClusterStatus, "schema::ClusterStatus", schema::ClusterStatus { Active, Deleted }
);

/// A key/value label.
#[derive(SimpleObject, Clone, Debug)]
pub struct Label {
    pub key: String,
    pub value: String,
}

/// A named group of droplets in one region.
pub struct Cluster(pub ClusterRow);

#[Object]
impl Cluster {
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    async fn name(&self) -> &str {
        &self.0.state.name
    }
    async fn region(&self) -> &str {
        &self.0.state.region
    }
    async fn labels(&self) -> Vec<Label> {
        self.0
            .state
            .labels
            .iter()
            .map(|(k, v)| Label {
                key: k.clone(),
                value: v.clone(),
            })
            .collect()
    }
    async fn status(&self) -> ClusterStatus {
        self.0.state.status.into()
    }
    /// Droplets in the cluster that are not destroyed.
    async fn droplet_count(&self) -> i64 {
        self.0.state.droplet_count
    }
    #[graphql(flatten)]
    async fn guarded(&self) -> Guarded {
        Guarded::of(self.0.version, self.0.created_us, self.0.updated_us)
    }
    /// The cluster's droplets, oldest first.
    async fn droplets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<Connection<Droplet>> {
        let filter = DropletRows {
            cluster_id: Some(self.0.id.clone()),
            ..Default::default()
        };
        list(ctx, PageArgs::forward(first, after), filter, None).await
    }
    /// One metric of the cluster over a range: its RUNNING droplets combined at each moment
    /// with `aggregate` (default AVG), or its work queue (`QUEUE_DEPTH`, one series).
    async fn metrics(
        &self,
        ctx: &Context<'_>,
        metric: MetricName,
        range: MetricRange,
        #[graphql(default_with = "MetricAggregate::Avg")] aggregate: MetricAggregate,
    ) -> Result<MetricSeries> {
        let state = ctx.data_unchecked::<crate::state::AppState>();
        telemetry::cluster_metrics(state, &self.0.id, metric, range, aggregate).await
    }
    /// The load an operator injected last (`injectLoad`), if any.
    async fn injected_load(&self) -> Option<InjectedLoad> {
        self.0.state.load.as_ref().map(Into::into)
    }
}

list_filter!(
    /// Filters for `clusters`.
    ClusterFilter => projector::ClusterFilter {
        /// Substring of the name.
        name: String,
        region: String,
        status: ClusterStatus,
    }
);

reads!(ClusterQuery: cluster, clusters -> Cluster, ClusterFilter, "One cluster, or null.", "Clusters, oldest first.");

parsed!(String => ClusterName);
parsed!(ID => ClusterId);

/// A key/value label.
#[derive(InputObject, Clone, Debug)]
pub struct LabelInput {
    pub key: String,
    pub value: String,
}

impl FromInput<Option<Vec<LabelInput>>> for Labels {
    fn from_input(raw: Option<Vec<LabelInput>>) -> Result<Self> {
        let pairs = raw
            .unwrap_or_default()
            .into_iter()
            .map(|l| (l.key, l.value));
        Labels::parse(pairs).map_err(errors::refused)
    }
}

command_input!(
    /// Input of `createCluster`.
    CreateClusterInput => CreateCluster {
        /// DNS label, unique among clusters.
        name: String,
        /// Region slug from the catalog.
        region: String,
        labels: Option<Vec<LabelInput>>,
        /// A retried request with the same key returns the first result and appends nothing.
        idempotency_key: Option<String>,
    }
);

single_payload!(
    /// Result of `createCluster` and `deleteCluster`.
    ClusterPayload { cluster: Cluster },
    ClusterId
);

/// The one path of `createCluster` (GraphQL and REST v1): parse, then the command.
pub(crate) async fn create(
    state: &AppState,
    caller: &RequestContext,
    input: CreateClusterInput,
) -> Result<ClusterPayload> {
    let input = input.parse()?;
    respond(state, state.commands.create_cluster(caller, input)).await
}

/// The one path of `deleteCluster` (GraphQL and REST v1): the options before the id, as for
/// every command on an existing aggregate, then the command.
pub(crate) async fn delete(
    state: &AppState,
    caller: &RequestContext,
    id: ID,
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<ClusterPayload> {
    let options = inputs::options(expected_version, idempotency_key)?;
    let id = inputs::parse(id)?;
    respond(state, state.commands.delete_cluster(caller, id, options)).await
}

/// Cluster mutations.
#[derive(Default)]
pub struct ClusterMutation;

#[Object]
impl ClusterMutation {
    /// Creates a cluster with a unique name.
    async fn create_cluster(
        &self,
        ctx: &Context<'_>,
        input: CreateClusterInput,
    ) -> Result<ClusterPayload> {
        let (state, caller) = caller(ctx);
        create(state, &caller, input).await
    }

    /// Deletes a cluster that has no live droplets.
    async fn delete_cluster(
        &self,
        ctx: &Context<'_>,
        id: ID,
        expected_version: Option<i64>,
        idempotency_key: Option<String>,
    ) -> Result<ClusterPayload> {
        let (state, caller) = caller(ctx);
        delete(state, &caller, id, expected_version, idempotency_key).await
    }
}
