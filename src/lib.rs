//! The `clustergenie` binary's library: configuration, telemetry, wiring and tools.

pub mod cli;
pub mod configuration;
pub mod roles;
pub mod startup;
pub mod telemetry;
pub mod tools;
