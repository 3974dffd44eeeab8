//! Monitoring: `workerPool` (the job runners of every worker process and the jobs waiting
//! for them) and `pipeline` (how far the read models and the Kafka relay are behind the event
//! store). Every figure comes from state in the database — the workers' heartbeats, the kept
//! read-model counts, the projector's and the relay's checkpoints — so any API instance
//! answers for the whole deployment, also in distributed mode where it runs no worker.

use super::JobStatus;
use crate::errors;
use crate::graphql::query::state;
use async_graphql::{Context, Object, Result, SimpleObject};
use command::store::worker_pool::WorkerPool as Heartbeats;

/// How many jobs are in one status.
#[derive(SimpleObject, Clone, Debug)]
pub struct JobStatusCount {
    pub status: JobStatus,
    pub count: i64,
}

/// The job workers of every process, from the heartbeats they write, and the jobs waiting.
#[derive(SimpleObject, Clone, Debug)]
pub struct WorkerPool {
    /// Worker processes alive: those whose heartbeat was written in the last 10 seconds (a
    /// worker beats every 2 seconds and whenever a runner takes or finishes a job).
    pub workers: i64,
    /// Job runners of those workers (`CLUSTERGENIE_WORKER_COUNT` each).
    pub runners: i64,
    /// Of them, running a job now.
    pub busy: i64,
    /// Jobs QUEUED: waiting for a runner, including retries waiting out their backoff.
    pub queue_length: i64,
    /// Jobs in each status, every status listed (0 included).
    pub jobs_by_status: Vec<JobStatusCount>,
}

/// How far the readers of the event store are behind it.
#[derive(SimpleObject, Clone, Debug)]
pub struct Pipeline {
    /// Committed events the read models do not include yet (counted up to 100,000; a longer
    /// backlog reads as 100,000). In distributed mode the count starts after the furthest
    /// event the projector applied, so a partition that fell behind the others is not in
    /// it; `clustergenie_consumer_lag_messages` counts those.
    pub projector_lag_events: i64,
    /// How long the first event the read models do not include yet has waited, in seconds;
    /// 0 when they are up to date.
    pub projector_lag_seconds: f64,
    /// Committed events the Kafka relay has not published yet (counted up to 100,000), in
    /// distributed mode. Null in embedded mode (`clustergenie serve`), where there is no
    /// relay: the projector and the worker read the event store itself.
    pub relay_lag_events: Option<i64>,
}

/// The one read of `workerPool` (GraphQL and REST v1's `/workerpool/status`).
pub(crate) async fn worker_pool(state: &crate::state::AppState) -> Result<WorkerPool> {
    let pool = Heartbeats::new(state.db.clone())
        .live(store::now_us())
        .await
        .map_err(errors::read)?;
    let statuses: Vec<&str> = schema::JobStatus::ALL.iter().map(|s| s.as_str()).collect();
    let counts = state
        .reads
        .kept_status_counts(projector::table_of(schema::AggregateType::Job), &statuses)
        .await
        .map_err(errors::read)?;
    let jobs_by_status: Vec<JobStatusCount> = schema::JobStatus::ALL
        .iter()
        .zip(counts)
        .map(|(status, (_, count))| JobStatusCount {
            status: (*status).into(),
            count,
        })
        .collect();
    let queue_length = jobs_by_status
        .iter()
        .find(|c| c.status == JobStatus::Queued)
        .map_or(0, |c| c.count);
    Ok(WorkerPool {
        workers: pool.workers,
        runners: pool.runners,
        busy: pool.busy,
        queue_length,
        jobs_by_status,
    })
}

/// The monitoring queries.
#[derive(Default)]
pub struct MonitoringQuery;

#[Object]
impl MonitoringQuery {
    /// The job workers and their queue, across every worker process.
    async fn worker_pool(&self, ctx: &Context<'_>) -> Result<WorkerPool> {
        worker_pool(state(ctx)).await
    }

    /// How far the read models (and, in distributed mode, the Kafka relay) are behind the
    /// event store.
    async fn pipeline(&self, ctx: &Context<'_>) -> Result<Pipeline> {
        let state = state(ctx);
        let now = store::now_us();
        let projector = state.reads.backlog().await.map_err(errors::read)?;
        let relay_lag_events = if state.relay {
            let store = state.store();
            let cursor = store.relay_checkpoint().await.map_err(errors::read)?;
            let backlog = store
                .backlog(cursor.unwrap_or_default())
                .await
                .map_err(errors::read)?;
            Some(backlog.events)
        } else {
            None
        };
        Ok(Pipeline {
            projector_lag_events: projector.events,
            projector_lag_seconds: projector.seconds_behind(now),
            relay_lag_events,
        })
    }
}
