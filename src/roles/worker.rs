//! `clustergenie worker`: runs jobs. Every worker sweeps the jobs read model for due jobs and
//! expired leases; with `CLUSTERGENIE_KAFKA_BROKERS` set, jobs also arrive through the job
//! topic, divided between the workers of one consumer group.

use crate::checks::broker_check;
use crate::components::{build_worker, job_settings, open_database, optional_kafka};
use crate::configuration::Settings;
use crate::health_server::serve_health;
use crate::signals::run_until_signal;
use bus::consumer::EventConsumer;
use bus::BusHealth;
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
    let commands = Commands::new(
        EventStore::new(db.clone()),
        job_settings(settings),
        Arc::new(Notify::new()),
    );
    let worker = build_worker(settings, commands, ReadModels::new(db.clone()));
    let shutdown = CancellationToken::new();
    let sweep = tokio::spawn(
        worker
            .clone()
            .run(Arc::new(Notify::new()), shutdown.clone()),
    );
    let health = RoleHealth::new("worker", db.clone(), crate::telemetry::metrics_handle());
    let result = match kafka {
        Some(kafka) => {
            let bus_health = BusHealth::default();
            let health = health.with_check("broker", broker_check(bus_health.clone()));
            let server = serve_health(settings, health, shutdown.clone())?;
            let consumer = EventConsumer::new(
                kafka.clone(),
                WORKER_GROUP,
                vec![kafka.topic(schema::AggregateType::Job.as_str())],
                bus_health,
            );
            let handler = bus::work::JobDispatch::new(worker);
            let work = consumer.run(handler, shutdown.clone());
            let result = run_until_signal(shutdown.clone(), work).await;
            let _ = server.await;
            result.map_err(anyhow::Error::from)
        }
        // Without Kafka the sweep is the whole worker.
        None => {
            let server = serve_health(settings, health, shutdown.clone())?;
            let stop = shutdown.clone();
            let work = async move {
                stop.cancelled().await;
                Ok::<_, anyhow::Error>(())
            };
            let result = run_until_signal(shutdown.clone(), work).await;
            let _ = server.await;
            result
        }
    };
    let _ = sweep.await;
    db.close().await;
    result
}
