//! Reads: [`reads!`], which gives an aggregate's type module its `id` lookup and its list
//! (a few lines over [`read_model`](super::read_model)), and [`LogQuery`], the reads that
//! are no one aggregate's: the audit log, `history` and the catalog.

use super::consistency::wait_for;
use super::filters::{AsOf, EventFilter};
use super::history::{self, History};
use super::pagination::{self, Connection};
use super::types::{AggregateType, Catalog, Event};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, Object, Result, ID};

/// The shared state of a resolver.
pub(crate) fn state<'a>(ctx: &'a Context<'_>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

/// A query object with an object type's root lookup by id and its filtered list:
/// `reads!(ClusterQuery: cluster, clusters -> Cluster, ClusterFilter, "get doc", "list doc")`.
/// The object must implement [`ReadModel`](super::read_model::ReadModel) with the read-side
/// filter the GraphQL filter converts into.
macro_rules! reads {
    ($query:ident: $one:ident, $many:ident -> $object:ty, $filter:ty, $one_doc:literal, $many_doc:literal) => {
        /// The root lookup and list of one object type.
        #[derive(Default)]
        pub struct $query;

        #[async_graphql::Object]
        impl $query {
            #[doc = $one_doc]
            async fn $one(
                &self,
                ctx: &async_graphql::Context<'_>,
                id: async_graphql::ID,
                min_position: Option<i64>,
            ) -> async_graphql::Result<Option<$object>> {
                let state = $crate::graphql::query::state(ctx);
                $crate::graphql::read_model::get(state, &id, min_position).await
            }

            #[doc = $many_doc]
            #[doc = "`last` (optionally `before` a cursor) pages backwards from the newest; the page is still oldest first."]
            // Each argument is one GraphQL argument of the public schema.
            #[allow(clippy::too_many_arguments)]
            async fn $many(
                &self,
                ctx: &async_graphql::Context<'_>,
                first: Option<i32>,
                after: Option<String>,
                filter: Option<$filter>,
                min_position: Option<i64>,
                last: Option<i32>,
                before: Option<String>,
            ) -> async_graphql::Result<$crate::graphql::pagination::Connection<$object>> {
                let filter = filter.unwrap_or_default().into();
                let args = $crate::graphql::pagination::PageArgs { first, after, last, before };
                $crate::graphql::read_model::list(ctx, args, filter, min_position).await
            }
        }
    };
}
pub(crate) use reads;

/// The audit log, `history` and the catalog.
#[derive(Default)]
pub struct LogQuery;

#[Object]
impl LogQuery {
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
