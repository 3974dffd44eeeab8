//! `clustergenie`: parse the command line, load configuration, start telemetry, run the role.

use clap::Parser;
use clustergenie::cli::{Cli, Command};
use clustergenie::configuration::Settings;
use clustergenie::{telemetry, tools};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let command = cli.command.unwrap_or(Command::Serve);
    match command {
        Command::Sdl => {
            print!("{}", query::sdl());
            return ExitCode::SUCCESS;
        }
        Command::Openapi => {
            print!("{}", query::rest::openapi_json_text());
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let role = command.role();
    let settings = Settings::load(cli.config, cli.flags)
        .and_then(|s| role.map_or(Ok(()), |r| r.check(&s)).map(|()| s));
    let settings = match settings {
        Ok(s) => s,
        Err(e) => {
            eprintln!("clustergenie: {e}");
            return ExitCode::from(2);
        }
    };
    let telemetry = match telemetry::start(&settings) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("clustergenie: {e:#}");
            return ExitCode::from(2);
        }
    };
    telemetry::logs::set_default_service(role.map_or("system", |r| r.service()));
    let result = match role {
        Some(role) => role.run(settings).await,
        None => tools::run(command, &settings).await,
    };
    // Logged before the flush, so that the error is exported with the rest.
    if let Err(e) = &result {
        tracing::error!(
            error = format!("{e:#}"),
            "clustergenie stopped with an error"
        );
    }
    telemetry.flush().await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("clustergenie: {e:#}");
            ExitCode::FAILURE
        }
    }
}
