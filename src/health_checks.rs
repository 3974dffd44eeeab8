//! Health checks in the processes that run them: the measurements of ClusterGenie itself that
//! INTERNAL checks read ([`Internals`]), the two checks every installation starts with
//! ([`seed_defaults`]), and the scheduler as the settings configure it ([`scheduler`]).
//! `serve` and `worker` run the scheduler; `api` keeps one for `runHealthCheck`.

use crate::configuration::Settings;
use command::health::probe::Prober;
use command::health::{InternalProbe, Scheduler, SchedulerSettings};
use command::{Commands, Db, EventStore, RequestContext};
use projector::ReadModels;
use schema::conditions::Observation;
use schema::health_check::{HealthCheckDraft, HealthCheckSpec};
use schema::health_target::AddressPolicy;
use schema::values::HealthCheckKind;
use schema::HealthCheckId;
use std::sync::{Arc, OnceLock};
use store::health_results::HealthResults;

/// The measurements INTERNAL checks read.
pub struct Internals {
    db: Db,
    reads: ReadModels,
    brokers: Option<String>,
    /// Base URL of an API `api_latency` asks: the configured one, or this process's own once
    /// it listens.
    api_url: Arc<OnceLock<String>>,
    client: reqwest::Client,
}

#[async_trait::async_trait]
impl InternalProbe for Internals {
    async fn measure(&self, name: &str) -> Result<Observation, String> {
        let connected = Observation {
            connected: true,
            ..Observation::default()
        };
        match name {
            "database" => {
                self.db
                    .ping()
                    .await
                    .map_err(|e| format!("the database does not answer: {e}"))?;
                Ok(connected)
            }
            "projector_lag" => {
                let head = EventStore::new(self.db.clone())
                    .head()
                    .await
                    .map_err(|e| format!("cannot read the event log: {e}"))?;
                let checkpoint = self
                    .reads
                    .checkpoint()
                    .await
                    .map_err(|e| format!("cannot read the projector's checkpoint: {e}"))?;
                Ok(Observation {
                    value: Some((head - checkpoint.cursor.position).max(0) as f64),
                    ..connected
                })
            }
            "broker" => {
                let Some(brokers) = &self.brokers else {
                    return Err("this process uses no broker (embedded mode)".into());
                };
                let first = brokers.split(',').next().unwrap_or_default().trim();
                let stream = tokio::net::TcpStream::connect(first)
                    .await
                    .map_err(|e| format!("broker {first}: {e}"))?;
                Ok(Observation {
                    ip: stream.peer_addr().ok().map(|a| a.ip().to_string()),
                    ..connected
                })
            }
            "api_latency" => {
                let Some(base) = self.api_url.get() else {
                    return Err(
                        "this process serves no API; set CLUSTERGENIE_HEALTHCHECK_API_URL".into(),
                    );
                };
                let url = format!("{}/health", base.trim_end_matches('/'));
                let response = self
                    .client
                    .get(&url)
                    .send()
                    .await
                    .map_err(|e| format!("the API does not answer: {e}"))?;
                let status = response.status().as_u16();
                // Read the answer: latency counts the whole response.
                let _ = response.bytes().await;
                Ok(Observation {
                    status: Some(status),
                    ..connected
                })
            }
            other => Err(format!("unknown internal target {other}")),
        }
    }
}

/// The scheduler of this process and, for a process that serves the API, the cell its own
/// address goes into once it listens.
pub fn scheduler(
    settings: &Settings,
    commands: Commands,
    db: Db,
    reads: ReadModels,
) -> anyhow::Result<(Scheduler, Arc<OnceLock<String>>)> {
    let policy = address_policy(settings);
    let api_url = Arc::new(OnceLock::new());
    if let Some(url) = &settings.healthcheck_api_url {
        let _ = api_url.set(url.clone());
    }
    let internals = Internals {
        db: db.clone(),
        reads,
        brokers: settings.kafka_brokers.clone(),
        api_url: api_url.clone(),
        client: reqwest::Client::builder().no_proxy().build()?,
    };
    let scheduler = Scheduler::new(
        commands,
        HealthResults::new(db),
        Prober::new(policy)?,
        Arc::new(internals),
        SchedulerSettings::default(),
    );
    Ok((scheduler, api_url))
}

/// The addresses checks may reach, as configured.
pub fn address_policy(settings: &Settings) -> AddressPolicy {
    AddressPolicy {
        allow_private: settings.healthcheck_allow_private,
    }
}

/// The checks a new installation starts with, as in the original product: the database
/// answers, and the API answers within 500 ms.
fn defaults() -> Vec<(&'static str, HealthCheckDraft)> {
    let internal = |name: &str, target: &str, conditions: &[&str]| HealthCheckDraft {
        name: Some(name.into()),
        kind: Some(HealthCheckKind::Internal),
        target: Some(target.into()),
        interval_seconds: Some(30),
        timeout_ms: Some(5000),
        conditions: Some(conditions.iter().map(|c| c.to_string()).collect()),
        ..HealthCheckDraft::default()
    };
    vec![
        (
            "database",
            internal(
                "Database connectivity",
                "database",
                &["[CONNECTED] == true"],
            ),
        ),
        (
            "api_latency",
            internal(
                "API latency",
                "api_latency",
                &["[STATUS] == 200", "[RESPONSE_TIME] < 500"],
            ),
        ),
    ]
}

/// Creates the default checks unless they exist or were deleted (their ids are fixed, so
/// every process agrees on them and a deleted one stays deleted), when the settings ask.
pub async fn seed_defaults(settings: &Settings, commands: &Commands) -> anyhow::Result<()> {
    if !settings.healthcheck_defaults {
        return Ok(());
    }
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x5eed_c0de_4ea1_7bc4_8a1e_0c1e_57a7_e000);
    let ctx = RequestContext::new("system:health-defaults");
    for (key, draft) in defaults() {
        let id = HealthCheckId(uuid::Uuid::new_v5(&NAMESPACE, key.as_bytes()));
        let spec = HealthCheckSpec::parse(draft, AddressPolicy::default())?;
        if commands.seed_health_check(&ctx, id, spec).await?.is_some() {
            tracing::info!(check = key, "default health check created");
        }
    }
    Ok(())
}
