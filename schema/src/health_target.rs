//! What a health check probes, parsed at the edge: an http(s) URL, a `host:port`, or a part of
//! ClusterGenie itself; and the addresses no check may reach.

use crate::values::{excerpt, HealthCheckKind};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The parts of ClusterGenie an INTERNAL check can measure.
pub const INTERNAL_TARGETS: [&str; 4] = ["database", "broker", "projector_lag", "api_latency"];

/// A health check's target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HealthTarget {
    /// An http or https URL.
    Http {
        /// The URL, normalized.
        url: String,
    },
    /// A host name or address and a port.
    Tcp {
        /// Host name, IPv4 address or IPv6 address (without brackets).
        host: String,
        /// Port, 1–65535.
        port: u16,
    },
    /// A part of ClusterGenie: one of [`INTERNAL_TARGETS`].
    Internal {
        /// Which part.
        name: String,
    },
}

/// Why a target is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TargetError(pub String);

/// Which addresses a check may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// `CLUSTERGENIE_HEALTHCHECK_ALLOW_PRIVATE=true`: link-local and cloud metadata addresses
    /// too.
    pub allow_private: bool,
}

impl AddressPolicy {
    /// Whether a check may connect to `ip`. Link-local addresses (`169.254.0.0/16`,
    /// `fe80::/10`, where cloud metadata services answer) and AWS's IPv6 metadata address
    /// `fd00:ec2::254` are refused unless allowed, also when written as IPv4-mapped IPv6.
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.allow_private || !forbidden(ip)
    }

    /// An error naming `shown` (the host as written) when `ip` is refused.
    pub fn check(&self, shown: &str, ip: IpAddr) -> Result<(), TargetError> {
        if self.permits(ip) {
            Ok(())
        } else {
            Err(TargetError(format!(
                "{} is a link-local or cloud metadata address ({ip}); health checks may not reach it unless CLUSTERGENIE_HEALTHCHECK_ALLOW_PRIVATE=true",
                excerpt(shown)
            )))
        }
    }
}

fn forbidden(ip: IpAddr) -> bool {
    const AWS_METADATA_V6: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);
    match ip {
        IpAddr::V4(v4) => v4_forbidden(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4_forbidden(v4),
            None => v6 == AWS_METADATA_V6 || (v6.segments()[0] & 0xffc0) == 0xfe80,
        },
    }
}

fn v4_forbidden(ip: Ipv4Addr) -> bool {
    ip.is_link_local()
}

impl HealthTarget {
    /// Parses `text` as the target of a check of `kind`. A literal address is checked against
    /// `policy` here; a host name is checked each time it is resolved.
    pub fn parse(
        kind: HealthCheckKind,
        text: &str,
        policy: AddressPolicy,
    ) -> Result<Self, TargetError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TargetError("must not be empty".into()));
        }
        if text.chars().count() > 2048 {
            return Err(TargetError("is longer than 2048 characters".into()));
        }
        if text.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(TargetError(format!(
                "{} contains white space or a control character",
                excerpt(text)
            )));
        }
        match kind {
            HealthCheckKind::Http => {
                let url = url::Url::parse(text)
                    .map_err(|e| TargetError(format!("{} is not a URL: {e}", excerpt(text))))?;
                if !matches!(url.scheme(), "http" | "https") {
                    return Err(TargetError(format!(
                        "the scheme `{}` is not allowed; use http or https",
                        url.scheme()
                    )));
                }
                if !url.username().is_empty() || url.password().is_some() {
                    return Err(TargetError(
                        "must not carry credentials; a check's target is shown to every reader"
                            .into(),
                    ));
                }
                match url.host() {
                    Some(url::Host::Ipv4(ip)) => policy.check(text, IpAddr::V4(ip))?,
                    Some(url::Host::Ipv6(ip)) => policy.check(text, IpAddr::V6(ip))?,
                    Some(url::Host::Domain(_)) => {}
                    None => return Err(TargetError(format!("{} has no host", excerpt(text)))),
                }
                Ok(HealthTarget::Http { url: url.into() })
            }
            HealthCheckKind::Tcp => {
                let (host, port) = text
                    .rsplit_once(':')
                    .ok_or_else(|| TargetError(format!("{} is not host:port", excerpt(text))))?;
                let port: u16 = port.parse().ok().filter(|p| *p > 0).ok_or_else(|| {
                    TargetError(format!("{} is not a port (1–65535)", excerpt(port)))
                })?;
                let bracketed = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
                if host.is_empty() {
                    return Err(TargetError(format!("has no host before `:{port}`")));
                }
                if bracketed.is_none() && host.contains(':') {
                    return Err(TargetError(format!(
                        "{} is ambiguous: write an IPv6 address in brackets, [::1]:{port}",
                        excerpt(text)
                    )));
                }
                let host = bracketed.unwrap_or(host);
                if let Ok(ip) = host.parse::<IpAddr>() {
                    policy.check(text, ip)?;
                } else if url::Host::parse(host).is_err() || host.contains(['/', '@', '?', '#']) {
                    return Err(TargetError(format!(
                        "{} is not a host name or address",
                        excerpt(host)
                    )));
                }
                Ok(HealthTarget::Tcp {
                    host: host.to_string(),
                    port,
                })
            }
            HealthCheckKind::Internal => {
                if INTERNAL_TARGETS.contains(&text) {
                    Ok(HealthTarget::Internal { name: text.into() })
                } else {
                    Err(TargetError(format!(
                        "{} is not an internal target; use one of {}",
                        excerpt(text),
                        INTERNAL_TARGETS.join(", ")
                    )))
                }
            }
        }
    }

    /// The kind of check that probes it.
    pub fn kind(&self) -> HealthCheckKind {
        match self {
            HealthTarget::Http { .. } => HealthCheckKind::Http,
            HealthTarget::Tcp { .. } => HealthCheckKind::Tcp,
            HealthTarget::Internal { .. } => HealthCheckKind::Internal,
        }
    }
}

