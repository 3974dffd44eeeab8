//! End-to-end tests: the real server on a random port, real HTTP and WebSocket clients, on
//! SQLite and on Postgres. One file per feature.

mod helpers;

mod audit;
mod concurrency;
mod demo_flow;
mod lifecycle;
mod limits;
mod operations;
mod persistence;
mod security;
mod validation;
mod websocket_limits;
