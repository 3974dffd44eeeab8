//! The evidence of a diagnosis, read from the read models and the stores beside the event
//! log: the target (a cluster and its droplets, or one droplet and its cluster), a window of
//! each running droplet's metrics and of the cluster's average, the health checks and their
//! latest runs, the targets' recent jobs, events (with each user's role now) and warning and
//! error log lines. Every list is bounded and sorted, so the same state gives the same
//! snapshot.

use crate::models::clusters::Clusters;
use crate::models::droplets::{DropletFilter, DropletRow, Droplets};
use crate::models::health_checks::{HealthCheckFilter, HealthChecks};
use crate::models::jobs::{JobFilter, Jobs};
use crate::models::users::{UserFilter, Users};
use crate::{EventFilter, ReadModels, Slice};
use chrono::{DateTime, Duration, TimeZone, Utc};
use command::diagnosis::{EvidenceError, EvidenceSource};
use schema::diagnosis::{
    ClusterFacts, DiagnosisTarget, DropletFacts, EventFacts, HealthFacts, HealthResultFacts,
    JobFacts, LogFacts, MetricWindow, Snapshot,
};
use schema::logs::{LogLevel, LogQuery};
use schema::values::HealthCheckStatus;
use schema::DropletStatus;
use std::collections::BTreeMap;
use store::activity_log::ActivityLog;
use store::health_results::HealthResults;
use store::metrics::{MetricsStore, Table};

/// How far back metrics are looked at.
pub const WINDOW_MINUTES: i64 = 30;
/// Points of a window are this far apart.
const STEP_SECONDS: u32 = 60;
/// The metrics of each running droplet in a snapshot.
const DROPLET_METRICS: &[&str] = &["CPU", "MEMORY", "DISK", "NETWORK_OUT"];
/// Bounds of the snapshot's lists.
const MAX_DROPLETS: i64 = 100;
const MAX_HEALTH_CHECKS: i64 = 20;
/// Active checks read to pick those from (the links are not a column of the read model).
const HEALTH_CHECKS_READ: i64 = 1000;
const RESULTS_PER_CHECK: i64 = 10;
const JOBS_PER_TARGET: i64 = 10;
const MAX_JOBS: usize = 50;
const EVENTS_PER_TARGET: i64 = 20;
const MAX_EVENTS: usize = 100;
const MAX_LOGS: usize = 50;

/// Reads evidence from one database.
#[derive(Clone)]
pub struct Evidence {
    reads: ReadModels,
    metrics: MetricsStore,
    health: HealthResults,
    logs: ActivityLog,
}

impl Evidence {
    /// The evidence in `reads`' database.
    pub fn new(reads: ReadModels) -> Self {
        let db = reads.db().clone();
        Self {
            metrics: MetricsStore::new(db.clone()),
            health: HealthResults::new(db.clone()),
            logs: ActivityLog::new(db),
            reads,
        }
    }

    async fn snapshot(
        &self,
        target: DiagnosisTarget,
        target_id: &str,
        taken_at: DateTime<Utc>,
    ) -> Result<Snapshot, Box<dyn std::error::Error + Send + Sync>> {
        let (cluster, mut droplets) = match target {
            DiagnosisTarget::Cluster => {
                let filter = DropletFilter {
                    cluster_id: Some(target_id.to_string()),
                    ..Default::default()
                };
                let page = self
                    .reads
                    .list::<Droplets>(&filter, Slice::After(None), MAX_DROPLETS, false)
                    .await?;
                (self.cluster(target_id).await?, page.items)
            }
            DiagnosisTarget::Droplet => {
                let d = self.reads.get::<Droplets>(target_id).await?;
                let cluster = match d.as_ref().and_then(|d| d.state.cluster_id) {
                    Some(c) => self.cluster(&c.to_string()).await?,
                    None => None,
                };
                (cluster, d.into_iter().collect())
            }
        };
        droplets.retain(|d| d.state.status != DropletStatus::Destroyed);
        droplets.sort_by(|a, b| (&a.state.name, &a.id).cmp(&(&b.state.name, &b.id)));

        let to_us = taken_at.timestamp_micros();
        let from_us = (taken_at - Duration::minutes(WINDOW_MINUTES)).timestamp_micros();
        let mut metrics = Vec::new();
        for d in droplets
            .iter()
            .filter(|d| d.state.status == DropletStatus::Running)
        {
            let series = format!("droplet:{}", d.id);
            for metric in DROPLET_METRICS {
                metrics.push(
                    self.window(&series, Some(&d.id), metric, from_us, to_us)
                        .await?,
                );
            }
        }
        if let (Some(c), DiagnosisTarget::Cluster) = (&cluster, target) {
            let series = format!("cluster:{}:AVG", c.id);
            for metric in ["CPU", "MEMORY"] {
                metrics.push(self.window(&series, None, metric, from_us, to_us).await?);
            }
        }
        metrics.retain(|w| !w.values.is_empty());

        // The aggregates the target is made of: the cluster, then its droplets.
        let mut ids: Vec<String> = cluster.iter().map(|c| c.id.clone()).collect();
        ids.extend(droplets.iter().map(|d| d.id.clone()));
        if target == DiagnosisTarget::Droplet && !ids.contains(&target_id.to_string()) {
            ids.push(target_id.to_string());
        }

        Ok(Snapshot {
            taken_at,
            target,
            target_id: target_id.to_string(),
            health_checks: self.health_checks(&ids, to_us).await?,
            jobs: self.jobs(&ids).await?,
            events: self.events(&ids).await?,
            logs: self.logs(&ids, from_us, to_us).await?,
            droplets: droplets.iter().map(droplet_facts).collect(),
            cluster,
            metrics,
        })
    }

