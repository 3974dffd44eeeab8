//! Droplet telemetry: the simulator that makes every RUNNING droplet report its metrics each
//! interval ([`simulate`] is what it reports), writing them to the metrics store (not the
//! event log), rolling them up and pruning them.
//!
//! One simulator takes each tick however many processes run one: ticks are aligned to the
//! interval and claimed in the store ([`MetricsStore::claim_tick`]), so in distributed mode
//! every worker runs it and one active instance samples.

pub mod simulate;

use schema::metrics::{Aggregate, InjectedLoad, MetricName};
use schema::{ClusterId, DropletId, Size};
use simulate::{droplet_sample, queue_depth, SimDroplet};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::metrics::{Latest, MetricsStore, Sample};
use tokio_util::sync::CancellationToken;

/// The series of a droplet's own samples.
pub fn droplet_series(id: &DropletId) -> String {
    format!("droplet:{id}")
}

/// The series combining a cluster's droplets with `aggregate`.
pub fn cluster_series(id: &ClusterId, aggregate: Aggregate) -> String {
    format!("cluster:{id}:{}", aggregate.as_str())
}

/// The series of a cluster's own metrics (its work queue).
pub fn cluster_own_series(id: &ClusterId) -> String {
    format!("cluster:{id}")
}

/// A RUNNING droplet, as the simulator needs it.
#[derive(Debug, Clone)]
pub struct FleetDroplet {
    pub id: DropletId,
    pub cluster_id: Option<ClusterId>,
    pub size: String,
    pub created_us: i64,
    pub load: Option<InjectedLoad>,
}

/// An ACTIVE cluster, as the simulator needs it.
#[derive(Debug, Clone)]
pub struct FleetCluster {
    pub id: ClusterId,
    pub name: String,
    pub load: Option<InjectedLoad>,
}

/// What reports this tick.
#[derive(Debug, Clone, Default)]
pub struct FleetView {
    pub droplets: Vec<FleetDroplet>,
    pub clusters: Vec<FleetCluster>,
}

/// Where the simulator finds the droplets and clusters (the read models).
#[async_trait::async_trait]
pub trait Fleet: Send + Sync {
    /// Every RUNNING droplet and every ACTIVE cluster.
    async fn fleet(&self) -> Result<FleetView, FleetError>;
}

/// The fleet could not be read (the tick is skipped and logged).
#[derive(Debug, thiserror::Error)]
#[error("cannot read the droplets and clusters: {0}")]
pub struct FleetError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

/// How the simulator runs.
#[derive(Debug, Clone)]
pub struct SimulatorSettings {
    /// How often droplets report (`CLUSTERGENIE_METRICS_INTERVAL_SECONDS`).
    pub interval: Duration,
    /// The seed of every draw (`CLUSTERGENIE_METRICS_SEED`).
    pub seed: u64,
    /// How long raw samples are kept (`CLUSTERGENIE_METRICS_RETENTION_HOURS`).
    pub raw_retention: Duration,
    /// How long rollups are kept.
    pub rollup_retention: Duration,
    /// This simulator's name in the tick claim.
    pub runner: String,
}

impl Default for SimulatorSettings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(10),
            seed: 1,
            raw_retention: Duration::from_secs(48 * 3_600),
            rollup_retention: Duration::from_secs(30 * 86_400),
            runner: format!("simulator-{}", uuid::Uuid::new_v4()),
        }
    }
}

/// Why a tick wrote nothing (it is logged; the next tick tries again).
#[derive(Debug, thiserror::Error)]
pub enum TickError {
    #[error(transparent)]
    Fleet(#[from] FleetError),
    #[error("cannot write the samples: {0}")]
    Store(#[from] sqlx::Error),
}

/// What one tick wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TickReport {
    /// Droplets that reported.
    pub droplets: usize,
    /// Samples written.
    pub samples: usize,
}

/// The metrics simulator.
#[derive(Clone)]
pub struct Simulator {
    store: MetricsStore,
    settings: SimulatorSettings,
}

impl Simulator {
    /// A simulator writing to `store`.
    pub fn new(store: MetricsStore, settings: SimulatorSettings) -> Self {
        Self { store, settings }
    }

    /// Its settings.
    pub fn settings(&self) -> &SimulatorSettings {
        &self.settings
    }

    fn interval_us(&self) -> i64 {
        (self.settings.interval.as_micros() as i64).max(1)
    }

