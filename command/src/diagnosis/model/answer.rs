//! What the model answers: [`ModelAnswer`], its JSON Schema (generated from the type, made
//! acceptable to OpenAI's strict structured outputs) and its checks — against the schema,
//! then against the diagnosis (known finding ids, evidence that exists, sane bounds).

use schema::diagnosis::{DiagnosisCheck, EvidenceKind, Report, Severity, Snapshot};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::LazyLock;

/// The name the schema is sent under (`response_format.json_schema.name`).
pub const SCHEMA_NAME: &str = "clustergenie_diagnosis";

/// Most findings an answer may list.
pub const MAX_FINDINGS: usize = 50;
/// Most evidence references one finding may cite.
pub const MAX_EVIDENCE: usize = 20;
/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest summary, explanation or recommendation, in characters.
pub const MAX_TEXT_CHARS: usize = 4000;

/// The model's answer: a summary and the findings, most important first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelAnswer {
    /// What is wrong overall and what to do first, in a few sentences.
    pub summary: String,
    /// The findings, most important first: the built-in ones explained, and any new ones.
    pub findings: Vec<ModelFinding>,
}

/// One finding as the model explains it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelFinding {
    /// The id of the built-in finding this explains, or null for a new finding.
    pub builtin_id: Option<String>,
    /// The check it belongs to.
    #[schemars(schema_with = "check_schema")]
    pub check: DiagnosisCheck,
    /// How bad it is.
    #[schemars(schema_with = "severity_schema")]
    pub severity: Severity,
    /// One line.
    pub title: String,
    /// Why, citing the evidence.
    pub explanation: String,
    /// How sure, from 0 to 1.
    #[schemars(range(min = 0.0, max = 1.0))]
    pub confidence: f64,
    /// The evidence it rests on, by kind and reference as listed in the prompt.
    pub evidence: Vec<EvidenceRef>,
    /// What to do, in words, or null.
    pub recommendation: Option<String>,
}

/// A reference to one piece of evidence of the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRef {
    /// Which list of the evidence it is in.
    #[schemars(schema_with = "kind_schema")]
    pub kind: EvidenceKind,
    /// Its reference exactly as listed.
    #[serde(rename = "ref")]
    pub reference: String,
}

fn names<T>(all: &[T], name: fn(&T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(name).collect()
}

fn check_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "string", "enum": names(DiagnosisCheck::ALL, DiagnosisCheck::as_str)})
}

fn severity_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "string", "enum": names(Severity::ALL, Severity::as_str)})
}

fn kind_schema(_: &mut SchemaGenerator) -> Schema {
    schemars::json_schema!({"type": "string", "enum": names(EvidenceKind::ALL, EvidenceKind::as_str)})
}

/// Makes a generated schema one that strict structured outputs accept: every property
/// required (optional ones are nullable), no other properties, no `format`.
fn strict(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.remove("format");
            if let Some(Value::Object(properties)) = object.get("properties") {
                let required: Vec<Value> = properties.keys().cloned().map(Value::String).collect();
                object.insert("required".into(), Value::Array(required));
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            object.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
    let mut schema = serde_json::to_value(schemars::schema_for!(ModelAnswer))
        .expect("the answer schema serializes");
    if let Value::Object(o) = &mut schema {
        o.remove("$schema");
        o.remove("title");
    }
    strict(&mut schema);
    schema
});

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    jsonschema::draft202012::new(&SCHEMA).expect("the answer schema is a valid JSON Schema")
});

/// The answer's JSON Schema, as sent and as checked.
pub fn schema() -> &'static Value {
    &SCHEMA
}

/// The schema as compact JSON, the same bytes every time (for the prompt).
pub fn schema_text() -> String {
    SCHEMA.to_string()
}

