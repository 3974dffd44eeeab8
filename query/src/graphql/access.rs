//! Who may run which root field: one table for queries, mutations and subscriptions, checked
//! on the parsed document before anything is validated or executed (so a refused mutation
//! appends nothing), over HTTP and WebSocket alike.
//!
//! - viewer: every query and subscription, and their own API tokens;
//! - operator: also every cluster, droplet, job, health-check, load, diagnosis and scaling
//!   command;
//! - admin: also users, every user's API tokens and rate-limit rules (everyone may read
//!   the rules and their status).
//!
//! `login`, `me` and introspection need nothing. A field missing from the table needs ADMIN
//! (a test checks that every root field of the schema is in it).

use crate::auth::Caller;
use crate::errors::ErrorCode;
use async_graphql::parser::types::{
    ExecutableDocument, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::ServerError;
use schema::users::Role;
use std::collections::HashSet;

/// What a root field needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Anyone, signed in or not.
    Public,
    /// A caller with at least this role.
    Role(Role),
}

use Need::{Public, Role as R};
use OperationType::{Mutation, Query, Subscription};

/// Every root field and what it needs.
pub const TABLE: &[(OperationType, &str, Need)] = &[
    // Queries: reading needs VIEWER.
    (Query, "me", Public),
    (Query, "cluster", R(Role::Viewer)),
    (Query, "clusters", R(Role::Viewer)),
    (Query, "droplet", R(Role::Viewer)),
    (Query, "droplets", R(Role::Viewer)),
    (Query, "job", R(Role::Viewer)),
    (Query, "jobs", R(Role::Viewer)),
    (Query, "events", R(Role::Viewer)),
    (Query, "history", R(Role::Viewer)),
    (Query, "catalog", R(Role::Viewer)),
    (Query, "healthCheck", R(Role::Viewer)),
    (Query, "healthChecks", R(Role::Viewer)),
    (Query, "workerPool", R(Role::Viewer)),
    (Query, "pipeline", R(Role::Viewer)),
    (Query, "logs", R(Role::Viewer)),
    (Query, "logServices", R(Role::Viewer)),
    // Own tokens; an admin sees everyone's (checked by the resolver).
    (Query, "apiTokens", R(Role::Viewer)),
    (Query, "users", R(Role::Admin)),
    (Query, "user", R(Role::Admin)),
    (Query, "rateLimitRules", R(Role::Viewer)),
    (Query, "rateLimitRule", R(Role::Viewer)),
    (Query, "rateLimitStatus", R(Role::Viewer)),
    (Query, "diagnosis", R(Role::Viewer)),
    (Query, "diagnoses", R(Role::Viewer)),
    (Query, "scalingPolicy", R(Role::Viewer)),
    (Query, "scalingPolicies", R(Role::Viewer)),
    // Mutations: commands need OPERATOR, administration ADMIN.
    (Mutation, "login", Public),
    (Mutation, "createCluster", R(Role::Operator)),
    (Mutation, "deleteCluster", R(Role::Operator)),
    (Mutation, "createDroplet", R(Role::Operator)),
    (Mutation, "destroyDroplet", R(Role::Operator)),
    (Mutation, "resizeDroplet", R(Role::Operator)),
    (Mutation, "powerDroplet", R(Role::Operator)),
    (Mutation, "cancelJob", R(Role::Operator)),
    (Mutation, "retryJob", R(Role::Operator)),
    (Mutation, "createHealthCheck", R(Role::Operator)),
    (Mutation, "updateHealthCheck", R(Role::Operator)),
    (Mutation, "deleteHealthCheck", R(Role::Operator)),
    (Mutation, "runHealthCheck", R(Role::Operator)),
    (Mutation, "injectLoad", R(Role::Operator)),
    (Mutation, "clearLoad", R(Role::Operator)),
    (Mutation, "diagnose", R(Role::Operator)),
    (Mutation, "applyRecommendation", R(Role::Operator)),
    (Mutation, "createScalingPolicy", R(Role::Operator)),
    (Mutation, "updateScalingPolicy", R(Role::Operator)),
    (Mutation, "pauseScalingPolicy", R(Role::Operator)),
    (Mutation, "resumeScalingPolicy", R(Role::Operator)),
    (Mutation, "deleteScalingPolicy", R(Role::Operator)),
    (Mutation, "evaluateScalingPolicy", R(Role::Operator)),
    // Own tokens (the resolver checks that a revoked token is the caller's, or an admin).
    (Mutation, "createApiToken", R(Role::Viewer)),
    (Mutation, "revokeApiToken", R(Role::Viewer)),
    (Mutation, "createUser", R(Role::Admin)),
    (Mutation, "updateUser", R(Role::Admin)),
    (Mutation, "createRateLimitRule", R(Role::Admin)),
    (Mutation, "updateRateLimitRule", R(Role::Admin)),
    (Mutation, "deleteRateLimitRule", R(Role::Admin)),
    // Subscriptions: watching needs VIEWER.
    (Subscription, "jobProgress", R(Role::Viewer)),
    (Subscription, "jobs", R(Role::Viewer)),
    (Subscription, "droplets", R(Role::Viewer)),
    (Subscription, "healthCheckResults", R(Role::Viewer)),
    (Subscription, "logTail", R(Role::Viewer)),
    (Subscription, "dropletMetrics", R(Role::Viewer)),
    (Subscription, "events", R(Role::Viewer)),
];

