//! The crate graph is part of the architecture: every dependency between workspace crates is
//! declared here, pointing inwards, and `cargo metadata` must show exactly these arrows (a new
//! arrow, or a new crate, fails until it is declared here and in CONTRIBUTING.md).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

/// Each workspace crate and the workspace crates it may depend on (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("schema", &[]),
    ("store", &["schema"]),
    ("command", &["schema", "store"]),
    ("projector", &["schema", "store", "command"]),
    ("bus", &["schema", "store", "command", "projector"]),
    ("query", &["schema", "store", "command", "projector"]),
    ("testkit", &["schema", "store", "command"]),
    (
        "bench",
        &["schema", "store", "command", "projector", "bus", "testkit"],
    ),
    (
        "clustergenie",
        &["schema", "store", "command", "projector", "bus", "query"],
    ),
];

fn workspace_graph() -> BTreeMap<String, BTreeSet<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = testkit::cli::stdout_of(
        Command::new(cargo)
            .args([
                "metadata",
                "--format-version",
                "1",
                "--no-deps",
                "--offline",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR")),
    );
    let meta: Value = serde_json::from_str(&out).expect("cargo metadata prints JSON");
    let packages = meta["packages"].as_array().expect("packages");
    let members: BTreeSet<String> = packages
        .iter()
        .filter_map(|p| p["name"].as_str().map(str::to_string))
        .collect();
    packages
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                // Normal dependencies only: tests may reach further out (`kind` is null).
                .filter(|d| d["kind"].is_null())
                .filter_map(|d| d["name"].as_str())
                .filter(|name| members.contains(*name))
                .map(str::to_string)
                .collect();
            (p["name"].as_str().unwrap().to_string(), deps)
        })
        .collect()
}

#[test]
fn workspace_crates_depend_only_on_declared_inner_crates() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(name, deps)| (*name, deps.iter().copied().collect()))
        .collect();
    let graph = workspace_graph();
    assert!(graph.len() >= 8, "read the whole workspace: {graph:?}");
    for (name, deps) in &graph {
        let Some(permitted) = allowed.get(name.as_str()) else {
            panic!("crate {name} is not declared in the crate graph (schema/tests/crate_graph.rs)");
        };
        for dep in deps {
            assert!(
                permitted.contains(dep.as_str()),
                "undeclared arrow {name} -> {dep}: declare it here (and in CONTRIBUTING.md) or \
                 remove the dependency"
            );
        }
    }
}

#[test]
fn the_declared_graph_has_no_cycle() {
    // Each crate may only depend on crates declared before it: the list is a topological order.
    for (i, (name, deps)) in ALLOWED.iter().enumerate() {
        let earlier: BTreeSet<&str> = ALLOWED[..i].iter().map(|(n, _)| *n).collect();
        for dep in *deps {
            assert!(earlier.contains(dep), "{name} -> {dep} points outwards");
        }
    }
}
