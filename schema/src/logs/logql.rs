//! A LogQL-like query string (`{service="api", level="error"} |= "timeout"`), parsed into a
//! [`LogQuery`].
//!
//! A small subset of Grafana Loki's syntax: one stream selector of `=` / `!=` matchers on the
//! [`LABELS`], then any number of line filters (`|= "text"`, `!= "text"`) and level filters
//! (`| level >= "warn"`). Strings are double-quoted (escapes `\"` and `\\`) or backtick raw
//! strings; whitespace between tokens is free. [`winnow`] reads the syntax into spanned
//! pieces, then each piece is checked and folded into the query, so every error names its
//! column (1-based, in characters from the start of the query).

use super::{is_service, LogLevel, LogQuery, LogQueryError, SERVICES};
use winnow::ascii::multispace0;
use winnow::combinator::{alt, cut_err, eof, opt, preceded, repeat};
use winnow::error::{ContextError, StrContext, StrContextValue};
use winnow::prelude::*;
use winnow::stream::LocatingSlice;
use winnow::token::{one_of, take_till, take_while};

/// Longest query accepted (characters).
pub const MAX_QUERY_CHARS: usize = 1_000;

/// The labels a stream selector matches on; the last three are aliases of `resource_id`.
pub const LABELS: &[&str] = &[
    "service",
    "level",
    "instance",
    "correlation_id",
    "trace_id",
    "resource_id",
    "droplet_id",
    "cluster_id",
    "job_id",
];

/// Parses a LogQL-like query. Errors name the field `query` and say where the syntax broke.
pub fn parse(input: &str) -> Result<LogQuery, LogQueryError> {
    if input.trim().is_empty() {
        return Err(error(
            "the query is empty; start with a stream selector such as {service=\"api\"}",
        ));
    }
    if input.chars().count() > MAX_QUERY_CHARS {
        return Err(error(format!(
            "the query is longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let ast = query.parse(LocatingSlice::new(input)).map_err(|e| {
        // The innermost expectation is the most precise one.
        let expected = e
            .inner()
            .context()
            .find_map(|c| match c {
                StrContext::Expected(StrContextValue::Description(d)) => Some(*d),
                _ => None,
            })
            .unwrap_or("a valid query");
        error(format!(
            "expected {expected} at column {}",
            column(input, e.offset())
        ))
    })?;
    let q = Builder::new(input).build(ast)?;
    q.validate("query")?;
    Ok(q)
}

fn error(message: impl Into<String>) -> LogQueryError {
    LogQueryError::new("query", message)
}

/// The 1-based column of byte offset `at`, counted in characters.
fn column(input: &str, at: usize) -> usize {
    input.char_indices().take_while(|(b, _)| *b < at).count() + 1
}

// The syntax.

type Input<'a> = LocatingSlice<&'a str>;

/// A parsed piece and the byte offset it starts at.
#[derive(Debug, Clone)]
struct Spanned<T> {
    at: usize,
    value: T,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MatchOp {
    Eq,
    Ne,
    Re,
    NotRe,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineOp {
    Contains,
    Excludes,
    Re,
    NotRe,
}

/// A comparison of levels (by rank).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug)]
struct Matcher<'a> {
    label: Spanned<&'a str>,
    op: Spanned<MatchOp>,
    value: Spanned<String>,
}

#[derive(Debug)]
enum Stage {
    Line {
        op: Spanned<LineOp>,
        text: String,
    },
    Level {
        op: Spanned<Cmp>,
        value: Spanned<String>,
    },
}

#[derive(Debug)]
struct Ast<'a> {
    /// Where the selector's `{` is.
    selector_at: usize,
    matchers: Vec<Matcher<'a>>,
    stages: Vec<Stage>,
}

fn expected(what: &'static str) -> StrContext {
    StrContext::Expected(StrContextValue::Description(what))
}

fn spanned<'a, O>(
    parser: impl ModalParser<Input<'a>, O, ContextError>,
) -> impl ModalParser<Input<'a>, Spanned<O>, ContextError> {
    parser.with_span().map(|(value, span)| Spanned {
        at: span.start,
        value,
    })
}

fn query<'a>(i: &mut Input<'a>) -> ModalResult<Ast<'a>> {
    multispace0.parse_next(i)?;
    let (selector_at, matchers) = selector.parse_next(i)?;
    let stages = repeat(0.., preceded(multispace0, stage)).parse_next(i)?;
    multispace0.parse_next(i)?;
    cut_err(eof)
        .context(expected("'|=', '!=', '|' or the end of the query"))
        .parse_next(i)?;
    Ok(Ast {
        selector_at,
        matchers,
        stages,
    })
}

