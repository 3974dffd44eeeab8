//! k8sgpt's "anonymize": before a prompt leaves the machine, droplet and cluster names, IP
//! addresses (v4 and v6) and user names are replaced by placeholders (`droplet-1`,
//! `cluster-1`, `ip-1`, `user-1`); the model's text is mapped back. Ids are UUIDs and stay.
//!
//! The placeholders are numbered in the order the snapshot lists things, so the same
//! snapshot always gives the same masking (and the same prompt bytes). Replacement is one
//! pass over whole words, so `web-1` never matches inside `web-10` and a real droplet named
//! `droplet-1` cannot be confused with a placeholder.

use regex::Regex;
use schema::diagnosis::{Report, Snapshot};
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

/// Candidates for IP addresses in free text; each is parsed before it counts.
static IP_CANDIDATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}")
        .expect("the IP pattern")
});

/// Actors that are parts of ClusterGenie or its built-in operator, not people.
fn is_person(actor: &str) -> bool {
    !(actor.is_empty()
        || actor.starts_with("system:")
        || actor == schema::metadata::ANONYMOUS_ACTOR
        || actor == "local")
}

/// Characters that continue a word (a name never starts or ends next to one).
fn continues_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// A one-pass, whole-word replacement table.
#[derive(Debug, Clone, Default, PartialEq)]
struct Table {
    /// By first character; each list longest key first.
    by_first: BTreeMap<char, Vec<(String, String)>>,
}

impl Table {
    fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut by_first: BTreeMap<char, Vec<(String, String)>> = BTreeMap::new();
        for (from, to) in pairs {
            if let Some(first) = from.chars().next() {
                by_first.entry(first).or_default().push((from, to));
            }
        }
        for list in by_first.values_mut() {
            list.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        }
        Self { by_first }
    }

    fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut previous: Option<char> = None;
        let mut rest = text;
        'scan: while let Some(c) = rest.chars().next() {
            if !previous.is_some_and(continues_word) {
                for (from, to) in self.by_first.get(&c).into_iter().flatten() {
                    if let Some(after) = rest.strip_prefix(from.as_str()) {
                        if !after.chars().next().is_some_and(continues_word) {
                            out.push_str(to);
                            previous = from.chars().next_back();
                            rest = after;
                            continue 'scan;
                        }
                    }
                }
            }
            out.push(c);
            previous = Some(c);
            rest = &rest[c.len_utf8()..];
        }
        out
    }
}

/// The placeholders of one diagnosis, both ways.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Masking {
    mask: Table,
    unmask: Table,
    /// Real value and placeholder, in numbering order.
    pairs: Vec<(String, String)>,
}

/// Collects real values and numbers them per kind, first appearance first.
#[derive(Default)]
struct Numbering {
    pairs: Vec<(String, String)>,
    counts: BTreeMap<&'static str, usize>,
}

impl Numbering {
    fn add(&mut self, kind: &'static str, real: &str) {
        let real = real.trim();
        if real.is_empty() || self.pairs.iter().any(|(r, _)| r == real) {
            return;
        }
        let n = self.counts.entry(kind).or_default();
        *n += 1;
        self.pairs.push((real.to_string(), format!("{kind}-{n}")));
    }

    fn add_ips_in(&mut self, text: &str) {
        for candidate in IP_CANDIDATE.find_iter(text) {
            let ip = candidate.as_str();
            let before = text[..candidate.start()].chars().next_back();
            let after = text[candidate.end()..].chars().next();
            if before.is_some_and(|c| continues_word(c) || c == '.')
                || after.is_some_and(|c| continues_word(c) || c == '.')
            {
                continue;
            }
            let is_ip = ip.parse::<Ipv4Addr>().is_ok()
                || (ip.parse::<Ipv6Addr>().is_ok() && ip.chars().any(|c| c != ':'));
            if is_ip {
                self.add("ip", ip);
            }
        }
    }
}

impl Masking {
    /// The masking of everything a prompt shows: the snapshot's names, IPs and people, and
    /// any IP address in its free text, the built-in report's or the question.
    pub fn of(snapshot: &Snapshot, builtin: &Report, question: Option<&str>) -> Self {
        let mut numbering = Numbering::default();
        if let Some(cluster) = &snapshot.cluster {
            numbering.add("cluster", &cluster.name);
        }
        for droplet in &snapshot.droplets {
            numbering.add("droplet", &droplet.name);
        }
        for ip in snapshot.droplets.iter().filter_map(|d| d.ip.as_deref()) {
            numbering.add("ip", ip);
        }
        for event in snapshot.events.iter().filter(|e| is_person(&e.actor)) {
            numbering.add("user", &event.actor);
        }
        for text in free_text(snapshot, builtin, question) {
            numbering.add_ips_in(text);
        }
        Self::from_pairs(numbering.pairs)
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self {
            mask: Table::new(pairs.iter().cloned()),
            unmask: Table::new(pairs.iter().map(|(r, p)| (p.clone(), r.clone()))),
            pairs,
        }
    }

