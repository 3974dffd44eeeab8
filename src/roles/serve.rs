//! `clustergenie serve`: API, projector and worker in one process, on one database.

use crate::configuration::Settings;
use crate::startup::{ApiMode, Application};

/// Runs the embedded application until SIGTERM/Ctrl-C.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    Application::build_mode(settings, ApiMode::Embedded)
        .await?
        .run_until_stopped()
        .await
}
