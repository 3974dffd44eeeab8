//! `clustergenie api`: only the API (distributed mode: Postgres and Kafka). Commands append
//! to the shared event store; live subscriptions follow the projector's changes topic.

use crate::configuration::Settings;
use crate::startup::{ApiMode, Application};

/// Runs the API instance until SIGTERM/Ctrl-C.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    Application::build_mode(settings, ApiMode::Distributed)
        .await?
        .run_until_stopped()
        .await
}
