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

mod evaluate;
mod parse;
use parse::{parse_left, parse_right};

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
            // INTERNAL `api_latency` answers with a status too.
            Placeholder::Status => kind != Tcp,
            Placeholder::Body(_) => kind == Http,
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
}

fn error(text: &str, reason: String) -> ConditionError {
    ConditionError {
        condition: excerpt(text.trim()),
        reason,
    }
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
