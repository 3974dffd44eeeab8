//! The HTTP server of the roles without the API (projector, worker, relay): only `/health`
//! and `/metrics`, from [`query::health`] like the API's, on `CLUSTERGENIE_LISTEN`.

use crate::configuration::Settings;
use crate::signals::run_until_signal;
use actix_web::{web, App, HttpServer};
use anyhow::Context;
use query::health::RoleHealth;
use std::future::Future;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Serves `health` until `shutdown`; the handle ends when the server has stopped.
pub fn serve_health(
    settings: &Settings,
    health: RoleHealth,
    shutdown: CancellationToken,
) -> anyhow::Result<JoinHandle<()>> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(health.clone()))
            .configure(query::health::routes)
    })
    .disable_signals()
    .workers(1)
    .shutdown_timeout(2)
    .bind(settings.listen)
    .with_context(|| format!("cannot listen on {} (CLUSTERGENIE_LISTEN)", settings.listen))?
    .run();
    tracing::info!(address = %settings.listen, "health and metrics at /health and /metrics");
    let handle = server.handle();
    tokio::spawn(async move {
        shutdown.cancelled().await;
        handle.stop(true).await;
    });
    Ok(tokio::spawn(async move {
        let _ = server.await;
    }))
}

/// Serves `health` while `work` runs until it ends or SIGTERM/Ctrl-C (see
/// [`run_until_signal`]), then waits for the server to stop. Whatever way `work` ends,
/// `shutdown` is cancelled, so the server never outlives it.
pub async fn serve_health_while<E>(
    settings: &Settings,
    health: RoleHealth,
    shutdown: CancellationToken,
    work: impl Future<Output = Result<(), E>>,
) -> anyhow::Result<()>
where
    anyhow::Error: From<E>,
{
    let server = serve_health(settings, health, shutdown.clone())?;
    let result = run_until_signal(shutdown, work).await;
    let _ = server.await;
    Ok(result?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::storage::TempDir;

    /// A role whose work fails (a Kafka setup that cannot start, say) must exit with the
    /// error, not keep serving `/health` with nothing behind it.
    #[tokio::test]
    async fn a_role_whose_work_fails_stops_serving_health_and_returns_the_error() {
        let dir = TempDir::new("health-server");
        let db = command::Db::sqlite(dir.path())
            .await
            .expect("a SQLite database");
        let settings = Settings {
            listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Settings::default()
        };
        let health = RoleHealth::new("test", db, crate::telemetry::metrics_handle());
        let work = async { Err(anyhow::anyhow!("cannot create the Kafka producer")) };
        // Bounded only so that a regression fails instead of hanging the suite.
        let ended = tokio::time::timeout(
            std::time::Duration::from_secs(60),
            serve_health_while(&settings, health, CancellationToken::new(), work),
        )
        .await
        .expect("the role returned instead of serving health forever");
        let error = ended.expect_err("the work's error is the role's error");
        assert_eq!(error.to_string(), "cannot create the Kafka producer");
    }
}
