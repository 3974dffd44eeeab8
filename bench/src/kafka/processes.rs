//! The processes of the Kafka benchmark: the tansu broker and the `clustergenie` roles,
//! each stopped by its own pid when dropped, with its log kept for a failure's message.

use super::*;
use crate::server::rss_kib;
use bus::KafkaSettings;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The tansu binary: `$TANSU_BIN`, `tansu` on the PATH, or `~/.cargo/bin/tansu`.
pub fn tansu_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TANSU_BIN") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("tansu")).collect())
        .unwrap_or_default();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        candidates.push(PathBuf::from(home).join("bin/tansu"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cargo/bin/tansu"));
    }
    candidates.into_iter().find(|p| p.is_file())
}

pub(super) fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A child process of this benchmark, stopped (SIGTERM, then SIGKILL) by its own pid on drop.
pub(super) struct Proc {
    pub(super) name: String,
    pub(super) child: Option<Child>,
    pub(super) port: u16,
}

impl Proc {
    pub(super) fn pid(&self) -> u32 {
        self.child.as_ref().map(Child::id).unwrap_or(0)
    }

    pub(super) fn rss_kib(&self) -> u64 {
        rss_kib(self.pid())
    }

    pub(super) fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }

    /// Fails if the process has exited.
    pub(super) fn ensure_running(&mut self, dir: &Path) -> anyhow::Result<()> {
        if let Some(child) = self.child.as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                anyhow::bail!(
                    "{} exited ({status}); its log:\n{}",
                    self.name,
                    log_tail(dir, &self.name)
                );
            }
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
    let text = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

pub(super) fn log_file(dir: &Path, name: &str) -> anyhow::Result<(Stdio, Stdio)> {
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(format!("{name}.log")))?;
    Ok((Stdio::from(f.try_clone()?), Stdio::from(f)))
}

/// A tansu broker on SQLite storage in `dir`.
pub(super) fn start_broker(tansu: &Path, dir: &Path) -> anyhow::Result<Proc> {
    let port = free_port()?;
    let url = format!("tcp://127.0.0.1:{port}");
    let (out, err) = log_file(dir, "tansu")?;
    let child = Command::new(tansu)
        .current_dir(dir)
        .args([
            "broker",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
            "--storage-engine",
            "sqlite://tansu.db",
        ])
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", tansu.display()))?;
    let mut broker = Proc {
        name: "tansu".into(),
        child: Some(child),
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
    pub(super) dir: &'a Path,
    pub(super) database_url: String,
    pub(super) brokers: String,
    pub(super) prefix: String,
}

impl Setup<'_> {
    pub(super) fn kafka(&self) -> KafkaSettings {
        kafka_settings(&self.brokers, &self.prefix)
    }

    /// Starts `clustergenie <role>` with the distributed-mode environment.
    pub(super) fn start(&self, name: &str, role: &str) -> anyhow::Result<Proc> {
        let port = free_port()?;
        let (out, err) = log_file(self.dir, name)?;
        let child = Command::new(self.binary)
            .arg(role)
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env_remove("CLUSTERGENIE_CONFIG")
            .env("DATABASE_URL", &self.database_url)
            .env("CLUSTERGENIE_KAFKA_BROKERS", &self.brokers)
            .env("CLUSTERGENIE_KAFKA_TOPIC_PREFIX", &self.prefix)
            .env("CLUSTERGENIE_KAFKA_PARTITIONS", PARTITIONS.to_string())
            .env("CLUSTERGENIE_LISTEN", format!("127.0.0.1:{port}"))
            .env("CLUSTERGENIE_PROVISION_SECONDS", "3600")
            .env("CLUSTERGENIE_DATA_DIR", self.dir.join("unused"))
            .env("RUST_LOG", "warn,librdkafka=error")
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| anyhow::anyhow!("cannot start {}: {e}", self.binary.display()))?;
        Ok(Proc {
            name: name.into(),
            child: Some(child),
            port,
        })
    }

    /// Starts a role and waits until its `/health` answers (any status).
    pub(super) async fn start_ready(&self, name: &str, role: &str) -> anyhow::Result<Proc> {
        let mut p = self.start(name, role)?;
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if client
                .get(format!("http://127.0.0.1:{}/health", p.port))
                .send()
                .await
                .is_ok()
            {
                return Ok(p);
            }
            p.ensure_running(self.dir)?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        anyhow::bail!(
            "{name} never answered /health:\n{}",
            log_tail(self.dir, name)
        )
    }
}
