//! The Query root: reads from the read models, plus `history` from the event store.

use super::consistency::wait_for;
use super::inputs::{AsOf, ClusterFilter, DropletFilter, EventFilter, JobFilter};
use super::pagination::{self, Connection};
use super::types::{AggregateType, Catalog, Cluster, Droplet, Event, Job};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, Json, Object, Result, SimpleObject, ID};
use command::history::{self, AsOf as HistoryPoint};
use projector::AuditRow;

/// Root of all queries.
pub struct QueryRoot;

fn valid_uuid(what: &str, id: &ID) -> Result<String> {
    uuid::Uuid::parse_str(id.trim())
        .map(|u| u.to_string())
        .map_err(|_| errors::bad_input(format!("{what}: {:?} is not a valid id", id.0)))
}

/// An aggregate's state and events at a point in its history.
#[derive(SimpleObject)]
pub struct History {
    pub aggregate_type: AggregateType,
    pub aggregate_id: ID,
    /// False when the aggregate had no events by then.
    pub exists: bool,
    /// Sequence of the last included event.
    pub version: i64,
    /// The state folded from the included events (`null` if it did not exist).
    pub state: Json<serde_json::Value>,
    /// The included events, oldest first.
    pub events: Vec<Event>,
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
        let state = ctx.data_unchecked::<AppState>();
        let id = valid_uuid("id", &id)?;
        wait_for(state, min_position).await?;
        Ok(state
            .reads
            .cluster(&id)
            .await
            .map_err(errors::read)?
            .map(Cluster))
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
        let state = ctx.data_unchecked::<AppState>();
        let (after, limit) = pagination::args(state, first, after)?;
        wait_for(state, min_position).await?;
        let filter = filter.unwrap_or_default().into();
        let page = state
            .reads
            .clusters(&filter, after, limit, pagination::wants_total(ctx))
            .await
            .map_err(errors::read)?;
        Ok(pagination::connection(page, |r| r.ordinal, Cluster))
    }

    /// One droplet, or null.
    async fn droplet(
        &self,
        ctx: &Context<'_>,
        id: ID,
        min_position: Option<i64>,
    ) -> Result<Option<Droplet>> {
        let state = ctx.data_unchecked::<AppState>();
        let id = valid_uuid("id", &id)?;
        wait_for(state, min_position).await?;
        Ok(state
            .reads
            .droplet(&id)
            .await
            .map_err(errors::read)?
            .map(Droplet))
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
        let state = ctx.data_unchecked::<AppState>();
        let (after, limit) = pagination::args(state, first, after)?;
        wait_for(state, min_position).await?;
        let filter = filter.unwrap_or_default().into();
        let page = state
            .reads
            .droplets(&filter, after, limit, pagination::wants_total(ctx))
            .await
            .map_err(errors::read)?;
        Ok(pagination::connection(page, |r| r.ordinal, Droplet))
    }

    /// One job, or null.
    async fn job(
        &self,
        ctx: &Context<'_>,
        id: ID,
        min_position: Option<i64>,
    ) -> Result<Option<Job>> {
        let state = ctx.data_unchecked::<AppState>();
        let id = valid_uuid("id", &id)?;
        wait_for(state, min_position).await?;
        Ok(state.reads.job(&id).await.map_err(errors::read)?.map(Job))
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
        let state = ctx.data_unchecked::<AppState>();
        let (after, limit) = pagination::args(state, first, after)?;
        wait_for(state, min_position).await?;
        let filter = filter.unwrap_or_default().into();
        let page = state
            .reads
            .jobs(&filter, after, limit, pagination::wants_total(ctx))
            .await
            .map_err(errors::read)?;
        Ok(pagination::connection(page, |r| r.ordinal, Job))
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
        let state = ctx.data_unchecked::<AppState>();
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
        let state = ctx.data_unchecked::<AppState>();
        let id = valid_uuid("aggregateId", &aggregate_id)?;
        let point = match as_of {
            None
            | Some(AsOf {
                position: None,
                time: None,
            }) => HistoryPoint::Now,
            Some(AsOf {
                position: Some(p),
                time: None,
            }) => HistoryPoint::Position(p),
            Some(AsOf {
                position: None,
                time: Some(t),
            }) => HistoryPoint::Time(t.timestamp_micros()),
            Some(_) => {
                return Err(errors::bad_input(
                    "asOf: give either position or time, not both",
                ))
            }
        };
        let snapshot = history::state_at(state.store(), aggregate_type.into(), &id, point)
            .await
            .map_err(errors::command)?;
        Ok(History {
            aggregate_type,
            aggregate_id: ID(id),
            exists: !snapshot.events.is_empty(),
            version: snapshot.version,
            state: Json(snapshot.state),
            events: snapshot
                .events
                .into_iter()
                .map(|e| {
                    Event(AuditRow {
                        ordinal: 0,
                        position: e.position,
                        aggregate_type: e.aggregate_type,
                        aggregate_id: e.aggregate_id,
                        sequence: e.sequence,
                        event_type: e.event_type,
                        event_version: e.event_version,
                        event_id: e.event_id,
                        actor: e.metadata.actor.clone(),
                        correlation_id: e.metadata.correlation_id.clone(),
                        causation_id: e.metadata.causation_id.clone(),
                        payload: e.payload,
                        metadata: serde_json::to_value(&e.metadata).unwrap_or_default(),
                        recorded_us: e.recorded_us,
                    })
                })
                .collect(),
        })
    }

    /// Regions, sizes and images droplets can be created with.
    async fn catalog(&self) -> Catalog {
        Catalog::load()
    }
}
