//! Telemetry: metric series of droplets and clusters (read from the metrics store at the
//! resolution that fits the range), the load an operator injects (`injectLoad`, an event of
//! the droplet or cluster) and the live samples of one droplet (`dropletMetrics`).

use super::{time, Cluster, Droplet};
use crate::errors;
use crate::graphql::inputs;
use crate::graphql::payloads::{caller, respond, Payload, Written};
use crate::graphql::read_model::find;
use crate::state::AppState;
use async_graphql::{Context, InputObject, Object, Result, SimpleObject, ID};
use chrono::{DateTime, Utc};
use command::handlers::LoadTarget;
use command::telemetry::{cluster_own_series, cluster_series, droplet_series};
use schema::metrics::{self as m, InjectedLoad as Load, LoadDraft, RangeDraft, Resolution};
use schema::{ClusterId, DropletId};
use store::metrics::Table;

/// A reported metric: `CPU`, `MEMORY`, `DISK` (percent), `NETWORK_IN`, `NETWORK_OUT`
/// (bytes/s), `LOAD1` (load average) per droplet; `QUEUE_DEPTH` (items) per cluster.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "schema::metrics::MetricName")]
pub enum MetricName {
    Cpu,
    Memory,
    Disk,
    NetworkIn,
    NetworkOut,
    // The stored name; the default would be LOAD_1.
    #[graphql(name = "LOAD1")]
    Load1,
    QueueDepth,
}

gql_enum!(
    /// How a cluster's series combines its droplets at each moment.
    MetricAggregate, "schema::metrics::Aggregate", schema::metrics::Aggregate { Avg, Max, Min, Sum }
);

/// What load is injected on.
#[derive(async_graphql::Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum LoadTargetType {
    Droplet,
    Cluster,
}

/// A time range of a chart: `last` (`"15m"`, `"1h"`, `"24h"`, `"7d"`, up to `"30d"`) or `from`
/// (and `to`, default now), and optionally a `step` (`"10s"`, `"5m"`, `"1h"`; by default about
/// 360 points). At most 30 days and 2,000 points.
#[derive(InputObject, Clone, Debug, Default)]
pub struct MetricRange {
    pub last: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub step: Option<String>,
}

/// One point: the mean over its step, and the least and greatest sample in it.
#[derive(SimpleObject, Clone, Debug)]
pub struct MetricPoint {
    /// Start of the step.
    pub t: DateTime<Utc>,
    /// The value: the mean over the step (for a cluster's MAX or MIN series, the greatest or
    /// least of the step).
    pub v: f64,
    pub min: f64,
    pub max: f64,
}

/// A metric over a range.
#[derive(SimpleObject, Clone, Debug)]
pub struct MetricSeries {
    pub metric: MetricName,
    /// `percent`, `bytes/s`, `load` or `items`.
    pub unit: &'static str,
    /// Seconds per point.
    pub step_seconds: i64,
    /// Which store the points come from: `RAW`, `MINUTE` or `HOUR` rollups.
    pub resolution: &'static str,
    /// Oldest first; a step without samples has no point.
    pub points: Vec<MetricPoint>,
    /// The newest sample of the series, whatever the range.
    pub latest: Option<MetricPoint>,
}

/// Load an operator injected (a newer injection replaces it).
#[derive(SimpleObject, Clone, Debug)]
pub struct InjectedLoad {
    /// Percentage points of CPU added (on each droplet, for a cluster).
    pub cpu: f64,
    /// Percentage points of memory added.
    pub memory: f64,
    /// Items added to a cluster's work queue.
    pub queue_depth: f64,
    pub duration_seconds: u32,
    /// When it stops.
    pub until: DateTime<Utc>,
    /// Whether it still applies.
    pub active: bool,
}

impl From<&Load> for InjectedLoad {
    fn from(l: &Load) -> Self {
        Self {
            cpu: l.cpu,
            memory: l.memory,
            queue_depth: l.queue_depth,
            duration_seconds: l.duration_seconds,
            until: l.until,
            active: l.active_at(store::now_us()),
        }
    }
}

/// One sample of a droplet: every metric at one moment.
#[derive(SimpleObject, Clone, Debug, Default)]
pub struct MetricSample {
    pub droplet_id: ID,
    pub at: DateTime<Utc>,
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub disk: Option<f64>,
    pub network_in: Option<f64>,
    pub network_out: Option<f64>,
    pub load1: Option<f64>,
}

