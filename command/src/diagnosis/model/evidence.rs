//! Resolves the model's evidence references against the snapshot: a reference that names
//! nothing in it does not exist, and one that does gets its excerpt from the snapshot, never
//! from the model.

use super::answer::EvidenceRef;
use schema::diagnosis::{Evidence, EvidenceKind, Snapshot};

/// Longest excerpt, in characters.
const EXCERPT_CHARS: usize = 160;

fn short(text: String) -> String {
    if text.chars().count() <= EXCERPT_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(EXCERPT_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// The evidence `reference` names in `snapshot`, with its excerpt, or `None`.
pub fn resolve(snapshot: &Snapshot, reference: &EvidenceRef) -> Option<Evidence> {
    let wanted = reference.reference.as_str();
    let excerpt = match reference.kind {
        EvidenceKind::MetricWindow => snapshot
            .metrics
            .iter()
            .find(|w| w.reference() == wanted)
            .map(|w| match w.mean() {
                Some(mean) => format!("{} mean {mean:.1} over {} values", w.metric, w.values.len()),
                None => format!("{} without values", w.metric),
            }),
        EvidenceKind::HealthResult => snapshot.health_checks.iter().find_map(|h| {
            h.results
                .iter()
                .find(|r| h.result_reference(r) == wanted)
                .map(|r| match (&r.error, r.ok) {
                    (_, true) => format!("{} ok", h.name),
                    (Some(e), false) => format!("{} failed: {e}", h.name),
                    (None, false) => format!("{} failed", h.name),
                })
        }),
        EvidenceKind::Job => snapshot.jobs.iter().find(|j| j.id == wanted).map(|j| {
            let base = format!("{} {} after {} attempts", j.job_type, j.status, j.attempts);
            match &j.error {
                Some(e) => format!("{base}: {e}"),
                None => base,
            }
        }),
        EvidenceKind::Event => snapshot
            .events
            .iter()
            .find(|e| e.position.to_string() == wanted)
            .map(|e| format!("{} on {} by {}", e.event_type, e.aggregate_type, e.actor)),
        EvidenceKind::Log => snapshot
            .logs
            .iter()
            .find(|l| l.id.to_string() == wanted)
            .map(|l| format!("{} {}", l.level, l.message)),
    }?;
    Some(Evidence {
        kind: reference.kind,
        reference: reference.reference.clone(),
        excerpt: short(excerpt),
    })
}
