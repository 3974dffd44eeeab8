//! Evaluating a parsed condition against what a probe observed.

use super::{Condition, ConditionResult, Observation, Operator, PathStep, Placeholder, Right};

impl Operator {
    /// Numbers compare as numbers; text is only ever equal or not (`<` on text fails).
    fn holds_between(self, actual: &str, expected: &str) -> bool {
        match (actual.parse::<f64>(), expected.parse::<f64>()) {
            (Ok(a), Ok(e)) => a.partial_cmp(&e).is_some_and(|o| self.holds(o)),
            _ => match self {
                Operator::Eq => actual == expected,
                Operator::Ne => actual != expected,
                _ => false,
            },
        }
    }

    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Operator::Eq => ordering == Equal,
            Operator::Ne => ordering != Equal,
            Operator::Lt => ordering == Less,
            Operator::Le => ordering != Greater,
            Operator::Gt => ordering == Greater,
            Operator::Ge => ordering != Less,
        }
    }
}

impl Placeholder {
    /// What the probe saw, as text; `None` when it could not observe it.
    fn read(&self, o: &Observation, length: bool) -> Option<String> {
        let text = match self {
            Placeholder::Status => o.status.map(|s| s.to_string()),
            Placeholder::ResponseTime => Some(format_number(o.response_time_ms.round())),
            Placeholder::Connected => Some(o.connected.to_string()),
            Placeholder::Ip => o.ip.clone(),
            Placeholder::Value => o.value.map(format_number),
            Placeholder::Body(path) => {
                let body = o.body.as_deref()?;
                if path.is_empty() {
                    return Some(if length {
                        body.chars().count().to_string()
                    } else {
                        body.to_string()
                    });
                }
                let json: serde_json::Value = serde_json::from_str(body).ok()?;
                let found = path.iter().try_fold(&json, |v, step| match step {
                    PathStep::Key(k) => v.get(k),
                    PathStep::Index(i) => v.get(i),
                })?;
                return Some(if length {
                    match found {
                        serde_json::Value::Array(a) => a.len().to_string(),
                        serde_json::Value::Object(m) => m.len().to_string(),
                        serde_json::Value::String(s) => s.chars().count().to_string(),
                        other => other.to_string().chars().count().to_string(),
                    }
                } else {
                    match found {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    }
                });
            }
        };
        if length {
            text.map(|t| t.chars().count().to_string())
        } else {
            text
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

impl Condition {
    /// Whether the condition holds for what the probe saw, and what the left side was.
    pub fn evaluate(&self, observed: &Observation) -> ConditionResult {
        let actual = self.left.placeholder.read(observed, self.left.length);
        let success = actual.as_deref().is_some_and(|a| self.holds(a));
        ConditionResult {
            condition: self.to_string(),
            success,
            actual: actual.unwrap_or_else(|| "(none)".into()),
        }
    }

    fn holds(&self, actual: &str) -> bool {
        let equal = self.operator == Operator::Eq;
        match &self.right {
            Right::Value(v) => self.operator.holds_between(actual, v),
            Right::Pattern(p) => glob(p, actual) == equal,
            Right::Any(values) => {
                values.iter().any(|v| Operator::Eq.holds_between(actual, v)) == equal
            }
        }
    }
}

/// `*` matches any run of characters; everything else matches itself.
fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == text;
    }
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}
