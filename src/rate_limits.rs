//! The API's rate limits built from the settings: the one limiter of the process (Redis when
//! `REDIS_URL` is set, in process otherwise; the login limiter takes its tokens from it too), the built-in limiters' defaults, the HTTP limiter, and the rules
//! read once at start (`query::rate_limits::RateLimits::follow` keeps them current).

use crate::configuration::{ConfigError, LimiterDefault, Settings};
use command::rate_limit::RateLimiter;
use projector::ReadModels;
use query::rate_limits::rules::BuiltIn;
use query::rate_limits::{RateLimits, DIAGNOSIS, JOBS};

/// Whether the server runs in `local` auth mode, where the built-in defaults apply only
/// when a variable of theirs is set (rules and explicitly set variables apply everywhere).
pub fn local_mode(settings: &Settings) -> bool {
    settings.auth_mode() == query::auth::AuthMode::Local
}

/// The rate limits of an API server.
pub async fn build(
    settings: &Settings,
    reads: ReadModels,
    local_mode: bool,
) -> anyhow::Result<RateLimits> {
    let limiter = match &settings.redis_url {
        Some(url) => {
            let prefix = settings.rate_limit_prefix.clone();
            RateLimiter::redis(url, prefix, settings.failure_mode()?)
                .await
                .map_err(|e| ConfigError {
                    name: "REDIS_URL".into(),
                    reason: e.to_string(),
                })?
        }
        None => RateLimiter::memory(),
    };
    let limiter = std::sync::Arc::new(limiter);
    let built_in = |d: LimiterDefault| BuiltIn {
        scope: d.scope,
        limit: d.limit,
    };
    let (diag, jobs) = (settings.diag_limiter()?, settings.jobs_limiter()?);
    let limits = RateLimits::builder(limiter, reads, local_mode)
        .default_limit(DIAGNOSIS, built_in(diag), diag.explicit)
        .default_limit(JOBS, built_in(jobs), jobs.explicit)
        .http(settings.http_limit()?)
        .build();
    if let Err(e) = limits.reload().await {
        tracing::warn!(error = %e, "cannot read the rate-limit rules at start; they are read again in a few seconds");
    }
    let set = limits.rule_set();
    let mut defaults: Vec<&str> = set.defaults().keys().map(String::as_str).collect();
    defaults.sort_unstable();
    tracing::info!(
        backend = settings.redis_url.as_ref().map_or("memory", |_| "redis"),
        defaults = defaults.join(","),
        http = limits.http_limit().is_some(),
        "rate limits ready"
    );
    Ok(limits)
}
