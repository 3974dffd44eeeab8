//! Hostile GraphQL documents, the same in the limit tests and in the benchmark's hostile load.

/// `query { catalog { ...E0 } }` where each fragment spreads the next twice: 2^levels leaves
/// from a document of about 40 bytes a level.
pub fn fragment_bomb(levels: usize) -> String {
    let mut q = String::from("query { catalog { ...E0 } }");
    for i in 0..levels {
        q.push_str(&format!(
            " fragment E{i} on Catalog {{ ...E{n} ...E{n} }}",
            n = i + 1
        ));
    }
    q.push_str(&format!(
        " fragment E{levels} on Catalog {{ regions {{ slug }} }}"
    ));
    q
}

/// `aliases` copies of a cluster → droplets → cluster → droplets walk, 100 per page:
/// `aliases` × 100 × 100 droplets if nothing refused it.
pub fn nested_lists(cluster: &str, aliases: usize) -> String {
    let field = format!("cluster(id: \"{cluster}\") {{ droplets(first: 100) {{ nodes {{ cluster {{ droplets(first: 100) {{ nodes {{ id name ip }} }} }} }} }} }}");
    let body: Vec<String> = (0..aliases).map(|i| format!("a{i}: {field}")).collect();
    format!("query {{ {} }}", body.join(" "))
}
