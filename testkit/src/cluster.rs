//! The processes of distributed mode, shared by the `distributed` tests and the Kafka
//! benchmark: the tansu broker, and `clustergenie` roles on port 0 whose bound port is read
//! back, each writing its log to `<dir>/<name>.log`.
//!
//! tansu advertises one fixed address in its metadata, so it cannot simply listen on port 0.
//! [`Broker`] therefore keeps a listener of its own on a port the kernel chose (held for the
//! test's whole life, across broker restarts) and forwards each connection to wherever the
//! current tansu process bound its port 0; tansu advertises the forwarder's address.

use crate::process::ChildProcess;
use crate::wait;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long a process may take to bind its port or answer `/health`.
pub const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The tansu binary: `$TANSU_BIN`, `tansu` on the PATH, `$CARGO_HOME/bin/tansu` or
/// `~/.cargo/bin/tansu`; `None` when there is none (`scripts/ensure-tansu` installs it).
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

/// stdout and stderr appended to `<dir>/<name>.log`.
pub fn log_files(dir: &Path, name: &str) -> (Stdio, Stdio) {
    let path = dir.join(format!("{name}.log"));
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
    let copy = file.try_clone().expect("a second handle on the log");
    (Stdio::from(copy), Stdio::from(file))
}

/// The last `lines` lines of `<dir>/<name>.log`, for failure messages.
pub fn log_tail(dir: &Path, name: &str, lines: usize) -> String {
    let text = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// `tansu broker` on SQLite storage in `dir` (`tansu.db`), listening on `listen` and
/// advertising `advertised` (both `host:port`), logging to `<dir>/tansu.log`.
pub fn tansu_command(binary: &Path, dir: &Path, listen: &str, advertised: &str) -> Command {
    let (out, err) = log_files(dir, "tansu");
    let mut command = Command::new(binary);
    command
        .current_dir(dir)
        .args([
            "broker",
            "--listener-url",
            &format!("tcp://{listen}"),
            "--advertised-listener-url",
            &format!("tcp://{advertised}"),
            "--storage-engine",
            "sqlite://tansu.db",
        ])
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .stdout(out)
        .stderr(err);
    command
}

/// A tansu broker on durable storage in a directory, reached through a forwarder whose port
/// stays the same across kill -9 and restart.
pub struct Broker {
    binary: PathBuf,
    dir: PathBuf,
    forwarder: Forwarder,
    child: Option<ChildProcess>,
}

impl Broker {
    /// Starts a broker with its storage in `dir`; returns once it listens.
    pub async fn start(binary: &Path, dir: &Path) -> Self {
        let mut broker = Self {
            binary: binary.to_path_buf(),
            dir: dir.to_path_buf(),
            forwarder: Forwarder::start(),
            child: None,
        };
        broker.restart().await;
        broker
    }

    /// The bootstrap address clients use (`127.0.0.1:port`).
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.forwarder.port)
    }

    /// Starts the broker again on the same storage; returns once it listens.
    pub async fn restart(&mut self) {
        assert!(self.child.is_none(), "the broker is already running");
        let mut child = ChildProcess::spawn(&mut tansu_command(
            &self.binary,
            &self.dir,
            "127.0.0.1:0",
            &self.address(),
        ));
        let dir = self.dir.clone();
        let port = child
            .bound_port(START_TIMEOUT, || log_tail(&dir, "tansu", 30))
            .await;
        self.forwarder.target.store(port, Ordering::SeqCst);
        self.child = Some(child);
    }

    /// kill -9; connections through the forwarder are closed from then on.
    pub fn kill9(&mut self) {
        self.forwarder.target.store(0, Ordering::SeqCst);
        if let Some(mut child) = self.child.take() {
            child.kill();
        }
    }

    /// SIGSTOP (`true`) or SIGCONT (`false`).
    pub fn freeze(&self, frozen: bool) {
        self.child
            .as_ref()
            .expect("the broker is running")
            .signal(if frozen { "-STOP" } else { "-CONT" });
    }

    /// The last lines of the broker's log.
    pub fn log_tail(&self) -> String {
        log_tail(&self.dir, "tansu", 30)
    }
}

/// A TCP forwarder on 127.0.0.1:<a port the kernel chose> to 127.0.0.1:`target` (none while
/// `target` is 0), on a thread and runtime of its own so that it outlives any one test's
/// runtime.
struct Forwarder {
    port: u16,
    target: Arc<AtomicU16>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Forwarder {
    fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the forwarder");
        listener
            .set_nonblocking(true)
            .expect("a non-blocking listener");
        let port = listener.local_addr().expect("its address").port();
        let target = Arc::new(AtomicU16::new(0));
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let to = target.clone();
        let thread = crate::process::on_own_runtime(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("a Tokio listener");
            loop {
                let accepted = tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => accepted,
                };
                let Ok((mut inbound, _)) = accepted else {
                    continue;
                };
                let port = to.load(Ordering::SeqCst);
                if port == 0 {
                    continue; // no broker: the client sees its connection closed
                }
                tokio::spawn(async move {
                    let Ok(mut outbound) =
                        tokio::net::TcpStream::connect(("127.0.0.1", port)).await
                    else {
                        return; // the broker went away: closed, as a refused connection
                    };
                    inbound.set_nodelay(true).ok();
                    outbound.set_nodelay(true).ok();
                    // Ends when either side closes or resets (a killed broker does):
                    // the client then sees its connection end, which is the point.
                    tokio::io::copy_bidirectional(&mut inbound, &mut outbound)
                        .await
                        .ok();
                });
            }
        });
        Self {
            port,
            target,
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // Fails only when the thread already ended, which is what we want.
            stop.send(()).ok();
        }
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                eprintln!("the broker forwarder's thread panicked");
            }
        }
    }
}

