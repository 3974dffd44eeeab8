//! `clustergenie worker`: runs jobs, health checks, the metrics simulator and the autoscaler. Every worker sweeps the jobs read model for due jobs and
//! expired leases; with `CLUSTERGENIE_KAFKA_BROKERS` set, jobs also arrive through the job
//! topic, divided between the workers of one consumer group.

use crate::checks::with_broker;
use crate::components::{
    build_worker, job_settings, open_database, optional_kafka, ActivityLogging,
};
use crate::configuration::Settings;
use crate::health_checks;
use crate::health_server::serve_health_while;
use bus::consumer::EventConsumer;
use command::{Commands, EventStore};
use projector::ReadModels;
use query::health::RoleHealth;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Consumer group of the worker role.
pub const WORKER_GROUP: &str = "clustergenie-worker";

/// Runs the worker until SIGTERM/Ctrl-C.
pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let kafka = optional_kafka(settings)?;
    let db = open_database(settings).await?;
    let logging = ActivityLogging::start(settings, &db);
    let commands = Commands::new(
        EventStore::new(db.clone()),
        job_settings(settings),
        Arc::new(Notify::new()),
    );
    let reads = ReadModels::new(db.clone());
    let (scheduler, _) =
        health_checks::scheduler(settings, commands.clone(), db.clone(), reads.clone())?;
    health_checks::seed_defaults(settings, &commands).await?;
    let autoscaler =
        crate::autoscaler::autoscaler(settings, commands.clone(), db.clone(), reads.clone());
    let worker = build_worker(settings, commands, reads.clone())?;
    let shutdown = CancellationToken::new();
    let checks = tokio::spawn(scheduler.run(Arc::new(reads.clone()), shutdown.clone()));
    // Every worker runs the simulator; one takes each tick.
    let samples = settings.metrics_simulator.then(|| {
        let simulator = crate::simulator::simulator(settings, db.clone());
        tokio::spawn(simulator.run(Arc::new(reads), shutdown.clone()))
    });
    // Every worker runs the autoscaler; one takes each policy's evaluation.
    let scaling = settings
        .autoscaler
        .then(|| tokio::spawn(autoscaler.run(shutdown.clone())));
    let sweep = tokio::spawn(
        worker
            .clone()
            .run(Arc::new(Notify::new()), shutdown.clone()),
    );
    let health = RoleHealth::new("worker", db.clone(), crate::telemetry::metrics_handle());
    let result = match kafka {
        Some(kafka) => {
            let (health, bus_health) = with_broker(health);
            let consumer = EventConsumer::new(
                kafka.clone(),
                WORKER_GROUP,
                vec![kafka.topic(schema::AggregateType::Job.as_str())],
                bus_health,
            );
            let handler = bus::work::JobDispatch::new(worker);
            let work = consumer.run(handler, shutdown.clone());
            serve_health_while(settings, health, shutdown.clone(), work).await
        }
        // Without Kafka the sweep is the whole worker.
        None => {
            let stop = shutdown.clone();
            let work = async move {
                stop.cancelled().await;
                Ok::<_, anyhow::Error>(())
            };
            serve_health_while(settings, health, shutdown.clone(), work).await
        }
    };
    let _ = sweep.await;
    let _ = checks.await;
    if let Some(samples) = samples {
        let _ = samples.await;
    }
    if let Some(scaling) = scaling {
        let _ = scaling.await;
    }
    logging.stop().await;
    db.close().await;
    result
}
