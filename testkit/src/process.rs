//! Child processes that die with the test, and the port a child bound.
//!
//! A port picked by the test and bound later by a child can be taken in between (by another
//! test, or by any outgoing connection's ephemeral port). So children listen on port 0 and
//! the test reads the port the kernel gave them from `/proc`: nothing can race for it.

use std::collections::HashSet;
use std::process::{Child, Command, ExitStatus};
use std::time::Duration;

/// A child process that is resumed (if frozen), killed and reaped when dropped, so a failing
/// test leaves nothing running.
#[derive(Debug)]
pub struct ChildProcess {
    child: Option<Child>,
}

impl ChildProcess {
    /// Spawns `command`; the test fails when it cannot start.
    pub fn spawn(command: &mut Command) -> Self {
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        Self { child: Some(child) }
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.as_ref().expect("the child was not killed").id()
    }

    /// Sends `signal` (`-STOP`, `-CONT`, …) with kill(1); the test fails when that fails.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.id().to_string()])
            .status()
            .expect("kill(1) runs");
        assert!(status.success(), "kill {signal} {}", self.id());
    }

    /// How the process ended, if it has.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        child.try_wait().expect("the child can be waited for")
    }

    /// kill -9 and reap; a no-op when already killed.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            // SIGCONT first: a stopped process reaps only once resumed. Both may fail when the
            // process has already exited, which is what we want anyway.
            Command::new("kill")
                .args(["-CONT", &child.id().to_string()])
                .status()
                .ok();
            child.kill().ok();
            child.wait().ok();
        }
    }

    /// SIGTERM, then up to `timeout` for the process to end by itself: how it ended, or
    /// `None` when it had to be killed (-9) after all. A no-op (`None`) when already killed.
    pub fn terminate(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let child = self.child.as_mut()?;
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            self.child = None;
            return Some(status);
        }
        let sent = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .expect("kill(1) runs");
        let deadline = std::time::Instant::now() + timeout;
        while sent.success() && std::time::Instant::now() < deadline {
            if let Some(status) = child.try_wait().expect("the child can be waited for") {
                self.child = None;
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.kill();
        None
    }

    /// Waits for the process to end by itself and returns how it ended.
    pub fn wait(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("the child was not killed");
        child.wait().expect("the child can be waited for")
    }

    /// Waits until the process listens on a TCP port and returns it; the test fails (with
    /// `describe()`, e.g. its log) when it exits first or nothing listens within `timeout`.
    pub async fn bound_port(&mut self, timeout: Duration, describe: impl Fn() -> String) -> u16 {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            if let Some(status) = self.exited() {
                panic!(
                    "the process exited ({status}) before it listened:\n{}",
                    describe()
                );
            }
            let ports = listening_ports(self.id());
            match ports.as_slice() {
                [] => {}
                [port] => return *port,
                many => panic!(
                    "the process listens on several ports {many:?}:\n{}",
                    describe()
                ),
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the process did not listen within {timeout:?}:\n{}",
                describe()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for ChildProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The TCP ports process `pid` listens on (Linux: its socket inodes matched against
/// `/proc/net/tcp` and `tcp6`).
pub fn listening_ports(pid: u32) -> Vec<u16> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    let inodes: HashSet<String> = fds
        .filter_map(|fd| std::fs::read_link(fd.ok()?.path()).ok())
        .filter_map(|target| {
            let target = target.to_string_lossy().into_owned();
            let inode = target.strip_prefix("socket:[")?.strip_suffix(']')?;
            Some(inode.to_string())
        })
        .collect();
    let mut ports: Vec<u16> = ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|table| std::fs::read_to_string(table).ok())
        .flat_map(|text| {
            text.lines()
                .skip(1)
                .filter_map(|line| {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
                    if *state != "0A" || !inodes.contains(*inode) {
                        return None;
                    }
                    u16::from_str_radix(local.rsplit(':').next()?, 16).ok()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

/// Runs `work` on a thread of its own with a current-thread runtime of its own: for work that
/// must not block (or outlive) the test's runtime, such as a `Drop` that needs async calls or
/// a proxy that keeps running while the test's runtime is busy.
pub fn on_own_runtime<F>(work: F) -> std::thread::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(work)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_port_this_process_listens_on() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        assert!(listening_ports(std::process::id()).contains(&port));
        drop(listener);
        assert!(!listening_ports(std::process::id()).contains(&port));
    }
}
