//! `clustergenie`: parse the command line, load configuration, start telemetry, run the role.

use clap::Parser;
use clustergenie::cli::{Cli, Command};
use clustergenie::configuration::Settings;
use clustergenie::startup::Application;
use clustergenie::{telemetry, tools};
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
    let _telemetry = match telemetry::init_tracing(
        settings.log_format,
        settings.otel_exporter_otlp_endpoint.as_deref(),
    ) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("clustergenie: cannot start telemetry: {e}");
            return ExitCode::from(2);
        }
    };
    if settings.kafka_brokers.is_some() {
        tracing::warn!("KAFKA_BROKERS is set, but this build runs the in-process bus only; distributed mode is not available yet");
    }
    let result = match command {
        Command::Serve | Command::Sdl => match Application::build(settings).await {
            Ok(app) => app.run_until_stopped().await,
            Err(e) => Err(e),
        },
        Command::Replay => tools::replay(&settings).await,
        Command::Events(args) => tools::events(&settings, args).await,
        Command::Projector => tools::projector_role(&settings).await,
        Command::Worker => tools::worker_role(&settings).await,
        Command::Api | Command::Relay => {
            eprintln!("clustergenie: the api and relay roles need distributed mode (Kafka), which this build does not include yet; use `clustergenie serve`");
            return ExitCode::from(2);
        }
    };
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
