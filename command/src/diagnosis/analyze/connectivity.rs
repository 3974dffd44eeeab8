//! CONNECTIVITY: health checks that fail, and health checks that flap between passing and
//! failing.

use super::{finding, Found, Thresholds};
use schema::diagnosis::{
    Evidence, EvidenceKind, HealthFacts, HealthResultFacts, Recommendation, Severity, Snapshot,
};

pub(super) const RULES: &[fn(&Snapshot, &Thresholds, &mut Found)] = &[failing, flapping];

/// Results cited per finding, newest first.
const CITED: usize = 3;

fn result_evidence(h: &HealthFacts, r: &HealthResultFacts) -> Evidence {
    let outcome = if r.ok { "passed" } else { "failed" };
    let latency = r
        .latency_ms
        .map(|l| format!(" in {l:.0} ms"))
        .unwrap_or_default();
    let error = r
        .error
        .as_deref()
        .map(|e| format!(": {e}"))
        .unwrap_or_default();
    Evidence {
        kind: EvidenceKind::HealthResult,
        reference: h.result_reference(r),
        excerpt: format!("{} {outcome}{latency}{error}", h.name),
    }
}

/// A check that is UNHEALTHY, or whose newest results all failed.
fn failing(s: &Snapshot, _: &Thresholds, found: &mut Found) {
    for h in &s.health_checks {
        let recent: Vec<_> = h.results.iter().take(CITED).collect();
        let failed = recent.iter().filter(|r| !r.ok).count();
        found.metric(format!("{}.recent_failures", h.name), failed as f64);
        let all_failed = !recent.is_empty() && failed == recent.len();
        if h.health != "UNHEALTHY" && !all_failed {
            continue;
        }
        let last_error = recent
            .iter()
            .find_map(|r| r.error.clone())
            .unwrap_or_else(|| "no error recorded".into());
        let mut f = finding(
            format!("health-failing:{}", h.id),
            Severity::Critical,
            format!("health check {} fails: {last_error}", h.name),
        );
        f.explanation = format!(
            "The {} check {} is {} and {failed} of its last {} runs failed. Whatever it \
             probes cannot be reached as expected.",
            h.kind,
            h.name,
            h.health,
            recent.len()
        );
        f.confidence = if all_failed { 0.95 } else { 0.75 };
        f.evidence = recent.iter().map(|r| result_evidence(h, r)).collect();
        f.recommendation = Some(Recommendation {
            text: format!(
                "check that the target of {} is up and reachable from ClusterGenie ({last_error})",
                h.name
            ),
            action: None,
        });
        found.detail(format!("{}: {}", h.name, h.health));
        found.finding(f);
    }
}

/// A check whose recent results changed between passing and failing `flapping_changes`
/// times or more.
fn flapping(s: &Snapshot, t: &Thresholds, found: &mut Found) {
    for h in &s.health_checks {
        let changes = h.results.windows(2).filter(|p| p[0].ok != p[1].ok).count();
        found.metric(format!("{}.flaps", h.name), changes as f64);
        if changes < t.flapping_changes {
            continue;
        }
        let mut f = finding(
            format!("health-flapping:{}", h.id),
            Severity::Warning,
            format!(
                "health check {} flaps ({changes} changes in {} runs)",
                h.name,
                h.results.len()
            ),
        );
        f.explanation = format!(
            "{} switched between passing and failing {changes} times in its last {} runs: the \
             target is intermittently slow or unreachable (overload, a flaky network path, a \
             timeout set too tight).",
            h.name,
            h.results.len()
        );
        f.confidence = 0.7;
        // The changes themselves: each result that differs from the one before it.
        f.evidence = h
            .results
            .windows(2)
            .filter(|p| p[0].ok != p[1].ok)
            .take(CITED)
            .map(|p| result_evidence(h, &p[0]))
            .collect();
        f.recommendation = Some(Recommendation {
            text: format!(
                "look at the load and latency of {}'s target; raise its timeout or failure threshold only if the target is known to be slow",
                h.name
            ),
            action: None,
        });
        found.finding(f);
    }
}
