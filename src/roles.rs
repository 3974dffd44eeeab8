//! The single-role processes: `relay`, `projector` and `worker` (the `api` role is
//! [`crate::startup::Application`] with [`crate::startup::Role::Api`]).
//!
//! With `CLUSTERGENIE_KAFKA_BROKERS` set, the projector and worker consume from Kafka in
//! consumer groups; without it they poll the event store / jobs read model (a single-machine
//! split of `serve`). Every role serves `/health` and `/metrics` on `CLUSTERGENIE_LISTEN`.

use crate::configuration::Settings;
use crate::startup::{build_worker, job_settings, open_database, shutdown_signal};
use crate::telemetry;
use actix_web::{web, App, HttpResponse, HttpServer};
use anyhow::Context;
use bus::consumer::EventConsumer;
use bus::kafka::{BusContext, BusHealth};
use command::{Commands, Db, EventStore};
use projector::{ChangeFeed, Projector, ReadModels};
use query::state::HealthCheck;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// Consumer group of the projector role.
pub const PROJECTOR_GROUP: &str = "clustergenie-projector";
/// Consumer group of the worker role.
pub const WORKER_GROUP: &str = "clustergenie-worker";

/// A `/health` check of the broker connection (from the client's statistics) and of the
/// consumer's progress (from its stall watchdog): degraded when the broker is down or the
/// consumer has made no progress for `CLUSTERGENIE_KAFKA_STALL_SECONDS` while messages wait.
pub fn broker_check(health: BusHealth) -> HealthCheck {
    Arc::new(move || {
        let status = health.status();
        let up = health.broker_up();
        let stalled = status.stalled.is_some();
        (
            up && !stalled,
            serde_json::json!({
                "status": if !up { "down" } else if stalled { "stalled" } else { "up" },
                "brokersUp": status.brokers_up,
                "brokersKnown": status.brokers_known,
                "consumerGroup": status.group,
                "consumerLag": status.consumer_lag,
                "memberLag": status.member_lag,
                "assignedPartitions": status.assigned_partitions,
                "groupState": status.group_state,
                "stalled": status.stalled,
                "lastError": status.last_error,
            }),
        )
    })
}

