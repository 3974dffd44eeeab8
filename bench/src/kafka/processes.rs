//! The processes of the Kafka benchmark: the tansu broker and the `clustergenie` roles
//! (started through `testkit::cluster`, shared with the distributed tests), each stopped by
//! its own pid when dropped, with its log kept for a failure's message.

use super::*;
use crate::server::rss_kib;
use bus::KafkaSettings;
use std::path::Path;
use std::time::{Duration, Instant};
use testkit::cluster::{log_tail as tail, tansu_command, RoleEnv};
use testkit::process::ChildProcess;

/// The tansu binary: `$TANSU_BIN`, `tansu` on the PATH, or `~/.cargo/bin/tansu`.
pub fn tansu_binary() -> Option<std::path::PathBuf> {
    testkit::cluster::tansu_binary()
}

/// A child process of this benchmark, stopped (SIGTERM, then SIGKILL) by its own pid on drop.
pub(super) struct Proc {
    pub(super) name: String,
    pub(super) process: ChildProcess,
    pub(super) port: u16,
}

impl Proc {
    pub(super) fn pid(&self) -> u32 {
        self.process.id()
    }

    pub(super) fn rss_kib(&self) -> u64 {
        rss_kib(self.pid())
    }

    pub(super) fn stop(&mut self) {
        // Killed (-9) when it does not end within 5 s; either way it is gone afterwards.
        self.process.terminate(Duration::from_secs(5));
    }

    /// Fails if the process has exited.
    pub(super) fn ensure_running(&mut self, dir: &Path) -> anyhow::Result<()> {
        if let Some(status) = self.process.exited() {
            anyhow::bail!(
                "{} exited ({status}); its log:\n{}",
                self.name,
                log_tail(dir, &self.name)
            );
        }
        Ok(())
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

pub(super) fn log_tail(dir: &Path, name: &str) -> String {
    tail(dir, name, 20)
}

/// A tansu broker on SQLite storage in `dir`. tansu advertises the address it is given, so
/// it cannot listen on port 0 and be found afterwards; the benchmark picks a free port (the
/// distributed tests put a forwarder in front instead, which a latency benchmark must not).
pub(super) fn start_broker(tansu: &Path, dir: &Path) -> anyhow::Result<Proc> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut broker = Proc {
        name: "tansu".into(),
        process: ChildProcess::spawn(&mut tansu_command(tansu, dir, &address, &address)),
        port,
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        broker.ensure_running(dir)?;
        anyhow::ensure!(Instant::now() < deadline, "tansu does not listen on {port}");
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(broker)
}

/// The roles' Kafka settings with their defaults (idempotent producers, acks=all, linger 2 ms).
pub(super) fn kafka_settings(brokers: &str, prefix: &str) -> KafkaSettings {
    KafkaSettings {
        brokers: brokers.into(),
        topic_prefix: prefix.into(),
        partitions: PARTITIONS,
        replication: 1,
        idempotence: true,
        fetch_wait_ms: 10,
        stall_after: 2 * bus::kafka::SESSION_TIMEOUT,
        debug: None,
    }
}

/// One distributed setup: a database, a topic prefix, the broker.
pub(super) struct Setup<'a> {
    pub(super) binary: &'a Path,
    pub(super) dir: PathBuf,
    pub(super) database_url: String,
    pub(super) brokers: String,
    pub(super) prefix: String,
}

impl<'a> Setup<'a> {
    /// A part of the benchmark with a broker of its own (`fresh_broker(part)`: its own
    /// directory and SQLite file), a fresh Postgres database on `postgres` and topics under
    /// `prefix`; the roles' logs go to the part's directory.
    pub(super) async fn part(
        binary: &'a Path,
        postgres: &str,
        fresh_broker: impl Fn(&str) -> anyhow::Result<(PathBuf, Proc)>,
        part: &str,
        prefix: String,
    ) -> anyhow::Result<(Setup<'a>, Proc)> {
        let (dir, broker) = fresh_broker(part)?;
        let setup = Setup {
            binary,
            dir,
            database_url: crate::server::fresh_postgres(postgres).await?,
            brokers: format!("127.0.0.1:{}", broker.port),
            prefix,
        };
        Ok((setup, broker))
    }

    pub(super) fn kafka(&self) -> KafkaSettings {
        kafka_settings(&self.brokers, &self.prefix)
    }

    fn roles(&self) -> RoleEnv {
        RoleEnv {
            binary: self.binary.to_path_buf(),
            dir: self.dir.clone(),
            database_url: self.database_url.clone(),
            brokers: self.brokers.clone(),
            prefix: self.prefix.clone(),
            partitions: PARTITIONS,
        }
    }

    fn command(&self, role: &str) -> std::process::Command {
        let mut command = self.roles().command(&[role]);
        command
            .env("CLUSTERGENIE_PROVISION_SECONDS", "3600")
            .env("CLUSTERGENIE_HEALTHCHECK_DEFAULTS", "false")
            .env("RUST_LOG", "warn,librdkafka=error");
        command
    }

    /// Starts `clustergenie <role>` with the distributed-mode environment; returns once it
    /// listens (on a port the kernel chose).
    pub(super) async fn start(&self, name: &str, role: &str) -> anyhow::Result<Proc> {
        let role = self.roles().spawn(name, self.command(role)).await;
        Ok(Proc {
            name: role.name,
            process: role.process,
            port: role.port,
        })
    }

    /// Starts a role and waits until its `/health` answers (any status).
    pub(super) async fn start_ready(&self, name: &str, role: &str) -> anyhow::Result<Proc> {
        let role = self.roles().spawn_ready(name, self.command(role)).await;
        Ok(Proc {
            name: role.name,
            process: role.process,
            port: role.port,
        })
    }
}