/// `{ matcher, … }`; `{}` parses (and is refused with its own message later).
fn selector<'a>(i: &mut Input<'a>) -> ModalResult<(usize, Vec<Matcher<'a>>)> {
    let open = cut_err(spanned('{'))
        .context(expected(
            "'{' to open a stream selector such as {service=\"api\"}",
        ))
        .parse_next(i)?;
    multispace0.parse_next(i)?;
    if opt('}').parse_next(i)?.is_some() {
        return Ok((open.at, Vec::new()));
    }
    let mut matchers = vec![matcher.parse_next(i)?];
    let rest: Vec<_> =
        repeat(0.., preceded((multispace0, ',', multispace0), matcher)).parse_next(i)?;
    matchers.extend(rest);
    multispace0.parse_next(i)?;
    cut_err('}').context(expected("'}' or ','")).parse_next(i)?;
    Ok((open.at, matchers))
}

/// `label op "value"`.
fn matcher<'a>(i: &mut Input<'a>) -> ModalResult<Matcher<'a>> {
    let label = cut_err(spanned(label_name))
        .context(expected("a label such as service"))
        .parse_next(i)?;
    multispace0.parse_next(i)?;
    let op = cut_err(spanned(alt((
        "=~".value(MatchOp::Re),
        "!~".value(MatchOp::NotRe),
        "!=".value(MatchOp::Ne),
        "=".value(MatchOp::Eq),
    ))))
    .context(expected("'=' or '!='"))
    .parse_next(i)?;
    multispace0.parse_next(i)?;
    let value = cut_err(spanned(string))
        .context(expected("a quoted value such as \"api\""))
        .parse_next(i)?;
    Ok(Matcher { label, op, value })
}

/// A line filter (`|= "text"`) or a level filter (`| level >= "warn"`).
fn stage(i: &mut Input<'_>) -> ModalResult<Stage> {
    let line_op = opt(spanned(alt((
        "|=".value(LineOp::Contains),
        "|~".value(LineOp::Re),
        "!=".value(LineOp::Excludes),
        "!~".value(LineOp::NotRe),
    ))))
    .parse_next(i)?;
    if let Some(op) = line_op {
        multispace0.parse_next(i)?;
        let text = cut_err(string)
            .context(expected("a quoted text such as \"timeout\""))
            .parse_next(i)?;
        return Ok(Stage::Line { op, text });
    }
    '|'.parse_next(i)?;
    multispace0.parse_next(i)?;
    cut_err(label_name.verify(|l: &str| l == "level"))
        .context(expected(
            "`level` (the one label filter, as in | level >= \"warn\")",
        ))
        .parse_next(i)?;
    multispace0.parse_next(i)?;
    let op = cut_err(spanned(alt((
        ">=".value(Cmp::Ge),
        ">".value(Cmp::Gt),
        "<=".value(Cmp::Le),
        "<".value(Cmp::Lt),
        "==".value(Cmp::Eq),
        "=".value(Cmp::Eq),
        "!=".value(Cmp::Ne),
    ))))
    .context(expected("a comparison ('>=', '>', '=', '!=', '<=' or '<')"))
    .parse_next(i)?;
    multispace0.parse_next(i)?;
    let value = cut_err(spanned(alt((string, word.map(str::to_string)))))
        .context(expected("a level such as \"warn\""))
        .parse_next(i)?;
    Ok(Stage::Level { op, value })
}

fn label_name<'a>(i: &mut Input<'a>) -> ModalResult<&'a str> {
    (
        one_of(|c: char| c.is_ascii_alphabetic() || c == '_'),
        take_while(0.., |c: char| c.is_ascii_alphanumeric() || c == '_'),
    )
        .take()
        .parse_next(i)
}

/// A bare word (a level filter's unquoted value).
fn word<'a>(i: &mut Input<'a>) -> ModalResult<&'a str> {
    take_while(1.., |c: char| c.is_ascii_alphanumeric() || c == '_').parse_next(i)
}

fn string(i: &mut Input<'_>) -> ModalResult<String> {
    alt((quoted, raw)).parse_next(i)
}

