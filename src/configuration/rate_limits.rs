//! The rate-limit settings parsed into what the API enforces: the built-in limiters'
//! defaults (the original product's `CLUSTERGENIE_DIAG_*` and `CLUSTERGENIE_JOBS_*`), the
//! HTTP limiter per client address, the Redis failure mode and key prefix. Each bad value is
//! one line naming its variable.

use super::sources::variable_for;
use super::{ConfigError, Settings};
use command::rate_limit::{FailureMode, Limit, LimitError, MAX_PREFIX_LEN};
use schema::rate_limits::RateLimitScope;

/// A built-in limiter's default as configured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterDefault {
    /// Whose requests share a bucket.
    pub scope: RateLimitScope,
    /// Rate and capacity.
    pub limit: Limit,
    /// Whether one of its variables was set (then it applies in `local` mode too).
    pub explicit: bool,
}

/// The variables of one built-in limiter and the original product's defaults.
struct Variables<'a> {
    rate: (&'static str, Option<f64>, f64),
    cap: (&'static str, Option<u32>, u32),
    scope: (&'static str, Option<&'a str>, RateLimitScope),
}

fn bad(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        name: variable_for(key),
        reason: reason.into(),
    }
}

impl Variables<'_> {
    fn parse(&self) -> Result<LimiterDefault, ConfigError> {
        let (rate_key, rate, rate_default) = self.rate;
        let (cap_key, cap, cap_default) = self.cap;
        let (scope_key, scope, scope_default) = self.scope;
        let scope_value = match scope {
            None => scope_default,
            Some(s) => RateLimitScope::parse_setting(s).ok_or_else(|| {
                bad(
                    scope_key,
                    format!(
                        "must be user, cluster or global, got {}",
                        schema::excerpt(s)
                    ),
                )
            })?,
        };
        let limit =
            Limit::new(rate.unwrap_or(rate_default), cap.unwrap_or(cap_default)).map_err(|e| {
                match e {
                    LimitError::RateNotPositive | LimitError::RateTooHigh => {
                        bad(rate_key, e.to_string())
                    }
                    LimitError::CapacityZero | LimitError::FillTooSlow => {
                        bad(cap_key, e.to_string())
                    }
                }
            })?;
        Ok(LimiterDefault {
            scope: scope_value,
            limit,
            explicit: rate.is_some() || cap.is_some() || scope.is_some(),
        })
    }
}

/// Parses `100/min`, `5/s`, `1000/h` or a bare number (per second) into requests per second.
fn per_second(raw: &str) -> Option<f64> {
    let (count, unit) = raw.trim().split_once('/').unwrap_or((raw.trim(), "s"));
    let count: f64 = count.trim().parse().ok()?;
    let seconds = match unit.trim() {
        "s" | "sec" | "second" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "h" | "hour" => 3600.0,
        _ => return None,
    };
    (count.is_finite() && count > 0.0).then(|| count / seconds)
}

impl Settings {
    /// The `diagnosis` limiter's default (`CLUSTERGENIE_DIAG_RATE` 0.2/s, `_CAP` 5,
    /// `_SCOPE` cluster).
    pub fn diag_limiter(&self) -> Result<LimiterDefault, ConfigError> {
        Variables {
            rate: ("diag_rate", self.diag_rate, 0.2),
            cap: ("diag_cap", self.diag_cap, 5),
            scope: (
                "diag_scope",
                self.diag_scope.as_deref(),
                RateLimitScope::Cluster,
            ),
        }
        .parse()
    }

    /// The `jobs` limiter's default (`CLUSTERGENIE_JOBS_RATE` 0.1/s, `_CAP` 3, `_SCOPE` user).
    pub fn jobs_limiter(&self) -> Result<LimiterDefault, ConfigError> {
        Variables {
            rate: ("jobs_rate", self.jobs_rate, 0.1),
            cap: ("jobs_cap", self.jobs_cap, 3),
            scope: (
                "jobs_scope",
                self.jobs_scope.as_deref(),
                RateLimitScope::User,
            ),
        }
        .parse()
    }

    /// The HTTP limiter per client address (`CLUSTERGENIE_HTTP_RATE_LIMIT`, e.g. `100/min`,
    /// with `CLUSTERGENIE_HTTP_RATE_BURST`, default 20); `None` when it is off.
    pub fn http_limit(&self) -> Result<Option<Limit>, ConfigError> {
        let Some(raw) = self
            .http_rate_limit
            .as_deref()
            .filter(|r| !r.trim().is_empty())
        else {
            return Ok(None);
        };
        let rate = per_second(raw).ok_or_else(|| {
            bad(
                "http_rate_limit",
                format!(
                    "must be requests per second, minute or hour, e.g. 100/min, got {}",
                    schema::excerpt(raw)
                ),
            )
        })?;
        let burst = self.http_rate_burst.unwrap_or(20);
        Limit::new(rate, burst).map(Some).map_err(|e| match e {
            LimitError::RateNotPositive | LimitError::RateTooHigh => {
                bad("http_rate_limit", e.to_string())
            }
            _ => bad("http_rate_burst", e.to_string()),
        })
    }

