//! The document analysis: linear in the document. Fragments are analysed once each and their
//! results reused wherever they are spread (never expanded), so a document whose fragments
//! double at every level costs as much to check as it is long. Cycles are refused.

use super::shape::Shape;
use super::Limits;
use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Variables};
use async_graphql_value::{ConstValue, Value};
use std::collections::{BTreeMap, HashMap};

/// Selections (fields, spreads, inline fragments) in one document, as written.
pub const MAX_SELECTIONS: u64 = 2_000;
/// Fragment spreads in one document, as written.
pub const MAX_SPREADS: u64 = 500;
/// Selections once every fragment is expanded, summed over the document's operations and
/// fragment definitions: bounds the work of async-graphql's own validation, which expands.
pub const MAX_EXPANDED: u64 = 10_000;
/// Directives on one field, fragment, operation or variable.
pub const MAX_DIRECTIVES: usize = 8;
/// Nesting of selection sets and spreads, however they are counted.
pub const MAX_NESTING: usize = 64;
/// Nesting of fields inside `__schema`/`__type` (the standard query needs 14).
pub const INTROSPECTION_MAX_DEPTH: u32 = 24;
/// Nested introspection lists (`types`, `fields`, `args`, …) on one path (the standard query
/// needs 3: types → fields → args).
pub const INTROSPECTION_MAX_LISTS: u32 = 3;
/// `__schema`/`__type` fields in one operation.
pub const INTROSPECTION_MAX_ROOTS: u64 = 10;

const INTROSPECTION_LISTS: &[&str] = &[
    "types",
    "fields",
    "args",
    "inputFields",
    "interfaces",
    "possibleTypes",
    "enumValues",
    "directives",
];

/// One kind of limit; each is reported at most once per document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Selections,
    Spreads,
    Directives,
    Nesting,
    Cycle,
    Expanded,
    Depth,
    Complexity,
    Introspection,
    Mutations,
}

/// What one selection set amounts to, expanded but computed without expanding.
#[derive(Debug, Default, Clone, Copy)]
struct Summary {
    depth: u32,
    cost: u64,
    expanded: u64,
    fields: u64,
    intro_depth: u32,
    intro_lists: u32,
    intro_roots: u64,
}

impl Summary {
    fn add(&mut self, other: Summary) {
        self.depth = self.depth.max(other.depth);
        self.cost = self.cost.saturating_add(other.cost);
        self.expanded = self.expanded.saturating_add(other.expanded);
        self.fields = self.fields.saturating_add(other.fields);
        self.intro_depth = self.intro_depth.max(other.intro_depth);
        self.intro_lists = self.intro_lists.max(other.intro_lists);
        self.intro_roots = self.intro_roots.saturating_add(other.intro_roots);
    }
}

enum Memo {
    InProgress,
    Done(Summary),
}

/// A short, printable excerpt of a name from the document.
fn excerpt(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(40).collect::<String>())
    }
}

struct Analysis<'a> {
    doc: &'a ExecutableDocument,
    shape: &'a Shape,
    limits: &'a Limits,
    variables: &'a Variables,
    defaults: HashMap<&'a str, &'a ConstValue>,
    memo: HashMap<&'a str, Memo>,
    nesting: usize,
    found: BTreeMap<Kind, String>,
}

/// Checks `doc` against `limits`; returns one message per kind of limit it exceeds.
pub fn check(
    doc: &ExecutableDocument,
    variables: &Variables,
    shape: &Shape,
    limits: &Limits,
) -> Vec<String> {
    let mut found = BTreeMap::new();
    count_as_written(doc, &mut found);
    if !found.is_empty() {
        return found.into_values().collect();
    }
    let mut defaults = HashMap::new();
    for (_, op) in doc.operations.iter() {
        for var in &op.node.variable_definitions {
            if let Some(value) = &var.node.default_value {
                defaults.insert(var.node.name.node.as_str(), &value.node);
            }
        }
    }
    let mut a = Analysis {
        doc,
        shape,
        limits,
        variables,
        defaults,
        memo: HashMap::new(),
        nesting: 0,
        found,
    };
    let mut expanded = 0u64;
    for (_, op) in doc.operations.iter() {
        let op = &op.node;
        let root = match op.ty {
            OperationType::Query => Some(shape.query.as_str()),
            OperationType::Mutation => shape.mutation.as_deref(),
            OperationType::Subscription => shape.subscription.as_deref(),
        };
        let s = a.selection_set(&op.selection_set.node, root, false);
        expanded = expanded.saturating_add(s.expanded);
        a.judge(op.ty, s);
    }
    for name in doc.fragments.keys() {
        expanded = expanded.saturating_add(a.fragment(name).expanded);
    }
    if expanded > MAX_EXPANDED {
        a.report(
            Kind::Expanded,
            format!(
                "the document has more than {MAX_EXPANDED} selections once its fragments are expanded"
            ),
        );
    }
    a.found.into_values().collect()
}

