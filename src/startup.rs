//! Wiring: builds every part from the settings and runs them until shutdown.

use crate::configuration::Settings;
use crate::telemetry;
use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use command::worker::{SimulatedProvider, Worker, WorkerSettings};
use command::{Commands, Db, EventStore, JobSettings};
use projector::{ChangeFeed, Projector, ReadModels};
use query::auth::TokenVerifier;
use query::request::BodyLimits;
use query::ws::{ClientConnections, WsLimits};
use query::{ApiSettings, AppState};
use std::net::TcpListener;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Opens the database the settings select: Postgres when `DATABASE_URL` is set, else SQLite.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = match &settings.database_url {
        Some(url) => Db::postgres(url, settings.database_max_connections).await?,
        None => Db::sqlite(&settings.data_dir).await?,
    };
    tracing::info!(backend = %db.description, "event store ready");
    Ok(db)
}

/// Job settings from the configuration.
pub fn job_settings(settings: &Settings) -> JobSettings {
    JobSettings {
        max_attempts: settings.job_max_attempts,
        retry_backoff: chrono::Duration::from_std(Settings::duration(
            settings.job_retry_backoff_seconds,
        ))
        .unwrap_or(chrono::Duration::seconds(2)),
    }
}

/// The job worker with the simulated provider, as configured.
pub fn build_worker(settings: &Settings, commands: Commands, reads: ReadModels) -> Worker {
    Worker::new(
        commands,
        Arc::new(reads),
        SimulatedProvider {
            provision_time: Settings::duration(settings.provision_seconds),
            failure_rate: settings.provision_failure_rate,
        },
        WorkerSettings {
            workers: settings.worker_count,
            queue_capacity: settings.worker_queue,
            lease: Settings::duration(settings.job_lease_seconds),
            progress_interval: Settings::duration(settings.progress_interval_seconds),
            poll_interval: std::time::Duration::from_millis(500),
        },
    )
}

/// Which parts run beside the HTTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Embedded: API, projector and worker in one process (`clustergenie serve`).
    Serve,
    /// Distributed: only the API; live changes come from the projector through Kafka.
    Api,
}

/// A running ClusterGenie: the HTTP server and, in embedded mode, projector and worker.
pub struct Application {
    port: u16,
    server: Server,
    handle: ServerHandle,
    shutdown: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    db: Db,
    live_db: Db,
}

impl Application {
    /// Builds every part of `clustergenie serve` and binds the listener (port 0 picks a
    /// free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_role(settings, Role::Serve).await
    }

    /// Builds the API server of `role`.
    pub async fn build_role(settings: Settings, role: Role) -> anyhow::Result<Self> {
        let kafka = match role {
            Role::Api => Some(settings.kafka()?),
            Role::Serve => None,
        };
        let db = open_database(&settings).await?;
        let committed = Arc::new(Notify::new());
        let store = EventStore::new(db.clone());
        let commands = Commands::new(store, job_settings(&settings), committed.clone());
        let feed = ChangeFeed::default();
        let reads = ReadModels::new(db.clone());
        let shutdown = CancellationToken::new();
        let mut tasks = Vec::new();
        let mut checks: Vec<(&'static str, query::state::HealthCheck)> = Vec::new();

        match kafka {
            None => {
                let projector = Projector::new(db.clone(), feed.clone());
                tasks.push(tokio::spawn(
                    projector.run(committed.clone(), shutdown.clone()),
                ));
                let worker = build_worker(&settings, commands.clone(), reads.clone());
                tasks.push(tokio::spawn(
                    worker.run(feed.jobs_changed(), shutdown.clone()),
                ));
            }
            Some(kafka) => {
                let health = bus::BusHealth::default();
                checks.push(("broker", crate::roles::broker_check(health.clone())));
                let follow =
                    bus::live::follow_changes(kafka, feed.clone(), health, shutdown.clone());
                let stop = shutdown.clone();
                tasks.push(tokio::spawn(async move {
                    if let Err(e) = follow.await {
                        tracing::error!(
                            error = format!("{e:#}"),
                            "cannot follow the projector's changes; stopping"
                        );
                        stop.cancel();
                    }
                }));
            }
        }

        // Subscriptions read from a pool of their own: however many there are, commands,
        // the projector and the worker keep theirs.
        let live_db = db
            .with_own_readers(
                settings.subscription_database_connections,
                std::time::Duration::from_secs(5),
            )
            .await?;
        let origins =
            query::origin::AllowedOrigins::parse(&settings.allowed_origins).map_err(|reason| {
                crate::configuration::ConfigError {
                    name: "CLUSTERGENIE_ALLOWED_ORIGINS".into(),
                    reason,
                }
            })?;
        let state = AppState {
            read_waits: std::sync::Arc::new(tokio::sync::Semaphore::new(
                settings.max_consistency_waits,
            )),
            commands,
            reads,
            live_reads: ReadModels::new(live_db.clone()),
            feed,
            db: db.clone(),
            metrics: telemetry::metrics_handle(),
            tokens: settings.auth_secret.as_deref().map(TokenVerifier::new),
            settings: ApiSettings {
                max_page_size: settings.max_page_size,
                consistency_timeout: Settings::duration(settings.consistency_timeout_seconds),
                max_consistency_waits: settings.max_consistency_waits,
                max_depth: settings.max_depth,
                max_complexity: settings.max_complexity,
                max_mutations: settings.max_mutations,
                max_response_bytes: settings.max_response_bytes,
                body: BodyLimits {
                    max_bytes: settings.max_body_bytes,
                    timeout: Settings::duration(settings.body_timeout_seconds),
                },
                ..ApiSettings::default()
            },
            checks,
            origins: origins.clone(),
            connections: ClientConnections::new(settings.max_connections_per_client),
            ws_limits: WsLimits {
                max_operations: settings.max_subscriptions_per_connection,
                max_message_bytes: settings.max_body_bytes,
                init_timeout: Settings::duration(settings.ws_init_timeout_seconds),
                send_timeout: Settings::duration(settings.ws_send_timeout_seconds),
            },
        };
        let schema = query::build_schema(Some(state.clone()));
        let listener = TcpListener::bind(settings.listen).with_context(|| {
            format!("cannot listen on {} (CLUSTERGENIE_LISTEN)", settings.listen)
        })?;
        let port = listener.local_addr()?.port();
        let server = HttpServer::new(move || {
            App::new()
                .wrap(origins.cors())
                .app_data(web::Data::new(schema.clone()))
                .app_data(web::Data::new(state.clone()))
                .configure(query::http::routes)
        })
        .disable_signals()
        .shutdown_timeout(5)
        .listen(listener)?
        .run();
        let handle = server.handle();
        tracing::info!(address = %format!("http://{}:{port}", settings.listen.ip()), "ClusterGenie is listening; GraphQL playground at /graphql");
        Ok(Self {
            port,
            server,
            handle,
            shutdown,
            tasks,
            db,
            live_db,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A token that stops the application when cancelled.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Runs until SIGTERM/Ctrl-C or the shutdown token, then stops gracefully.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let Self {
            server,
            handle,
            shutdown,
            tasks,
            db,
            live_db,
            ..
        } = self;
        let server = tokio::spawn(server);
        tokio::select! {
            _ = shutdown_signal() => tracing::info!("shutdown requested"),
            _ = shutdown.cancelled() => tracing::info!("shutdown requested"),
        }
        shutdown.cancel();
        handle.stop(true).await;
        let _ = server.await;
        for task in tasks {
            let _ = task.await;
        }
        live_db.close_reads().await;
        db.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
