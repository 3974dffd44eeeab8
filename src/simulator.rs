//! The metrics simulator as the settings configure it, for the processes that run it
//! (`serve`, and every `worker`, of which one takes each tick), and what the API needs to
//! read the store.

use crate::configuration::Settings;
use command::telemetry::{Simulator, SimulatorSettings};
use command::Db;
use std::time::Duration;
use store::metrics::MetricsStore;

/// The simulator these settings describe.
pub fn simulator(settings: &Settings, db: Db) -> Simulator {
    Simulator::new(
        MetricsStore::new(db),
        SimulatorSettings {
            interval: Duration::from_secs(settings.metrics_interval_seconds),
            seed: settings.metrics_seed,
            raw_retention: Duration::from_secs(settings.metrics_retention_hours * 3_600),
            ..SimulatorSettings::default()
        },
    )
}

/// How the API reads the metrics store.
pub fn reader(settings: &Settings, db: Db) -> query::state::Telemetry {
    query::state::Telemetry {
        store: MetricsStore::new(db),
        interval_seconds: settings.metrics_interval_seconds as i64,
        raw_retention_seconds: settings.metrics_retention_hours as i64 * 3_600,
    }
}
