//! Command-line tools: `replay`, `events` and `sdl`.

use crate::cli::{Command, EventsArgs};
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
        Command::Sdl => {
            print!("{}", query::sdl());
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
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    'outer: loop {
        let batch = store.read_log(cursor, 1000).await?;
        if batch.is_empty() {
            break;
        }
        for e in batch {
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
