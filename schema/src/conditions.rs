//! Health-check conditions in Gatus' syntax, parsed at the edge and evaluated against what a
//! probe observed.
//!
//! A condition is `LEFT OPERATOR RIGHT`:
//! - LEFT is a placeholder, `[STATUS]`, `[RESPONSE_TIME]` (milliseconds), `[BODY]` with an
//!   optional JSON path (`[BODY].status`, `[BODY].items[0].id`), `[CONNECTED]`, `[IP]`, or for
//!   INTERNAL checks `[VALUE]` (the figure the check measures); or `len(…)` of one.
//! - OPERATOR is one of `==`, `!=`, `<`, `<=`, `>`, `>=`.
//! - RIGHT is a value, `pat(…)` (a pattern where `*` matches any run of characters; with `==`
//!   and `!=` only) or `any(a, b, …)` (equal to one of them; with `==` and `!=` only).
//!
//! `[STATUS] == 200`, `[RESPONSE_TIME] < 500`, `[BODY].status == UP`, `[CONNECTED] == true`,
//! `len([BODY].items) >= 1`, `[BODY] == pat(*"ok"*)`. Errors name the token at fault.

use crate::values::{excerpt, is_invisible, HealthCheckKind};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The longest condition accepted, in characters.
pub const MAX_CONDITION_CHARS: usize = 200;

/// Why a condition does not parse: the message names the token at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("condition {condition}: {reason}")]
pub struct ConditionError {
    /// The condition as given, quoted (an excerpt when long).
    pub condition: String,
    /// What is wrong, naming the token.
    pub reason: String,
}

/// A value a probe observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// The HTTP status code.
    Status,
    /// How long the probe took, in milliseconds.
    ResponseTime,
    /// The response body, or the value at a JSON path in it.
    Body(Vec<PathStep>),
    /// Whether a connection was made.
    Connected,
    /// The address connected to.
    Ip,
    /// The figure an INTERNAL check measures (lag in events, latency in milliseconds).
    Value,
}

/// One step of a JSON path into the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.name`
    Key(String),
    /// `[3]`
    Index(usize),
}

/// The left side: a placeholder, or the length of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Left {
    /// What is read.
    pub placeholder: Placeholder,
    /// `len(…)`: compare its length instead (characters, array items or object keys).
    pub length: bool,
}

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// The right side.
#[derive(Debug, Clone, PartialEq)]
pub enum Right {
    /// A value: compared as a number when both sides are numbers, else as text.
    Value(String),
    /// `pat(…)`: `*` matches any run of characters.
    Pattern(String),
    /// `any(a, b, …)`: equal to one of them.
    Any(Vec<String>),
}

/// A parsed condition. It keeps the text it was parsed from, normalized, for display and
/// storage; [`Condition::parse`] of that text gives the same condition back.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// Left side.
    pub left: Left,
    /// Operator.
    pub operator: Operator,
    /// Right side.
    pub right: Right,
}

/// What a probe saw, for [`Condition::evaluate`]. A field the probe could not observe (no
/// status when the connection failed) is `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observation {
    /// HTTP status code.
    pub status: Option<u16>,
    /// Milliseconds the probe took.
    pub response_time_ms: f64,
    /// Response body (HTTP), as text.
    pub body: Option<String>,
    /// Whether a connection was made.
    pub connected: bool,
    /// Address connected to.
    pub ip: Option<String>,
    /// An INTERNAL check's figure.
    pub value: Option<f64>,
}

/// One condition's outcome, as stored with a result and shown in the console.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConditionResult {
    /// The condition, normalized.
    pub condition: String,
    /// Whether it held.
    pub success: bool,
    /// What the left side was (`(none)` when the probe could not observe it).
    pub actual: String,
}

