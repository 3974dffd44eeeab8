//! The analysis against the real schema's shape.

use super::analysis::check;
use super::shape::Shape;
use super::Limits;
use async_graphql::parser::parse_query;
use async_graphql::Variables;
use testkit::hostile::{fragment_bomb, nested_lists};

fn problems(query: &str) -> Vec<String> {
    problems_with(query, Variables::default())
}

fn problems_with(query: &str, variables: Variables) -> Vec<String> {
    let shape = Shape::from_sdl(&crate::graphql::sdl());
    let doc = parse_query(query).expect("test documents parse");
    check(&doc, &variables, &shape, &Limits::default())
}

#[test]
fn the_fragment_bomb_is_refused_without_expanding_it() {
    // 2^60 leaves: expanding would never finish.
    let found = problems(&fragment_bomb(60));
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].contains("once its fragments are expanded"),
        "{found:?}"
    );
    assert!(found[1].contains("the query costs"), "{found:?}");
}

#[test]
fn nested_lists_cost_their_page_sizes() {
    let found = problems(&nested_lists("00000000-0000-0000-0000-000000000000", 100));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("the query costs"), "{found:?}");
    // One page of 100 droplets with ten fields is fine.
    assert!(problems("{ droplets(first: 100) { totalCount edges { node { id name status ip size region image version createdAt cluster { name } } } } }").is_empty());
}

#[test]
fn page_sizes_come_from_variables_and_defaults() {
    let q = "query($n: Int = 100) { clusters(first: $n) { nodes { droplets(first: $n) { nodes { id name } } } } }";
    assert!(problems(q)[0].contains("the query costs"));
    let vars = Variables::from_json(serde_json::json!({ "n": 5 }));
    assert!(problems_with(q, vars).is_empty());
}

#[test]
fn depth_counts_fields_and_not_introspection() {
    let deep = "{ droplets { nodes { cluster { droplets { nodes { cluster { droplets { nodes { cluster { droplets { nodes { id } } } } } } } } } } } }";
    assert!(problems(deep)[0].contains("nested 12 fields deep"));
    let standard = include_str!("standard-introspection.graphql");
    assert_eq!(problems(standard), Vec::<String>::new());
}

#[test]
fn abusive_introspection_is_refused() {
    let lists =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    assert!(problems(lists)[0].contains("introspection is too large"));
    let roots: String = (0..11)
        .map(|i| format!("s{i}: __schema {{ queryType {{ name }} }} "))
        .collect();
    assert!(problems(&format!("{{ {roots} }}"))[0].contains("introspection is too large"));
}

#[test]
fn mutations_are_counted_with_aliases_and_fragments() {
    let create = |i: usize| {
        format!("m{i}: createCluster(input: {{name: \"c{i}\", region: \"fra1\"}}) {{ position }} ")
    };
    let ten: String = (0..10).map(create).collect();
    assert!(problems(&format!("mutation {{ {ten} }}")).is_empty());
    let eleven: String = (0..11).map(create).collect();
    assert!(problems(&format!("mutation {{ {eleven} }}"))[0].contains("11 mutations"));
    let via_fragment = format!("mutation {{ ...M ...M2 }} fragment M on MutationRoot {{ {ten} }} fragment M2 on MutationRoot {{ {} }}", create(10));
    assert!(problems(&via_fragment)[0].contains("11 mutations"));
}

#[test]
fn cycles_are_refused_once() {
    let found = problems("{ catalog { ...A } } fragment A on Catalog { ...B ...B } fragment B on Catalog { ...A regions { slug } }");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("spreads itself"));
}

#[test]
fn each_kind_of_violation_is_reported_once() {
    let directives = "@include(if: true) ".repeat(10_000);
    let found = problems(&format!(
        "{{ catalog {directives} {{ regions {{ slug }} }} }}"
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("10000 directives"));
    let fields = "catalog { regions { slug } } ".repeat(1_000);
    let found = problems(&format!("{{ {fields} }}"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("3000 selections"));
}

#[test]
fn deep_nesting_is_refused_without_deep_recursion() {
    // The parser refuses deep nesting as written; spreads can nest deeper than it sees.
    let mut deep = String::from("{ cluster(id: \"x\") { ...F0 } }");
    for i in 0..30 {
        deep.push_str(&format!(
            " fragment F{i} on Cluster {{ droplets {{ nodes {{ cluster {{ ...F{} }} }} }} }}",
            i + 1
        ));
    }
    deep.push_str(" fragment F30 on Cluster { id }");
    let found = problems(&deep);
    assert!(
        found.iter().any(|m| m.contains("more than 64 levels")),
        "{found:?}"
    );
}
