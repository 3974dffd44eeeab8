//! Which GraphQL operation a request runs, recorded on its span after OpenTelemetry's
//! GraphQL conventions (`graphql.operation.type`, `graphql.operation.name`), so a trace
//! viewer lists `mutation CreateDroplet` rather than a row of identical `graphql` spans.

use async_graphql::parser::types::{DocumentOperations, OperationType, Selection};
use async_graphql::Request;

/// Root fields named in a span at most (a query may select many).
const MAX_ROOT_FIELDS: usize = 5;

/// The operation a request selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// `query`, `mutation` or `subscription`.
    pub kind: &'static str,
    /// The operation's name, when the document gives one.
    pub name: Option<String>,
    /// Its root fields, comma-separated (`createDroplet`).
    pub root_fields: String,
}

impl Operation {
    /// The span name: `<kind> <name>`, or `<kind> <root fields>` for an anonymous operation.
    pub fn span_name(&self) -> String {
        let label = self.name.as_deref().unwrap_or(&self.root_fields);
        format!("{} {label}", self.kind).trim_end().to_string()
    }
}

/// The operation `request` selects, parsing its document once (execution reuses it).
/// `None` when the document does not parse or names no single operation; execution then
/// reports the error as usual.
pub fn describe(request: &mut Request) -> Option<Operation> {
    let wanted = request.operation_name.clone();
    let doc = request.parsed_query().ok()?;
    let (name, op) = match (&doc.operations, wanted.as_deref()) {
        (DocumentOperations::Single(op), _) => (None, op),
        (DocumentOperations::Multiple(ops), Some(wanted)) => {
            let (name, op) = ops.get_key_value(wanted)?;
            (Some(name.to_string()), op)
        }
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            let (name, op) = ops.iter().next()?;
            (Some(name.to_string()), op)
        }
        _ => return None,
    };
    let kind = match op.node.ty {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    };
    let root_fields = op
        .node
        .selection_set
        .node
        .items
        .iter()
        .filter_map(|s| match &s.node {
            Selection::Field(f) => Some(f.node.name.node.as_str()),
            _ => None,
        })
        .take(MAX_ROOT_FIELDS)
        .collect::<Vec<_>>()
        .join(",");
    Some(Operation {
        kind,
        name,
        root_fields,
    })
}

/// Names `span` (not yet entered) after the operation `request` selects, and returns it.
pub fn record(span: &tracing::Span, request: &mut Request) -> Option<Operation> {
    let op = describe(request)?;
    span.record("otel.name", op.span_name());
    span.record("graphql.operation.type", op.kind);
    if let Some(name) = &op.name {
        span.record("graphql.operation.name", name.as_str());
    }
    if !op.root_fields.is_empty() {
        span.record("graphql.root_fields", op.root_fields.as_str());
    }
    Some(op)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(query: &str, name: Option<&str>) -> Option<Operation> {
        let mut request = Request::new(query);
        if let Some(name) = name {
            request = request.operation_name(name);
        }
        describe(&mut request)
    }

    #[test]
    fn named_anonymous_and_selected_operations_are_described() {
        let named = op(
            "mutation CreateDroplet($i: CreateDropletInput!) { createDroplet(input: $i) { position } }",
            None,
        )
        .unwrap();
        assert_eq!(named.kind, "mutation");
        assert_eq!(named.name.as_deref(), Some("CreateDroplet"));
        assert_eq!(named.span_name(), "mutation CreateDroplet");

        let anonymous = op(
            "{ clusters { totalCount } catalog { regions { slug } } }",
            None,
        )
        .unwrap();
        assert_eq!(anonymous.name, None);
        assert_eq!(anonymous.root_fields, "clusters,catalog");
        assert_eq!(anonymous.span_name(), "query clusters,catalog");

        let doc = "query A { clusters { totalCount } } subscription B { jobs { id } }";
        assert_eq!(op(doc, Some("B")).unwrap().span_name(), "subscription B");
        assert_eq!(op(doc, None), None);
        assert_eq!(op("mutation {", None), None);
    }
}