impl Operator {
    const ALL: [(&'static str, Operator); 6] = [
        ("==", Operator::Eq),
        ("!=", Operator::Ne),
        ("<=", Operator::Le),
        (">=", Operator::Ge),
        ("<", Operator::Lt),
        (">", Operator::Gt),
    ];

    fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, op)| *op == self)
            .map(|(text, _)| *text)
            .unwrap_or("==")
    }

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
    fn name(&self) -> &'static str {
        match self {
            Placeholder::Status => "[STATUS]",
            Placeholder::ResponseTime => "[RESPONSE_TIME]",
            Placeholder::Body(_) => "[BODY]",
            Placeholder::Connected => "[CONNECTED]",
            Placeholder::Ip => "[IP]",
            Placeholder::Value => "[VALUE]",
        }
    }

    /// The kinds of check that observe it.
    fn observed_by(&self, kind: HealthCheckKind) -> bool {
        use HealthCheckKind::*;
        match self {
            Placeholder::Status | Placeholder::Body(_) => kind == Http,
            Placeholder::Ip => kind != Internal,
            Placeholder::Value => kind == Internal,
            Placeholder::ResponseTime | Placeholder::Connected => true,
        }
    }

    /// Values it can be compared with must be numbers (or, for `[CONNECTED]`, booleans).
    fn value_error(&self, value: &str) -> Option<String> {
        let numeric = matches!(
            self,
            Placeholder::Status | Placeholder::ResponseTime | Placeholder::Value
        );
        if numeric && value.parse::<f64>().is_err() {
            return Some(format!(
                "{} compares with a number, not `{value}`",
                self.name()
            ));
        }
        if *self == Placeholder::Connected && value != "true" && value != "false" {
            return Some(format!("[CONNECTED] is true or false, not `{value}`"));
        }
        None
    }

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
    /// Parses `text` for a check of `kind`: placeholders the kind cannot observe are refused.
    pub fn parse_for(kind: HealthCheckKind, text: &str) -> Result<Self, ConditionError> {
        let condition = Self::parse(text)?;
        if !condition.left.placeholder.observed_by(kind) {
            return Err(error(
                text,
                format!(
                    "a {kind} check cannot observe {}",
                    condition.left.placeholder.name()
                ),
            ));
        }
        Ok(condition)
    }

    /// Parses `text`, whatever the kind of check.
    pub fn parse(text: &str) -> Result<Self, ConditionError> {
        let fail = |reason: String| error(text, reason);
        if text.chars().count() > MAX_CONDITION_CHARS {
            return Err(fail(format!(
                "is longer than {MAX_CONDITION_CHARS} characters"
            )));
        }
        if let Some(c) = text.chars().find(|c| c.is_control() || is_invisible(*c)) {
            return Err(fail(format!(
                "contains the invisible character {}",
                c.escape_unicode()
            )));
        }
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(fail("is empty".into()));
        }
        let is_operator_char = |c: char| matches!(c, '=' | '!' | '<' | '>');
        let Some(start) = trimmed.find(is_operator_char) else {
            return Err(fail("has no operator; use one of == != < <= > >=".into()));
        };
        let rest = &trimmed[start..];
        let end = rest.find(|c| !is_operator_char(c)).unwrap_or(rest.len());
        let token = &rest[..end];
        let Some(&(_, operator)) = Operator::ALL.iter().find(|(t, _)| *t == token) else {
            return Err(fail(format!(
                "unknown operator `{token}`; use one of == != < <= > >="
            )));
        };
        let left = parse_left(trimmed[..start].trim()).map_err(fail)?;
        let right = parse_right(rest[end..].trim(), token).map_err(fail)?;
        let values: &[String] = match &right {
            Right::Value(v) => std::slice::from_ref(v),
            Right::Any(values) => values,
            Right::Pattern(_) => &[],
        };
        if matches!(right, Right::Pattern(_)) && left.length {
            return Err(fail("pat(…) compares text, not len(…)".into()));
        }
        let ordering = !matches!(operator, Operator::Eq | Operator::Ne);
        if let Some(v) = values
            .iter()
            .find(|v| ordering && v.parse::<f64>().is_err())
        {
            return Err(fail(format!("`{token}` compares numbers, not `{v}`")));
        }
        if !left.length {
            if let Some(reason) = values.iter().find_map(|v| left.placeholder.value_error(v)) {
                return Err(fail(reason));
            }
        } else if let Some(v) = values.iter().find(|v| v.parse::<f64>().is_err()) {
            return Err(fail(format!("len(…) compares with a number, not `{v}`")));
        }
        Ok(Self {
            left,
            operator,
            right,
        })
    }

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

fn error(text: &str, reason: String) -> ConditionError {
    ConditionError {
        condition: excerpt(text.trim()),
        reason,
    }
}