/// What `field` of the `ty` root needs.
pub fn need(ty: OperationType, field: &str) -> Need {
    if field.starts_with("__") {
        return Public;
    }
    TABLE
        .iter()
        .find(|(t, f, _)| *t == ty && *f == field)
        .map_or(R(Role::Admin), |(_, _, need)| *need)
}

/// The operation a request runs: the named one, or the only one.
pub fn selected<'d>(
    doc: &'d ExecutableDocument,
    name: Option<&str>,
) -> Option<&'d OperationDefinition> {
    use async_graphql::parser::types::DocumentOperations;
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => {
            ops.values().next().map(|op| &op.node)
        }
        _ => None,
    }
}

/// The root fields `set` selects, through fragments.
fn root_fields<'d>(
    doc: &'d ExecutableDocument,
    set: &'d SelectionSet,
    seen: &mut HashSet<&'d str>,
    out: &mut Vec<&'d str>,
) {
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => out.push(f.node.name.node.as_str()),
            Selection::InlineFragment(i) => root_fields(doc, &i.node.selection_set.node, seen, out),
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.as_str();
                if seen.insert(name) {
                    if let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node) {
                        root_fields(doc, &fragment.node.selection_set.node, seen, out);
                    }
                }
            }
        }
    }
}

fn refusal(code: ErrorCode, message: String) -> ServerError {
    let mut e = ServerError::new(message, None);
    e.extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
    e
}

fn kind(ty: OperationType) -> &'static str {
    match ty {
        Query => "query",
        Mutation => "mutation",
        Subscription => "subscription",
    }
}

/// Refuses the operation when `caller` may not run one of its root fields:
/// `UNAUTHENTICATED` without a caller role, `FORBIDDEN` with too small a one. Every operation
/// is checked when the document names none to run.
pub fn check(
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    caller: Option<&Caller>,
) -> Result<(), ServerError> {
    let operations: Vec<&OperationDefinition> = match selected(doc, operation_name) {
        Some(op) => vec![op],
        None => doc.operations.iter().map(|(_, op)| &op.node).collect(),
    };
    let anonymous = Caller::anonymous();
    let caller = caller.unwrap_or(&anonymous);
    for op in operations {
        let mut fields = Vec::new();
        root_fields(
            doc,
            &op.selection_set.node,
            &mut HashSet::new(),
            &mut fields,
        );
        for field in fields {
            permit(caller, op.ty, field).map_err(|(code, message)| refusal(code, message))?;
        }
    }
    Ok(())
}

