//! Command-line tools: `replay`, `events`, `sdl`, `openapi` and `users`.

use crate::cli::{Command, CreateUserArgs, EventsArgs, UsersCommand};
use crate::components::open_database;
use crate::configuration::Settings;
use command::{EventStore, LogCursor};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;

/// Runs a tool (a command that is not a role).
pub async fn run(command: Command, settings: &Settings) -> anyhow::Result<()> {
    match command {
        Command::Replay => replay(settings).await,
        Command::Events(args) => events(settings, args).await,
        Command::Users(UsersCommand::Create(args)) => create_user(settings, args).await,
        Command::Users(UsersCommand::List) => list_users(settings).await,
        Command::Sdl => {
            print!("{}", query::sdl());
            Ok(())
        }
        Command::Openapi => {
            print!("{}", query::rest::openapi_json_text());
            Ok(())
        }
        role => anyhow::bail!("{role:?} is a role, not a tool"),
    }
}

/// `clustergenie replay`: rebuilds every read model from position 0.
pub async fn replay(settings: &Settings) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} replaying [{bar:40}] {pos}/{len} events ({per_sec}, eta {eta})",
        )?
        .progress_chars("=> "),
    );
    let report = projector::rebuild::rebuild(&db, projector::rebuild::BATCH_SIZE, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await?;
    bar.finish_and_clear();
    let rate = if report.seconds > 0.0 {
        report.events as f64 / report.seconds
    } else {
        0.0
    };
    println!(
        "replayed {} events into fresh read models in {:.2} s ({:.0} events/s)",
        report.events, report.seconds, rate
    );
    db.close().await;
    Ok(())
}

/// `clustergenie events`: prints the event store's log as JSON lines in global order.
pub async fn events(settings: &Settings, args: EventsArgs) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let store = EventStore::new(db.clone());
    let mut cursor = LogCursor::default();
    let mut printed = 0usize;
    // On Postgres the log is read below the oldest open transaction of the whole server
    // (as replay reads it); an open transaction elsewhere can hide events committed before
    // the dump began, so it reads at least as many as were counted at the start.
    let total = store.count().await?;
    let mut read = 0i64;
    let mut waiting = std::time::Instant::now();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    'outer: loop {
        let batch = store.read_log(cursor, 1000).await?;
        if batch.is_empty() {
            if read >= total {
                break;
            }
            if waiting.elapsed() >= std::time::Duration::from_secs(5) {
                eprintln!(
                    "events: {read} of {total} read; waiting for an older open transaction on the database server to end"
                );
                waiting = std::time::Instant::now();
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            continue;
        }
        waiting = std::time::Instant::now();
        for e in batch {
            read += 1;
            cursor = e.cursor();
            if args
                .aggregate_id
                .as_ref()
                .is_some_and(|a| a != &e.aggregate_id)
                || args.event_type.as_ref().is_some_and(|t| t != &e.event_type)
                || args.actor.as_ref().is_some_and(|a| a != &e.metadata.actor)
            {
                continue;
            }
            let line = serde_json::json!({
                "position": e.position,
                "type": e.event_type,
                "version": e.event_version,
                "aggregateType": e.aggregate_type,
                "aggregateId": e.aggregate_id,
                "sequence": e.sequence,
                "eventId": e.event_id,
                "recordedAt": chrono::DateTime::from_timestamp_micros(e.recorded_us).map(|t| t.to_rfc3339()),
                "metadata": e.metadata,
                "payload": e.payload,
            });
            if writeln!(out, "{line}").is_err() {
                break 'outer; // closed pipe, e.g. `| head`
            }
            printed += 1;
            if args.limit.is_some_and(|l| printed >= l) {
                break 'outer;
            }
        }
    }
    db.close().await;
    Ok(())
}

/// The actor of changes made with the command line.
const CLI_ACTOR: &str = "system:cli";

/// The write side over the configured database.
async fn commands(settings: &Settings) -> anyhow::Result<(command::Db, command::Commands)> {
    let db = open_database(settings).await?;
    let commands = command::Commands::new(
        EventStore::new(db.clone()),
        crate::components::job_settings(settings),
        std::sync::Arc::new(tokio::sync::Notify::new()),
    );
    Ok((db, commands))
}

/// The password of `users create`: the first line of `--password-file`, or typed twice at a
/// prompt that does not echo.
fn read_password(args: &CreateUserArgs) -> anyhow::Result<schema::users::Password> {
    let raw = match &args.password_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                anyhow::anyhow!("cannot read the password file {}: {e}", path.display())
            })?;
            text.lines().next().unwrap_or_default().to_string()
        }
        None => {
            let first = rpassword::prompt_password(format!("password for {}: ", args.name))?;
            let again = rpassword::prompt_password("again: ")?;
            anyhow::ensure!(first == again, "the passwords differ");
            first
        }
    };
    Ok(schema::users::Password::parse(&raw)?)
}

/// `clustergenie users create NAME --role ROLE [--password-file PATH]`.
pub async fn create_user(settings: &Settings, args: CreateUserArgs) -> anyhow::Result<()> {
    let username = schema::users::Username::parse(&args.name)?;
    let role = schema::users::Role::parse(&args.role.to_ascii_uppercase())
        .ok_or_else(|| anyhow::anyhow!("--role must be admin, operator or viewer"))?;
    let password = read_password(&args)?;
    let (db, commands) = commands(settings).await?;
    let input = command::handlers::CreateUser {
        username: username.clone(),
        password,
        role,
    };
    let ctx = command::RequestContext::new(CLI_ACTOR);
    let created = commands.create_user(&ctx, input).await;
    db.close().await;
    let created = created?;
    println!("created user {username} ({role}) with id {}", created.value);
    Ok(())
}

/// `clustergenie users list`: every user from the write side (current, whatever the projector
/// has caught up with).
pub async fn list_users(settings: &Settings) -> anyhow::Result<()> {
    let (db, commands) = commands(settings).await?;
    let ids = commands.user_ids().await?;
    for id in ids {
        if let Some(user) = commands.user(id).await? {
            println!(
                "{id}  {:<24} {:<8} {}",
                user.username, user.role, user.status
            );
        }
    }
    db.close().await;
    Ok(())
}