impl MetricSample {
    /// Sets the value of the metric stored as `metric`.
    pub fn set(&mut self, metric: &str, value: f64) {
        let slot = match m::MetricName::parse(metric) {
            Some(m::MetricName::Cpu) => &mut self.cpu,
            Some(m::MetricName::Memory) => &mut self.memory,
            Some(m::MetricName::Disk) => &mut self.disk,
            Some(m::MetricName::NetworkIn) => &mut self.network_in,
            Some(m::MetricName::NetworkOut) => &mut self.network_out,
            Some(m::MetricName::Load1) => &mut self.load1,
            _ => return,
        };
        *slot = Some(value);
    }
}

/// Reads `series` for `metric` over `range`; a cluster's MAX or MIN series shows each
/// bucket's greatest or least value, every other series its mean.
pub(crate) async fn series(
    state: &AppState,
    series: &str,
    metric: MetricName,
    range: MetricRange,
    aggregate: Option<m::Aggregate>,
) -> Result<MetricSeries> {
    let t = &state.telemetry;
    let draft = RangeDraft {
        last: range.last,
        from: range.from,
        to: range.to,
        step: range.step,
    };
    let range = m::TimeRange::parse(
        draft,
        Utc::now(),
        t.interval_seconds,
        t.raw_retention_seconds,
    )
    .map_err(errors::refused)?;
    let (table, resolution) = match range.resolution {
        Resolution::Raw => (Table::Raw, "RAW"),
        Resolution::Minute => (Table::Minute, "MINUTE"),
        Resolution::Hour => (Table::Hour, "HOUR"),
    };
    let name: m::MetricName = metric.into();
    let buckets = t
        .store
        .read(
            table,
            series,
            name.as_str(),
            range.from_us,
            range.to_us,
            range.step_us,
        )
        .await
        .map_err(errors::read)?;
    let value = |b: &store::metrics::Bucket| match aggregate {
        Some(m::Aggregate::Max) => b.greatest,
        Some(m::Aggregate::Min) => b.least,
        _ => b.mean,
    };
    let points = buckets
        .iter()
        .map(|b| MetricPoint {
            t: time(b.t_us),
            v: value(b),
            min: b.least,
            max: b.greatest,
        })
        .collect();
    let latest = latest_sample(state, series, name)
        .await?
        .map(|(at_us, v)| MetricPoint {
            t: time(at_us),
            v,
            min: v,
            max: v,
        });
    Ok(MetricSeries {
        metric,
        unit: name.unit(),
        step_seconds: range.step_us / 1_000_000,
        resolution,
        points,
        latest,
    })
}

/// The newest raw sample of `series` for `metric`, as `(at_us, value)`: a series' `latest`,
/// and REST v1's droplet `metrics`.
pub(crate) async fn latest_sample(
    state: &AppState,
    series: &str,
    metric: m::MetricName,
) -> Result<Option<(i64, f64)>> {
    state
        .telemetry
        .store
        .latest_of(series, metric.as_str())
        .await
        .map_err(errors::read)
}

/// The newest CPU, MEMORY and DISK samples of droplet `id` (REST v1's droplet `metrics`).
pub(crate) async fn droplet_usage(state: &AppState, id: &DropletId) -> Result<[Option<f64>; 3]> {
    let series = droplet_series(id);
    let mut usage = [None; 3];
    for (slot, metric) in usage.iter_mut().zip([
        m::MetricName::Cpu,
        m::MetricName::Memory,
        m::MetricName::Disk,
    ]) {
        *slot = latest_sample(state, &series, metric).await?.map(|(_, v)| v);
    }
    Ok(usage)
}

/// `droplet.metrics`.
pub(crate) async fn droplet_metrics(
    state: &AppState,
    id: &str,
    metric: MetricName,
    range: MetricRange,
) -> Result<MetricSeries> {
    if metric == MetricName::QueueDepth {
        return Err(errors::bad_input(
            "metric: QUEUE_DEPTH is a cluster's metric; ask cluster.metrics",
        ));
    }
    let id = DropletId::parse(id).map_err(errors::refused)?;
    series(state, &droplet_series(&id), metric, range, None).await
}

