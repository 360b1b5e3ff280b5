//! No hand-written crate has an import cycle between its modules: see `xtask::cycles` for what names
//! what.

use std::collections::BTreeMap;
use std::path::Path;

use xtask::{codegen, cycles};

#[test]
fn hand_written_crates_have_no_import_cycle() {
    let graphs = cycles::graphs(&codegen::workspace_root().unwrap()).unwrap();
    let mut report = Vec::new();
    for graph in &graphs {
        for cycle in graph.cycles() {
            // Where each step is named, so that the fix can start from the report.
            let steps: Vec<String> = cycle
                .modules
                .windows(2)
                .map(|w| format!("    {} names {}", w[0], graph.edges[&w[0]][&w[1]]))
                .collect();
            report.push(format!("{cycle}\n{}", steps.join("\n")));
        }
    }
    assert!(
        report.is_empty(),
        "import cycles between modules (move what both sides need into a module of its own):\n{}",
        report.join("\n")
    );
}

/// The graph of a crate that exists only in `files` (path → text), rooted at `src/lib.rs`.
fn graph_of(files: &[(&str, &str)]) -> cycles::Graph {
    let files: BTreeMap<&Path, &str> = files.iter().map(|(p, s)| (Path::new(*p), *s)).collect();
    cycles::graph("fixture", Path::new("src/lib.rs"), &|p| {
        files.get(p).map(|s| s.to_string())
    })
    .unwrap()
}

fn shown(graph: &cycles::Graph) -> Vec<String> {
    graph.cycles().iter().map(ToString::to_string).collect()
}

#[test]
fn a_cycle_is_reported_in_order() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod cli; mod failure; mod output;"),
        ("src/cli.rs", "use crate::{output, failure::Failure};"),
        (
            "src/failure.rs",
            "pub struct Failure; fn f() { crate::cli::run(); }",
        ),
        ("src/output.rs", "pub fn print() {}"),
    ]);
    assert_eq!(shown(&graph), ["fixture: cli -> failure -> cli"]);
}

#[test]
fn an_acyclic_crate_is_not_reported() {
    let graph = graph_of(&[
        (
            "src/lib.rs",
            "mod a; mod b; mod c; pub use a::run; pub fn root() {}",
        ),
        (
            "src/a.rs",
            "use crate::b::B; pub fn run() { crate::c::go(); }",
        ),
        (
            "src/b.rs",
            "pub struct B; fn f() { super::c::go(); crate::root(); }",
        ),
        ("src/c.rs", "pub fn go() {}"),
    ]);
    assert!(shown(&graph).is_empty(), "{:?}", shown(&graph));
    assert_eq!(
        graph.edges["a"].keys().collect::<Vec<_>>(),
        ["b", "c"],
        "both a `use` and a path in code are edges"
    );
    assert_eq!(
        graph.edges["b"].keys().collect::<Vec<_>>(),
        ["c", "crate"],
        "`super::c` is the sibling c; `crate::root` the root"
    );
}

#[test]
fn comments_strings_and_the_generator_s_output_are_not_edges() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a; mod b;"),
        ("src/a.rs", "pub fn a() { crate::b::b(); }"),
        (
            "src/b.rs",
            r#"
            // crate::a::a() in a comment
            /// Calls `crate::a::a()` in a doc comment.
            pub fn b() {
                let _ = "crate::a::a()";
                let _ = quote::quote! { crate::a::Generated };
            }
            pub(in crate::a) fn hidden() {}
            "#,
        ),
    ]);
    assert!(shown(&graph).is_empty(), "{:?}", shown(&graph));
}

#[test]
fn macros_grouped_uses_and_nested_modules_are_read() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a; mod routes;"),
        (
            "src/a.rs",
            "fn f() { println!(\"{}\", crate::routes::x::X); }",
        ),
        ("src/routes/mod.rs", "mod x; mod y;"),
        ("src/routes/x.rs", "use super::y; pub const X: u8 = 0;"),
        ("src/routes/y.rs", "use crate::{routes::x as _, a::{self}};"),
    ]);
    assert_eq!(
        shown(&graph),
        [
            "fixture: a -> routes::x -> routes::y -> a",
            "fixture: routes::x -> routes::y -> routes::x",
        ]
    );
}

#[test]
fn a_parent_and_child_are_tied_only_by_crate_paths() {
    // `mod x;`, `self::x` and `super::item` build the module tree; they are no cycle.
    let tree = graph_of(&[
        ("src/lib.rs", "mod routes;"),
        (
            "src/routes.rs",
            "mod x; pub fn helper() {} fn f() { self::x::go(); }",
        ),
        ("src/routes/x.rs", "pub fn go() { super::helper(); }"),
    ]);
    assert!(shown(&tree).is_empty(), "{:?}", shown(&tree));
    // Both directions written with `crate::` are.
    let named = graph_of(&[
        ("src/lib.rs", "mod routes;"),
        (
            "src/routes.rs",
            "mod x; pub fn helper() {} fn f() { crate::routes::x::go(); }",
        ),
        (
            "src/routes/x.rs",
            "pub fn go() { crate::routes::helper(); }",
        ),
    ]);
    assert_eq!(shown(&named), ["fixture: routes -> routes::x -> routes"]);
}

#[test]
fn inline_test_modules_resolve_super_from_where_they_are() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a; mod b;"),
        ("src/a.rs", "pub fn a() { crate::b::b(); }"),
        (
            "src/b.rs",
            "pub fn b() {} #[cfg(test)] mod tests { use super::*; use super::super::a::a; }",
        ),
    ]);
    assert_eq!(shown(&graph), ["fixture: a -> b -> a"]);
}

#[test]
fn generated_modules_are_left_out() {
    let graph = graph_of(&[
        ("src/lib.rs", "mod a; mod generated; mod marked;"),
        ("src/a.rs", "use crate::generated::T; use crate::marked::U;"),
        ("src/generated.rs", "use crate::a::X;"),
        ("src/marked.rs", "// @generated by hand\nuse crate::a::X;"),
    ]);
    assert!(shown(&graph).is_empty(), "{:?}", shown(&graph));
    assert!(graph.edges["a"].is_empty());
    assert!(!graph.edges.contains_key("generated"));
}