    /// What the Redis limiter does when Redis is down (`CLUSTERGENIE_RATE_LIMIT_FAILURE_MODE`).
    pub fn failure_mode(&self) -> Result<FailureMode, ConfigError> {
        FailureMode::parse(&self.rate_limit_failure_mode).map_err(|_| {
            bad(
                "rate_limit_failure_mode",
                format!(
                    "must be open or closed, got {}",
                    schema::excerpt(&self.rate_limit_failure_mode)
                ),
            )
        })
    }

    /// Checks every rate-limit setting.
    pub(super) fn validate_rate_limits(&self) -> Result<(), ConfigError> {
        self.diag_limiter()?;
        self.jobs_limiter()?;
        self.http_limit()?;
        self.failure_mode()?;
        let prefix = &self.rate_limit_prefix;
        if prefix.is_empty()
            || prefix.len() > MAX_PREFIX_LEN
            || prefix.chars().any(char::is_control)
        {
            return Err(bad(
                "rate_limit_prefix",
                format!("must be 1–{MAX_PREFIX_LEN} bytes without control characters"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(change: impl FnOnce(&mut Settings)) -> String {
        let mut settings = Settings::default();
        change(&mut settings);
        settings.validate_rate_limits().unwrap_err().to_string()
    }

    #[test]
    fn the_defaults_are_the_original_products_and_not_explicit() {
        let s = Settings::default();
        let jobs = s.jobs_limiter().unwrap();
        assert_eq!(
            (jobs.scope, jobs.limit, jobs.explicit),
            (RateLimitScope::User, Limit::new(0.1, 3).unwrap(), false)
        );
        let diag = s.diag_limiter().unwrap();
        assert_eq!(
            (diag.scope, diag.limit.capacity()),
            (RateLimitScope::Cluster, 5)
        );
        assert_eq!(s.http_limit().unwrap(), None);
        assert_eq!(s.failure_mode().unwrap(), FailureMode::Open);
        let explicit = Settings {
            jobs_scope: Some("GLOBAL".into()),
            ..Settings::default()
        };
        let jobs = explicit.jobs_limiter().unwrap();
        assert!(jobs.explicit);
        assert_eq!(jobs.scope, RateLimitScope::Global);
    }

    #[test]
    fn the_http_limit_reads_like_the_original() {
        let s = Settings {
            http_rate_limit: Some("100/min".into()),
            ..Settings::default()
        };
        let limit = s.http_limit().unwrap().unwrap();
        assert_eq!(limit.capacity(), 20);
        assert!((limit.refill_per_sec() - 100.0 / 60.0).abs() < 1e-9);
        assert_eq!(per_second("5"), Some(5.0));
        assert_eq!(per_second("1000/h"), Some(1000.0 / 3600.0));
        assert_eq!(per_second("0/s"), None);
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(
            refusal(|s| s.jobs_rate = Some(0.0)),
            "configuration error: CLUSTERGENIE_JOBS_RATE: the refill rate must be a finite number of tokens per second above 0"
        );
        assert_eq!(
            refusal(|s| s.diag_cap = Some(0)),
            "configuration error: CLUSTERGENIE_DIAG_CAP: the capacity must be at least 1 token"
        );
        assert_eq!(
            refusal(|s| s.diag_scope = Some("team".into())),
            "configuration error: CLUSTERGENIE_DIAG_SCOPE: must be user, cluster or global, got \"team\""
        );
        assert_eq!(
            refusal(|s| s.rate_limit_failure_mode = "maybe".into()),
            "configuration error: CLUSTERGENIE_RATE_LIMIT_FAILURE_MODE: must be open or closed, got \"maybe\""
        );
        assert!(refusal(|s| s.http_rate_limit = Some("lots".into()))
            .starts_with("configuration error: CLUSTERGENIE_HTTP_RATE_LIMIT: "));
        assert!(refusal(|s| {
            s.http_rate_limit = Some("10/s".into());
            s.http_rate_burst = Some(0);
        })
        .starts_with("configuration error: CLUSTERGENIE_HTTP_RATE_BURST: "));
        assert!(refusal(|s| s.rate_limit_prefix = String::new())
            .starts_with("configuration error: CLUSTERGENIE_RATE_LIMIT_PREFIX: "));
    }
}