/// `cluster.metrics`.
pub(crate) async fn cluster_metrics(
    state: &AppState,
    id: &str,
    metric: MetricName,
    range: MetricRange,
    aggregate: MetricAggregate,
) -> Result<MetricSeries> {
    let id = ClusterId::parse(id).map_err(errors::refused)?;
    if metric == MetricName::QueueDepth {
        return series(state, &cluster_own_series(&id), metric, range, None).await;
    }
    let aggregate: m::Aggregate = aggregate.into();
    let name = cluster_series(&id, aggregate);
    series(state, &name, metric, range, Some(aggregate)).await
}

/// Input of `injectLoad`.
#[derive(InputObject, Clone, Debug)]
pub struct InjectLoadInput {
    pub target_type: LoadTargetType,
    pub target_id: ID,
    /// Percentage points of CPU to add, 0–100 (on each droplet, for a cluster).
    pub cpu: Option<f64>,
    /// Percentage points of memory to add, 0–100.
    pub memory: Option<f64>,
    /// Items to add to a cluster's work queue, 0–1000000 (clusters only).
    pub queue_depth: Option<f64>,
    /// How long it lasts, 1–86400 seconds.
    pub duration_seconds: i64,
}

/// Result of `injectLoad`: the droplet or the cluster with its load.
#[derive(SimpleObject)]
pub struct InjectLoadPayload {
    pub droplet: Option<Droplet>,
    pub cluster: Option<Cluster>,
    #[doc = crate::graphql::payloads::position_doc!()]
    pub position: i64,
    #[doc = crate::graphql::payloads::projected_doc!()]
    pub projected: bool,
}

impl Payload for InjectLoadPayload {
    type Affected = LoadTarget;

    async fn read(state: &AppState, target: LoadTarget, written: Written) -> Result<Self> {
        let (droplet, cluster) = match target {
            LoadTarget::Droplet(id) => (find(state, &id.to_string()).await?, None),
            LoadTarget::Cluster(id) => (None, find(state, &id.to_string()).await?),
        };
        Ok(Self {
            droplet,
            cluster,
            position: written.position,
            projected: written.projected,
        })
    }
}

/// Telemetry mutations.
#[derive(Default)]
pub struct TelemetryMutation;

#[Object]
impl TelemetryMutation {
    /// Adds simulated load to a droplet, or to every droplet of a cluster and its work queue,
    /// for `durationSeconds`; recorded as an event of it (`DropletLoadInjected`,
    /// `ClusterLoadInjected`). A newer injection replaces the one before.
    async fn inject_load(
        &self,
        ctx: &Context<'_>,
        input: InjectLoadInput,
    ) -> Result<InjectLoadPayload> {
        let (state, caller) = caller(ctx);
        let id = inputs::any_id("targetId", &input.target_id)?;
        let for_cluster = input.target_type == LoadTargetType::Cluster;
        let load = LoadDraft {
            cpu: input.cpu,
            memory: input.memory,
            queue_depth: input.queue_depth,
            duration_seconds: Some(input.duration_seconds),
        }
        .parse(Utc::now(), for_cluster)
        .map_err(errors::refused)?;
        let target = load_target(input.target_type, &id)?;
        respond(state, state.commands.inject_load(&caller, target, load)).await
    }

    /// Ends the load injected on a droplet or a cluster before its time (the metrics go back
    /// to what the droplets do on their own); recorded as `DropletLoadCleared` /
    /// `ClusterLoadCleared`. `FAILED_PRECONDITION` when no injected load is active.
    async fn clear_load(
        &self,
        ctx: &Context<'_>,
        target_type: LoadTargetType,
        target_id: ID,
    ) -> Result<InjectLoadPayload> {
        let (state, caller) = caller(ctx);
        let id = inputs::any_id("targetId", &target_id)?;
        let target = load_target(target_type, &id)?;
        respond(state, state.commands.clear_load(&caller, target)).await
    }
}

/// The target a load mutation names, parsed at the edge.
fn load_target(kind: LoadTargetType, id: &str) -> Result<LoadTarget> {
    Ok(match kind {
        LoadTargetType::Droplet => {
            LoadTarget::Droplet(DropletId::parse(id).map_err(errors::refused)?)
        }
        LoadTargetType::Cluster => {
            LoadTarget::Cluster(ClusterId::parse(id).map_err(errors::refused)?)
        }
    })
}
