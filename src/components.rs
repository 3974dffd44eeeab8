//! The parts several roles build the same way from the settings: the database, the job
//! settings, the job worker, and the optional Kafka settings.

use crate::configuration::Settings;
use command::worker::{SimulatedProvider, Worker, WorkerSettings};
use command::{Commands, Db, JobSettings};
use projector::ReadModels;
use std::sync::Arc;

/// Opens the database the settings select: Postgres when `DATABASE_URL` is set, else SQLite.
pub async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = match &settings.database_url {
        Some(url) => Db::postgres(url, settings.database_max_connections).await?,
        None => Db::sqlite(&settings.data_dir).await?,
    };
    tracing::info!(backend = %db.description, "event store ready");
    Ok(db)
}

/// The actor of the first admin created from `CLUSTERGENIE_ADMIN_PASSWORD`.
const BOOTSTRAP_ACTOR: &str = "system:bootstrap";

/// Creates the user `admin` (ADMIN) with `CLUSTERGENIE_ADMIN_PASSWORD` when it is set and no
/// user exists yet; several API instances starting at once create it once (the name claim).
pub async fn bootstrap_admin(settings: &Settings, commands: &Commands) -> anyhow::Result<()> {
    let Some(raw) = &settings.admin_password else {
        return Ok(());
    };
    if commands.user_count().await? > 0 {
        tracing::debug!("users exist: CLUSTERGENIE_ADMIN_PASSWORD is not used");
        return Ok(());
    }
    let input = command::handlers::CreateUser {
        username: schema::users::Username::parse("admin")?,
        // Validated with the configuration.
        password: schema::users::Password::parse(raw)?,
        role: schema::users::Role::Admin,
    };
    let ctx = command::RequestContext::new(BOOTSTRAP_ACTOR);
    match commands.create_user(&ctx, input).await {
        Ok(created) => {
            tracing::info!(
                user_id = %created.value,
                "created the first user, admin (ADMIN), from CLUSTERGENIE_ADMIN_PASSWORD; \
                 the variable is not used again once a user exists"
            );
            Ok(())
        }
        // Another instance created it a moment ago.
        Err(command::CommandError::Conflict(_)) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Name of the generated session-signing secret in the store's `auth_keys`.
const SESSION_KEY: &str = "session-hs256";

/// The authenticator: the auth mode, the session secret (`CLUSTERGENIE_AUTH_SECRET`, else
/// one generated at the first start and kept in the database, so restarts and every API
/// instance share sessions), and the login limiter (`limiter`: the process' one, which
/// [`crate::rate_limits::build`] made). In `required` mode without any user,
/// says in one line how to create the first admin.
pub async fn authenticator(
    settings: &Settings,
    commands: &Commands,
    limiter: Arc<command::rate_limit::RateLimiter>,
) -> anyhow::Result<query::auth::Authenticator> {
    use query::auth::AuthMode;
    let secret = match &settings.auth_secret {
        Some(secret) => secret.clone(),
        None => {
            let generated = command::credentials::random_secret();
            commands.store().auth_key(SESSION_KEY, &generated).await?
        }
    };
    let mode = settings.auth_mode();
    if mode == AuthMode::Required && commands.user_count().await? == 0 {
        tracing::warn!(
            "authentication is required and no user exists yet: create the first admin with \
             `clustergenie users create NAME --role admin` (password from a prompt or \
             --password-file), or set CLUSTERGENIE_ADMIN_PASSWORD to create the user admin"
        );
    }
    tracing::info!(
        mode = mode.as_str(),
        "authentication: {}",
        match mode {
            AuthMode::Local => "requests without a token act as the local operator (loopback only)",
            AuthMode::Required => "every request but login needs a token",
        }
    );
    Ok(query::auth::Authenticator::new(
        mode,
        secret.as_bytes(),
        Settings::duration(settings.session_hours * 3600.0),
        commands.clone(),
        limiter,
    ))
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

/// The job worker with the simulated provider and the diagnoser (evidence from `reads`
/// database, the built-in analyzer with the configured thresholds, the model if one is set).
pub fn build_worker(
    settings: &Settings,
    commands: Commands,
    reads: ReadModels,
) -> anyhow::Result<Worker> {
    let model = settings.model_settings()?.map(|m| {
        tracing::info!(backend = %m.backend(), "diagnoses are explained by a model");
        Arc::new(command::diagnosis::model::ModelBackend::new(m))
    });
    let diagnoser = command::diagnosis::Diagnoser {
        source: Arc::new(projector::evidence::Evidence::new(reads.clone())),
        thresholds: settings.thresholds()?,
        model,
    };
    Ok(Worker::new(
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
    .with_diagnoser(diagnoser))
}

/// The Kafka settings when `CLUSTERGENIE_KAFKA_BROKERS` is set (the projector and worker
/// roles consume from Kafka then, and poll the database otherwise).
pub fn optional_kafka(settings: &Settings) -> anyhow::Result<Option<bus::KafkaSettings>> {
    Ok(settings
        .kafka_brokers
        .is_some()
        .then(|| settings.kafka())
        .transpose()?)
}

/// This process's activity log, stored in the database of the event store while it runs
/// (nothing when `CLUSTERGENIE_LOG_STORE_LEVEL=off`).
pub struct ActivityLogging {
    _writer: Option<crate::telemetry::logs::LogWriter>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    stop: tokio_util::sync::CancellationToken,
}

impl ActivityLogging {
    /// Attaches the writer and starts the retention task.
    pub fn start(settings: &Settings, db: &Db) -> Self {
        let stop = tokio_util::sync::CancellationToken::new();
        let (writer, tasks) = match settings.log_store_level.level() {
            Some(_) => {
                let (writer, tasks) = crate::telemetry::logs::attach(
                    store::activity_log::ActivityLog::new(db.clone()),
                    crate::telemetry::logs::StoreSettings {
                        buffer: settings.log_buffer_records,
                        retention_hours: settings.log_retention_hours,
                    },
                    stop.clone(),
                );
                (Some(writer), tasks)
            }
            None => (None, Vec::new()),
        };
        Self {
            _writer: writer,
            tasks,
            stop,
        }
    }

    /// Stores what is still buffered and stops; call it last, before the database closes.
    pub async fn stop(self) {
        self.stop.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
    }
}
