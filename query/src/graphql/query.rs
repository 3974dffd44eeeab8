//! The Query root: reads from the read models through [`read_model`], plus `history` from
//! the event store.

use super::consistency::wait_for;
use super::filters::{AsOf, ClusterFilter, DropletFilter, EventFilter, JobFilter};
use super::history::{self, History};
use super::pagination::{self, Connection};
use super::read_model::{get, list};
use super::types::{AggregateType, Catalog, Cluster, Droplet, Event, Job};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, Object, Result, ID};

/// Root of all queries.
pub struct QueryRoot;

fn state<'a>(ctx: &'a Context<'_>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

#[Object]
impl QueryRoot {
    /// One cluster, or null.
    async fn cluster(
        &self,
        ctx: &Context<'_>,
        id: ID,
        min_position: Option<i64>,
    ) -> Result<Option<Cluster>> {
        get(state(ctx), &id, min_position).await
    }

    /// Clusters, oldest first.
    async fn clusters(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ClusterFilter>,
        min_position: Option<i64>,
    ) -> Result<Connection<Cluster>> {
        let filter = filter.unwrap_or_default().into();
        list(ctx, first, after, filter, min_position).await
    }

    /// One droplet, or null.
    async fn droplet(
        &self,
        ctx: &Context<'_>,
        id: ID,
        min_position: Option<i64>,
    ) -> Result<Option<Droplet>> {
        get(state(ctx), &id, min_position).await
    }

    /// Droplets, oldest first.
    async fn droplets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<DropletFilter>,
        min_position: Option<i64>,
    ) -> Result<Connection<Droplet>> {
        let filter = filter.unwrap_or_default().into();
        list(ctx, first, after, filter, min_position).await
    }

    /// One job, or null.
    async fn job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        min_position: Option<i64>,
    ) -> Result<Option<Job>> {
        get(state(ctx), &id, min_position).await
    }

    /// Jobs, oldest first.
    async fn jobs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<JobFilter>,
        min_position: Option<i64>,
    ) -> Result<Connection<Job>> {
        let filter = filter.unwrap_or_default().into();
        list(ctx, first, after, filter, min_position).await
    }

    /// The audit log in global order. `last` (optionally `before` a cursor) pages backwards
    /// from the newest event; the page is still in global order.
    // Each argument is one GraphQL argument of the public schema; grouping them would change it.
    #[allow(clippy::too_many_arguments)]
    async fn events(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<EventFilter>,
        min_position: Option<i64>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Result<Connection<Event>> {
        let state = state(ctx);
        let (slice, limit) = pagination::slice_args(state, first, after, last, before)?;
        wait_for(state, min_position).await?;
        let filter = filter.unwrap_or_default().checked()?;
        let page = state
            .reads
            .events_slice(&filter, slice, limit, pagination::wants_total(ctx))
            .await
            .map_err(errors::read)?;
        Ok(pagination::connection(page, |r| r.ordinal, Event))
    }

    /// An aggregate's state and events as of a global position or a time (default: now),
    /// folded from the event store itself.
    async fn history(
        &self,
        ctx: &Context<'_>,
        aggregate_type: AggregateType,
        aggregate_id: ID,
        as_of: Option<AsOf>,
    ) -> Result<History> {
        history::history(state(ctx), aggregate_type, &aggregate_id, as_of).await
    }

    /// Regions, sizes and images droplets can be created with.
    async fn catalog(&self) -> Catalog {
        Catalog::load()
    }
}
