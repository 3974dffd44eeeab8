//! The long-running roles of the binary, one module each.
//!
//! - [`serve`]: everything in one process (API, projector, worker), the default.
//! - [`api`]: only the API; live changes come from the projector through Kafka.
//! - [`projector`]: builds the read models, from Kafka when configured.
//! - [`worker`]: runs jobs; with Kafka, jobs arrive through the job topic.
//! - [`relay`]: publishes the Postgres event store to Kafka (one active at a time).
//!
//! Every role serves `/health` and `/metrics` ([`query::health`]) on `CLUSTERGENIE_LISTEN`,
//! checking each dependency it uses. The role modules use the shared parts
//! ([`crate::components`], [`crate::startup`], [`crate::health_server`], [`crate::checks`],
//! [`crate::signals`]) and never each other, nor this module.

pub mod api;
pub mod projector;
pub mod relay;
pub mod serve;
pub mod worker;

use crate::configuration::{ConfigError, Settings};

/// A long-running role of the binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `clustergenie serve`.
    Serve,
    /// `clustergenie api`.
    Api,
    /// `clustergenie projector`.
    Projector,
    /// `clustergenie worker`.
    Worker,
    /// `clustergenie relay`.
    Relay,
}

impl Role {
    /// The settings this role needs beyond the defaults, checked before anything starts.
    pub fn check(self, settings: &Settings) -> Result<(), ConfigError> {
        match self {
            Role::Api => settings.kafka().map(drop),
            Role::Relay => {
                settings.kafka()?;
                match settings.database_url {
                    Some(_) => Ok(()),
                    None => Err(ConfigError {
                        name: "DATABASE_URL".into(),
                        reason: "must be set for the relay (it publishes the Postgres event store)"
                            .into(),
                    }),
                }
            }
            Role::Serve | Role::Projector | Role::Worker => Ok(()),
        }
    }

    /// The service of its activity-log records that neither a span nor a module places.
    pub fn service(self) -> &'static str {
        match self {
            Role::Serve => "system",
            Role::Api => "api",
            Role::Projector => "projector",
            Role::Worker => "worker",
            Role::Relay => "relay",
        }
    }

    /// Runs the role until SIGTERM/Ctrl-C or until it fails.
    pub async fn run(self, settings: Settings) -> anyhow::Result<()> {
        match self {
            Role::Serve => serve::run(settings).await,
            Role::Api => api::run(settings).await,
            Role::Projector => projector::run(&settings).await,
            Role::Worker => worker::run(&settings).await,
            Role::Relay => relay::run(&settings).await,
        }
    }
}
