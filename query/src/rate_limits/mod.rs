//! Rate limits as the API enforces them: one [`RateLimiter`] (Redis when `REDIS_URL` is
//! set, so every API instance shares the buckets; in process otherwise), the built-in
//! defaults, and the rules of the `rate_limit_rules` read model ([`rules`] resolves them).
//!
//! Resolvers ask [`RateLimits::check`] before they run a command: `state.rate_limits
//! .check(ctx, "jobs", cluster_id).await?`. A denial is `RATE_LIMITED` with
//! `extensions.retryAfterSeconds`, before anything is appended. The rules are read again
//! when a RateLimitRule change is projected ([`RateLimits::follow`]) and every few seconds,
//! so other instances' rule changes arrive without a restart.

pub mod rules;

use crate::errors::{self, ErrorCode};
use async_graphql::{Context, ErrorExtensions};
use command::aggregates::{Droplet, Job};
use command::rate_limit::{Decision, FailureMode, Limit, RateLimiter, Unavailable};
use command::{Commands, RequestContext};
use projector::models::rate_limit_rules::RateLimitRules;
use projector::{ChangeFeed, RateLimitRuleFilter, ReadModels, Slice};
use rules::{Applied, BuiltIn, Rule, RuleSet, Source, Subject, UserKey};
use schema::rate_limits::{RateLimitRuleStatus, RateLimitScope};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

/// The limiter of job-starting mutations (`createDroplet`, `destroyDroplet`, `resizeDroplet`,
/// `powerDroplet`, `retryJob`).
pub const JOBS: &str = "jobs";
/// The limiter of diagnosis requests.
pub const DIAGNOSIS: &str = "diagnosis";

/// How often the rules are read again without a change seen (other instances' changes).
pub const REFRESH_EVERY: Duration = Duration::from_secs(3);

/// Rules read per page when the rule set is reloaded.
const RULES_PAGE: i64 = 500;

/// The API's rate limits: the limiter, the defaults and the rules in force. Cheap to clone.
#[derive(Clone)]
pub struct RateLimits {
    inner: Arc<Inner>,
}

struct Inner {
    limiter: Arc<RateLimiter>,
    reads: ReadModels,
    set: RwLock<Arc<RuleSet>>,
    /// The HTTP limiter's limit per client address, when configured.
    http: Option<Limit>,
}

/// Builds [`RateLimits`] from the configuration.
pub struct RateLimitsBuilder {
    limiter: Arc<RateLimiter>,
    reads: ReadModels,
    local_mode: bool,
    defaults: HashMap<String, BuiltIn>,
    http: Option<Limit>,
}

impl RateLimitsBuilder {
    /// The default of limiter `name`. In `local` mode it applies only when `explicit` (one
    /// of its variables was set), so the embedded demo and the benchmarks are not throttled.
    pub fn default_limit(mut self, name: &str, built_in: BuiltIn, explicit: bool) -> Self {
        if explicit || !self.local_mode {
            self.defaults.insert(name.to_string(), built_in);
        }
        self
    }

    /// The HTTP limiter's limit per client address (off with `None`).
    pub fn http(mut self, limit: Option<Limit>) -> Self {
        self.http = limit;
        self
    }

    /// The service, with no rules until [`RateLimits::reload`] reads them.
    pub fn build(self) -> RateLimits {
        RateLimits {
            inner: Arc::new(Inner {
                limiter: self.limiter,
                reads: self.reads,
                set: RwLock::new(Arc::new(RuleSet::new(vec![], self.defaults))),
                http: self.http,
            }),
        }
    }
}

/// The figures of one bucket as `rateLimitStatus` shows them.
#[derive(Debug, Clone)]
pub struct Status {
    /// The limit in force.
    pub limit: Limit,
    /// What decided it.
    pub source: Source,
    /// The bucket now (taking nothing).
    pub decision: Decision,
}

impl RateLimits {
    /// A builder; `local_mode` says whether the server runs in `local` auth mode.
    pub fn builder(
        limiter: Arc<RateLimiter>,
        reads: ReadModels,
        local_mode: bool,
    ) -> RateLimitsBuilder {
        RateLimitsBuilder {
            limiter,
            reads,
            local_mode,
            defaults: HashMap::new(),
            http: None,
        }
    }

    /// The limiter these limits take their tokens from (the login limiter shares it, and
    /// with it the backend, its failure mode and its health).
    pub fn limiter(&self) -> Arc<RateLimiter> {
        self.inner.limiter.clone()
    }

