//! Probing a health check's target over the network: one HTTP request or one TCP connection,
//! bounded in time and in what it reads, never reaching a forbidden address, and the check's
//! conditions evaluated against what it saw.
//!
//! The address policy is enforced where the connection is made, not only where the target was
//! typed: host names are resolved by [`GuardedResolver`], which drops forbidden addresses, so a
//! name that resolves to a metadata address (or starts to, later) is refused; a redirect to a
//! literal address is checked before it is followed.

use chrono::{DateTime, Utc};
use schema::conditions::{Condition, ConditionResult, Observation};
use schema::health_target::{AddressPolicy, HealthTarget};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// The most of a response body read for conditions; the rest is not downloaded.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
/// Redirects an HTTP check follows before it fails.
pub const MAX_REDIRECTS: usize = 5;

/// One run of a check: what it observed and how each condition came out.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProbeResult {
    /// When the probe started.
    pub at: DateTime<Utc>,
    /// Every condition held (and, with none, the target answered).
    pub success: bool,
    /// How long the probe took.
    pub duration_ms: f64,
    /// HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Each condition's outcome, in order.
    pub condition_results: Vec<ConditionResult>,
    /// Why the probe could not observe the target (refused, timed out, forbidden address).
    pub error: Option<String>,
}

/// Probes targets under one address policy. Cheap to clone; one per process.
#[derive(Clone)]
pub struct Prober {
    client: reqwest::Client,
    policy: AddressPolicy,
}

impl Prober {
    /// A prober that refuses what `policy` forbids; an error only when the HTTP client's TLS
    /// backend cannot start.
    pub fn new(policy: AddressPolicy) -> Result<Self, reqwest::Error> {
        let redirects = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                return attempt.error(format!("more than {MAX_REDIRECTS} redirects"));
            }
            // Host names go through the resolver; literal addresses do not, so check them here.
            // The message names the host only: a redirect's URL may carry a token.
            let host = attempt.url().host_str().unwrap_or_default().to_string();
            let literal = host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .ok();
            match literal.map(|ip| policy.check(&host, ip)) {
                Some(Err(e)) => attempt.error(format!("redirected: {e}")),
                _ => attempt.follow(),
            }
        });
        let client = reqwest::Client::builder()
            .dns_resolver(Arc::new(GuardedResolver { policy }))
            .redirect(redirects)
            .user_agent(concat!(
                "ClusterGenie-HealthCheck/",
                env!("CARGO_PKG_VERSION")
            ))
            .no_proxy()
            .build()?;
        Ok(Self { client, policy })
    }

    /// Probes `target` once within `timeout` and evaluates `conditions` against what it saw.
    /// INTERNAL targets are measured by the caller, which passes its [`Observation`] to
    /// [`evaluate`].
    pub async fn probe(
        &self,
        target: &HealthTarget,
        conditions: &[Condition],
        timeout: Duration,
    ) -> ProbeResult {
        let at = Utc::now();
        let started = Instant::now();
        let observed = match target {
            HealthTarget::Http { url } => self.http(url, timeout).await,
            HealthTarget::Tcp { host, port } => self.tcp(host, *port, timeout).await,
            HealthTarget::Internal { name } => Err(format!(
                "the internal target {name} is measured by the scheduler, not probed"
            )),
        };
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        match observed {
            Ok(mut o) => {
                o.response_time_ms = elapsed;
                evaluate(at, &o, conditions, None)
            }
            Err(error) => {
                let o = Observation {
                    response_time_ms: elapsed,
                    ..Observation::default()
                };
                evaluate(at, &o, conditions, Some(error))
            }
        }
    }

    async fn http(&self, url: &str, timeout: Duration) -> Result<Observation, String> {
        let deadline = Instant::now() + timeout;
        let mut response = self
            .client
            .get(url)
            .timeout(timeout)
            .send()
            .await
            .map_err(|e| describe(&e, timeout))?;
        let ip = response.remote_addr().map(|a| a.ip().to_string());
        let status = response.status().as_u16();
        let mut body = Vec::new();
        // The body within what is left of the timeout, and no more than MAX_BODY_BYTES of it.
        let read = async {
            while let Some(chunk) = response.chunk().await? {
                let room = MAX_BODY_BYTES - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() == MAX_BODY_BYTES {
                    break;
                }
            }
            Ok::<_, reqwest::Error>(())
        };
        match tokio::time::timeout_at(deadline.into(), read).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(describe(&e, timeout)),
            Err(_) => return Err(format!("timed out after {} ms", timeout.as_millis())),
        }
        Ok(Observation {
            status: Some(status),
            response_time_ms: 0.0,
            body: Some(String::from_utf8_lossy(&body).into_owned()),
            connected: true,
            ip,
            value: None,
        })
    }

    async fn tcp(&self, host: &str, port: u16, timeout: Duration) -> Result<Observation, String> {
        let connect = async {
            let addresses = resolve(self.policy, host, port).await?;
            let mut last = String::from("no address to connect to");
            for address in addresses {
                match TcpStream::connect(address).await {
                    Ok(_) => return Ok(address.ip()),
                    Err(e) => last = format!("{address}: {e}"),
                }
            }
            Err(last)
        };
        let ip = tokio::time::timeout(timeout, connect)
            .await
            .map_err(|_| format!("timed out after {} ms", timeout.as_millis()))??;
        Ok(Observation {
            connected: true,
            ip: Some(ip.to_string()),
            ..Observation::default()
        })
    }
}

/// The result of a run that observed `o`: every condition evaluated; a run with an `error`
/// fails whatever its conditions say; a run without conditions succeeds when it connected.
pub fn evaluate(
    at: DateTime<Utc>,
    o: &Observation,
    conditions: &[Condition],
    error: Option<String>,
) -> ProbeResult {
    let condition_results: Vec<ConditionResult> =
        conditions.iter().map(|c| c.evaluate(o)).collect();
    let success = error.is_none()
        && (o.connected || !conditions.is_empty())
        && condition_results.iter().all(|r| r.success);
    ProbeResult {
        at,
        success,
        duration_ms: (o.response_time_ms * 100.0).round() / 100.0,
        status: o.status,
        condition_results,
        error,
    }
}

/// A request error as one line, without the URL (the target is shown beside it already).
fn describe(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return format!("timed out after {} ms", timeout.as_millis());
    }
    let mut text = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        source = s.source();
    }
    let url = e.url().map(|u| u.to_string()).unwrap_or_default();
    let text = text.replace(&format!(" for url ({url})"), "");
    text.replace(&format!(" ({url})"), "")
}

/// `host:port`'s addresses that `policy` permits; an error naming the host when it has none.
async fn resolve(policy: AddressPolicy, host: &str, port: u16) -> Result<Vec<SocketAddr>, String> {
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let permitted: Vec<SocketAddr> = found
        .iter()
        .copied()
        .filter(|a| policy.permits(a.ip()))
        .collect();
    if permitted.is_empty() {
        if let Some(a) = found.first() {
            return Err(policy
                .check(host, a.ip())
                .err()
                .map_or_else(|| format!("{host} has no address"), |e| e.to_string()));
        }
        return Err(format!("{host} has no address"));
    }
    Ok(permitted)
}

/// Resolves host names for the HTTP client, keeping only addresses the policy permits.
struct GuardedResolver {
    policy: AddressPolicy,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let policy = self.policy;
        Box::pin(async move {
            let addresses = resolve(policy, name.as_str(), 0)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { e.into() })?;
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests;
