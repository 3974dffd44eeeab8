//! The prompt: the evidence snapshot, the built-in report the model explains and ranks, and
//! the user's question, masked and bounded to `max_prompt_bytes`.
//!
//! Every line is rendered the same way for the same input, so the prompt's SHA-256 (the
//! `prompt_hash` in the diagnosis' events) is stable. When the evidence is too long, the
//! longest list loses its oldest entries first (logs, events, health results, jobs, metric
//! windows), and a marker line says how many were cut.

use super::answer;
use super::masking::Masking;
use schema::diagnosis::{Report, Snapshot};
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// What is sent to the model: a system and a user message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    /// The instructions and the answer's JSON Schema.
    pub system: String,
    /// The masked evidence, built-in findings and question.
    pub user: String,
}

impl Prompt {
    /// Its size in bytes, as bounded.
    pub fn len(&self) -> usize {
        self.system.len() + self.user.len()
    }

    /// Whether it is empty (never, for a built prompt).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hex SHA-256 of the system message, a NUL and the user message.
    pub fn hash(&self) -> String {
        let mut sha = Sha256::new();
        sha.update(self.system.as_bytes());
        sha.update([0]);
        sha.update(self.user.as_bytes());
        hex::encode(sha.finalize())
    }
}

/// The instructions; the schema follows them.
const INSTRUCTIONS: &str = "You are ClusterGenie's diagnosis assistant for a cluster of \
droplets (virtual machines). You are given the evidence collected for one diagnosis and the \
findings of the built-in analyzer. Explain the findings for an operator, rank them most \
important first, and add findings of your own only when the evidence shows them. Cite \
evidence only by the kinds and references listed in the evidence (METRIC_WINDOW, \
HEALTH_RESULT, JOB, EVENT, LOG); never invent references, commands or names. Refer to a \
built-in finding by its id in builtin_id; use null for a finding of your own. Confidence is \
between 0 and 1. Names such as droplet-1, cluster-1, ip-1 and user-1 are placeholders: use \
them as they are. Answer with one JSON object, without any other text, that matches this \
JSON Schema:\n";

/// Bytes kept free for the marker lines of trimmed lists.
const MARKER_ALLOWANCE: usize = 120;

/// A list of rendered lines that may lose its oldest entries.
struct Trimmable {
    /// What the marker calls its entries ("log lines").
    what: &'static str,
    /// Rendered lines, newest (or most important) first.
    lines: Vec<String>,
    /// How many of them are kept.
    kept: usize,
    /// The bytes of the kept lines, newlines included.
    kept_bytes: usize,
}

impl Trimmable {
    fn new(what: &'static str, lines: Vec<String>) -> Self {
        let kept = lines.len();
        let kept_bytes = lines.iter().map(|l| l.len() + 1).sum();
        Self {
            what,
            lines,
            kept,
            kept_bytes,
        }
    }

    /// Drops the oldest kept line.
    fn drop_oldest(&mut self) {
        self.kept -= 1;
        self.kept_bytes -= self.lines[self.kept].len() + 1;
    }

    fn render(&self, out: &mut String, heading: &str) {
        out.push_str(heading);
        out.push('\n');
        if self.lines.is_empty() {
            out.push_str("(none)\n");
        }
        for line in &self.lines[..self.kept] {
            out.push_str(line);
            out.push('\n');
        }
        let cut = self.lines.len() - self.kept;
        if cut > 0 {
            let _ = writeln!(
                out,
                "(… {cut} older {} cut to fit the prompt bound)",
                self.what
            );
        }
    }
}

/// One decimal place, the same bytes for the same value.
fn figure(v: f64) -> String {
    format!("{v:.1}")
}