    /// Samples on every aligned tick until `shutdown`, taking the ticks this process claims.
    pub async fn run(self, fleet: Arc<dyn Fleet>, shutdown: CancellationToken) {
        let interval = self.interval_us();
        let mut pruned: Option<Instant> = None;
        tracing::info!(
            runner = %self.settings.runner,
            interval_s = self.settings.interval.as_secs_f64(),
            seed = self.settings.seed,
            "metrics simulator started"
        );
        loop {
            let now = store::now_us();
            let next = (now.div_euclid(interval) + 1) * interval;
            let wait = Duration::from_micros((next - now).max(0) as u64);
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tokio::time::sleep(wait) => {}
            }
            match self
                .store
                .claim_tick(next, next + interval, &self.settings.runner)
                .await
            {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "metrics simulator: cannot claim the tick");
                    continue;
                }
            }
            let started = Instant::now();
            match self.tick(fleet.as_ref(), next).await {
                Ok(report) => {
                    let took = started.elapsed();
                    metrics::histogram!("clustergenie_metrics_tick_seconds")
                        .record(took.as_secs_f64());
                    metrics::counter!("clustergenie_metrics_samples_total")
                        .increment(report.samples as u64);
                    metrics::gauge!("clustergenie_metrics_droplets_reporting")
                        .set(report.droplets as f64);
                    if took > self.settings.interval {
                        tracing::warn!(
                            took_ms = took.as_millis() as u64,
                            droplets = report.droplets,
                            "metrics tick took longer than the interval"
                        );
                    }
                }
                Err(e) => tracing::warn!(error = %e, "metrics simulator: tick failed"),
            }
            if pruned.is_none_or(|p| p.elapsed() >= Duration::from_secs(600)) {
                pruned = Some(Instant::now());
                self.prune(next).await;
            }
        }
        tracing::info!("metrics simulator stopped");
    }

    /// Takes the samples of tick `at_us`: writes every RUNNING droplet's, its clusters'
    /// combined series and work queues, the newest cluster values, and rolls up what is due.
    pub async fn tick(&self, fleet: &dyn Fleet, at_us: i64) -> Result<TickReport, TickError> {
        let view = fleet.fleet().await?;
        let (samples, latest, droplets) = self.samples(&view, at_us);
        self.store.write(&samples).await?;
        self.store.set_latest(at_us, &latest).await?;
        self.store.roll_up(at_us).await?;
        Ok(TickReport {
            droplets,
            samples: samples.len(),
        })
    }

    /// Deletes what is older than the retentions.
    async fn prune(&self, now_us: i64) {
        let raw = now_us - self.settings.raw_retention.as_micros() as i64;
        let rollups = now_us - self.settings.rollup_retention.as_micros() as i64;
        match self.store.prune(raw, rollups).await {
            Ok(n) if n > 0 => tracing::info!(rows = n, "metrics older than the retention deleted"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "metrics simulator: cannot prune"),
        }
    }

    /// The samples of tick `at_us` for `view` (pure), the newest cluster values and how many
    /// droplets reported.
    pub fn samples(&self, view: &FleetView, at_us: i64) -> (Vec<Sample>, Vec<Latest>, usize) {
        let seed = self.settings.seed;
        let clusters: BTreeMap<ClusterId, &FleetCluster> =
            view.clusters.iter().map(|c| (c.id, c)).collect();
        let mut samples = Vec::with_capacity(view.droplets.len() * 6 + view.clusters.len() * 25);
        let mut per_cluster: BTreeMap<ClusterId, Vec<[f64; 6]>> = BTreeMap::new();
        let mut droplets = 0;
        for d in &view.droplets {
            let Ok(size) = Size::parse(&d.size) else {
                continue;
            };
            let cluster = d.cluster_id.and_then(|c| clusters.get(&c));
            let sim = SimDroplet {
                id: d.id.0.as_u128(),
                size: size.info(),
                created_us: d.created_us,
                load: d.load,
                cluster_load: cluster.and_then(|c| c.load),
            };
            let values = droplet_sample(seed, &sim, at_us);
            let series = droplet_series(&d.id);
            for (metric, value) in MetricName::DROPLET.iter().zip(values) {
                samples.push(Sample {
                    series: series.clone(),
                    metric: metric.as_str(),
                    at_us,
                    value,
                });
            }
            if let Some(c) = cluster {
                per_cluster.entry(c.id).or_default().push(values);
            }
            droplets += 1;
        }
        let mut latest = Vec::new();
        for c in &view.clusters {
            let queue = queue_depth(seed, c.id.0.as_u128(), c.load.as_ref(), at_us);
            let own = cluster_own_series(&c.id);
            samples.push(Sample {
                series: own.clone(),
                metric: MetricName::QueueDepth.as_str(),
                at_us,
                value: queue,
            });
            latest.push(Latest {
                series: own,
                metric: MetricName::QueueDepth.as_str().into(),
                label: c.name.clone(),
                value: queue,
            });
            let Some(rows) = per_cluster.get(&c.id) else {
                continue;
            };
            for (i, metric) in MetricName::DROPLET.iter().enumerate() {
                let values = rows.iter().map(|r| r[i]);
                let sum: f64 = values.clone().sum();
                for (aggregate, value) in [
                    (Aggregate::Avg, sum / rows.len() as f64),
                    (Aggregate::Max, values.clone().fold(f64::MIN, f64::max)),
                    (Aggregate::Min, values.clone().fold(f64::MAX, f64::min)),
                    (Aggregate::Sum, sum),
                ] {
                    let series = cluster_series(&c.id, aggregate);
                    if aggregate == Aggregate::Avg {
                        latest.push(Latest {
                            series: series.clone(),
                            metric: metric.as_str().into(),
                            label: c.name.clone(),
                            value,
                        });
                    }
                    samples.push(Sample {
                        series,
                        metric: metric.as_str(),
                        at_us,
                        value,
                    });
                }
            }
        }
        (samples, latest, droplets)
    }
}
