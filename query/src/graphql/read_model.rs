//! The one path from a GraphQL field to a read model: an object type that is a read-model
//! row implements [`ReadModel`], and every lookup and list of it goes through [`find`],
//! [`get`] and [`list`].

use super::consistency::wait_for;
use super::inputs;
use super::pagination::{self, Connection, PageArgs};
use super::types::{
    ApiToken, Cluster, Diagnosis, Droplet, HealthCheck, Job, RateLimitRule, ScalingPolicy, User,
};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, OutputType, Result, ID};
use projector::models::diagnoses::Diagnoses;
use projector::models::health_checks::HealthChecks;
use projector::models::rate_limit_rules::RateLimitRules;
use projector::models::scaling_policies::ScalingPolicies;
use projector::models::users::{ApiTokens, Users};
use projector::models::{clusters::Clusters, droplets::Droplets, jobs::Jobs, Listed, Table};
use projector::{Page, ReadModels, Slice};
use std::future::Future;

/// A GraphQL object served from one read model: looked up by id, listed by filter.
pub trait ReadModel: OutputType + Sized {
    /// The read-model row it shows.
    type Row: Send;
    /// The read-side filter of its list.
    type Filter: Send + Sync;

    /// The row with `id`, if any.
    fn by_id(
        reads: &ReadModels,
        id: &str,
    ) -> impl Future<Output = Result<Option<Self::Row>, sqlx::Error>> + Send;

    /// A page of rows matching `filter`.
    fn page(
        reads: &ReadModels,
        filter: &Self::Filter,
        slice: Slice,
        limit: i64,
        total: bool,
    ) -> impl Future<Output = Result<Page<Self::Row>, sqlx::Error>> + Send;

    /// The row's place in its list, for cursors.
    fn ordinal(row: &Self::Row) -> i64;

    /// The object showing `row`.
    fn wrap(row: Self::Row) -> Self;
}

/// Implements [`ReadModel`] for an object type wrapping a row of a read-model table, over
/// the generic reads of [`ReadModels`].
macro_rules! read_model {
    ($object:ident, $table:ty) => {
        impl ReadModel for $object {
            type Row = <$table as Table>::Row;
            type Filter = <$table as Listed>::Filter;

            async fn by_id(reads: &ReadModels, id: &str) -> Result<Option<Self::Row>, sqlx::Error> {
                reads.get::<$table>(id).await
            }

            async fn page(
                reads: &ReadModels,
                filter: &Self::Filter,
                slice: Slice,
                limit: i64,
                total: bool,
            ) -> Result<Page<Self::Row>, sqlx::Error> {
                reads.list::<$table>(filter, slice, limit, total).await
            }

            fn ordinal(row: &Self::Row) -> i64 {
                row.ordinal
            }

            fn wrap(row: Self::Row) -> Self {
                Self(row)
            }
        }
    };
}

read_model!(Cluster, Clusters);
read_model!(Droplet, Droplets);
read_model!(Job, Jobs);
read_model!(HealthCheck, HealthChecks);
read_model!(RateLimitRule, RateLimitRules);
read_model!(User, Users);
read_model!(ApiToken, ApiTokens);
read_model!(Diagnosis, Diagnoses);
read_model!(ScalingPolicy, ScalingPolicies);

/// The object with `id` (already checked), or null.
pub async fn find<T: ReadModel>(state: &AppState, id: &str) -> Result<Option<T>> {
    let row = T::by_id(&state.reads, id).await.map_err(errors::read)?;
    Ok(row.map(T::wrap))
}

/// A root `id` lookup: checks the id, waits for `minPosition`, reads.
pub async fn get<T: ReadModel>(
    state: &AppState,
    id: &ID,
    min_position: Option<i64>,
) -> Result<Option<T>> {
    let id = inputs::any_id("id", id)?;
    wait_for(state, min_position).await?;
    find(state, &id).await
}

/// A list: checks the paging arguments, waits for `minPosition`, reads one page.
pub async fn list<T: ReadModel>(
    ctx: &Context<'_>,
    args: PageArgs,
    filter: T::Filter,
    min_position: Option<i64>,
) -> Result<Connection<T>> {
    let state = ctx.data_unchecked::<AppState>();
    let (slice, limit) = args.slice(state)?;
    wait_for(state, min_position).await?;
    let page = T::page(
        &state.reads,
        &filter,
        slice,
        limit,
        pagination::wants_total(ctx),
    )
    .await
    .map_err(errors::read)?;
    Ok(pagination::connection(page, T::ordinal, T::wrap))
}