/// Builds the bounded, masked prompt.
pub fn build(
    snapshot: &Snapshot,
    builtin: &Report,
    question: Option<&str>,
    masking: &Masking,
    max_bytes: usize,
) -> Prompt {
    let m = |s: &str| masking.mask(s);
    let system = format!("{INSTRUCTIONS}{}", answer::schema_text());

    let mut head = String::new();
    let _ = writeln!(
        head,
        "# Target\n{} {} (taken at {})",
        snapshot.target.as_str(),
        snapshot.target_id,
        time(&snapshot.taken_at)
    );
    if let Some(c) = &snapshot.cluster {
        let _ = writeln!(
            head,
            "# Cluster\n{} name={} region={} status={}",
            c.id,
            m(&c.name),
            c.region,
            c.status
        );
    }
    head.push_str("# Droplets\n");
    for d in &snapshot.droplets {
        let _ = writeln!(
            head,
            "- {} name={} cluster={} status={} since={} size={} image={} region={} ip={}",
            d.id,
            m(&d.name),
            d.cluster_id.as_deref().unwrap_or("none"),
            d.status,
            time(&d.status_since),
            d.size,
            d.image,
            d.region,
            d.ip.as_deref().map(m).unwrap_or_else(|| "none".into())
        );
    }

    let metrics = snapshot
        .metrics
        .iter()
        .map(|w| {
            let values: Vec<String> = w.values.iter().copied().map(figure).collect();
            format!(
                "- METRIC_WINDOW {} step={}s mean={} values=[{}]",
                w.reference(),
                w.step_seconds,
                w.mean().map(figure).unwrap_or_else(|| "none".into()),
                values.join(",")
            )
        })
        .collect();
    // Health results newest first across checks, so trimming drops the oldest of all.
    let mut results: Vec<_> = snapshot
        .health_checks
        .iter()
        .flat_map(|h| h.results.iter().map(move |r| (h, r)))
        .collect();
    results.sort_by(|a, b| b.1.at.cmp(&a.1.at).then_with(|| a.0.id.cmp(&b.0.id)));
    let results = results
        .into_iter()
        .map(|(h, r)| {
            format!(
                "- HEALTH_RESULT {} check={} {}{}{}",
                h.result_reference(r),
                m(&h.name),
                if r.ok { "ok" } else { "FAILED" },
                r.latency_ms
                    .map(|l| format!(" latency={}ms", figure(l)))
                    .unwrap_or_default(),
                r.error
                    .as_deref()
                    .map(|e| format!(" error={}", m(e)))
                    .unwrap_or_default()
            )
        })
        .collect();
    let jobs = snapshot
        .jobs
        .iter()
        .map(|j| {
            format!(
                "- JOB {} type={} target={} status={} attempts={} updated={}{}",
                j.id,
                j.job_type,
                j.target_id,
                j.status,
                j.attempts,
                time(&j.updated_at),
                j.error
                    .as_deref()
                    .map(|e| format!(" error={}", m(e)))
                    .unwrap_or_default()
            )
        })
        .collect();
    let events = snapshot
        .events
        .iter()
        .map(|e| {
            format!(
                "- EVENT {} {} on {} {} by {}{} at {}",
                e.position,
                e.event_type,
                e.aggregate_type,
                e.aggregate_id,
                m(&e.actor),
                e.actor_role
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default(),
                time(&e.at)
            )
        })
        .collect();
    let logs = snapshot
        .logs
        .iter()
        .map(|l| {
            format!(
                "- LOG {} {} {} {}",
                l.id,
                time(&l.at),
                l.level,
                m(&l.message)
            )
        })
        .collect();

    let mut tail = String::from("# Built-in analysis\n");
    for c in &builtin.checks {
        let _ = writeln!(tail, "check {} {}: {}", c.check, c.status, m(&c.summary));
        for d in &c.details {
            let _ = writeln!(tail, "  {}", m(d));
        }
    }
    for f in &builtin.findings {
        let _ = writeln!(
            tail,
            "finding id={} check={} severity={} confidence={}\n  title: {}\n  explanation: {}",
            f.id,
            f.check,
            f.severity,
            figure(f.confidence),
            m(&f.title),
            m(&f.explanation)
        );
        for e in &f.evidence {
            let _ = writeln!(
                tail,
                "  evidence: {} {}: {}",
                e.kind,
                e.reference,
                m(&e.excerpt)
            );
        }
        if let Some(r) = &f.recommendation {
            let action = r.action.as_ref().map(|a| a.kind()).unwrap_or("none");
            let _ = writeln!(tail, "  recommendation: {} (action: {action})", m(&r.text));
        }
    }
    tail.push_str("# Question\n");
    tail.push_str(
        &question
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(m)
            .unwrap_or_else(|| "(none: explain and rank the findings)".into()),
    );
    tail.push('\n');

    let mut lists = [
        (
            "# Log lines (newest first)",
            Trimmable::new("log lines", logs),
        ),
        (
            "# Audit events (newest first)",
            Trimmable::new("events", events),
        ),
        (
            "# Health-check results (newest first)",
            Trimmable::new("health results", results),
        ),
        ("# Jobs (newest first)", Trimmable::new("jobs", jobs)),
        (
            "# Metric windows",
            Trimmable::new("metric windows", metrics),
        ),
    ];
    let fixed = system.len()
        + head.len()
        + tail.len()
        + lists
            .iter()
            .map(|(h, _)| h.len() + 1 + MARKER_ALLOWANCE)
            .sum::<usize>();
    let mut listed: usize = lists.iter().map(|(_, l)| l.kept_bytes).sum();
    while fixed + listed > max_bytes {
        let Some((_, longest)) = lists
            .iter_mut()
            .filter(|(_, l)| l.kept > 0)
            .max_by_key(|(_, l)| l.kept_bytes)
        else {
            break;
        };
        let before = longest.kept_bytes;
        longest.drop_oldest();
        listed -= before - longest.kept_bytes;
    }
    let mut user = head;
    for (heading, list) in &lists {
        list.render(&mut user, heading);
    }
    user.push_str(&tail);
    let room = max_bytes.saturating_sub(system.len());
    if user.len() > room {
        // Even without any list the droplets, findings and question are too long: cut the end.
        const MARKER: &str = "\n(… the rest was cut to fit the prompt bound)\n";
        let mut end = room.saturating_sub(MARKER.len());
        while !user.is_char_boundary(end) {
            end -= 1;
        }
        user.truncate(end);
        user.push_str(MARKER);
    }
    Prompt { system, user }
}

/// A time as the evidence references show it.
fn time(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
