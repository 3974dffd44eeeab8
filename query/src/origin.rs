//! Which web pages may call the API from a browser: the server's own origin, plus those
//! listed in `CLUSTERGENIE_ALLOWED_ORIGINS`.
//!
//! Browsers attach `Origin` to cross-site POSTs and WebSocket upgrades, so refusing unknown
//! origins stops other sites from acting with an operator's credentials or network position
//! (CSRF, cross-site WebSocket hijacking). Requests without `Origin` (curl, scripts, same-origin
//! GETs) are not from another site's page and pass.

use actix_web::http::header::{HeaderMap, HeaderValue, HOST, ORIGIN};

/// An item of `CLUSTERGENIE_ALLOWED_ORIGINS` that is not an origin (at most 80 characters of
/// it are kept, so a hostile value is not echoed whole).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{excerpt:?} is not an origin (scheme://host[:port], no path, comma-separated)")]
pub struct NotAnOrigin {
    /// The start of the offending item.
    pub excerpt: String,
}

/// The configured list of origins besides the server's own.
#[derive(Debug, Clone, Default)]
pub struct AllowedOrigins {
    origins: Vec<String>,
}

impl AllowedOrigins {
    /// Parses a comma-separated list of `scheme://host[:port]` origins; empty means only the
    /// server's own origin.
    pub fn parse(list: &str) -> Result<Self, NotAnOrigin> {
        let mut origins = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let rest = item
                .strip_prefix("http://")
                .or_else(|| item.strip_prefix("https://"));
            let valid = rest.is_some_and(|host| {
                !host.is_empty()
                    && host.chars().all(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')
                    })
            });
            if !valid {
                return Err(NotAnOrigin {
                    excerpt: item.chars().take(80).collect(),
                });
            }
            origins.push(item.to_ascii_lowercase());
        }
        Ok(Self { origins })
    }

    /// Whether a request with these headers may be acted on: no `Origin`, the server's own
    /// origin (its host and port equal the `Host` header), or a listed one.
    pub fn allows_request(&self, headers: &HeaderMap) -> bool {
        match headers.get(ORIGIN) {
            None => true,
            Some(origin) => self.allows(origin, headers.get(HOST)),
        }
    }

    /// Whether `origin` may call a server reached under `host`.
    pub fn allows(&self, origin: &HeaderValue, host: Option<&HeaderValue>) -> bool {
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = origin.to_ascii_lowercase();
        if self.origins.contains(&origin) {
            return true;
        }
        let authority = origin
            .strip_prefix("http://")
            .or_else(|| origin.strip_prefix("https://"));
        let host = host.and_then(|h| h.to_str().ok());
        matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
    }
}

impl AllowedOrigins {
    /// CORS: preflights are answered for the allowed origins and refused for others (the
    /// GraphQL handlers also refuse other origins' requests themselves).
    pub fn cors(&self) -> actix_cors::Cors {
        let origins = self.clone();
        actix_cors::Cors::default()
            .allowed_origin_fn(move |origin, head| origins.allows(origin, head.headers().get(HOST)))
            .allowed_methods(["GET", "POST"])
            .allowed_headers([
                "authorization",
                "content-type",
                "x-correlation-id",
                "traceparent",
                "tracestate",
            ])
            .max_age(600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }

    #[test]
    fn own_origin_and_listed_ones_pass() {
        let list =
            AllowedOrigins::parse("https://Console.example.com, http://localhost:5173").unwrap();
        let host = value("127.0.0.1:8080");
        assert!(list.allows(&value("http://127.0.0.1:8080"), Some(&host)));
        assert!(list.allows(&value("https://console.example.com"), Some(&host)));
        assert!(list.allows(&value("http://localhost:5173"), Some(&host)));
        assert!(!list.allows(&value("https://evil.example"), Some(&host)));
        assert!(!list.allows(&value("http://127.0.0.1:9999"), Some(&host)));
        assert!(!list.allows(&value("null"), Some(&host)));
        assert!(!list.allows(&value("http://127.0.0.1:8080"), None));
    }

    #[test]
    fn rejects_what_is_not_an_origin() {
        assert!(AllowedOrigins::parse("").is_ok());
        assert!(AllowedOrigins::parse("*").is_err());
        assert!(AllowedOrigins::parse("https://a.example/path").is_err());
        assert!(AllowedOrigins::parse("ftp://a.example").is_err());
    }
}
