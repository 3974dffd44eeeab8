//! End-to-end tests: the real server on a random port, real HTTP and WebSocket clients, on
//! SQLite and on Postgres. One file per feature.

mod helpers;

mod audit;
mod auth;
mod autoscaling;
mod concurrency;
mod consistency;
mod demo_flow;
mod diagnosis;
mod event_log_cli;
mod health_checks;
mod lifecycle;
mod limits;
mod logs;
mod migrations;
mod monitoring;
mod operations;
mod pagination;
mod persistence;
mod rate_limits;
mod rest;
mod rest_autoscaling;
mod rest_clusters;
mod rest_diagnose;
mod rest_healthchecks;
mod rest_logs;
mod rest_ratelimit;
mod rest_updates;
mod rest_workerpool;
mod scaling_policies;
mod security;
mod telemetry;
mod upcasting;
mod users_cli;
mod validation;
mod websocket_limits;
