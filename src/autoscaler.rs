//! The autoscaler as the settings configure it, for the processes that run it (`serve`, and
//! every `worker`, of which one evaluates each policy each interval) and for the API's
//! `evaluateScalingPolicy`.

use crate::configuration::Settings;
use command::autoscaler::{Autoscaler, AutoscalerSettings};
use command::{Commands, Db};
use projector::scaling::ScalingReads;
use projector::ReadModels;
use std::sync::Arc;
use std::time::Duration;
use store::scaling_evaluations::ScalingEvaluations;

/// The autoscaler these settings describe.
pub fn autoscaler(
    settings: &Settings,
    commands: Commands,
    db: Db,
    reads: ReadModels,
) -> Autoscaler {
    Autoscaler::new(
        commands,
        ScalingEvaluations::new(db),
        Arc::new(ScalingReads::new(reads)),
        AutoscalerSettings {
            interval: Duration::from_secs(settings.autoscaler_interval_seconds),
            ..AutoscalerSettings::default()
        },
    )
}
