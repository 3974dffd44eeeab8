//! What the autoscaler reads, on both backends: a metric's mean over a window weighs every
//! sample the same, ignores samples outside the window and other clusters' series, is
//! `None` without samples; the cluster's droplets are listed by name.

mod common;

use chrono::{Duration, TimeZone, Utc};
use command::telemetry::{cluster_own_series, cluster_series};
use common::{Backend, Fixture};
use projector::projection::Checkpoint;
use projector::scaling::ScalingReads;
use projector::ReadModels;
use schema::autoscale::ScalingMetric;
use schema::metrics::Aggregate;
use schema::ClusterId;
use store::metrics::{MetricsStore, Sample};

async fn reads_a_clusters_metric_over_a_window(backend: Backend) {
    let f = Fixture::new("scaling", backend).await;
    let cluster: ClusterId = f.cluster("shop").await.parse().unwrap();
    let other: ClusterId = f.cluster("other").await.parse().unwrap();
    f.droplet("web-2", Some(&cluster.to_string())).await;
    f.droplet("web-1", Some(&cluster.to_string())).await;
    f.droplet("lone", None).await;
    f.project(Checkpoint::default(), 100).await;

    let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
    let at = |seconds_ago: i64| (now - Duration::seconds(seconds_ago)).timestamp_micros();
    let avg = cluster_series(&cluster, Aggregate::Avg);
    let queue = cluster_own_series(&cluster);
    let sample = |series: &str, metric: &'static str, seconds_ago, value| Sample {
        series: series.to_string(),
        metric,
        at_us: at(seconds_ago),
        value,
    };
    MetricsStore::new(f.db.clone())
        .write(&[
            // Inside a 60 s window: three CPU samples, two in one 10 s bucket.
            sample(&avg, "CPU", 55, 90.0),
            sample(&avg, "CPU", 31, 60.0),
            sample(&avg, "CPU", 33, 30.0),
            // Outside it, and at `now` itself (the window ends before it).
            sample(&avg, "CPU", 120, 0.0),
            sample(&avg, "CPU", 0, 0.0),
            sample(&queue, "QUEUE_DEPTH", 20, 400.0),
            sample(&queue, "QUEUE_DEPTH", 10, 200.0),
            sample(&cluster_series(&other, Aggregate::Avg), "CPU", 20, 5.0),
        ])
        .await
        .unwrap();

    let reads = ScalingReads::new(ReadModels::new(f.db.clone()));
    let minute = Duration::seconds(60);
    let cpu = reads
        .metric_mean(&cluster, ScalingMetric::Cpu, minute, now)
        .await
        .unwrap();
    assert_eq!(cpu, Some(60.0), "(90 + 60 + 30) / 3");
    let depth = reads
        .metric_mean(&cluster, ScalingMetric::QueueDepth, minute, now)
        .await
        .unwrap();
    assert_eq!(depth, Some(300.0));
    let memory = reads
        .metric_mean(&cluster, ScalingMetric::Memory, minute, now)
        .await
        .unwrap();
    assert_eq!(memory, None, "no samples: no value, not zero");

    let names: Vec<String> = reads
        .droplets(&cluster)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.state.name.to_string())
        .collect();
    assert_eq!(names, ["web-1", "web-2"]);
    f.close().await;
}
on_both_backends!(reads_a_clusters_metric_over_a_window);
