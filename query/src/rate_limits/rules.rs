//! Which limit applies to a request: the one place that resolves rules and built-in defaults.
//!
//! A limiter (`jobs`, `diagnosis`, …) has at most one limit per scope for a request. In each
//! scope, a rule naming the request's user or cluster (`scopeId`) beats a rule for each user
//! or cluster, which beats the limiter's built-in default when the default is of that scope.
//! Every scope that has a limit is enforced: a request passes when each of its buckets (the
//! user's, the cluster's, everyone's) has a token. A CLUSTER limit applies only to requests
//! about a cluster.

use command::rate_limit::Limit;
use schema::rate_limits::RateLimitScope;
use std::collections::HashMap;

/// A limiter's default from the configuration (`CLUSTERGENIE_JOBS_RATE`, …).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuiltIn {
    /// Whose requests share a bucket.
    pub scope: RateLimitScope,
    /// Rate and capacity.
    pub limit: Limit,
}

/// An active rule, as read from the `rate_limit_rules` read model.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The rule's id.
    pub id: String,
    /// The limiter it configures.
    pub name: String,
    /// Its scope.
    pub scope: RateLimitScope,
    /// The one user or cluster it is for, or none for each.
    pub scope_id: Option<String>,
    /// Rate and capacity.
    pub limit: Limit,
}

/// What decided a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The rule with this id.
    Rule(String),
    /// The limiter's built-in default.
    Default,
}

/// Who a request is, as far as the scopes care.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// The user's bucket key (their id, or `actor:<name>` when they have none) and their id.
    pub user: Option<UserKey>,
    /// The cluster the request is about.
    pub cluster_id: Option<String>,
}

/// A user as the USER scope sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserKey {
    /// Names their bucket.
    pub bucket: String,
    /// Their user id, which USER rules with a `scopeId` match.
    pub user_id: Option<String>,
}

/// One limit that applies to a request: the bucket it is counted in and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The scope.
    pub scope: RateLimitScope,
    /// The bucket's key, `<name>:user:<key>`, `<name>:cluster:<id>` or `<name>:global`.
    pub bucket: String,
    /// Rate and capacity.
    pub limit: Limit,
    /// A rule or the default.
    pub source: Source,
}

/// The rules and defaults in force, grouped by limiter.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    rules: HashMap<String, Vec<Rule>>,
    defaults: HashMap<String, BuiltIn>,
}

impl RuleSet {
    /// The set of `rules` over `defaults`.
    pub fn new(rules: Vec<Rule>, defaults: HashMap<String, BuiltIn>) -> Self {
        let mut by_name: HashMap<String, Vec<Rule>> = HashMap::new();
        for rule in rules {
            by_name.entry(rule.name.clone()).or_default().push(rule);
        }
        Self {
            rules: by_name,
            defaults,
        }
    }

    /// The same defaults with other rules.
    pub fn with_rules(&self, rules: Vec<Rule>) -> Self {
        Self::new(rules, self.defaults.clone())
    }

    /// The built-in defaults in force.
    pub fn defaults(&self) -> &HashMap<String, BuiltIn> {
        &self.defaults
    }

    /// Whether limiter `name` has any limit at all (a request may skip the work otherwise).
    pub fn limits(&self, name: &str) -> bool {
        self.rules.contains_key(name) || self.defaults.contains_key(name)
    }

    /// Whether some limit of `name` is CLUSTER-scoped, so a request should say its cluster.
    pub fn wants_cluster(&self, name: &str) -> bool {
        let rule = self
            .rules
            .get(name)
            .is_some_and(|rules| rules.iter().any(|r| r.scope == RateLimitScope::Cluster));
        rule || self
            .defaults
            .get(name)
            .is_some_and(|d| d.scope == RateLimitScope::Cluster)
    }

    /// The limit of `name` in `scope` for `scope_id` (the user's or cluster's id; none for
    /// GLOBAL), and what decided it; `None` when that scope is unlimited.
    pub fn resolve(
        &self,
        name: &str,
        scope: RateLimitScope,
        scope_id: Option<&str>,
    ) -> Option<(Limit, Source)> {
        let rules = self.rules.get(name).map(Vec::as_slice).unwrap_or_default();
        let in_scope = |id: Option<&str>| {
            rules
                .iter()
                .find(|r| r.scope == scope && r.scope_id.as_deref() == id)
        };
        let specific = scope_id.and_then(|id| in_scope(Some(id)));
        if let Some(rule) = specific.or_else(|| in_scope(None)) {
            return Some((rule.limit, Source::Rule(rule.id.clone())));
        }
        self.defaults
            .get(name)
            .filter(|d| d.scope == scope)
            .map(|d| (d.limit, Source::Default))
    }

