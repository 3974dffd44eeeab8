//! What the document analysis needs to know about the schema: each object type's fields,
//! the type each returns, and which are paged (take `first`/`last`). Read once from the SDL.

use async_graphql::parser::types::{BaseType, Type, TypeKind, TypeSystemDefinition};
use std::collections::HashMap;

/// A field as the analysis sees it.
#[derive(Debug, Clone)]
pub struct FieldShape {
    /// The named type it returns, without list or non-null wrappers.
    pub ty: String,
    /// Whether it is a connection whose items are counted by `first`/`last`.
    pub paged: bool,
}

/// The schema's object types and root types.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    types: HashMap<String, HashMap<String, FieldShape>>,
    /// Name of the query root type.
    pub query: String,
    /// Name of the mutation root type, if any.
    pub mutation: Option<String>,
    /// Name of the subscription root type, if any.
    pub subscription: Option<String>,
}

fn named(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named(inner),
    }
}

impl Shape {
    /// Reads the shape from SDL (as printed by `Schema::sdl`).
    pub fn from_sdl(sdl: &str) -> Self {
        let mut shape = Shape {
            query: "Query".into(),
            mutation: Some("Mutation".into()),
            subscription: Some("Subscription".into()),
            ..Shape::default()
        };
        let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
            return shape;
        };
        for definition in doc.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let schema = schema.node;
                    if let Some(q) = schema.query {
                        shape.query = q.node.to_string();
                    }
                    shape.mutation = schema.mutation.map(|m| m.node.to_string());
                    shape.subscription = schema.subscription.map(|s| s.node.to_string());
                }
                TypeSystemDefinition::Type(ty) => {
                    let ty = ty.node;
                    let fields = match ty.kind {
                        TypeKind::Object(o) => o.fields,
                        TypeKind::Interface(i) => i.fields,
                        _ => continue,
                    };
                    let fields = fields
                        .into_iter()
                        .map(|f| {
                            let f = f.node;
                            let paged = f
                                .arguments
                                .iter()
                                .any(|a| matches!(a.node.name.node.as_str(), "first" | "last"));
                            let shape = FieldShape {
                                ty: named(&f.ty.node).to_string(),
                                paged,
                            };
                            (f.name.node.to_string(), shape)
                        })
                        .collect();
                    shape.types.insert(ty.name.node.to_string(), fields);
                }
                TypeSystemDefinition::Directive(_) => {}
            }
        }
        shape
    }

    /// The field `name` of type `ty`, if both are known.
    pub fn field(&self, ty: Option<&str>, name: &str) -> Option<&FieldShape> {
        self.types.get(ty?)?.get(name)
    }
}
