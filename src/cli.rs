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
    // Flags that override the configuration file and environment.
    #[command(flatten)]
    pub flags: FlagOverrides,
    #[command(subcommand)]
    pub command: Option<Command>,
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
    /// Print the OpenAPI document of REST v1 (JSON).
    Openapi,
    /// Only the projector role (from Kafka when CLUSTERGENIE_KAFKA_BROKERS is set).
    Projector,
    /// Only the job worker role (jobs from Kafka when CLUSTERGENIE_KAFKA_BROKERS is set).
    Worker,
    /// Only the API role (distributed mode: needs Postgres and Kafka).
    Api,
    /// Only the relay from the Postgres event store to Kafka (distributed mode).
    Relay,
    /// Manage users: `users create NAME --role admin`, `users list`.
    #[command(subcommand)]
    Users(UsersCommand),
}

/// `clustergenie users …`: works on the database directly (no server needed), recorded in
/// the audit log as actor `system:cli`.
#[derive(Debug, Subcommand, Clone)]
pub enum UsersCommand {
    /// Create a user. The password comes from --password-file, or a prompt (not echoed).
    Create(CreateUserArgs),
    /// List users: id, name, role and status.
    List,
}

/// Options of `users create`.
#[derive(Debug, Args, Clone)]
pub struct CreateUserArgs {
    /// The user name (letters, digits, '.', '_', '-', '@').
    pub name: String,
    /// admin, operator or viewer.
    #[arg(long, default_value = "viewer")]
    pub role: String,
    /// Read the password from this file (its first line); otherwise prompt for it twice.
    #[arg(long)]
    pub password_file: Option<PathBuf>,
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
            Command::Replay
            | Command::Events(_)
            | Command::Sdl
            | Command::Openapi
            | Command::Users(_) => None,
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