    async fn cluster(&self, id: &str) -> Result<Option<ClusterFacts>, sqlx::Error> {
        Ok(self.reads.get::<Clusters>(id).await?.map(|c| ClusterFacts {
            id: c.id,
            name: c.state.name,
            region: c.state.region,
            status: c.state.status.as_str().into(),
        }))
    }

    async fn window(
        &self,
        series: &str,
        droplet_id: Option<&str>,
        metric: &str,
        from_us: i64,
        to_us: i64,
    ) -> Result<MetricWindow, sqlx::Error> {
        let step_us = i64::from(STEP_SECONDS) * 1_000_000;
        let buckets = self
            .metrics
            .read(Table::Raw, series, metric, from_us, to_us, step_us)
            .await?;
        Ok(MetricWindow {
            series: series.to_string(),
            droplet_id: droplet_id.map(String::from),
            metric: metric.to_string(),
            from: time(from_us),
            to: time(to_us),
            // Two decimals: the figures are for reading and keep the snapshot stable.
            values: buckets
                .iter()
                .map(|b| (b.mean * 100.0).round() / 100.0)
                .collect(),
            step_seconds: STEP_SECONDS,
        })
    }

    /// The active health checks (by name) that watch one of `ids` (the target's cluster and
    /// droplets) or nothing in particular, and each one's latest runs before `to_us`. A check
    /// watching another cluster or droplet is not evidence about this one.
    async fn health_checks(
        &self,
        ids: &[String],
        to_us: i64,
    ) -> Result<Vec<HealthFacts>, sqlx::Error> {
        let filter = HealthCheckFilter {
            status: Some(HealthCheckStatus::Active),
            ..Default::default()
        };
        let mut checks = self
            .reads
            .list::<HealthChecks>(&filter, Slice::After(None), HEALTH_CHECKS_READ, false)
            .await?
            .items;
        checks.retain(|c| {
            let watched = c.state.spec.watches.as_ref();
            watched.is_none_or(|w| ids.contains(&w.aggregate_id()))
        });
        // Those watching the target first, then by name.
        checks.sort_by_key(|c| {
            (
                c.state.spec.watches.is_none(),
                c.state.spec.name.clone(),
                c.id.clone(),
            )
        });
        checks.truncate(MAX_HEALTH_CHECKS as usize);
        let mut facts = Vec::new();
        for c in checks {
            let results = self
                .health
                .latest(&c.id, RESULTS_PER_CHECK, Some(to_us + 1))
                .await?;
            facts.push(HealthFacts {
                kind: c.state.spec.target.kind().as_str().into(),
                health: c.state.health.as_str().into(),
                name: c.state.spec.name,
                id: c.id,
                results: results
                    .into_iter()
                    .map(|r| HealthResultFacts {
                        at: time(r.at_us),
                        ok: r.success,
                        latency_ms: Some((r.duration_us as f64 / 10.0).round() / 100.0),
                        error: r.error,
                    })
                    .collect(),
            });
        }
        Ok(facts)
    }

