//! The `clustergenie` binary's library: configuration, telemetry, the roles and the parts
//! they share, and the tools.
//!
//! Imports point one way: `main` → [`roles`] → [`startup`] (the API server) →
//! [`components`], [`checks`], [`health_checks`], [`health_server`], [`rate_limits`], [`signals`] → [`configuration`],
//! [`telemetry`]. No module imports one above it.

pub mod autoscaler;
pub mod checks;
pub mod cli;
pub mod components;
pub mod configuration;
pub mod health_checks;
pub mod health_server;
pub mod rate_limits;
pub mod roles;
pub mod signals;
pub mod simulator;
pub mod startup;
pub mod telemetry;
pub mod tools;
