//! Command-line interface.

use crate::configuration::FlagOverrides;
use crate::roles::Role;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

/// ClusterGenie: an event-sourced cluster-operations control plane.
#[derive(Debug, Parser)]
#[command(name = "clustergenie", version, about)]
pub struct Cli {
    /// TOML configuration file (default: $CLUSTERGENIE_CONFIG, or ./clustergenie.toml if present).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub flags: Flags,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags that override the configuration file and environment.
#[derive(Debug, Args, Clone, Default)]
pub struct Flags {
    /// Address to listen on (CLUSTERGENIE_LISTEN).
    #[arg(long, global = true)]
    pub listen: Option<String>,
    /// Data directory for the embedded database (CLUSTERGENIE_DATA_DIR).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Postgres URL (DATABASE_URL).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Job runners (CLUSTERGENIE_WORKER_COUNT).
    #[arg(long, global = true)]
    pub worker_count: Option<usize>,
    /// Job queue capacity (CLUSTERGENIE_WORKER_QUEUE).
    #[arg(long, global = true)]
    pub worker_queue: Option<usize>,
    /// Simulated provisioning time in seconds (CLUSTERGENIE_PROVISION_SECONDS).
    #[arg(long, global = true)]
    pub provision_seconds: Option<f64>,
}

impl From<Flags> for FlagOverrides {
    fn from(f: Flags) -> Self {
        Self {
            listen: f.listen,
            data_dir: f.data_dir,
            database_url: f.database_url,
            worker_count: f.worker_count,
            worker_queue: f.worker_queue,
            provision_seconds: f.provision_seconds,
        }
    }
}

/// What to run.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Everything in one process: API, projector and worker (the default).
    Serve,
    /// Rebuild every read model from the event store, with a progress bar.
    Replay,
    /// Print the event log as JSON lines, in global order.
    Events(EventsArgs),
    /// Print the GraphQL schema (SDL).
    Sdl,
    /// Only the projector role (from Kafka when CLUSTERGENIE_KAFKA_BROKERS is set).
    Projector,
    /// Only the job worker role (jobs from Kafka when CLUSTERGENIE_KAFKA_BROKERS is set).
    Worker,
    /// Only the API role (distributed mode: needs Postgres and Kafka).
    Api,
    /// Only the relay from the Postgres event store to Kafka (distributed mode).
    Relay,
}

impl Command {
    /// The long-running role this command starts, if it is one (the others are tools).
    pub fn role(&self) -> Option<Role> {
        match self {
            Command::Serve => Some(Role::Serve),
            Command::Api => Some(Role::Api),
            Command::Projector => Some(Role::Projector),
            Command::Worker => Some(Role::Worker),
            Command::Relay => Some(Role::Relay),
            Command::Replay | Command::Events(_) | Command::Sdl => None,
        }
    }
}

/// Options of `events`.
#[derive(Debug, Args, Clone, Default)]
pub struct EventsArgs {
    /// Only events of this aggregate id.
    #[arg(long)]
    pub aggregate_id: Option<String>,
    /// Only events of this type (e.g. DropletCreated).
    #[arg(long = "type")]
    pub event_type: Option<String>,
    /// Only events of this actor.
    #[arg(long)]
    pub actor: Option<String>,
    /// Stop after this many events.
    #[arg(long)]
    pub limit: Option<usize>,
}