fn parse_left(text: &str) -> Result<Left, String> {
    if text.is_empty() {
        return Err(
            "has nothing before the operator; start with a placeholder such as [STATUS]".into(),
        );
    }
    if let Some(inner) = text.strip_prefix("len(") {
        let Some(inner) = inner.strip_suffix(')') else {
            return Err(format!("`{text}` misses its closing parenthesis"));
        };
        let placeholder = parse_placeholder(inner.trim())?;
        return Ok(Left {
            placeholder,
            length: true,
        });
    }
    Ok(Left {
        placeholder: parse_placeholder(text)?,
        length: false,
    })
}

fn parse_placeholder(text: &str) -> Result<Placeholder, String> {
    let Some(close) = text.find(']').filter(|_| text.starts_with('[')) else {
        return Err(format!(
            "`{text}` is not a placeholder; use [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [IP] or [VALUE]"
        ));
    };
    let (name, path) = text.split_at(close + 1);
    let placeholder = match name {
        "[STATUS]" => Placeholder::Status,
        "[RESPONSE_TIME]" => Placeholder::ResponseTime,
        "[BODY]" => Placeholder::Body(parse_path(path)?),
        "[CONNECTED]" => Placeholder::Connected,
        "[IP]" => Placeholder::Ip,
        "[VALUE]" => Placeholder::Value,
        other => {
            return Err(format!(
                "unknown placeholder `{other}`; use [STATUS], [RESPONSE_TIME], [BODY], [CONNECTED], [IP] or [VALUE]"
            ))
        }
    };
    if !path.is_empty() && !matches!(placeholder, Placeholder::Body(_)) {
        return Err(format!("only [BODY] takes a path, not `{name}{path}`"));
    }
    Ok(placeholder)
}

fn parse_path(mut path: &str) -> Result<Vec<PathStep>, String> {
    let mut steps = Vec::new();
    while !path.is_empty() {
        if let Some(rest) = path.strip_prefix('.') {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let key = &rest[..end];
            if key.is_empty() || key.chars().any(char::is_whitespace) {
                return Err(format!(
                    "`{path}` is not a JSON path step; write .name or [0]"
                ));
            }
            steps.push(PathStep::Key(key.to_string()));
            path = &rest[end..];
        } else if let Some(rest) = path.strip_prefix('[') {
            let end = rest
                .find(']')
                .ok_or_else(|| format!("`{path}` misses its `]`"))?;
            let index = rest[..end]
                .parse()
                .map_err(|_| format!("`[{}]` is not an array index", &rest[..end]))?;
            steps.push(PathStep::Index(index));
            path = &rest[end + 1..];
        } else {
            return Err(format!(
                "`{path}` is not a JSON path step; write .name or [0]"
            ));
        }
    }
    Ok(steps)
}

fn parse_right(text: &str, operator: &str) -> Result<Right, String> {
    if text.is_empty() {
        return Err(format!("has no value after `{operator}`"));
    }
    let equality = operator == "==" || operator == "!=";
    for (function, make) in [
        (
            "pat(",
            (|inner: &str| Right::Pattern(inner.to_string())) as fn(&str) -> Right,
        ),
        ("any(", |inner: &str| {
            Right::Any(inner.split(',').map(|v| v.trim().to_string()).collect())
        }),
    ] {
        if let Some(inner) = text.strip_prefix(function) {
            let name = &function[..3];
            let Some(inner) = inner.strip_suffix(')') else {
                return Err(format!("`{text}` misses its closing parenthesis"));
            };
            if !equality {
                return Err(format!("{name}(…) goes with == or !=, not `{operator}`"));
            }
            let right = make(inner);
            if let Right::Any(values) = &right {
                if values.iter().any(String::is_empty) {
                    return Err(format!("`{text}` has an empty value"));
                }
            }
            return Ok(right);
        }
    }
    Ok(Right::Value(text.to_string()))
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut left = self.left.placeholder.name().to_string();
        if let Placeholder::Body(path) = &self.left.placeholder {
            for step in path {
                match step {
                    PathStep::Key(k) => left.push_str(&format!(".{k}")),
                    PathStep::Index(i) => left.push_str(&format!("[{i}]")),
                }
            }
        }
        if self.left.length {
            left = format!("len({left})");
        }
        let right = match &self.right {
            Right::Value(v) => v.clone(),
            Right::Pattern(p) => format!("pat({p})"),
            Right::Any(values) => format!("any({})", values.join(", ")),
        };
        write!(f, "{left} {} {right}", self.operator.as_str())
    }
}

impl Serialize for Condition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Condition::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests;
