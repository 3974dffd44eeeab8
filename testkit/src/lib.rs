//! Test support shared by every ClusterGenie test suite (the binary's `api`, `distributed` and
//! `otlp` tests and the crates' own tests), so each helper exists once: a GraphQL client, a
//! graphql-transport-ws subscriber, child processes that die with the test, a port that is
//! known only once a process has bound it, throwaway Postgres databases and directories, bounded
//! waits that fail, proptest generators of aggregate commands, and the broker and role
//! processes of distributed mode.

pub mod cli;
pub mod cluster;
pub mod commands;
pub mod graphql;
pub mod hostile;
pub mod kafka;
pub mod process;
pub mod storage;
pub mod subscription;
pub mod wait;