/// The `response_format` asking for the schema.
pub fn response_format() -> Value {
    json!({"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "schema": schema(), "strict": true}})
}

/// Why an answer was not accepted; each says what without echoing more than a short excerpt.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AnswerError {
    /// The text is not one JSON value.
    #[error("the model's answer was not JSON ({0})")]
    NotJson(String),
    /// The JSON does not match the schema.
    #[error("the model's answer was not valid JSON for the schema ({0})")]
    Schema(String),
    /// A finding names a built-in finding that does not exist, or names one twice.
    #[error("the model's answer referred to an unknown or repeated built-in finding {0}")]
    UnknownFinding(String),
    /// A finding cites evidence the snapshot does not hold.
    #[error("the model's answer cited evidence that does not exist: {0}")]
    UnknownEvidence(String),
    /// A bound of the answer was exceeded, or a value is out of range.
    #[error("the model's answer was out of bounds: {0}")]
    OutOfBounds(String),
}

/// The JSON inside the model's text: as it is, or inside one Markdown code fence (which
/// models asked for plain JSON often add).
fn json_text(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(fenced) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let body = fenced.split_once('\n').map_or("", |(_, rest)| rest);
    body.trim_end().strip_suffix("```").unwrap_or(body).trim()
}

/// Parses the model's text and checks it against the schema and the diagnosis.
pub fn parse(
    text: &str,
    snapshot: &Snapshot,
    builtin: &Report,
) -> Result<ModelAnswer, AnswerError> {
    let value: Value =
        serde_json::from_str(json_text(text)).map_err(|e| AnswerError::NotJson(e.to_string()))?;
    if let Some(error) = VALIDATOR.iter_errors(&value).next() {
        let at = error.instance_path().to_string();
        let message = schema::excerpt(&error.to_string());
        return Err(AnswerError::Schema(format!(
            "at {}: {message}",
            if at.is_empty() { "/" } else { at.as_str() }
        )));
    }
    let answer: ModelAnswer =
        serde_json::from_value(value).map_err(|e| AnswerError::Schema(e.to_string()))?;
    check(&answer, snapshot, builtin)?;
    Ok(answer)
}

/// The checks the schema cannot make: ids and references against this diagnosis, bounds.
pub fn check(
    answer: &ModelAnswer,
    snapshot: &Snapshot,
    builtin: &Report,
) -> Result<(), AnswerError> {
    let too_long = |what: &str, text: &str, max: usize| {
        (text.chars().count() > max)
            .then(|| AnswerError::OutOfBounds(format!("{what} longer than {max} characters")))
    };
    if let Some(e) = too_long("the summary", &answer.summary, MAX_TEXT_CHARS) {
        return Err(e);
    }
    if answer.findings.len() > MAX_FINDINGS {
        return Err(AnswerError::OutOfBounds(format!(
            "more than {MAX_FINDINGS} findings"
        )));
    }
    let checks: Vec<_> = builtin.checks.iter().map(|c| c.check).collect();
    let mut seen = BTreeSet::new();
    for finding in &answer.findings {
        match &finding.builtin_id {
            Some(id) => {
                if !builtin.findings.iter().any(|f| &f.id == id) || !seen.insert(id.as_str()) {
                    return Err(AnswerError::UnknownFinding(schema::excerpt(id)));
                }
            }
            None => {
                if !checks.contains(&finding.check) {
                    return Err(AnswerError::OutOfBounds(format!(
                        "a new finding of check {}, which was not run",
                        finding.check
                    )));
                }
                if finding.evidence.is_empty() {
                    return Err(AnswerError::OutOfBounds(
                        "a new finding without evidence".into(),
                    ));
                }
            }
        }
        if !(0.0..=1.0).contains(&finding.confidence) {
            return Err(AnswerError::OutOfBounds(format!(
                "confidence {} outside 0..1",
                finding.confidence
            )));
        }
        if let Some(error) = [
            too_long("a title", &finding.title, MAX_TITLE_CHARS),
            too_long("an explanation", &finding.explanation, MAX_TEXT_CHARS),
            finding
                .recommendation
                .as_deref()
                .and_then(|r| too_long("a recommendation", r, MAX_TEXT_CHARS)),
        ]
        .into_iter()
        .flatten()
        .next()
        {
            return Err(error);
        }
        if finding.evidence.len() > MAX_EVIDENCE {
            return Err(AnswerError::OutOfBounds(format!(
                "a finding citing more than {MAX_EVIDENCE} pieces of evidence"
            )));
        }
        if let Some(missing) = finding
            .evidence
            .iter()
            .find(|r| super::evidence::resolve(snapshot, r).is_none())
        {
            return Err(AnswerError::UnknownEvidence(format!(
                "{} {}",
                missing.kind,
                schema::excerpt(&missing.reference)
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_is_strict_and_names_the_vocabulary() {
        let text = schema_text();
        for word in [
            "CRITICAL",
            "METRIC_WINDOW",
            "SECURITY",
            "builtin_id",
            "\"ref\"",
        ] {
            assert!(text.contains(word), "{word} in {text}");
        }
        assert!(!text.contains("\"format\""), "{text}");
        let finding = &schema()["$defs"]["ModelFinding"];
        assert_eq!(finding["additionalProperties"], false);
        assert_eq!(finding["required"].as_array().unwrap().len(), 8);
        assert_eq!(schema_text(), schema_text());
    }

    #[test]
    fn fenced_json_is_read_and_prose_is_not() {
        assert_eq!(json_text("```json\n{\"a\":1}\n```\n"), "{\"a\":1}");
        assert_eq!(json_text(" {\"a\":1} "), "{\"a\":1}");
        assert!(serde_json::from_str::<Value>(json_text("Sure! {\"a\":1}")).is_err());
    }
}