    /// Every limit of `name` that applies to `subject`, user first, then cluster, then global.
    pub fn applicable(&self, name: &str, subject: &Subject) -> Vec<Applied> {
        if !self.limits(name) {
            return Vec::new();
        }
        let mut applied = Vec::new();
        if let Some(user) = &subject.user {
            if let Some((limit, source)) =
                self.resolve(name, RateLimitScope::User, user.user_id.as_deref())
            {
                applied.push(Applied {
                    scope: RateLimitScope::User,
                    bucket: bucket(name, RateLimitScope::User, Some(&user.bucket)),
                    limit,
                    source,
                });
            }
        }
        if let Some(cluster) = &subject.cluster_id {
            if let Some((limit, source)) =
                self.resolve(name, RateLimitScope::Cluster, Some(cluster))
            {
                applied.push(Applied {
                    scope: RateLimitScope::Cluster,
                    bucket: bucket(name, RateLimitScope::Cluster, Some(cluster)),
                    limit,
                    source,
                });
            }
        }
        if let Some((limit, source)) = self.resolve(name, RateLimitScope::Global, None) {
            applied.push(Applied {
                scope: RateLimitScope::Global,
                bucket: bucket(name, RateLimitScope::Global, None),
                limit,
                source,
            });
        }
        applied
    }
}

/// The key of the bucket of limiter `name` in `scope` for `subject` (a user's bucket key, a
/// cluster id; none for GLOBAL). Rules do not name buckets: a bucket keeps what it owes
/// when the rule that governs it changes.
pub fn bucket(name: &str, scope: RateLimitScope, subject: Option<&str>) -> String {
    match (scope, subject) {
        (RateLimitScope::Global, _) | (_, None) => format!("{name}:global"),
        (RateLimitScope::User, Some(s)) => format!("{name}:user:{s}"),
        (RateLimitScope::Cluster, Some(s)) => format!("{name}:cluster:{s}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(capacity: u32) -> Limit {
        Limit::new(1.0, capacity).unwrap()
    }

    fn rule(id: &str, scope: RateLimitScope, scope_id: Option<&str>, capacity: u32) -> Rule {
        Rule {
            id: id.into(),
            name: "jobs".into(),
            scope,
            scope_id: scope_id.map(Into::into),
            limit: limit(capacity),
        }
    }

    fn defaults() -> HashMap<String, BuiltIn> {
        HashMap::from([(
            "jobs".to_string(),
            BuiltIn {
                scope: RateLimitScope::User,
                limit: limit(3),
            },
        )])
    }

    fn user(id: &str) -> Subject {
        Subject {
            user: Some(UserKey {
                bucket: id.into(),
                user_id: Some(id.into()),
            }),
            cluster_id: None,
        }
    }

    #[test]
    fn a_specific_rule_beats_a_general_one_which_beats_the_default() {
        use RateLimitScope::User;
        let only_default = RuleSet::new(vec![], defaults());
        assert_eq!(
            only_default.resolve("jobs", User, Some("u1")),
            Some((limit(3), Source::Default))
        );
        let general = only_default.with_rules(vec![rule("r1", User, None, 10)]);
        assert_eq!(
            general.resolve("jobs", User, Some("u1")),
            Some((limit(10), Source::Rule("r1".into())))
        );
        let both = only_default.with_rules(vec![
            rule("r2", User, Some("u1"), 50),
            rule("r1", User, None, 10),
        ]);
        assert_eq!(
            both.resolve("jobs", User, Some("u1")).unwrap().1,
            Source::Rule("r2".into())
        );
        assert_eq!(
            both.resolve("jobs", User, Some("u2")).unwrap().1,
            Source::Rule("r1".into())
        );
        let applied = both.applicable("jobs", &user("u1"));
        assert_eq!(applied.len(), 1);
        assert_eq!(applied[0].bucket, "jobs:user:u1");
    }

    #[test]
    fn each_scope_with_a_limit_is_enforced_and_global_is_one_bucket() {
        use RateLimitScope::{Cluster, Global};
        let set = RuleSet::new(
            vec![rule("g", Global, None, 100), rule("c", Cluster, None, 5)],
            defaults(),
        );
        let mut subject = user("u1");
        subject.cluster_id = Some("c1".into());
        let buckets: Vec<String> = set
            .applicable("jobs", &subject)
            .into_iter()
            .map(|a| a.bucket)
            .collect();
        assert_eq!(buckets, ["jobs:user:u1", "jobs:cluster:c1", "jobs:global"]);
        assert!(set.wants_cluster("jobs"));
        // Without a cluster, the CLUSTER rule does not apply.
        assert_eq!(set.applicable("jobs", &user("u2")).len(), 2);
    }

    #[test]
    fn a_limiter_without_rules_or_default_is_unlimited() {
        let set = RuleSet::new(vec![], defaults());
        assert!(set.applicable("diagnosis", &user("u1")).is_empty());
        assert!(!set.limits("diagnosis"));
        assert!(!set.wants_cluster("jobs"));
        // A default of another scope does not apply to a cluster's status.
        assert_eq!(
            set.resolve("jobs", RateLimitScope::Cluster, Some("c1")),
            None
        );
    }
}