    /// The rules and defaults in force now.
    pub fn rule_set(&self) -> Arc<RuleSet> {
        self.inner
            .set
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The HTTP limiter's limit per client address, when configured.
    pub fn http_limit(&self) -> Option<Limit> {
        self.inner.http
    }

    /// Whether some limit of `name` is per cluster, so the resolver should find the cluster.
    pub fn wants_cluster(&self, name: &str) -> bool {
        self.rule_set().wants_cluster(name)
    }

    /// Takes one token of limiter `name` for the caller (and `cluster_id`, when the request
    /// is about a cluster) from every bucket that applies; `RATE_LIMITED` when one is empty.
    pub async fn check(
        &self,
        ctx: &Context<'_>,
        name: &str,
        cluster_id: Option<&str>,
    ) -> async_graphql::Result<()> {
        self.check_for(user_of(ctx), name, cluster_id).await
    }

    /// [`RateLimits::check`] for the caller `user` (REST v1, which has no GraphQL context).
    pub async fn check_for(
        &self,
        user: UserKey,
        name: &str,
        cluster_id: Option<&str>,
    ) -> async_graphql::Result<()> {
        let set = self.rule_set();
        if !set.limits(name) {
            return Ok(());
        }
        let subject = Subject {
            user: Some(user),
            cluster_id: cluster_id.map(str::to_string),
        };
        match self.take(set.applicable(name, &subject)).await {
            Ok(Some(d)) if !d.allowed => Err(limited(name, &d)),
            Ok(_) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }

    /// Checks [`JOBS`] for a job on droplet `droplet_id`; its cluster is looked up (on the
    /// write side) only when a jobs limit is per cluster.
    pub async fn check_droplet_job(
        &self,
        ctx: &Context<'_>,
        commands: &Commands,
        droplet_id: &str,
    ) -> async_graphql::Result<()> {
        self.check_droplet_job_for(user_of(ctx), commands, droplet_id)
            .await
    }

    /// [`RateLimits::check_droplet_job`] for the caller `user`.
    pub async fn check_droplet_job_for(
        &self,
        user: UserKey,
        commands: &Commands,
        droplet_id: &str,
    ) -> async_graphql::Result<()> {
        let cluster = if self.wants_cluster(JOBS) {
            cluster_of(commands, droplet_id).await
        } else {
            None
        };
        self.check_for(user, JOBS, cluster.as_deref()).await
    }

    /// Checks [`JOBS`] for a retry of job `job_id`, counted against its droplet's cluster
    /// when a jobs limit is per cluster.
    pub async fn check_retry(
        &self,
        ctx: &Context<'_>,
        commands: &Commands,
        job_id: &str,
    ) -> async_graphql::Result<()> {
        let mut cluster = None;
        if self.wants_cluster(JOBS) {
            if let Ok((job, _)) = commands.load::<Job>(job_id).await {
                cluster = cluster_of(commands, job.target_id()).await;
            }
        }
        self.check(ctx, JOBS, cluster.as_deref()).await
    }

    /// Takes one token from each bucket of `applied` in turn, stopping at the first that is
    /// empty. The answer is that denial, else the allowed decision with the fewest tokens
    /// left (for the headers); `None` when nothing applies.
    pub async fn take(&self, applied: Vec<Applied>) -> Result<Option<Decision>, Unavailable> {
        let mut tightest: Option<Decision> = None;
        for a in applied {
            let d = self.inner.limiter.check(&a.bucket, a.limit, 1).await?;
            if !d.allowed {
                return Ok(Some(d));
            }
            if tightest.as_ref().is_none_or(|t| d.remaining < t.remaining) {
                tightest = Some(d);
            }
        }
        Ok(tightest)
    }

    /// The bucket of limiter `name` in `scope` for `scope_id` (the caller's own when a USER
    /// status names no user), taking nothing; `None` when no limit applies there.
    pub async fn status(
        &self,
        name: &str,
        scope: RateLimitScope,
        scope_id: Option<&str>,
        caller: &UserKey,
    ) -> Result<Option<Status>, Unavailable> {
        let set = self.rule_set();
        let (bucket_of, rule_id) = match (scope, scope_id) {
            (RateLimitScope::User, None) => {
                (Some(caller.bucket.as_str()), caller.user_id.as_deref())
            }
            (_, id) => (id, id),
        };
        let Some((limit, source)) = set.resolve(name, scope, rule_id) else {
            return Ok(None);
        };
        let bucket = rules::bucket(name, scope, bucket_of);
        let decision = self.inner.limiter.status(&bucket, limit).await?;
        Ok(Some(Status {
            limit,
            source,
            decision,
        }))
    }

    /// Reads the active rules again from the read model.
    pub async fn reload(&self) -> Result<(), sqlx::Error> {
        let filter = RateLimitRuleFilter {
            status: Some(RateLimitRuleStatus::Active),
            ..RateLimitRuleFilter::default()
        };
        let mut rules = Vec::new();
        let mut after = None;
        loop {
            let page = self
                .inner
                .reads
                .list::<RateLimitRules>(&filter, Slice::After(after), RULES_PAGE, false)
                .await?;
            after = page.items.last().map(|r| r.ordinal);
            for row in page.items {
                let Some(limit) = row.state.limit() else {
                    tracing::warn!(rule_id = %row.id, "a stored rate-limit rule has an invalid limit; ignored");
                    continue;
                };
                rules.push(Rule {
                    id: row.id,
                    name: row.state.name,
                    scope: row.state.scope,
                    scope_id: row.state.scope_id,
                    limit,
                });
            }
            if !page.has_next {
                break;
            }
        }
        let next = Arc::new(self.rule_set().with_rules(rules));
        *self.inner.set.write().unwrap_or_else(|p| p.into_inner()) = next;
        Ok(())
    }

    /// Keeps the rules current until `stop`: reloads when a RateLimitRule change is
    /// projected and every [`REFRESH_EVERY`]; probes the limiter's backend on each tick so
    /// `/health` is current without traffic.
    pub async fn follow(self, feed: ChangeFeed, stop: impl Future<Output = ()>) {
        let mut changes = feed.subscribe();
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        let mut feed_open = true;
        loop {
            let reload = tokio::select! {
                _ = &mut stop => break,
                _ = tick.tick() => {
                    self.inner.limiter.probe().await;
                    true
                }
                change = changes.recv(), if feed_open => match change {
                    Ok(change) => change.audit.aggregate_type == "RateLimitRule",
                    Err(RecvError::Lagged(_)) => true,
                    Err(RecvError::Closed) => {
                        feed_open = false;
                        false
                    }
                },
            };
            if reload {
                if let Err(e) = self.reload().await {
                    tracing::warn!(error = %e, "cannot read the rate-limit rules; the previous ones stay in force");
                }
            }
        }
    }

    /// The `/health` check of the limiter's backend. Redis down is unhealthy (503) only in
    /// the closed failure mode: in the open one, requests go on, unlimited.
    pub fn health_check(&self) -> crate::health::HealthCheck {
        let inner = self.inner.clone();
        Arc::new(move || {
            let h = inner.limiter.health();
            let ok = h.healthy || h.failure_mode == Some(FailureMode::Open);
            (
                ok,
                serde_json::json!({
                    "status": if h.healthy { "up" } else { "down" },
                    "backend": h.backend,
                    "failure_mode": h.failure_mode.map(FailureMode::as_str),
                    "enforced": h.healthy,
                    "last_error": h.last_error,
                }),
            )
        })
    }
}

/// The caller as the USER scope sees them: the one place that says who a request is for
/// rate limits. A signed-in caller is their user id; the local operator (and any request
/// without a `Caller`) the actor, as `actor:<name>`.
pub fn user_of(ctx: &Context<'_>) -> UserKey {
    user_key(
        ctx.data_opt::<crate::auth::Caller>(),
        ctx.data_opt::<RequestContext>(),
    )
}

/// [`user_of`] from the caller and the request context themselves.
pub fn user_key(caller: Option<&crate::auth::Caller>, request: Option<&RequestContext>) -> UserKey {
    if let Some(id) = caller.and_then(|c| c.user_id) {
        return UserKey {
            bucket: id.to_string(),
            user_id: Some(id.to_string()),
        };
    }
    let actor = request
        .map(|c| c.actor.as_str())
        .unwrap_or(schema::metadata::ANONYMOUS_ACTOR);
    UserKey {
        bucket: format!("actor:{actor}"),
        user_id: None,
    }
}

/// The cluster of droplet `droplet_id`, if it has one (a failed lookup counts as none: the
/// command itself reports it).
async fn cluster_of(commands: &Commands, droplet_id: &str) -> Option<String> {
    let (droplet, _) = commands.load::<Droplet>(droplet_id).await.ok()?;
    droplet.state?.cluster_id.map(|c| c.to_string())
}

/// Whole seconds until `d` tokens are back, at least 1 (as `Retry-After` counts them).
pub fn retry_after_seconds(d: &Decision) -> u64 {
    let wait = d.retry_after.unwrap_or(d.reset_after);
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// The `RATE_LIMITED` error of a denial by limiter `name`.
fn limited(name: &str, d: &Decision) -> async_graphql::Error {
    let seconds = retry_after_seconds(d);
    errors::coded(
        ErrorCode::RateLimited,
        format!("too many {name} requests: the limit is {} in a burst; nothing was changed, retry in {seconds} s", d.limit),
    )
    .extend_with(|_, e| e.set("retryAfterSeconds", seconds))
}

/// The error when the limiter's store cannot answer in the closed failure mode.
fn unavailable(e: Unavailable) -> async_graphql::Error {
    tracing::warn!(error = %e, "rate limit not checked: the store is unavailable (failure mode closed)");
    errors::coded(
        ErrorCode::Unavailable,
        "the rate-limit store is unavailable; nothing was changed, try again",
    )
}