/// What every `clustergenie` role of one distributed setup shares: the binary, the database,
/// the broker, the topic prefix, and the directory its logs go to.
#[derive(Debug, Clone)]
pub struct RoleEnv {
    pub binary: PathBuf,
    pub dir: PathBuf,
    pub database_url: String,
    pub brokers: String,
    pub prefix: String,
    pub partitions: i32,
}

impl RoleEnv {
    /// `clustergenie <args>` with the distributed-mode environment, listening on port 0, no
    /// collector and no config file (callers add their own variables).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
            .env_remove("CLUSTERGENIE_CONFIG")
            .env("DATABASE_URL", &self.database_url)
            .env("CLUSTERGENIE_KAFKA_BROKERS", &self.brokers)
            .env("CLUSTERGENIE_KAFKA_TOPIC_PREFIX", &self.prefix)
            .env("CLUSTERGENIE_KAFKA_PARTITIONS", self.partitions.to_string())
            .env("CLUSTERGENIE_LISTEN", "127.0.0.1:0")
            .env("CLUSTERGENIE_HEALTHCHECK_DEFAULTS", "false")
            .env("CLUSTERGENIE_DATA_DIR", self.dir.join("unused"));
        command
    }

    /// Spawns `command` (from [`RoleEnv::command`]) as `name`, logging to `<dir>/<name>.log`,
    /// and returns once it listens (the port read back from the kernel).
    pub async fn spawn(&self, name: &str, mut command: Command) -> Role {
        let (out, err) = log_files(&self.dir, name);
        command.stdout(out).stderr(err);
        let mut process = ChildProcess::spawn(&mut command);
        let dir = self.dir.clone();
        let port = process
            .bound_port(START_TIMEOUT, || log_tail(&dir, name, 30))
            .await;
        Role {
            name: name.to_string(),
            process,
            port,
        }
    }

    /// [`RoleEnv::spawn`], then waits until `/health` answers (any status).
    pub async fn spawn_ready(&self, name: &str, command: Command) -> Role {
        let mut role = self.spawn(name, command).await;
        let dir = self.dir.clone();
        let port = role.port;
        let client = reqwest::Client::new();
        wait::until(
            &format!("{name} to answer /health on port {port}"),
            START_TIMEOUT,
            || {
                let exited = role.process.exited();
                let tail = log_tail(&dir, name, 30);
                let request = client
                    .get(format!("http://127.0.0.1:{port}/health"))
                    .timeout(Duration::from_secs(5))
                    .send();
                async move {
                    if let Some(status) = exited {
                        panic!("{name} exited ({status}) before it was healthy:\n{tail}");
                    }
                    request
                        .await
                        .map(|_| ())
                        .map_err(|e| format!("{e}\n{tail}"))
                }
            },
        )
        .await;
        role
    }
}

/// A running role.
#[derive(Debug)]
pub struct Role {
    pub name: String,
    pub process: ChildProcess,
    /// Its HTTP port.
    pub port: u16,
}

/// `GET /health` on `127.0.0.1:port`: the status code and the JSON body (`Null` if none);
/// `Err` when no answer arrived.
pub async fn health(port: u16) -> Result<(u16, Value), String> {
    let response = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/health"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn the_forwarder_closes_connections_without_a_target_and_forwards_to_one() {
        let forwarder = Forwarder::start();
        let mut client = tokio::net::TcpStream::connect(("127.0.0.1", forwarder.port))
            .await
            .unwrap();
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_secs(10), client.read(&mut byte))
            .await
            .expect("closed at once");
        assert!(
            matches!(read, Ok(0) | Err(_)),
            "no target: closed, got {read:?}"
        );

        let backend = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        forwarder
            .target
            .store(backend.local_addr().unwrap().port(), Ordering::SeqCst);
        let mut client = tokio::net::TcpStream::connect(("127.0.0.1", forwarder.port))
            .await
            .unwrap();
        client.write_all(b"ping").await.unwrap();
        let (mut server, _) = backend.accept().await.unwrap();
        let mut got = [0u8; 4];
        server.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"ping");
        server.write_all(b"pong").await.unwrap();
        client.read_exact(&mut got).await.unwrap();
        assert_eq!(&got, b"pong");
    }
}