/// The checks that need no expansion: counts of what is written, in one pass.
fn count_as_written(doc: &ExecutableDocument, found: &mut BTreeMap<Kind, String>) {
    let mut selections = 0u64;
    let mut spreads = 0u64;
    let mut directives = 0usize;
    let mut sets: Vec<&SelectionSet> = Vec::new();
    for (_, op) in doc.operations.iter() {
        directives = directives.max(op.node.directives.len());
        for var in &op.node.variable_definitions {
            directives = directives.max(var.node.directives.len());
        }
        sets.push(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        directives = directives.max(fragment.node.directives.len());
        sets.push(&fragment.node.selection_set.node);
    }
    while let Some(set) = sets.pop() {
        for item in &set.items {
            selections += 1;
            match &item.node {
                Selection::Field(f) => {
                    directives = directives.max(f.node.directives.len());
                    sets.push(&f.node.selection_set.node);
                }
                Selection::FragmentSpread(s) => {
                    spreads += 1;
                    directives = directives.max(s.node.directives.len());
                }
                Selection::InlineFragment(i) => {
                    directives = directives.max(i.node.directives.len());
                    sets.push(&i.node.selection_set.node);
                }
            }
        }
    }
    if selections > MAX_SELECTIONS {
        found.insert(
            Kind::Selections,
            format!(
                "the document has {selections} selections; at most {MAX_SELECTIONS} are allowed"
            ),
        );
    }
    if spreads > MAX_SPREADS {
        found.insert(
            Kind::Spreads,
            format!(
                "the document has {spreads} fragment spreads; at most {MAX_SPREADS} are allowed"
            ),
        );
    }
    if directives > MAX_DIRECTIVES {
        found.insert(
            Kind::Directives,
            format!("a field, fragment or operation has {directives} directives; at most {MAX_DIRECTIVES} are allowed"),
        );
    }
}

impl<'a> Analysis<'a> {
    fn report(&mut self, kind: Kind, message: String) {
        self.found.entry(kind).or_insert(message);
    }

    fn judge(&mut self, ty: OperationType, s: Summary) {
        let l = self.limits;
        if s.depth as usize > l.max_depth {
            self.report(
                Kind::Depth,
                format!(
                    "the query is nested {} fields deep; at most {} are allowed",
                    s.depth, l.max_depth
                ),
            );
        }
        if s.cost > l.max_complexity as u64 {
            self.report(Kind::Complexity, format!(
                "the query costs {} (each field 1, a list's fields times its `first`); at most {} is allowed",
                s.cost, l.max_complexity
            ));
        }
        if s.intro_depth > INTROSPECTION_MAX_DEPTH
            || s.intro_lists > INTROSPECTION_MAX_LISTS
            || s.intro_roots > INTROSPECTION_MAX_ROOTS
        {
            self.report(Kind::Introspection, format!(
                "the introspection is too large: at most {INTROSPECTION_MAX_ROOTS} __schema/__type fields, \
                 {INTROSPECTION_MAX_DEPTH} levels and {INTROSPECTION_MAX_LISTS} nested lists are allowed"
            ));
        }
        if ty == OperationType::Mutation && s.fields > l.max_mutations as u64 {
            self.report(
                Kind::Mutations,
                format!(
                    "the request has {} mutations; at most {} are allowed per request",
                    s.fields, l.max_mutations
                ),
            );
        }
    }

    /// Runs `f` one level deeper, or reports the nesting and skips it.
    fn nested(&mut self, f: impl FnOnce(&mut Self) -> Summary) -> Summary {
        if self.nesting >= MAX_NESTING {
            self.report(
                Kind::Nesting,
                format!("the document nests selections more than {MAX_NESTING} levels deep"),
            );
            return Summary::default();
        }
        self.nesting += 1;
        let s = f(self);
        self.nesting -= 1;
        s
    }

    fn fragment(&mut self, name: &'a Name) -> Summary {
        match self.memo.get(name.as_str()) {
            Some(Memo::Done(s)) => return *s,
            Some(Memo::InProgress) => {
                let message = format!("fragment {} spreads itself", excerpt(name));
                self.report(Kind::Cycle, message);
                return Summary::default();
            }
            None => {}
        }
        let Some(fragment) = self.doc.fragments.get(name) else {
            return Summary::default(); // Reported by validation as an unknown fragment.
        };
        self.memo.insert(name.as_str(), Memo::InProgress);
        let on = fragment.node.type_condition.node.on.node.as_str();
        let set = &fragment.node.selection_set.node;
        let s = self.nested(|a| a.selection_set(set, Some(on), on.starts_with("__")));
        self.memo.insert(name.as_str(), Memo::Done(s));
        s
    }

    /// Items of a paged field: its `first`/`last`, or the default page size, capped.
    fn page_size(&self, arguments: &[(Positioned<Name>, Positioned<Value>)]) -> u64 {
        let l = self.limits;
        let given = arguments
            .iter()
            .find(|(n, _)| matches!(n.node.as_str(), "first" | "last"))
            .map(|(_, v)| match &v.node {
                Value::Variable(var) => self
                    .variables
                    .get(var)
                    .or_else(|| self.defaults.get(var.as_str()).copied())
                    .cloned()
                    .unwrap_or(ConstValue::Null),
                other => other.clone().into_const().unwrap_or(ConstValue::Null),
            });
        let n = match given {
            None | Some(ConstValue::Null) => l.default_page_size,
            Some(ConstValue::Number(n)) => n.as_i64().unwrap_or(l.max_page_size),
            Some(_) => l.max_page_size,
        };
        n.clamp(0, l.max_page_size) as u64
    }

    fn selection_set(
        &mut self,
        set: &'a SelectionSet,
        ty: Option<&'a str>,
        intro: bool,
    ) -> Summary {
        let mut sum = Summary::default();
        for item in &set.items {
            let s = match &item.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    let enters = !intro && matches!(name, "__schema" | "__type");
                    let child_intro = intro || enters;
                    let info = if child_intro {
                        None
                    } else {
                        self.shape.field(ty, name)
                    };
                    let child_ty = info.map(|f| f.ty.as_str());
                    let children = &field.selection_set.node;
                    let child = if children.items.is_empty() {
                        Summary::default()
                    } else {
                        self.nested(|a| a.selection_set(children, child_ty, child_intro))
                    };
                    let mut s = Summary {
                        expanded: child.expanded.saturating_add(1),
                        fields: 1,
                        intro_roots: child.intro_roots + u64::from(enters),
                        ..Summary::default()
                    };
                    if child_intro {
                        let list = intro
                            && !children.items.is_empty()
                            && INTROSPECTION_LISTS.contains(&name);
                        s.intro_depth = child.intro_depth + 1;
                        s.intro_lists = child.intro_lists + u32::from(list);
                    } else {
                        let items = if info.is_some_and(|f| f.paged) {
                            self.page_size(&field.arguments)
                        } else {
                            1
                        };
                        s.depth = child.depth + 1;
                        s.cost = child.cost.saturating_mul(items).saturating_add(1);
                        s.intro_depth = child.intro_depth;
                        s.intro_lists = child.intro_lists;
                    }
                    s
                }
                Selection::FragmentSpread(spread) => {
                    let mut s = self.fragment(&spread.node.fragment_name.node);
                    s.expanded = s.expanded.saturating_add(1);
                    s
                }
                Selection::InlineFragment(inline) => {
                    let inline = &inline.node;
                    let on = inline
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str())
                        .or(ty);
                    let set = &inline.selection_set.node;
                    let mut s = self.nested(|a| a.selection_set(set, on, intro));
                    s.expanded = s.expanded.saturating_add(1);
                    s
                }
            };
            sum.add(s);
        }
        sum
    }
}