    /// The latest jobs of each of `ids`, newest first.
    async fn jobs(&self, ids: &[String]) -> Result<Vec<JobFacts>, sqlx::Error> {
        let mut jobs = Vec::new();
        for id in ids {
            let filter = JobFilter {
                target_id: Some(id.clone()),
                ..Default::default()
            };
            let page = self
                .reads
                .list::<Jobs>(&filter, Slice::Before(None), JOBS_PER_TARGET, false)
                .await?;
            jobs.extend(page.items.into_iter().map(|j| {
                (
                    j.updated_us,
                    JobFacts {
                        id: j.id,
                        job_type: j.state.job_type.as_str().into(),
                        target_id: j.state.target_id,
                        status: j.state.status.as_str().into(),
                        attempts: j.state.attempts,
                        error: j.state.error,
                        updated_at: time(j.updated_us),
                    },
                )
            }));
        }
        jobs.sort_by(|a, b| (b.0, &b.1.id).cmp(&(a.0, &a.1.id)));
        Ok(jobs.into_iter().take(MAX_JOBS).map(|(_, j)| j).collect())
    }

    /// The latest events of each of `ids` (progress reports left out), newest first, with
    /// the role each acting user has now.
    async fn events(&self, ids: &[String]) -> Result<Vec<EventFacts>, sqlx::Error> {
        let users = self
            .reads
            .list::<Users>(&UserFilter::default(), Slice::After(None), 1000, false)
            .await?;
        let roles: BTreeMap<String, String> = users
            .items
            .into_iter()
            .map(|u| (u.state.username, u.state.role.as_str().to_string()))
            .collect();
        let mut events = Vec::new();
        for id in ids {
            let filter = EventFilter {
                aggregate_id: Some(id.clone()),
                exclude_event_types: vec!["JobProgressed".into()],
                ..Default::default()
            };
            let page = self
                .reads
                .events_slice(&filter, Slice::Before(None), EVENTS_PER_TARGET, false)
                .await?;
            events.extend(page.items.into_iter().map(|e| EventFacts {
                position: e.position,
                actor_role: roles.get(&e.actor).cloned(),
                aggregate_type: e.aggregate_type,
                aggregate_id: e.aggregate_id,
                event_type: e.event_type,
                actor: e.actor,
                at: time(e.recorded_us),
            }));
        }
        events.sort_by_key(|e| std::cmp::Reverse(e.position));
        events.dedup_by_key(|e| e.position);
        events.truncate(MAX_EVENTS);
        Ok(events)
    }

    /// Warning and error lines naming one of `ids` in the window, newest first.
    async fn logs(
        &self,
        ids: &[String],
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<LogFacts>, sqlx::Error> {
        let mut lines = Vec::new();
        for id in ids {
            let query = LogQuery {
                min_level: Some(LogLevel::Warn),
                resource_id: Some(id.clone()),
                since_us: Some(from_us),
                until_us: Some(to_us),
                ..Default::default()
            };
            lines.extend(self.logs.search(&query, None, MAX_LOGS as i64).await?);
        }
        lines.sort_by_key(|l| std::cmp::Reverse((l.at_us, l.id)));
        lines.dedup_by_key(|l| l.id);
        lines.truncate(MAX_LOGS);
        Ok(lines
            .into_iter()
            .map(|l| LogFacts {
                id: l.id,
                at: time(l.at_us),
                level: l.level.as_str().into(),
                message: l.message,
            })
            .collect())
    }
}

fn droplet_facts(d: &DropletRow) -> DropletFacts {
    DropletFacts {
        id: d.id.clone(),
        name: d.state.name.clone(),
        cluster_id: d.state.cluster_id.map(|c| c.to_string()),
        status: d.state.status.as_str().into(),
        size: d.state.size.clone(),
        image: d.state.image.clone(),
        region: d.state.region.clone(),
        ip: d.state.ip.clone(),
        // When its last event was recorded: the status it is in started then or before.
        status_since: time(d.updated_us),
    }
}

fn time(us: i64) -> DateTime<Utc> {
    Utc.timestamp_micros(us).single().unwrap_or_default()
}

#[async_trait::async_trait]
impl EvidenceSource for Evidence {
    async fn collect(
        &self,
        target: DiagnosisTarget,
        target_id: &str,
        taken_at: DateTime<Utc>,
    ) -> Result<Snapshot, EvidenceError> {
        self.snapshot(target, target_id, taken_at)
            .await
            .map_err(EvidenceError)
    }
}
