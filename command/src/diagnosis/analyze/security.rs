//! SECURITY: droplets outside any cluster (nobody's fleet, easily forgotten), droplets on
//! images past their end of life, and changes made by actors whose role does not allow them
//! (any more).

use super::{event_evidence, finding, Found, Thresholds};
use schema::catalog::IMAGES;
use schema::diagnosis::{EventFacts, Recommendation, Severity, Snapshot};
use schema::users::Role;
use schema::AggregateType;

pub(super) const RULES: &[fn(&Snapshot, &Thresholds, &mut Found)] =
    &[outside_clusters, deprecated_images, beyond_role];

fn outside_clusters(s: &Snapshot, _: &Thresholds, found: &mut Found) {
    for d in s
        .droplets
        .iter()
        .filter(|d| d.cluster_id.is_none() && d.status != "DESTROYED")
    {
        let mut f = finding(
            format!("no-cluster:{}", d.id),
            Severity::Info,
            format!("droplet {} belongs to no cluster", d.name),
        );
        f.explanation = format!(
            "{} is in no cluster, so no cluster's health checks, scaling or diagnosis covers \
             it; such droplets are the ones that go unpatched.",
            d.name
        );
        f.confidence = 0.9;
        f.recommendation = Some(Recommendation {
            text: format!(
                "move the work of {} into a cluster, or destroy it if nobody needs it",
                d.name
            ),
            action: None,
        });
        found.finding(f);
    }
}

fn deprecated_images(s: &Snapshot, _: &Thresholds, found: &mut Found) {
    for d in &s.droplets {
        let Some(image) = IMAGES.iter().find(|i| i.slug == d.image && i.deprecated) else {
            continue;
        };
        let replacement = IMAGES
            .iter()
            .filter(|i| !i.deprecated && i.distribution == image.distribution)
            .map(|i| i.slug)
            .next();
        let mut f = finding(
            format!("deprecated-image:{}", d.id),
            Severity::Warning,
            format!(
                "droplet {} runs {}, past its end of life",
                d.name, image.name
            ),
        );
        f.explanation = format!(
            "{} gets no security updates any more; vulnerabilities found from now on stay open \
             on {}.",
            image.name, d.name
        );
        f.confidence = 0.95;
        f.evidence = s
            .events
            .iter()
            .filter(|e| e.aggregate_id == d.id && e.event_type == "DropletCreated")
            .take(1)
            .map(event_evidence)
            .collect();
        f.recommendation = Some(Recommendation {
            text: match replacement {
                Some(r) => format!("rebuild {} on {r} (or another supported image)", d.name),
                None => format!("rebuild {} on a supported image", d.name),
            },
            action: None,
        });
        found.finding(f);
    }
}

/// Whether `role` (as recorded) lacks what changing `aggregate_type` needs.
fn beyond(role: &str, aggregate_type: &str) -> bool {
    let needed = AggregateType::parse(aggregate_type).and_then(Role::to_change);
    match (Role::parse(role), needed) {
        (Some(role), Some(needed)) => !role.allows(needed),
        _ => false,
    }
}

/// Changes by users whose role (as it is now) does not allow them: a role taken away after
/// the fact, or a change that went around the role checks.
fn beyond_role(s: &Snapshot, _: &Thresholds, found: &mut Found) {
    let mut by_actor: std::collections::BTreeMap<&str, Vec<&EventFacts>> = Default::default();
    for e in &s.events {
        if e.actor_role
            .as_deref()
            .is_some_and(|role| beyond(role, &e.aggregate_type))
        {
            by_actor.entry(e.actor.as_str()).or_default().push(e);
        }
    }
    for (actor, events) in by_actor {
        let role = events[0].actor_role.as_deref().unwrap_or("?");
        let mut f = finding(
            format!("beyond-role:{actor}"),
            Severity::Warning,
            format!(
                "{actor} ({role}) made {} change{} their role does not allow",
                events.len(),
                if events.len() == 1 { "" } else { "s" }
            ),
        );
        f.explanation = format!(
            "{actor} is a {role} now, yet the audit trail shows them changing what needs a \
             higher role. Either their role was lowered afterwards (then this is history) or a \
             credential of theirs was used in a way it should not have been."
        );
        f.confidence = 0.6;
        f.evidence = events.iter().take(5).map(|e| event_evidence(e)).collect();
        f.recommendation = Some(Recommendation {
            text: format!(
                "review {actor}'s recent changes and API tokens; revoke tokens they no longer need"
            ),
            action: None,
        });
        found.finding(f);
    }
}