/// `"…"` with `\"` and `\\` escapes.
fn quoted(i: &mut Input<'_>) -> ModalResult<String> {
    '"'.parse_next(i)?;
    let text = repeat(
        0..,
        alt((
            take_till(1.., ['"', '\\']),
            preceded(
                '\\',
                cut_err(alt(("\"", "\\"))).context(expected("'\"' or '\\' after '\\'")),
            ),
        )),
    )
    .fold(String::new, |mut text, part: &str| {
        text.push_str(part);
        text
    })
    .parse_next(i)?;
    cut_err('"')
        .context(expected("a closing '\"'"))
        .parse_next(i)?;
    Ok(text)
}

/// `` `…` ``, taken as written.
fn raw(i: &mut Input<'_>) -> ModalResult<String> {
    '`'.parse_next(i)?;
    let text = take_till(0.., '`').parse_next(i)?;
    cut_err('`')
        .context(expected("a closing '`'"))
        .parse_next(i)?;
    Ok(text.to_string())
}

// The meaning.

/// Folds the parsed pieces into a [`LogQuery`], refusing what it cannot run.
struct Builder<'s> {
    input: &'s str,
    q: LogQuery,
    /// The exact levels still allowed (`None`: any).
    levels: Option<Vec<LogLevel>>,
    /// The lowest rank still allowed (`> ERROR` leaves none).
    min_rank: Option<i16>,
}

impl<'s> Builder<'s> {
    fn new(input: &'s str) -> Self {
        Self {
            input,
            q: LogQuery::default(),
            levels: None,
            min_rank: None,
        }
    }

    /// An error about the piece at byte offset `at`.
    fn at(&self, at: usize, message: impl std::fmt::Display) -> LogQueryError {
        error(format!("at column {}: {message}", column(self.input, at)))
    }

    fn build(mut self, ast: Ast<'_>) -> Result<LogQuery, LogQueryError> {
        if ast.matchers.is_empty() {
            return Err(self.at(
                ast.selector_at,
                "the stream selector {} needs at least one matcher, e.g. {service=\"api\"}",
            ));
        }
        for m in ast.matchers {
            self.matcher(m)?;
        }
        for stage in ast.stages {
            match stage {
                Stage::Line { op, text } => self.line_filter(op, text)?,
                Stage::Level { op, value } => {
                    let level = self.level(&value)?;
                    self.constrain_level(op, level)?;
                }
            }
        }
        self.q.levels = self.levels.unwrap_or_default();
        self.q.min_level = self.min_rank.and_then(LogLevel::from_rank);
        Ok(self.q)
    }

    fn matcher(&mut self, m: Matcher<'_>) -> Result<(), LogQueryError> {
        let label = m.label.value;
        if !LABELS.contains(&label) {
            return Err(self.at(
                m.label.at,
                format!("unknown label `{label}` (supported: {})", LABELS.join(", ")),
            ));
        }
        let op = match m.op.value {
            MatchOp::Eq => Cmp::Eq,
            MatchOp::Ne => Cmp::Ne,
            MatchOp::Re | MatchOp::NotRe => {
                return Err(self.at(
                    m.op.at,
                    format!(
                        "label `{label}`: regex matchers (=~, !~) are not supported; use = or !="
                    ),
                ))
            }
        };
        let value = m.value.value;
        match label {
            "service" => self.service(op, m.label.at, m.value.at, value),
            "level" => {
                let level = self.level(&Spanned {
                    at: m.value.at,
                    value,
                })?;
                self.constrain_level(
                    Spanned {
                        at: m.op.at,
                        value: op,
                    },
                    level,
                )
            }
            _ => {
                if op != Cmp::Eq {
                    return Err(self.at(m.op.at, format!("`{label}` supports only =")));
                }
                if value.is_empty() {
                    return Err(self.at(m.value.at, format!("`{label}` needs a value")));
                }
                let (slot, what) = match label {
                    "instance" => (&mut self.q.instance, "instance"),
                    "correlation_id" => (&mut self.q.correlation_id, "correlation id"),
                    "trace_id" => (&mut self.q.trace_id, "trace id"),
                    _ => (&mut self.q.resource_id, "resource id"),
                };
                match slot {
                    Some(old) if *old != value => {
                        let message =
                            format!("`{label}={value:?}` contradicts the earlier {what} {old:?}");
                        Err(self.at(m.label.at, message))
                    }
                    _ => {
                        *slot = Some(value);
                        Ok(())
                    }
                }
            }
        }
    }

