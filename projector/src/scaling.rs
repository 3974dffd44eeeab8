//! What the autoscaler reads about a cluster: the mean of its scaling metric over a policy's
//! window (CPU and memory as the average over its droplets, the queue depth as the cluster's
//! own series) and its droplets that are not destroyed.

use crate::backend::Backend;
use crate::models::droplets::{DropletFilter, DropletRow, Droplets};
use crate::{ReadModels, Slice};
use chrono::{DateTime, Duration, Utc};
use command::telemetry::{cluster_own_series, cluster_series};
use schema::autoscale::ScalingMetric;
use schema::metrics::{Aggregate, MetricName};
use schema::{ClusterId, DropletStatus};
use store::metrics::{MetricsStore, Table};

/// Most droplets one read returns (a policy's max is bounded well below).
const MAX_DROPLETS: i64 = 1000;
/// Width of the buckets a window is read in; the mean weighs each by its samples.
const STEP_SECONDS: i64 = 10;

/// Reads for the autoscaler from one database.
#[derive(Clone)]
pub struct ScalingReads {
    reads: ReadModels,
    metrics: MetricsStore,
}

impl ScalingReads {
    pub fn new(reads: ReadModels) -> Self {
        Self {
            metrics: MetricsStore::new(reads.db().clone()),
            reads,
        }
    }

    /// The mean of `metric` for `cluster` over the `window` before `now` (every sample
    /// weighs the same), or `None` when there is no sample in it: CPU and MEMORY in
    /// percent, averaged over the cluster's droplets; QUEUE_DEPTH the cluster's queue.
    pub async fn metric_mean(
        &self,
        cluster: &ClusterId,
        metric: ScalingMetric,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<f64>, sqlx::Error> {
        let (series, name) = match metric {
            ScalingMetric::Cpu => (cluster_series(cluster, Aggregate::Avg), MetricName::Cpu),
            ScalingMetric::Memory => (cluster_series(cluster, Aggregate::Avg), MetricName::Memory),
            ScalingMetric::QueueDepth => (cluster_own_series(cluster), MetricName::QueueDepth),
        };
        let to_us = now.timestamp_micros();
        let from_us = (now - window).timestamp_micros();
        let buckets = self
            .metrics
            .read(
                Table::Raw,
                &series,
                name.as_str(),
                from_us,
                to_us,
                STEP_SECONDS * 1_000_000,
            )
            .await?;
        let (sum, n) = buckets
            .iter()
            .filter(|b| b.n > 0)
            .fold((0.0, 0i64), |(sum, n), b| {
                (sum + b.mean * b.n as f64, n + b.n)
            });
        Ok((n > 0).then(|| sum / n as f64))
    }

    /// The cluster's droplets that are not destroyed, by name.
    pub async fn droplets(&self, cluster: &ClusterId) -> Result<Vec<DropletRow>, sqlx::Error> {
        let filter = DropletFilter {
            cluster_id: Some(cluster.to_string()),
            ..Default::default()
        };
        let mut droplets = self
            .reads
            .list::<Droplets>(&filter, Slice::After(None), MAX_DROPLETS, false)
            .await?
            .items;
        droplets.retain(|d| d.state.status != DropletStatus::Destroyed);
        droplets.sort_by(|a, b| (&a.state.name, &a.id).cmp(&(&b.state.name, &b.id)));
        Ok(droplets)
    }
}

#[async_trait::async_trait]
impl command::autoscaler::PolicyFeed for ScalingReads {
    async fn active_policies(
        &self,
    ) -> Result<Vec<schema::ScalingPolicyId>, command::autoscaler::FeedError> {
        let db = self.reads.db().clone();
        let ids = async {
            crate::backend::on_backend!(db.reads(), p, B => {
                let mut conn = p.acquire().await?;
                let sql = "SELECT id FROM scaling_policies WHERE status = 'ACTIVE' ORDER BY ordinal";
                let rows = B::fetch_all(&mut conn, B::query(sql)).await?;
                rows.iter()
                    .map(|r| crate::codec::typed(r, "id", |t| t.parse().ok()))
                    .collect::<Result<Vec<_>, sqlx::Error>>()
            })
        };
        ids.await
            .map_err(|e: sqlx::Error| command::autoscaler::FeedError(Box::new(e)))
    }

    async fn metric_mean(
        &self,
        cluster: &ClusterId,
        metric: ScalingMetric,
        window: Duration,
        now: DateTime<Utc>,
    ) -> Result<Option<f64>, command::autoscaler::FeedError> {
        ScalingReads::metric_mean(self, cluster, metric, window, now)
            .await
            .map_err(|e| command::autoscaler::FeedError(Box::new(e)))
    }
}
