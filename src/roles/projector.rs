//! `clustergenie projector`: builds the read models. With `CLUSTERGENIE_KAFKA_BROKERS` set it
//! consumes the event topics in the projector's consumer group and announces its changes on
//! the changes topic; without it, it polls the event store (a single-machine split of `serve`).

use crate::checks::with_broker;
use crate::components::{open_database, optional_kafka, ActivityLogging};
use crate::configuration::Settings;
use crate::health_server::serve_health_while;
use anyhow::Context;
use bus::consumer::EventConsumer;
use bus::kafka::{BusContext, BusHealth};
use command::Db;
use projector::{ChangeFeed, Projector};
use query::health::RoleHealth;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Consumer group of the projector role.
pub const PROJECTOR_GROUP: &str = "clustergenie-projector";

/// Runs the projector until SIGTERM/Ctrl-C.
pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let kafka = optional_kafka(settings)?;
    let db = open_database(settings).await?;
    let logging = ActivityLogging::start(settings, &db);
    let shutdown = CancellationToken::new();
    let feed = ChangeFeed::default();
    let health = RoleHealth::new("projector", db.clone(), crate::telemetry::metrics_handle())
        .with_projector_backlog(projector::ReadModels::new(db.clone()));
    let result = match kafka {
        Some(kafka) => {
            let (health, bus_health) = with_broker(health);
            let work = from_kafka(&db, feed, kafka, bus_health, shutdown.clone());
            serve_health_while(settings, health, shutdown, work).await
        }
        None => {
            let projector = Projector::new(db.clone(), feed);
            let work = async {
                projector
                    .run(Arc::new(Notify::new()), shutdown.clone())
                    .await;
                Ok::<_, anyhow::Error>(())
            };
            serve_health_while(settings, health, shutdown.clone(), work).await
        }
    };
    logging.stop().await;
    db.close().await;
    result
}

/// Consumes the event topics into the read models until `shutdown`.
async fn from_kafka(
    db: &Db,
    feed: ChangeFeed,
    kafka: bus::KafkaSettings,
    bus_health: BusHealth,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let notices = kafka
        .producer_config("clustergenie-projector-changes")
        .create_with_context(BusContext::new(bus_health.clone(), None))
        .context("cannot create the Kafka producer")?;
    let handler = bus::projection::KafkaProjection::new(db.clone(), feed, &kafka, notices);
    let consumer = EventConsumer::new(
        kafka.clone(),
        PROJECTOR_GROUP,
        kafka.event_topics(),
        bus_health,
    );
    Ok(consumer.run(handler, shutdown).await?)
}
