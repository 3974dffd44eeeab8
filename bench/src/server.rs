//! Starting the real `clustergenie` binary on a fresh storage, and reading its memory.

use anyhow::{bail, Context};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Where a server keeps its data.
#[derive(Debug, Clone)]
pub enum Storage {
    /// Embedded SQLite in this directory.
    Sqlite(PathBuf),
    /// Postgres database at this URL.
    Postgres(String),
}

impl Storage {
    /// A short label for reports.
    pub fn label(&self) -> &'static str {
        match self {
            Storage::Sqlite(_) => "sqlite",
            Storage::Postgres(_) => "postgres",
        }
    }

    /// Opens the pools directly.
    pub async fn db(&self) -> anyhow::Result<command::Db> {
        Ok(match self {
            Storage::Sqlite(dir) => command::Db::sqlite(dir).await?,
            Storage::Postgres(url) => command::Db::postgres(url, 40).await?,
        })
    }

    fn env(&self) -> Vec<(&'static str, String)> {
        match self {
            Storage::Sqlite(dir) => vec![("CLUSTERGENIE_DATA_DIR", dir.display().to_string())],
            Storage::Postgres(url) => vec![
                ("DATABASE_URL", url.clone()),
                (
                    "CLUSTERGENIE_DATA_DIR",
                    std::env::temp_dir()
                        .join("cg-bench-unused")
                        .display()
                        .to_string(),
                ),
            ],
        }
    }
}

/// Creates a fresh Postgres database for one benchmark.
pub async fn fresh_postgres(base: &str) -> anyhow::Result<String> {
    use sqlx::{Connection, Executor};
    let name = format!("cg_bench_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&format!("{base}/postgres"))
        .await
        .with_context(|| format!("benchmarks need Postgres at {base}"))?;
    conn.execute(format!("CREATE DATABASE {name}").as_str())
        .await?;
    Ok(format!("{base}/{name}"))
}

/// Drops a database made by [`fresh_postgres`].
pub async fn drop_postgres(base: &str, url: &str) {
    use sqlx::{Connection, Executor};
    let name = url.rsplit('/').next().unwrap_or_default().to_string();
    if let Ok(mut conn) = sqlx::PgConnection::connect(&format!("{base}/postgres")).await {
        let _ = conn
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
    }
}

/// A fresh SQLite data directory.
pub fn fresh_sqlite() -> Storage {
    Storage::Sqlite(std::env::temp_dir().join(format!("cg-bench-{}", uuid::Uuid::new_v4())))
}

/// A running `clustergenie serve`.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The port.
    pub port: u16,
}

impl Server {
    /// Starts the binary and waits until `/health` answers.
    pub async fn start(
        binary: &Path,
        storage: &Storage,
        env: &[(&str, &str)],
    ) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let mut cmd = Command::new(binary);
        cmd.arg("serve")
            .env("CLUSTERGENIE_LISTEN", format!("127.0.0.1:{port}"))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        for (k, v) in storage.env() {
            cmd.env(k, v);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .with_context(|| format!("cannot start {}", binary.display()))?;
        let server = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            port,
        };
        let client = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = client.get(format!("{}/health", server.base)).send().await {
                if r.status().is_success() {
                    return Ok(server);
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        bail!("server did not become healthy")
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident set size in KiB.
    pub fn rss_kib(&self) -> u64 {
        rss_kib(self.child.id())
    }

    /// Stops the server with SIGTERM.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident set size of process `pid` in KiB (0 when it is gone).
pub fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}
