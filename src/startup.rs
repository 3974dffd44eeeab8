//! The API server of the `serve` and `api` roles: [`Application::build`] wires every part
//! from the settings and binds the listener (port 0 in tests); [`Application::run_until_stopped`]
//! serves until SIGTERM/Ctrl-C or the shutdown token.

use crate::checks::with_broker;
use crate::components::{build_worker, job_settings, open_database, ActivityLogging};
use crate::configuration::{ConfigError, Settings};
use crate::health_checks;
use crate::signals::shutdown_signal;
use crate::simulator;
use crate::telemetry;
use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use command::{Commands, Db, EventStore};
use projector::{ChangeFeed, Projector, ReadModels};
use query::health::{projector_check, subscriptions_check, RoleHealth};
use query::request::BodyLimits;
use query::ws::{ClientConnections, WsLimits};
use query::{ApiSettings, AppState};
use std::net::TcpListener;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Where the API's read models and live changes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiMode {
    /// Embedded: projector and worker run in this process (`clustergenie serve`).
    Embedded,
    /// Distributed: only the API; live changes come from the projector through Kafka
    /// (`clustergenie api`).
    Distributed,
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
    logging: ActivityLogging,
}

impl Application {
    /// Builds every part of `clustergenie serve` and binds the listener (port 0 picks a
    /// free port).
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_mode(settings, ApiMode::Embedded).await
    }

    /// Builds the API server in `mode`.
    pub async fn build_mode(settings: Settings, mode: ApiMode) -> anyhow::Result<Self> {
        let kafka = match mode {
            ApiMode::Distributed => Some(settings.kafka()?),
            ApiMode::Embedded => None,
        };
        let origins =
            query::origin::AllowedOrigins::parse(&settings.allowed_origins).map_err(|reason| {
                ConfigError {
                    name: "CLUSTERGENIE_ALLOWED_ORIGINS".into(),
                    reason: reason.to_string(),
                }
            })?;
        let db = open_database(&settings).await?;
        let logging = ActivityLogging::start(&settings, &db);
        let committed = Arc::new(Notify::new());
        let store = EventStore::new(db.clone());
        let commands = Commands::new(store, job_settings(&settings), committed.clone());
        crate::components::bootstrap_admin(&settings, &commands).await?;
        let feed = ChangeFeed::default();
        let reads = ReadModels::new(db.clone());
        let shutdown = CancellationToken::new();
        let mut tasks = Vec::new();
        let local_mode = crate::rate_limits::local_mode(&settings);
        let rate_limits = crate::rate_limits::build(&settings, reads.clone(), local_mode).await?;
        tasks.push(tokio::spawn(
            rate_limits
                .clone()
                .follow(feed.clone(), shutdown.clone().cancelled_owned()),
        ));
        let role = match mode {
            ApiMode::Embedded => "serve",
            ApiMode::Distributed => "api",
        };
        let mut health = RoleHealth::new(role, db.clone(), telemetry::metrics_handle())
            .with_check("projector", projector_check(feed.clone()))
            .with_check("subscriptions", subscriptions_check(feed.clone()))
            .with_check("rate_limits", rate_limits.health_check())
            .with_status_counts(reads.clone())
            .with_cluster_metrics(store::metrics::MetricsStore::new(db.clone()))
            .with_projector_backlog(reads.clone());

        let autoscaler =
            crate::autoscaler::autoscaler(&settings, commands.clone(), db.clone(), reads.clone());
        let (scheduler, own_api) =
            health_checks::scheduler(&settings, commands.clone(), db.clone(), reads.clone())?;
        match kafka {
            None => {
                health_checks::seed_defaults(&settings, &commands).await?;
                tasks.push(tokio::spawn(
                    scheduler
                        .clone()
                        .run(Arc::new(reads.clone()), shutdown.clone()),
                ));
                if settings.metrics_simulator {
                    let simulator = simulator::simulator(&settings, db.clone());
                    tasks.push(tokio::spawn(
                        simulator.run(Arc::new(reads.clone()), shutdown.clone()),
                    ));
                }
                if settings.autoscaler {
                    tasks.push(tokio::spawn(autoscaler.clone().run(shutdown.clone())));
                }
                let projector = Projector::new(db.clone(), feed.clone());
                tasks.push(tokio::spawn(
                    projector.run(committed.clone(), shutdown.clone()),
                ));
                let worker = build_worker(&settings, commands.clone(), reads.clone())?;
                tasks.push(tokio::spawn(
                    worker.run(feed.jobs_changed(), shutdown.clone()),
                ));
            }
            Some(kafka) => {
                let bus_health;
                (health, bus_health) = with_broker(health);
                let follow =
                    bus::live::follow_changes(kafka, feed.clone(), bus_health, shutdown.clone());
                let stop = shutdown.clone();
                tasks.push(tokio::spawn(async move {
                    if let Err(e) = follow.await {
                        tracing::error!(
                            error = format!("{:#}", anyhow::Error::from(e)),
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
        let auth =
            crate::components::authenticator(&settings, &commands, rate_limits.limiter()).await?;
        tasks.push(tokio::spawn(
            auth.clone().follow(feed.clone(), shutdown.clone()),
        ));
        let state = AppState {
            read_waits: Arc::new(tokio::sync::Semaphore::new(settings.max_consistency_waits)),
            commands,
            reads,
            live_reads: ReadModels::new(live_db.clone()),
            feed,
            db: db.clone(),
            auth,
            settings: api_settings(&settings),
            origins: origins.clone(),
            connections: ClientConnections::new(settings.max_connections_per_client),
            ws_limits: ws_limits(&settings),
            health: query::state::HealthChecks {
                scheduler,
                policy: health_checks::address_policy(&settings),
            },
            telemetry: simulator::reader(&settings, db.clone()),
            autoscaler,
            relay: mode == ApiMode::Distributed,
            logs: query::log_feed::LogFeed::new(store::activity_log::ActivityLog::new(
                live_db.clone(),
            )),
            rate_limits,
        };
        let schema = query::build_schema(Some(state.clone()));
        let listener = TcpListener::bind(settings.listen).with_context(|| {
            format!("cannot listen on {} (CLUSTERGENIE_LISTEN)", settings.listen)
        })?;
        let port = listener.local_addr()?.port();
        // The `api_latency` check asks this process's own API, unless configured otherwise.
        let own_ip = match settings.listen.ip() {
            ip if ip.is_unspecified() => std::net::IpAddr::from([127, 0, 0, 1]),
            ip => ip,
        };
        let _ = own_api.set(format!(
            "http://{}",
            std::net::SocketAddr::new(own_ip, port)
        ));
        let server = HttpServer::new(move || {
            App::new()
                // Inside CORS, so that a 429 carries the CORS headers a page needs to read it.
                .wrap(actix_web::middleware::from_fn(
                    query::http_rate_limit::limit_by_client,
                ))
                .wrap(origins.cors())
                .app_data(web::Data::new(schema.clone()))
                .app_data(web::Data::new(state.clone()))
                .app_data(web::Data::new(health.clone()))
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
            logging,
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
        let server = tokio::spawn(self.server);
        tokio::select! {
            _ = shutdown_signal() => tracing::info!("shutdown requested"),
            _ = self.shutdown.cancelled() => tracing::info!("shutdown requested"),
        }
        self.shutdown.cancel();
        self.handle.stop(true).await;
        let _ = server.await;
        for task in self.tasks {
            let _ = task.await;
        }
        tracing::info!("stopped");
        self.logging.stop().await;
        self.live_db.close_reads().await;
        self.db.close().await;
        Ok(())
    }
}

/// The API's limits and timeouts from the configuration.
fn api_settings(settings: &Settings) -> ApiSettings {
    ApiSettings {
        max_page_size: settings.max_page_size,
        consistency_timeout: Settings::duration(settings.consistency_timeout_seconds),
        max_consistency_waits: settings.max_consistency_waits,
        max_depth: settings.max_depth,
        max_complexity: settings.max_complexity,
        max_mutations: settings.max_mutations,
        max_response_bytes: settings.max_response_bytes,
        viewer_max_complexity: settings.viewer_max_complexity,
        body: BodyLimits {
            max_bytes: settings.max_body_bytes,
            timeout: Settings::duration(settings.body_timeout_seconds),
        },
        ..ApiSettings::default()
    }
}

/// The WebSocket limits from the configuration.
fn ws_limits(settings: &Settings) -> WsLimits {
    WsLimits {
        max_operations: settings.max_subscriptions_per_connection,
        max_message_bytes: settings.max_body_bytes,
        init_timeout: Settings::duration(settings.ws_init_timeout_seconds),
        send_timeout: Settings::duration(settings.ws_send_timeout_seconds),
    }
}