    fn service(
        &mut self,
        op: Cmp,
        label_at: usize,
        value_at: usize,
        value: String,
    ) -> Result<(), LogQueryError> {
        if !is_service(&value) {
            return Err(self.at(
                value_at,
                format!("unknown service {value:?} (one of {})", SERVICES.join(", ")),
            ));
        }
        let contradiction = |new_op: &str, old_op: &str, old: &str| {
            self.at(
                label_at,
                format!(
                    "`service{new_op}{value:?}` contradicts the earlier `service{old_op}{old:?}`"
                ),
            )
        };
        if op == Cmp::Eq {
            if let Some(old) = self.q.services.first() {
                if *old != value {
                    return Err(contradiction("=", "=", old));
                }
                return Ok(());
            }
            if self.q.exclude_services.contains(&value) {
                return Err(contradiction("=", "!=", &value));
            }
            self.q.services.push(value);
        } else {
            if self.q.services.contains(&value) {
                return Err(contradiction("!=", "=", &value));
            }
            if !self.q.exclude_services.contains(&value) {
                self.q.exclude_services.push(value);
            }
        }
        Ok(())
    }

    fn level(&self, value: &Spanned<String>) -> Result<LogLevel, LogQueryError> {
        LogLevel::parse_loose(&value.value).ok_or_else(|| {
            let names: Vec<_> = LogLevel::ALL.iter().map(LogLevel::as_str).collect();
            self.at(
                value.at,
                format!(
                    "unknown level {:?} (one of {})",
                    value.value,
                    names.join(", ")
                ),
            )
        })
    }

    /// Narrows the allowed levels; refuses a condition that leaves none.
    fn constrain_level(&mut self, op: Spanned<Cmp>, level: LogLevel) -> Result<(), LogQueryError> {
        let rank = level.rank();
        let keep = |l: &LogLevel| match op.value {
            Cmp::Eq => *l == level,
            Cmp::Ne => *l != level,
            Cmp::Lt => l.rank() < rank,
            Cmp::Le => l.rank() <= rank,
            Cmp::Gt | Cmp::Ge => true,
        };
        match op.value {
            Cmp::Gt | Cmp::Ge => {
                let min = rank + i16::from(op.value == Cmp::Gt);
                self.min_rank = Some(self.min_rank.map_or(min, |m| m.max(min)));
            }
            _ => {
                let current = self.levels.take().unwrap_or_else(|| LogLevel::ALL.to_vec());
                self.levels = Some(current.into_iter().filter(keep).collect());
            }
        }
        let any_left = self
            .levels
            .as_deref()
            .unwrap_or(LogLevel::ALL)
            .iter()
            .any(|l| self.min_rank.is_none_or(|m| l.rank() >= m));
        if any_left {
            Ok(())
        } else {
            Err(self.at(op.at, "the level conditions leave no level"))
        }
    }