impl fmt::Display for HealthTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HealthTarget::Http { url } => f.write_str(url),
            HealthTarget::Tcp { host, port } if host.contains(':') => write!(f, "[{host}]:{port}"),
            HealthTarget::Tcp { host, port } => write!(f, "{host}:{port}"),
            HealthTarget::Internal { name } => f.write_str(name),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use HealthCheckKind::*;

    const DENY: AddressPolicy = AddressPolicy {
        allow_private: false,
    };

    fn refused(kind: HealthCheckKind, text: &str) -> String {
        HealthTarget::parse(kind, text, DENY).unwrap_err().0
    }

    #[test]
    fn http_targets_are_http_or_https_urls() {
        let t = HealthTarget::parse(Http, " http://127.0.0.1:8080/health ", DENY).unwrap();
        assert_eq!(t.to_string(), "http://127.0.0.1:8080/health");
        assert_eq!(t.kind(), Http);
        assert!(HealthTarget::parse(Http, "https://example.com", DENY).is_ok());
        assert_eq!(
            refused(Http, "ftp://example.com/"),
            "the scheme `ftp` is not allowed; use http or https"
        );
        assert_eq!(
            refused(Http, "file:///etc/passwd"),
            "the scheme `file` is not allowed; use http or https"
        );
        assert!(refused(Http, "not a url").contains("white space"));
        assert!(refused(Http, "example.com/health").contains("is not a URL"));
        assert!(refused(Http, "http://user:pw@example.com/").contains("credentials"));
        assert_eq!(refused(Http, ""), "must not be empty");
    }

    #[test]
    fn metadata_and_link_local_addresses_are_refused_unless_allowed() {
        for target in [
            "http://169.254.169.254/latest/meta-data/",
            "http://169.254.0.1/",
            "http://[fd00:ec2::254]/",
            "http://[fe80::1]/",
            "http://[::ffff:169.254.169.254]/",
            // The URL parser reads other spellings of the same address.
            "http://0xa9fea9fe/",
            "http://2852039166/",
        ] {
            let message = refused(Http, target);
            assert!(
                message.contains("link-local or cloud metadata address"),
                "{target}: {message}"
            );
            let allow = AddressPolicy {
                allow_private: true,
            };
            assert!(HealthTarget::parse(Http, target, allow).is_ok(), "{target}");
        }
        assert!(refused(Tcp, "169.254.169.254:80").contains("cloud metadata"));
        assert!(refused(Tcp, "[fd00:ec2::254]:80").contains("cloud metadata"));
        // Loopback and private ranges are ordinary targets.
        for target in [
            "http://127.0.0.1:9/",
            "http://10.0.0.1/",
            "http://[::1]:80/",
        ] {
            assert!(HealthTarget::parse(Http, target, DENY).is_ok(), "{target}");
        }
    }

    #[test]
    fn tcp_targets_are_host_and_port() {
        let t = HealthTarget::parse(Tcp, "db.internal:5432", DENY).unwrap();
        assert_eq!(
            t,
            HealthTarget::Tcp {
                host: "db.internal".into(),
                port: 5432
            }
        );
        let v6 = HealthTarget::parse(Tcp, "[::1]:6379", DENY).unwrap();
        assert_eq!(v6.to_string(), "[::1]:6379");
        assert_eq!(
            refused(Tcp, "db.internal"),
            "\"db.internal\" is not host:port"
        );
        assert_eq!(refused(Tcp, "db:0"), "\"0\" is not a port (1–65535)");
        assert_eq!(
            refused(Tcp, "db:70000"),
            "\"70000\" is not a port (1–65535)"
        );
        assert_eq!(refused(Tcp, ":80"), "has no host before `:80`");
        assert_eq!(
            refused(Tcp, "::1:80"),
            "\"::1:80\" is ambiguous: write an IPv6 address in brackets, [::1]:80"
        );
        assert_eq!(
            refused(Tcp, "a/b:80"),
            "\"a/b\" is not a host name or address"
        );
    }

    #[test]
    fn internal_targets_are_named_parts() {
        for name in INTERNAL_TARGETS {
            assert_eq!(
                HealthTarget::parse(Internal, name, DENY)
                    .unwrap()
                    .to_string(),
                name
            );
        }
        assert_eq!(
            refused(Internal, "kafka"),
            "\"kafka\" is not an internal target; use one of database, broker, projector_lag, api_latency"
        );
    }
}
