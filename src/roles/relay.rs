//! `clustergenie relay`: publishes the Postgres event store to Kafka. One relay is active
//! (it holds an advisory lock); the others stand by and report `standby` in `/health`.

use crate::checks::relay_check;
use crate::components::{open_database, ActivityLogging};
use crate::configuration::Settings;
use crate::health_server::serve_health_while;
use bus::relay::{Relay, RelaySettings};
use bus::BusHealth;
use query::health::RoleHealth;
use tokio_util::sync::CancellationToken;

/// Runs the relay until SIGTERM/Ctrl-C.
pub async fn run(settings: &Settings) -> anyhow::Result<()> {
    let kafka = settings.kafka()?;
    let db = open_database(settings).await?;
    let logging = ActivityLogging::start(settings, &db);
    let shutdown = CancellationToken::new();
    let bus_health = BusHealth::default();
    let relay = Relay::new(
        db.clone(),
        kafka,
        RelaySettings::default(),
        bus_health.clone(),
    );
    let health = RoleHealth::new("relay", db.clone(), crate::telemetry::metrics_handle())
        .with_check("relay", relay_check(relay.active_flag(), bus_health));
    let result = serve_health_while(settings, health, shutdown.clone(), relay.run(shutdown)).await;
    logging.stop().await;
    db.close().await;
    result
}