/// Serves `/health` (database + the role's own checks) and `/metrics` until `shutdown`.
async fn serve_ops(
    settings: &Settings,
    role: &'static str,
    db: Db,
    checks: Vec<(&'static str, HealthCheck)>,
    shutdown: CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let metrics = telemetry::metrics_handle();
    let checks = Arc::new(checks);
    let server = HttpServer::new(move || {
        let db = db.clone();
        let checks = checks.clone();
        let metrics = metrics.clone();
        App::new()
            .route(
                "/health",
                web::get().to(move || {
                    let db = db.clone();
                    let checks = checks.clone();
                    async move {
                        let started = Instant::now();
                        let ping = tokio::time::timeout(Duration::from_secs(2), db.ping()).await;
                        let db_ok = matches!(ping, Ok(Ok(())));
                        let mut body = serde_json::json!({
                            "role": role,
                            "version": env!("CARGO_PKG_VERSION"),
                            "checks": {
                                "database": {
                                    "status": if db_ok { "up" } else { "down" },
                                    "backend": db.description,
                                    "latency_ms": (started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0,
                                }
                            }
                        });
                        let mut healthy = db_ok;
                        for (name, check) in checks.iter() {
                            let (ok, detail) = check();
                            healthy &= ok;
                            body["checks"][*name] = detail;
                        }
                        body["status"] = if healthy { "ok" } else { "degraded" }.into();
                        if healthy {
                            HttpResponse::Ok().json(body)
                        } else {
                            HttpResponse::ServiceUnavailable().json(body)
                        }
                    }
                }),
            )
            .route(
                "/metrics",
                web::get().to(move || {
                    let body = metrics.render();
                    async move {
                        HttpResponse::Ok()
                            .content_type("text/plain; version=0.0.4")
                            .body(body)
                    }
                }),
            )
    })
    .disable_signals()
    .workers(1)
    .shutdown_timeout(2)
    .bind(settings.listen)
    .with_context(|| format!("cannot listen on {} (CLUSTERGENIE_LISTEN)", settings.listen))?
    .run();
    tracing::info!(role, address = %settings.listen, "health and metrics at /health and /metrics");
    let handle = server.handle();
    tokio::spawn(async move {
        shutdown.cancelled().await;
        handle.stop(true).await;
    });
    Ok(tokio::spawn(async move {
        let _ = server.await;
    }))
}

/// Runs `work` until it ends or SIGTERM/Ctrl-C, then stops everything.
async fn run_role(
    shutdown: CancellationToken,
    work: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<()> {
    tokio::pin!(work);
    let result = tokio::select! {
        r = &mut work => r,
        _ = shutdown_signal() => {
            tracing::info!("shutdown requested");
            shutdown.cancel();
            work.await
        }
    };
    shutdown.cancel();
    result
}

/// `clustergenie relay`: publishes the event store to Kafka (one active relay at a time).
pub async fn relay_role(settings: &Settings) -> anyhow::Result<()> {
    let kafka = settings.kafka()?;
    let db = open_database(settings).await?;
    let shutdown = CancellationToken::new();
    let health = BusHealth::default();
    let relay = bus::relay::Relay::new(
        db.clone(),
        kafka,
        bus::relay::RelaySettings::default(),
        health.clone(),
    );
    let active = relay.active_flag();
    let broker = broker_check(health);
    let relay_check: HealthCheck = Arc::new(move || {
        let active = active.load(Ordering::Relaxed);
        let (broker_ok, broker_detail) = broker();
        (
            // A standby is healthy; an active relay needs its broker.
            !active || broker_ok,
            serde_json::json!({
                "status": if active { "active" } else { "standby" },
                "broker": broker_detail,
            }),
        )
    });
    let ops = serve_ops(
        settings,
        "relay",
        db.clone(),
        vec![("relay", relay_check)],
        shutdown.clone(),
    )
    .await?;
    let result = run_role(shutdown.clone(), relay.run(shutdown.clone())).await;
    let _ = ops.await;
    db.close().await;
    result
}

/// The ops server of a role, with the broker check when it uses Kafka.
async fn serve_role_ops(
    settings: &Settings,
    role: &'static str,
    db: &Db,
    health: Option<&BusHealth>,
    shutdown: &CancellationToken,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let checks = health
        .map(|h| vec![("broker", broker_check(h.clone()))])
        .unwrap_or_default();
    serve_ops(settings, role, db.clone(), checks, shutdown.clone()).await
}

/// The Kafka settings when `CLUSTERGENIE_KAFKA_BROKERS` is set.
fn optional_kafka(settings: &Settings) -> anyhow::Result<Option<bus::KafkaSettings>> {
    Ok(settings
        .kafka_brokers
        .is_some()
        .then(|| settings.kafka())
        .transpose()?)
}

/// `clustergenie projector`: builds read models, from Kafka when configured.
pub async fn projector_role(settings: &Settings) -> anyhow::Result<()> {
    let kafka = optional_kafka(settings)?;
    let db = open_database(settings).await?;
    let shutdown = CancellationToken::new();
    let feed = ChangeFeed::default();
    let health = kafka.as_ref().map(|_| BusHealth::default());
    let ops = serve_role_ops(settings, "projector", &db, health.as_ref(), &shutdown).await?;
    let work: Pin<Box<dyn Future<Output = anyhow::Result<()>>>> = match (kafka, health) {
        (Some(kafka), Some(health)) => {
            let notices = kafka
                .producer_config("clustergenie-projector-changes")
                .create_with_context(BusContext::new(health.clone(), None))
                .context("cannot create the Kafka producer")?;
            let handler = bus::projection::KafkaProjection::new(db.clone(), feed, &kafka, notices);
            let consumer =
                EventConsumer::new(kafka.clone(), PROJECTOR_GROUP, kafka.event_topics(), health);
            Box::pin(consumer.run(handler, shutdown.clone()))
        }
        _ => {
            let projector = Projector::new(db.clone(), feed);
            let stop = shutdown.clone();
            Box::pin(async move {
                projector.run(Arc::new(Notify::new()), stop).await;
                Ok(())
            })
        }
    };
    let result = run_role(shutdown, work).await;
    let _ = ops.await;
    db.close().await;
    result
}

/// `clustergenie worker`: runs jobs; with Kafka, jobs arrive through the job topic.
pub async fn worker_role(settings: &Settings) -> anyhow::Result<()> {
    let kafka = optional_kafka(settings)?;
    let db = open_database(settings).await?;
    let commands = Commands::new(
        EventStore::new(db.clone()),
        job_settings(settings),
        Arc::new(Notify::new()),
    );
    let worker = build_worker(settings, commands, ReadModels::new(db.clone()));
    let shutdown = CancellationToken::new();
    // The sweep: due jobs and expired leases, from the jobs read model.
    let sweep = tokio::spawn(
        worker
            .clone()
            .run(Arc::new(Notify::new()), shutdown.clone()),
    );
    let health = kafka.as_ref().map(|_| BusHealth::default());
    let ops = serve_role_ops(settings, "worker", &db, health.as_ref(), &shutdown).await?;
    let work: Pin<Box<dyn Future<Output = anyhow::Result<()>>>> = match (kafka, health) {
        (Some(kafka), Some(health)) => {
            let consumer = EventConsumer::new(
                kafka.clone(),
                WORKER_GROUP,
                vec![kafka.topic(schema::AggregateType::Job.as_str())],
                health,
            );
            let handler = bus::work::JobDispatch::new(worker);
            Box::pin(consumer.run(handler, shutdown.clone()))
        }
        // Without Kafka the sweep is the whole worker.
        _ => {
            let stop = shutdown.clone();
            Box::pin(async move {
                stop.cancelled().await;
                Ok(())
            })
        }
    };
    let result = run_role(shutdown, work).await;
    let _ = ops.await;
    let _ = sweep.await;
    db.close().await;
    result
}