/// Whether `caller` may run root field `field` of `ty`: else `UNAUTHENTICATED` without a
/// caller role, `FORBIDDEN` with too small a one, and why. REST v1 routes ask this for the
/// GraphQL field they serve, so both APIs have one table of roles.
pub fn permit(caller: &Caller, ty: OperationType, field: &str) -> Result<(), (ErrorCode, String)> {
    let R(needed) = need(ty, field) else {
        return Ok(());
    };
    if caller.allows(needed) {
        return Ok(());
    }
    Err(match caller.role {
        None => (
            ErrorCode::Unauthenticated,
            format!(
                "sign in first: the {} field {field} needs a token \
                 (log in with the login mutation, or send an API token)",
                kind(ty)
            ),
        ),
        Some(role) => (
            ErrorCode::Forbidden,
            format!(
                "the {} field {field} needs the {needed} role; {} is {role}",
                kind(ty),
                caller.actor
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root_fields_of(sdl: &str, ty: &str) -> Vec<String> {
        use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
        let doc = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
        doc.definitions
            .iter()
            .find_map(|d| match d {
                TypeSystemDefinition::Type(t) if t.node.name.node == ty => match &t.node.kind {
                    TypeKind::Object(o) => Some(
                        o.fields
                            .iter()
                            .map(|f| f.node.name.node.to_string())
                            .collect(),
                    ),
                    _ => None,
                },
                _ => None,
            })
            .unwrap_or_else(|| panic!("{ty} in the SDL"))
    }

    #[test]
    fn every_root_field_is_in_the_table_and_nothing_else() {
        let sdl = crate::graphql::sdl();
        let mut listed: HashSet<(String, String)> = HashSet::new();
        for (ty, root) in [
            (Query, "QueryRoot"),
            (Mutation, "MutationRoot"),
            (Subscription, "SubscriptionRoot"),
        ] {
            let fields = root_fields_of(&sdl, root);
            assert!(!fields.is_empty(), "{root} has fields");
            for field in fields {
                assert!(
                    TABLE.iter().any(|(t, f, _)| *t == ty && *f == field),
                    "{root}.{field} is not in the access table"
                );
                listed.insert((kind(ty).to_string(), field));
            }
        }
        for (ty, field, _) in TABLE {
            assert!(
                listed.contains(&(kind(*ty).to_string(), field.to_string())),
                "the access table lists {field} ({}), which the schema does not have",
                kind(*ty)
            );
        }
    }

    fn doc(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).unwrap()
    }

    fn viewer() -> Caller {
        Caller {
            role: Some(Role::Viewer),
            actor: "vera".into(),
            ..Caller::anonymous()
        }
    }

    #[test]
    fn fragments_and_aliases_do_not_hide_a_field() {
        let d = doc("mutation { ...M } fragment M on MutationRoot { x: createCluster(input: {}) { position } }");
        let e = check(&d, None, Some(&viewer())).unwrap_err();
        assert!(
            e.message.contains("createCluster needs the OPERATOR role"),
            "{}",
            e.message
        );
        let d = doc("mutation { ... on MutationRoot { deleteCluster(id: \"x\") { position } } }");
        assert!(check(&d, None, Some(&viewer())).is_err());
    }

    #[test]
    fn anonymous_callers_get_login_and_introspection_only() {
        let d = doc("mutation { login(username: \"a\", password: \"b\") { token } }");
        assert!(check(&d, None, None).is_ok());
        let d = doc("{ __schema { queryType { name } } __typename me { actor } }");
        assert!(check(&d, None, None).is_ok());
        let d = doc("{ clusters { totalCount } }");
        let e = check(&d, None, None).unwrap_err();
        assert!(e.message.starts_with("sign in first"), "{}", e.message);
    }

    #[test]
    fn only_the_selected_operation_counts() {
        let d = doc("query Q { clusters { totalCount } } mutation M { createCluster(input: {}) { position } }");
        assert!(check(&d, Some("Q"), Some(&viewer())).is_ok());
        assert!(check(&d, Some("M"), Some(&viewer())).is_err());
        assert!(check(&d, None, Some(&viewer())).is_err());
    }
}
