//! `clustergenie`: parse the command line, load configuration, start telemetry, run the role.

use clap::Parser;
use clustergenie::cli::{Cli, Command};
use clustergenie::configuration::Settings;
use clustergenie::startup::{Application, Role};
use clustergenie::{roles, telemetry, tools};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    if let Command::Sdl = command {
        print!("{}", query::sdl());
        return ExitCode::SUCCESS;
    }
    let settings = match Settings::load(cli.config, cli.flags.into()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("clustergenie: {e}");
            return ExitCode::from(2);
        }
    };
    let otlp = match settings.otel_exporter_otlp_endpoint.as_deref() {
        Some(endpoint) => match telemetry::otlp::OtlpConfig::from_env(endpoint) {
            Ok(otlp) => Some(otlp),
            Err(e) => {
                eprintln!("clustergenie: {e}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let telemetry = match telemetry::init_tracing(settings.log_format, otlp.as_ref()) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("clustergenie: cannot start telemetry: {e}");
            return ExitCode::from(2);
        }
    };
    if matches!(command, Command::Api | Command::Relay) {
        if let Err(e) = settings.kafka() {
            eprintln!("clustergenie: {e}");
            return ExitCode::from(2);
        }
    }
    if matches!(command, Command::Relay) && settings.database_url.is_none() {
        eprintln!("clustergenie: configuration error: DATABASE_URL: must be set for the relay (it publishes the Postgres event store)");
        return ExitCode::from(2);
    }
    let result = match command {
        Command::Serve | Command::Sdl => match Application::build(settings).await {
            Ok(app) => app.run_until_stopped().await,
            Err(e) => Err(e),
        },
        Command::Replay => tools::replay(&settings).await,
        Command::Events(args) => tools::events(&settings, args).await,
        Command::Projector => roles::projector_role(&settings).await,
        Command::Worker => roles::worker_role(&settings).await,
        Command::Relay => roles::relay_role(&settings).await,
        Command::Api => match Application::build_role(settings, Role::Api).await {
            Ok(app) => app.run_until_stopped().await,
            Err(e) => Err(e),
        },
    };
    // The last spans (the shutdown itself) go out before the process ends.
    let _ = tokio::task::spawn_blocking(move || telemetry.shutdown()).await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(
                error = format!("{e:#}"),
                "clustergenie stopped with an error"
            );
            eprintln!("clustergenie: {e:#}");
            ExitCode::FAILURE
        }
    }
}