    /// `text` with every real name, address and user replaced by its placeholder.
    pub fn mask(&self, text: &str) -> String {
        self.mask.apply(text)
    }

    /// `text` (the model's) with every placeholder replaced by the real value.
    pub fn unmask(&self, text: &str) -> String {
        self.unmask.apply(text)
    }

    /// The real values masked, each with its placeholder, in numbering order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }
}

/// Unmasks text that arrives in pieces (a streamed answer): a placeholder split across two
/// pieces (`drop` + `let-12`) is held back until the word it is in has ended, so the text
/// passed on never shows a placeholder or the wrong name.
#[derive(Debug)]
pub struct StreamUnmasker<'a> {
    masking: &'a Masking,
    /// Received, not yet passed on: the word still being written.
    pending: String,
}

impl<'a> StreamUnmasker<'a> {
    pub fn new(masking: &'a Masking) -> Self {
        Self {
            masking,
            pending: String::new(),
        }
    }

    /// The unmasked text that `piece` completes (empty while a word is unfinished).
    pub fn push(&mut self, piece: &str) -> String {
        self.pending.push_str(piece);
        let done = self
            .pending
            .char_indices()
            .rev()
            .find(|(_, c)| !continues_word(*c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let word = self.pending.split_off(done);
        let out = self.masking.unmask(&self.pending);
        self.pending = word;
        out
    }

    /// The rest, once the text has ended.
    pub fn finish(&mut self) -> String {
        let out = self.masking.unmask(&self.pending);
        self.pending.clear();
        out
    }
}

/// Every free-text field a prompt shows, in a fixed order.
fn free_text<'a>(
    snapshot: &'a Snapshot,
    builtin: &'a Report,
    question: Option<&'a str>,
) -> impl Iterator<Item = &'a str> {
    let health = snapshot.health_checks.iter().flat_map(|h| {
        std::iter::once(h.name.as_str()).chain(h.results.iter().filter_map(|r| r.error.as_deref()))
    });
    let jobs = snapshot.jobs.iter().filter_map(|j| j.error.as_deref());
    let logs = snapshot.logs.iter().map(|l| l.message.as_str());
    let checks = builtin.checks.iter().flat_map(|c| {
        std::iter::once(c.summary.as_str()).chain(c.details.iter().map(String::as_str))
    });
    let findings = builtin.findings.iter().flat_map(|f| {
        [f.title.as_str(), f.explanation.as_str()]
            .into_iter()
            .chain(f.evidence.iter().map(|e| e.excerpt.as_str()))
            .chain(f.recommendation.iter().map(|r| r.text.as_str()))
    });
    health
        .chain(jobs)
        .chain(logs)
        .chain(checks)
        .chain(findings)
        .chain(question)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &str)]) -> Masking {
        Masking::from_pairs(
            pairs
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn whole_words_only_and_one_pass() {
        let m = table(&[("web-1", "droplet-1"), ("droplet-1", "droplet-2")]);
        assert_eq!(
            m.mask("web-1 and web-10, (web-1). droplet-1 is web-1's peer"),
            "droplet-1 and web-10, (droplet-1). droplet-2 is droplet-1's peer"
        );
        assert_eq!(m.unmask("droplet-1 then droplet-2"), "web-1 then droplet-1");
        let masked = m.mask("web-1 droplet-1 xweb-1");
        assert_eq!(m.unmask(&masked), "web-1 droplet-1 xweb-1");
    }

    #[test]
    fn ip_addresses_in_text_are_found_and_checked() {
        let mut n = Numbering::default();
        n.add_ips_in("to 10.0.0.5:5432, from [fe80::1]:80 and 2001:db8::42; v1.2.3.4.5 999.1.1.1 12:30:45 ::");
        let ips: Vec<_> = n.pairs.iter().map(|(r, p)| format!("{r}={p}")).collect();
        assert_eq!(ips, ["10.0.0.5=ip-1", "fe80::1=ip-2", "2001:db8::42=ip-3"]);
    }

    #[test]
    fn a_placeholder_split_across_pieces_is_held_back_and_unmasked_whole() {
        let m = table(&[("web-1", "droplet-1"), ("web-12", "droplet-12")]);
        let mut stream = StreamUnmasker::new(&m);
        let pieces = [
            "{\"summary\": \"drop",
            "let-1",
            "2 is hot, dr",
            "oplet-1 ",
            "is not\"}",
        ];
        let out: Vec<String> = pieces.iter().map(|p| stream.push(p)).collect();
        assert_eq!(
            out,
            [
                "{\"summary\": \"",
                "",
                "web-12 is hot, ",
                "web-1 ",
                "is not\"}"
            ]
        );
        let mut stream = StreamUnmasker::new(&m);
        assert_eq!(stream.push("ends with droplet-1"), "ends with ");
        assert_eq!(stream.finish(), "web-1");
        assert_eq!(stream.finish(), "");
    }
}
