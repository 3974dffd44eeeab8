//! The Subscription root: live job progress, job and droplet changes, the audit tail,
//! health-check runs and droplet samples.
//!
//! Each subscription listens to the projector's change feed *before* it reads its starting
//! state, so a change that lands while the snapshot is being read is never missed; changes
//! already contained in the snapshot are recognised by their version and skipped.
//!
//! Everything they read comes from `live_reads`, a pool of its own. Streams are pulled:
//! the audit tail reads its catch-up one page at a time, only when the socket took the
//! previous one, so a client that stops reading stops its queries (and is dropped by `ws`).

use super::filters::EventFilter;
use super::inputs;
use super::pagination;
use super::types::{
    Droplet, DropletFilter, Event, HealthCheckResult, Job, JobFilter, LogFilter, LogRecord,
    LogTailMessage, MetricSample,
};
use crate::errors;
use crate::state::AppState;
use async_graphql::{Context, Result, Subscription, ID};
use futures::Stream;
use projector::ChangedRow;
use tokio::sync::broadcast::error::RecvError;

/// Records one catch-up read of `logTail` returns.
const LOG_TAIL_PAGE: i64 = 500;

/// Root of all subscriptions.
pub struct SubscriptionRoot;

/// Counts a subscription in the metrics for as long as it lives.
struct Active(&'static str);

impl Active {
    fn new(kind: &'static str) -> Self {
        metrics::gauge!("clustergenie_active_subscriptions", "kind" => kind).increment(1.0);
        Self(kind)
    }
}

impl Drop for Active {
    fn drop(&mut self) {
        metrics::gauge!("clustergenie_active_subscriptions", "kind" => self.0).decrement(1.0);
    }
}

#[Subscription]
impl SubscriptionRoot {
    /// A job's current state, then every change, ending after a terminal status.
    async fn job_progress(
        &self,
        ctx: &Context<'_>,
        job_id: ID,
    ) -> Result<impl Stream<Item = Result<Job>>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let id = inputs::any_id("jobId", &job_id)?;
        let mut rx = state.feed.subscribe();
        let snapshot = state
            .reads
            .job(&id)
            .await
            .map_err(errors::read)?
            .ok_or_else(|| errors::not_found(format!("job {id} not found")))?;
        let active = Active::new("jobProgress");
        Ok(async_stream::stream! {
            let _active = active;
            let mut version = snapshot.version;
            let done = snapshot.state.status.is_terminal();
            yield Ok(Job(snapshot));
            if done {
                return;
            }
            loop {
                let row = match rx.recv().await {
                    Ok(change) => match &change.row {
                        Some(ChangedRow::Job(row)) if row.id == id => row.clone(),
                        _ => continue,
                    },
                    Err(RecvError::Lagged(_)) => match state.live_reads.job(&id).await {
                        Ok(Some(row)) => row,
                        Ok(None) => continue,
                        Err(e) => {
                            yield Err(errors::read(e));
                            return;
                        }
                    },
                    Err(RecvError::Closed) => return,
                };
                if row.version <= version {
                    continue;
                }
                version = row.version;
                let done = row.state.status.is_terminal();
                yield Ok(Job(row));
                if done {
                    return;
                }
            }
        })
    }

    /// Every change to jobs matching the filter.
    async fn jobs(&self, ctx: &Context<'_>, filter: Option<JobFilter>) -> impl Stream<Item = Job> {
        let filter: projector::JobFilter = filter.unwrap_or_default().into();
        changes(ctx, "jobs", move |row| {
            let ChangedRow::Job(row) = row else {
                return None;
            };
            filter.matches(row).then(|| Job(row.clone()))
        })
    }

    /// Every change to droplets matching the filter.
    async fn droplets(
        &self,
        ctx: &Context<'_>,
        filter: Option<DropletFilter>,
    ) -> impl Stream<Item = Droplet> {
        let filter = projector::DropletFilter::from(filter.unwrap_or_default());
        changes(ctx, "droplets", move |changed| match changed {
            ChangedRow::Droplet(row) if filter.matches(row) => Some(Droplet(row.clone())),
            _ => None,
        })
    }

    /// Every new run of a health check, as it is stored (polled every half second, so it
    /// works whichever process runs the check).
    async fn health_check_results(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<impl Stream<Item = Result<HealthCheckResult>>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let id = inputs::any_id("id", &id)?;
        let exists = state
            .reads
            .get::<projector::models::health_checks::HealthChecks>(&id)
            .await
            .map_err(errors::read)?
            .is_some();
        if !exists {
            return Err(errors::not_found(format!("health check {id} not found")));
        }
        let active = Active::new("healthCheckResults");
        let results = state.health.scheduler.results().clone();
        let mut last = store::now_us();
        Ok(async_stream::stream! {
            let _active = active;
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
            loop {
                tick.tick().await;
                match results.since(&id, last).await {
                    Ok(rows) => {
                        for row in rows {
                            last = row.at_us;
                            yield HealthCheckResult::from_stored(row);
                        }
                    }
                    Err(e) => {
                        yield Err(errors::read(e));
                        return;
                    }
                }
            }
        })
    }

    /// The activity log as a live tail: records matching `filter` (or the LogQL-like
    /// `query`) stored after the cursor `after` (a record's `cursor`; without it, from
    /// now), oldest first. A client that reads too slowly skips records and is told how
    /// many in the next message's `dropped`.
    async fn log_tail(
        &self,
        ctx: &Context<'_>,
        filter: Option<LogFilter>,
        query: Option<String>,
        after: Option<String>,
    ) -> Result<impl Stream<Item = Result<LogTailMessage>>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let search = super::types::log_search(filter, query)?;
        let after = after
            .as_deref()
            .map(|c| super::types::decode_log_cursor("after", c))
            .transpose()?;
        // Listen first, then find where to start: nothing stored in between is missed.
        let mut rx = state.logs.subscribe();
        let log = state.logs.log().clone();
        let mut seen = match after {
            Some(cursor) => cursor.id,
            None => log.newest_id().await.map_err(errors::read)?,
        };
        let active = Active::new("logTail");
        let message = |record: store::activity_log::LogRecord, dropped: i64| LogTailMessage {
            cursor: super::types::encode_log_cursor(&record),
            record: LogRecord(record),
            dropped,
        };
        Ok(async_stream::stream! {
            let _active = active;
            let mut dropped = 0;
            // Catch up from the stored log, one page at a time, as the client reads.
            if after.is_some() {
                loop {
                    let page = match log.after(seen, LOG_TAIL_PAGE).await {
                        Ok(page) => page,
                        Err(e) => {
                            yield Err(errors::read(e));
                            return;
                        }
                    };
                    let full = page.len() as i64 == LOG_TAIL_PAGE;
                    for record in page {
                        seen = record.id;
                        if search.matches(&record.view()) {
                            yield Ok(message(record, 0));
                        }
                    }
                    if !full {
                        break;
                    }
                }
            }
            loop {
                let batch = match rx.recv().await {
                    Ok(batch) => batch,
                    Err(RecvError::Lagged(_)) => match rx.recv().await {
                        // Fell behind: count what this subscription missed, then go on.
                        Ok(batch) => {
                            let next = batch.first().map_or(seen, |r| r.id);
                            if next > seen + 1 {
                                match log.count_between(&search, seen, next).await {
                                    Ok(n) => dropped += n,
                                    Err(e) => {
                                        yield Err(errors::read(e));
                                        return;
                                    }
                                }
                                seen = next - 1;
                            }
                            batch
                        }
                        Err(_) => return,
                    },
                    Err(RecvError::Closed) => return,
                };
                for record in batch.iter() {
                    if record.id <= seen {
                        continue;
                    }
                    seen = record.id;
                    if search.matches(&record.view()) {
                        yield Ok(message(record.clone(), std::mem::take(&mut dropped)));
                    }
                }
            }
        })
    }

    /// Every new sample of a droplet, one message per sample (all its metrics at one
    /// moment), as the simulator stores it (polled every half second, so it works whichever
    /// process samples).
    async fn droplet_metrics(
        &self,
        ctx: &Context<'_>,
        droplet_id: ID,
    ) -> Result<impl Stream<Item = Result<MetricSample>>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let id = schema::DropletId::parse(&droplet_id).map_err(errors::refused)?;
        let exists = state
            .reads
            .get::<projector::models::droplets::Droplets>(&id.to_string())
            .await
            .map_err(errors::read)?
            .is_some();
        if !exists {
            return Err(errors::not_found(format!("droplet {id} not found")));
        }
        let active = Active::new("dropletMetrics");
        let store = state.telemetry.store.clone();
        let series = command::telemetry::droplet_series(&id);
        let mut last = store::now_us();
        Ok(async_stream::stream! {
            let _active = active;
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
            loop {
                tick.tick().await;
                let rows = match store.since(&series, last).await {
                    Ok(rows) => rows,
                    Err(e) => {
                        yield Err(errors::read(e));
                        return;
                    }
                };
                // A full page may end inside a moment: leave that moment for the next poll.
                let mut rows = rows;
                if rows.len() == store::metrics::SINCE_LIMIT {
                    let cut = rows.last().map(|r| r.0);
                    rows.retain(|r| Some(r.0) != cut);
                }
                let mut sample: Option<MetricSample> = None;
                for (at_us, metric, value) in rows {
                    if sample.as_ref().is_some_and(|s| s.at != super::types::time(at_us)) {
                        yield Ok(sample.take().expect("checked"));
                    }
                    let s = sample.get_or_insert_with(|| MetricSample {
                        droplet_id: ID(id.to_string()),
                        at: super::types::time(at_us),
                        ..MetricSample::default()
                    });
                    s.set(&metric, value);
                    last = at_us;
                }
                if let Some(s) = sample {
                    yield Ok(s);
                }
            }
        })
    }

    /// The audit log as a live tail: events after the cursor `after` (from the stored log),
    /// then every new event, in global order, without gaps or duplicates. Without `after`, only
    /// new events.
    async fn events(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        filter: Option<EventFilter>,
    ) -> Result<impl Stream<Item = Result<Event>>> {
        let state = ctx.data_unchecked::<AppState>().clone();
        let filter: projector::EventFilter = filter.unwrap_or_default().checked()?;
        let mut rx = state.feed.subscribe();
        let start = match after.as_deref() {
            Some(cursor) => pagination::decode(cursor)?,
            None => {
                state
                    .reads
                    .checkpoint()
                    .await
                    .map_err(errors::read)?
                    .ordinal
            }
        };
        let active = Active::new("events");
        Ok(async_stream::stream! {
            let _active = active;
            let mut last = start;
            let mut catch_up = true;
            loop {
                if catch_up {
                    loop {
                        let page = match state.live_reads.events(&filter, Some(last), 200, false).await {
                            Ok(page) => page,
                            Err(e) => {
                                yield Err(errors::read(e));
                                return;
                            }
                        };
                        for row in page.items {
                            last = row.ordinal;
                            yield Ok(Event(row));
                        }
                        if !page.has_next {
                            break;
                        }
                    }
                    catch_up = false;
                }
                match rx.recv().await {
                    Ok(change) => {
                        let row = &change.audit;
                        if row.ordinal <= last {
                            continue;
                        }
                        last = row.ordinal;
                        if filter.matches(row) {
                            yield Ok(Event(row.clone()));
                        }
                    }
                    Err(RecvError::Lagged(_)) => catch_up = true,
                    Err(RecvError::Closed) => return,
                }
            }
        })
    }
}

/// Every changed row `pick` selects, from now on, counted as subscription `kind`. A
/// subscriber that falls behind skips what it missed (it is told in the log).
fn changes<T>(
    ctx: &Context<'_>,
    kind: &'static str,
    pick: impl Fn(&ChangedRow) -> Option<T> + Send + 'static,
) -> impl Stream<Item = T> {
    let mut rx = ctx.data_unchecked::<AppState>().feed.subscribe();
    let active = Active::new(kind);
    async_stream::stream! {
        let _active = active;
        loop {
            match rx.recv().await {
                Ok(change) => {
                    if let Some(item) = change.row.as_ref().and_then(&pick) {
                        yield item;
                    }
                }
                Err(RecvError::Lagged(n)) => tracing::warn!(skipped = n, kind, "subscriber fell behind"),
                Err(RecvError::Closed) => return,
            }
        }
    }
}