    fn line_filter(&mut self, op: Spanned<LineOp>, text: String) -> Result<(), LogQueryError> {
        match op.value {
            // An empty text is in every line.
            LineOp::Contains if text.is_empty() => {}
            LineOp::Contains => self.q.contains.push(text),
            LineOp::Excludes if text.is_empty() => {
                return Err(self.at(op.at, "!= \"\" excludes every line"));
            }
            LineOp::Excludes => self.q.excludes.push(text),
            LineOp::Re | LineOp::NotRe => {
                return Err(self.at(op.at, "regex line filters are not supported; use |= or !="));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(input: &str) -> LogQuery {
        parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}"))
    }

    /// The message of the error `input` gives (its field is always `query`).
    fn err(input: &str) -> String {
        let e = parse(input).expect_err(input);
        assert_eq!(e.field, "query", "{input:?}: {e}");
        e.message
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_example_query() {
        assert_eq!(
            ok(r#"{service="api", level="error"} |= "timeout""#),
            LogQuery {
                services: strings(&["api"]),
                levels: vec![LogLevel::Error],
                contains: strings(&["timeout"]),
                ..Default::default()
            }
        );
    }

    #[test]
    fn every_label() {
        let q = ok(
            r#"{service!="relay", instance="host:1", correlation_id="c-1",
                       trace_id="t-1", resource_id="d-1"}"#,
        );
        assert_eq!(
            q,
            LogQuery {
                exclude_services: strings(&["relay"]),
                instance: Some("host:1".into()),
                correlation_id: Some("c-1".into()),
                trace_id: Some("t-1".into()),
                resource_id: Some("d-1".into()),
                ..Default::default()
            }
        );
    }

    #[test]
    fn resource_id_aliases() {
        for label in ["resource_id", "droplet_id", "cluster_id", "job_id"] {
            let q = ok(&format!(r#"{{{label}="r-9"}}"#));
            assert_eq!(q.resource_id.as_deref(), Some("r-9"), "{label}");
        }
        // Two names for the same id agree…
        assert_eq!(
            ok(r#"{droplet_id="d-1", resource_id="d-1"}"#).resource_id,
            Some("d-1".into())
        );
        // …or contradict.
        assert_eq!(
            err(r#"{resource_id="a", droplet_id="b"}"#),
            r#"at column 19: `droplet_id="b"` contradicts the earlier resource id "a""#
        );
    }

    #[test]
    fn id_labels_take_one_non_empty_value_with_equals() {
        assert_eq!(
            err(r#"{trace_id!="t"}"#),
            "at column 10: `trace_id` supports only ="
        );
        assert_eq!(
            err(r#"{instance=""}"#),
            "at column 11: `instance` needs a value"
        );
        assert_eq!(
            err(r#"{trace_id="a", trace_id="b"}"#),
            r#"at column 16: `trace_id="b"` contradicts the earlier trace id "a""#
        );
        assert_eq!(
            ok(r#"{correlation_id="c", correlation_id="c"}"#).correlation_id,
            Some("c".into())
        );
    }

    #[test]
    fn services() {
        assert_eq!(ok(r#"{service="api", service="api"}"#).services, ["api"]);
        let q = ok(r#"{service!="api", service!="relay", service!="api"}"#);
        assert_eq!(q.exclude_services, ["api", "relay"]);
        assert!(q.services.is_empty());
        // A narrower `=` with an unrelated `!=` is kept as written (the `!=` is redundant).
        let q = ok(r#"{service="api", service!="relay"}"#);
        assert_eq!(
            (q.services, q.exclude_services),
            (strings(&["api"]), strings(&["relay"]))
        );
        for name in SERVICES {
            assert_eq!(ok(&format!("{{service=\"{name}\"}}")).services, [*name]);
        }
    }

    #[test]
    fn contradicting_services() {
        assert_eq!(
            err(r#"{service="api", service="worker"}"#),
            r#"at column 17: `service="worker"` contradicts the earlier `service="api"`"#
        );
        assert_eq!(
            err(r#"{service="api", service!="api"}"#),
            r#"at column 17: `service!="api"` contradicts the earlier `service="api"`"#
        );
        assert_eq!(
            err(r#"{service!="api", service="api"}"#),
            r#"at column 18: `service="api"` contradicts the earlier `service!="api"`"#
        );
    }

    #[test]
    fn unknown_values_are_named() {
        assert_eq!(
            err(r#"{service="apii"}"#),
            r#"at column 10: unknown service "apii" (one of api, worker, projector, relay, scheduler, simulator, system)"#
        );
        assert_eq!(
            err(r#"{service!=""}"#),
            r#"at column 11: unknown service "" (one of api, worker, projector, relay, scheduler, simulator, system)"#
        );
        assert_eq!(
            err(r#"{level="loud"}"#),
            r#"at column 8: unknown level "loud" (one of TRACE, DEBUG, INFO, WARN, ERROR)"#
        );
        assert_eq!(
            err(r#"{service="api"} | level >= shout"#),
            r#"at column 28: unknown level "shout" (one of TRACE, DEBUG, INFO, WARN, ERROR)"#
        );
    }

    #[test]
    fn unknown_labels_list_the_supported_ones() {
        assert_eq!(
            err(r#"{service="api", host="h"}"#),
            "at column 17: unknown label `host` (supported: service, level, instance, \
             correlation_id, trace_id, resource_id, droplet_id, cluster_id, job_id)"
        );
        // Labels are case-sensitive, as in Loki.
        assert!(err(r#"{Service="api"}"#).starts_with("at column 2: unknown label `Service`"));
    }

    #[test]
    fn regex_matchers_are_refused_naming_the_label() {
        for op in ["=~", "!~"] {
            assert_eq!(
                err(&format!(r#"{{service="api", level{op}"err.*"}}"#)),
                "at column 22: label `level`: regex matchers (=~, !~) are not supported; \
                 use = or !="
            );
        }
    }

    #[test]
    fn levels() {
        assert_eq!(ok(r#"{level="warning"}"#).levels, [LogLevel::Warn]);
        assert_eq!(ok(r#"{level="ERR"}"#).levels, [LogLevel::Error]);
        assert_eq!(
            ok(r#"{level!="debug"}"#).levels,
            [
                LogLevel::Trace,
                LogLevel::Info,
                LogLevel::Warn,
                LogLevel::Error
            ]
        );
        assert_eq!(
            ok(r#"{level!="trace", level!="debug"}"#).levels,
            [LogLevel::Info, LogLevel::Warn, LogLevel::Error]
        );
        assert_eq!(
            ok(r#"{level="info", level="INFO"}"#).levels,
            [LogLevel::Info]
        );
        assert_eq!(
            err(r#"{level="info", level="warn"}"#),
            "at column 21: the level conditions leave no level"
        );
        assert_eq!(
            err(r#"{level="info", level!="info"}"#),
            "at column 21: the level conditions leave no level"
        );
    }

    #[test]
    fn level_filters() {
        for q in [
            r#"{service="api"} | level >= warn"#,
            r#"{service="api"} | level >= "warn""#,
            r#"{service="api"}|level>=`WARNING`"#,
            r#"{service="api"} | level > info"#,
        ] {
            let q = ok(q);
            assert_eq!(q.min_level, Some(LogLevel::Warn));
            assert!(q.levels.is_empty());
        }
        // The strictest minimum wins.
        let q = ok(r#"{service="api"} | level >= error | level >= info"#);
        assert_eq!(q.min_level, Some(LogLevel::Error));
        let q = ok(r#"{service="api"} | level == "error""#);
        assert_eq!((q.levels, q.min_level), (vec![LogLevel::Error], None));
        let q = ok(r#"{service="api"} | level = error"#);
        assert_eq!(q.levels, [LogLevel::Error]);
        let q = ok(r#"{service="api"} | level != info"#);
        assert_eq!(q.levels.len(), 4);
        let q = ok(r#"{service="api"} | level < warn"#);
        assert_eq!(q.levels, [LogLevel::Trace, LogLevel::Debug, LogLevel::Info]);
        let q = ok(r#"{service="api"} | level <= debug"#);
        assert_eq!(q.levels, [LogLevel::Trace, LogLevel::Debug]);
        // A minimum and exact levels together, as long as one level is left.
        let q = ok(r#"{level!="error"} | level >= info"#);
        assert_eq!(q.min_level, Some(LogLevel::Info));
        assert_eq!(
            err(r#"{service="api"} | level > error"#),
            "at column 25: the level conditions leave no level"
        );
        assert_eq!(
            err(r#"{level="debug"} | level >= warn"#),
            "at column 25: the level conditions leave no level"
        );
        assert_eq!(
            err(r#"{service="api"} | level < trace"#),
            "at column 25: the level conditions leave no level"
        );
    }

    #[test]
    fn other_pipeline_stages_are_refused() {
        assert_eq!(
            err(r#"{service="api"} | json"#),
            "expected `level` (the one label filter, as in | level >= \"warn\") at column 19"
        );
        assert_eq!(
            err(r#"{service="api"} | level ~ "warn""#),
            "expected a comparison ('>=', '>', '=', '!=', '<=' or '<') at column 25"
        );
        assert_eq!(
            err(r#"{service="api"} | level >="#),
            "expected a level such as \"warn\" at column 27"
        );
    }

    #[test]
    fn line_filters() {
        let q = ok(r#"{service="api"} |= "timeout" != "retry" |= `db` != "health""#);
        assert_eq!(q.contains, ["timeout", "db"]);
        assert_eq!(q.excludes, ["retry", "health"]);
        // An empty text is in every line: `|= ""` narrows nothing, `!= ""` leaves nothing.
        assert!(ok(r#"{service="api"} |= """#).contains.is_empty());
        assert_eq!(
            err(r#"{service="api"} != """#),
            "at column 17: != \"\" excludes every line"
        );
        assert_eq!(
            err(r#"{service="api"} |= "a" |~ "time.*out""#),
            "at column 24: regex line filters are not supported; use |= or !="
        );
        assert_eq!(
            err(r#"{service="api"} !~ "x""#),
            "at column 17: regex line filters are not supported; use |= or !="
        );
        assert_eq!(
            err(r#"{service="api"} |= timeout"#),
            "expected a quoted text such as \"timeout\" at column 20"
        );
    }

    #[test]
    fn strings_escape_quotes_and_backslashes() {
        let q = ok(r#"{service="api"} |= "say \"hi\"" |= "C:\\temp" |= "a\\\"b""#);
        assert_eq!(q.contains, [r#"say "hi""#, r"C:\temp", r#"a\"b"#]);
        // Raw strings take backslashes and quotes as written.
        let q = ok(r#"{service="api"} |= `C:\temp "x"`"#);
        assert_eq!(q.contains, [r#"C:\temp "x""#]);
        assert_eq!(ok(r#"{instance=`h:1`}"#).instance, Some("h:1".into()));
        // Other characters, newlines included, are literal.
        let q = ok("{service=\"api\"} |= \"ünï\tcode\n\"");
        assert_eq!(q.contains, ["ünï\tcode\n"]);
        assert_eq!(
            err(r#"{service="api"} |= "a\nb""#),
            r#"expected '"' or '\' after '\' at column 23"#
        );
        assert_eq!(
            err(r#"{service="api"} |= "a\"#),
            r#"expected '"' or '\' after '\' at column 23"#
        );
        assert_eq!(
            err(r#"{service="api} |= "x""#),
            // The string runs to the next quote; `x` then stands where `}` or `,` belongs.
            "expected '}' or ',' at column 20"
        );
        assert_eq!(
            err(r#"{service="api"} |= "timeout"#),
            r#"expected a closing '"' at column 28"#
        );
        assert_eq!(
            err(r#"{service="api"} |= `raw"#),
            "expected a closing '`' at column 24"
        );
    }

    #[test]
    fn whitespace_between_tokens_is_free() {
        let expected = ok(r#"{service="api",level="error"}|="timeout"!="retry"|level>=warn"#);
        for spaced in [
            r#"  {  service  =  "api"  ,  level  =  "error"  }  |=  "timeout"  !=  "retry"  |  level  >=  warn  "#,
            "\n{\n\tservice=\"api\",\r\n level=\"error\"\n}\n|= \"timeout\"\n!= \"retry\"\n| level >= warn\n",
        ] {
            assert_eq!(ok(spaced), expected, "{spaced:?}");
        }
        // Whitespace inside a string is kept.
        assert_eq!(ok(r#"{service="api"} |= "  a b ""#).contains, ["  a b "]);
    }

    #[test]
    fn syntax_errors_name_what_was_expected_and_where() {
        for (input, message) in [
            (
                r#"{service="api" level="error"}"#,
                "expected '}' or ',' at column 16",
            ),
            (
                r#"{service="api", level="error" |= "x""#,
                "expected '}' or ',' at column 31",
            ),
            (
                r#"{service="api","#,
                "expected a label such as service at column 16",
            ),
            (
                r#"{service="api",}"#,
                "expected a label such as service at column 16",
            ),
            (
                r#"{service="api", ,}"#,
                "expected a label such as service at column 17",
            ),
            (r#"{service "api"}"#, "expected '=' or '!=' at column 10"),
            (
                r#"{service == "api"}"#,
                r#"expected a quoted value such as "api" at column 11"#,
            ),
            (
                r#"{service=api}"#,
                r#"expected a quoted value such as "api" at column 10"#,
            ),
            (
                r#"{service='api'}"#,
                r#"expected a quoted value such as "api" at column 10"#,
            ),
            (
                r#"service="api""#,
                r#"expected '{' to open a stream selector such as {service="api"} at column 1"#,
            ),
            (
                r#"|= "timeout""#,
                r#"expected '{' to open a stream selector such as {service="api"} at column 1"#,
            ),
            (
                r#"{service="api"} timeout"#,
                "expected '|=', '!=', '|' or the end of the query at column 17",
            ),
            (
                r#"{service="api"} {level="error"}"#,
                "expected '|=', '!=', '|' or the end of the query at column 17",
            ),
            (
                r#"{service="api"} |= "a" ! "b""#,
                "expected '|=', '!=', '|' or the end of the query at column 24",
            ),
            (r#"{service="api""#, "expected '}' or ',' at column 15"),
            ("{", "expected a label such as service at column 2"),
            (
                r#"{1service="api"}"#,
                "expected a label such as service at column 2",
            ),
        ] {
            assert_eq!(err(input), message, "{input:?}");
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        assert_eq!(
            err(r#"{instance="hôst" trace_id="t"}"#),
            "expected '}' or ',' at column 18"
        );
        assert_eq!(
            err(r#"{service="api"} |= "ü" |~ "x""#),
            "at column 24: regex line filters are not supported; use |= or !="
        );
    }

    #[test]
    fn an_empty_selector_is_refused() {
        for input in ["{}", "  { \n }", r#"{} |= "x""#] {
            assert!(
                err(input).ends_with(
                    "the stream selector {} needs at least one matcher, e.g. {service=\"api\"}"
                ),
                "{input:?}"
            );
        }
        assert!(err("  {}").starts_with("at column 3:"));
    }

    #[test]
    fn empty_and_overlong_queries_are_refused() {
        for input in ["", "   ", "\n\t"] {
            assert_eq!(
                err(input),
                "the query is empty; start with a stream selector such as {service=\"api\"}"
            );
        }
        let head = r#"{service="api"} |= ""#;
        let fill = |n: usize| format!("{head}{}\"", "a".repeat(n - head.len() - 1));
        // 1,000 characters parse (the text itself is then too long for a search)…
        let at_limit = fill(MAX_QUERY_CHARS);
        assert_eq!(at_limit.chars().count(), MAX_QUERY_CHARS);
        assert_eq!(parse(&at_limit).unwrap_err().field, "query.text");
        // …1,001 do not, counted in characters.
        assert_eq!(
            err(&fill(MAX_QUERY_CHARS + 1)),
            "the query is longer than 1000 characters"
        );
        let filter = format!(" |= \"{}\"", "é".repeat(100));
        let wide = format!(r#"{{service="api"}}{}"#, filter.repeat(6));
        assert!(wide.len() > MAX_QUERY_CHARS && wide.chars().count() < MAX_QUERY_CHARS);
        assert_eq!(ok(&wide).contains.len(), 6);
    }

    #[test]
    fn the_parsed_query_is_validated() {
        let long = "x".repeat(super::super::MAX_TEXT_CHARS + 1);
        let e = parse(&format!(r#"{{service="api"}} != "{long}""#)).unwrap_err();
        assert_eq!(e.field, "query.text");
        let long = "t".repeat(super::super::MAX_ID_CHARS + 1);
        let e = parse(&format!(r#"{{trace_id="{long}"}}"#)).unwrap_err();
        assert_eq!(e.field, "query.traceId");
        assert_eq!(
            e.to_string(),
            format!(
                "query.traceId: longer than {} characters",
                super::super::MAX_ID_CHARS
            )
        );
    }

    #[test]
    fn a_parsed_query_matches_records() {
        let q = ok(r#"{service="api", droplet_id="d-1"} |= "TIMEOUT" != "retry" | level >= warn"#);
        let ids = vec!["d-1".to_string()];
        let record = |level, message| super::super::LogRecordView {
            at_us: 1,
            level,
            service: "api",
            instance: "h:1",
            message,
            resource_ids: &ids,
            correlation_id: None,
            trace_id: None,
        };
        assert!(q.matches(&record(LogLevel::Error, "db timeout")));
        assert!(!q.matches(&record(LogLevel::Info, "db timeout")));
        assert!(!q.matches(&record(LogLevel::Error, "db timeout, retry")));
        assert!(!q.matches(&record(LogLevel::Error, "all good")));
    }

    /// Pieces of the grammar, so generated queries reach deep into the parser.
    fn token() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "{",
                "}",
                ",",
                "=",
                "!=",
                "=~",
                "!~",
                "|=",
                "|~",
                "|",
                ">=",
                ">",
                "<",
                "==",
                "\"",
                "`",
                "\\",
                "\\\"",
                " ",
                "\n",
                "service",
                "level",
                "trace_id",
                "job_id",
                "host",
                "\"api\"",
                "\"error\"",
                "\"warn\"",
                "warn",
                "\"\"",
                "é",
                "😀",
            ])
            .prop_map(str::to_string),
            "[a-z\"\\\\`{}|=!~<>, ]{0,4}",
        ]
    }

    proptest! {
        #[test]
        fn arbitrary_strings_never_panic(input in any::<String>()) {
            let _ = parse(&input);
        }

        #[test]
        fn arbitrary_token_soups_never_panic(tokens in prop::collection::vec(token(), 0..40)) {
            let input = tokens.concat();
            if let Err(e) = parse(&input) {
                prop_assert!(e.field.starts_with("query"));
                prop_assert!(!e.message.is_empty());
            }
        }

        #[test]
        fn whitespace_around_tokens_changes_nothing(
            gaps in prop::collection::vec(prop::sample::select(vec!["", " ", "\t", "\n", "  \r\n"]), 16),
        ) {
            let tokens = [
                "{", "service", "=", "\"api\"", ",", "level", "!=", "`debug`", "}",
                "|=", "\"a b\"", "!=", "\"c\"", "|", "level", ">=", "info",
            ];
            let mut input = String::new();
            for (i, t) in tokens.iter().enumerate() {
                input.push_str(t);
                if let Some(gap) = gaps.get(i) {
                    input.push_str(gap);
                }
            }
            let q = parse(&input).map_err(|e| TestCaseError::fail(format!("{input:?}: {e}")))?;
            prop_assert_eq!(q, ok(r#"{service="api",level!=`debug`}|="a b"!="c"|level>=info"#));
        }
    }
}
