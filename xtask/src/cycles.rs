//! The check that no hand-written crate has an import cycle between its modules: module `a` naming
//! `crate::b` while `b`, directly or through others, names `crate::a`. Such cycles make a module's
//! dependencies unreadable and block moving it out; the shared part belongs in a module both can name.
//!
//! Each file is a node, named by its module path (`routes::x` for `routes/x.rs`; `crate` for the root).
//! Module `a` has an edge to `b` when its code (a `use`, a path anywhere, or a macro's tokens) names
//! `crate::b…` or a `super::b…` that is not its own ancestor or descendant; a path names the deepest
//! file module it passes through. A parent and its child are tied only by `crate::` paths: `mod x;`,
//! `self::x` and `super::item` are how the module tree is built, not dependencies. Files are parsed with
//! `syn`, so comments and string literals never count.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::visit::Visit;

/// The hand-written crates, by directory; each has `src/lib.rs`, `src/main.rs` or both.
pub const CRATES: &[&str] = &[
    "crates/webshare",
    "crates/webshare-api",
    "crates/webshare-cli",
    "crates/webshare-mock-server",
    "xtask",
];

/// Files that are generated whatever their header says: left out of the graph, as are files whose
/// first line says `@generated`.
pub const GENERATED: &[&str] = &["generated.rs", "operations.rs"];

/// The name of the crate root in graphs and reports.
pub const ROOT: &str = "crate";

/// An import cycle: `modules` in order, the first repeated at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// The crate (its directory name; a binary beside a library is `name (main.rs)`).
    pub krate: String,
    /// The modules in the order they name each other, starting and ending with the same one.
    pub modules: Vec<String>,
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.krate, self.modules.join(" -> "))
    }
}

/// The modules of one crate and which name which.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// The crate's name, as in [`Cycle::krate`].
    pub krate: String,
    /// Every hand-written module, with the modules it names and, for each, the first path naming it
    /// (so that a report can say where to look).
    pub edges: BTreeMap<String, BTreeMap<String, String>>,
}

impl Graph {
    /// Every cycle: within each strongly connected set of modules, the shortest cycle through each of
    /// its edges, without repeats (so every edge that takes part in a cycle is shown once).
    pub fn cycles(&self) -> Vec<Cycle> {
        let mut found = BTreeSet::new();
        for component in self.components() {
            for from in &component {
                for to in self.edges[from].keys().filter(|to| component.contains(*to)) {
                    let Some(mut path) = self.shortest_path(to, from, &component) else {
                        continue;
                    };
                    path.insert(0, from.clone());
                    // One rotation per cycle, starting at its least name, so each is listed once.
                    let start = (0..path.len() - 1).min_by_key(|&i| &path[i]).unwrap_or(0);
                    let mut rotated: Vec<String> = path[start..path.len() - 1].to_vec();
                    rotated.extend_from_slice(&path[..start]);
                    rotated.push(rotated[0].clone());
                    found.insert(rotated);
                }
            }
        }
        found
            .into_iter()
            .map(|modules| Cycle {
                krate: self.krate.clone(),
                modules,
            })
            .collect()
    }

    /// The path (`from` first, `to` last) with the fewest edges, inside `within`.
    fn shortest_path(
        &self,
        from: &str,
        to: &str,
        within: &BTreeSet<String>,
    ) -> Option<Vec<String>> {
        let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(node) = queue.pop_front() {
            if node == to {
                let mut path = vec![to.to_owned()];
                let mut at = to;
                while let Some(&back) = previous.get(at) {
                    path.push(back.to_owned());
                    at = back;
                }
                path.reverse();
                return Some(path);
            }
            for next in self.edges.get(node).into_iter().flat_map(BTreeMap::keys) {
                if within.contains(next) && seen.insert(next) {
                    previous.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        None
    }

    /// The strongly connected sets of two or more modules (Tarjan's algorithm).
    fn components(&self) -> Vec<BTreeSet<String>> {
        struct State<'a> {
            graph: &'a Graph,
            index: BTreeMap<&'a str, usize>,
            low: BTreeMap<&'a str, usize>,
            stack: Vec<&'a str>,
            on_stack: BTreeSet<&'a str>,
            found: Vec<BTreeSet<String>>,
        }
        fn visit<'a>(s: &mut State<'a>, node: &'a str) {
            let n = s.index.len();
            s.index.insert(node, n);
            s.low.insert(node, n);
            s.stack.push(node);
            s.on_stack.insert(node);
            let graph = s.graph;
            for next in graph.edges.get(node).into_iter().flat_map(BTreeMap::keys) {
                if !s.index.contains_key(next.as_str()) {
                    visit(s, next);
                    let low = s.low[node].min(s.low[next.as_str()]);
                    s.low.insert(node, low);
                } else if s.on_stack.contains(next.as_str()) {
                    let low = s.low[node].min(s.index[next.as_str()]);
                    s.low.insert(node, low);
                }
            }
            if s.low[node] == s.index[node] {
                let mut component = BTreeSet::new();
                while let Some(top) = s.stack.pop() {
                    s.on_stack.remove(top);
                    component.insert(top.to_owned());
                    if top == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    s.found.push(component);
                }
            }
        }
        let mut state = State {
            graph: self,
            index: BTreeMap::new(),
            low: BTreeMap::new(),
            stack: Vec::new(),
            on_stack: BTreeSet::new(),
            found: Vec::new(),
        };
        for node in self.edges.keys() {
            if !state.index.contains_key(node.as_str()) {
                visit(&mut state, node);
            }
        }
        state.found
    }
}

/// One module found by following `mod` declarations from the root.
struct Module {
    path: Vec<String>,
    /// `None` for a generated file: a node that is named but not read.
    file: Option<syn::File>,
}

/// The module graph of the crate whose root file is `root_file`; `read` gives a file's text (`None` if
/// it does not exist), so that tests can hand in a crate that exists only in memory.
pub fn graph(
    krate: &str,
    root_file: &Path,
    read: &dyn Fn(&Path) -> Option<String>,
) -> Result<Graph> {
    let modules = modules(root_file, read)?;
    let known: BTreeMap<&[String], bool> = modules
        .iter()
        .map(|m| (m.path.as_slice(), m.file.is_some()))
        .collect();
    let mut graph = Graph {
        krate: krate.to_owned(),
        edges: BTreeMap::new(),
    };
    for module in &modules {
        let Some(file) = &module.file else { continue };
        let mut names = Names {
            here: module.path.clone(),
            found: Vec::new(),
        };
        names.visit_file(file);
        let edges = graph.edges.entry(module_name(&module.path)).or_default();
        for named in names.found {
            // The deepest file module the path passes through.
            let Some(target) = (0..=named.path.len())
                .rev()
                .map(|n| &named.path[..n])
                .find(|prefix| known.contains_key(prefix))
            else {
                continue;
            };
            let related = target.starts_with(&module.path) || module.path.starts_with(target);
            if target == module.path.as_slice() || !known[target] || (!named.via_crate && related) {
                continue;
            }
            edges
                .entry(module_name(target))
                .or_insert_with(|| named.shown());
        }
    }
    Ok(graph)
}

/// `routes::x`, or [`ROOT`] for the root.
fn module_name(path: &[String]) -> String {
    if path.is_empty() {
        ROOT.to_owned()
    } else {
        path.join("::")
    }
}

/// Every module of the crate, following `mod name;` declarations (also inside inline modules, and with
/// `#[path]`) from the root file.
fn modules(root_file: &Path, read: &dyn Fn(&Path) -> Option<String>) -> Result<Vec<Module>> {
    let mut found = Vec::new();
    let root_dir = root_file.parent().unwrap_or(Path::new("")).to_owned();
    let mut queue = VecDeque::from([(Vec::new(), root_file.to_owned(), root_dir)]);
    while let Some((path, file, dir)) = queue.pop_front() {
        let source = read(&file).with_context(|| format!("cannot read {}", file.display()))?;
        let generated = file
            .file_name()
            .is_some_and(|name| GENERATED.iter().any(|g| name == *g))
            || source
                .lines()
                .next()
                .is_some_and(|l| l.contains("@generated"));
        if generated {
            found.push(Module { path, file: None });
            continue;
        }
        let parsed =
            syn::parse_file(&source).with_context(|| format!("cannot parse {}", file.display()))?;
        let mut declared = Vec::new();
        declarations(&parsed.items, &path, &dir, &file, &mut declared);
        for (child, candidates) in declared {
            let Some(child_file) = candidates.iter().find(|c| read(c).is_some()) else {
                bail!(
                    "{}: module {} has no file (looked for {})",
                    file.display(),
                    module_name(&child),
                    candidates
                        .iter()
                        .map(|c| c.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                );
            };
            let is_mod_rs = child_file.file_name().is_some_and(|n| n == "mod.rs");
            let child_dir = if is_mod_rs {
                child_file.parent().unwrap_or(Path::new("")).to_owned()
            } else {
                child_file.with_extension("")
            };
            queue.push_back((child, child_file.clone(), child_dir));
        }
        found.push(Module {
            path,
            file: Some(parsed),
        });
    }
    Ok(found)
}

/// The out-of-line modules declared in `items` (of the module `path`, whose children live in `dir`),
/// each with the files it may be in.
fn declarations(
    items: &[syn::Item],
    path: &[String],
    dir: &Path,
    file: &Path,
    out: &mut Vec<(Vec<String>, Vec<PathBuf>)>,
) {
    for item in items {
        let syn::Item::Mod(item) = item else { continue };
        let name = item.ident.to_string();
        let name = name.trim_start_matches("r#");
        let mut child = path.to_vec();
        child.push(name.to_owned());
        let explicit = item.attrs.iter().find_map(|attr| match &attr.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        });
        match &item.content {
            Some((_, inner)) => declarations(inner, &child, &dir.join(name), file, out),
            None => {
                let candidates = match explicit {
                    // `#[path]` is relative to the declaring file's directory.
                    Some(p) => vec![file.parent().unwrap_or(Path::new("")).join(p)],
                    None => vec![
                        dir.join(format!("{name}.rs")),
                        dir.join(name).join("mod.rs"),
                    ],
                };
                out.push((child, candidates));
            }
        }
    }
}

/// A module path a file names, absolute (without `crate`).
struct Named {
    path: Vec<String>,
    /// Written `crate::…` (rather than `super::…`).
    via_crate: bool,
}

impl Named {
    fn shown(&self) -> String {
        let mut shown = vec![if self.via_crate { "crate" } else { "super" }.to_owned()];
        shown.extend(self.path.iter().cloned());
        shown.join("::")
    }
}

/// The visitor collecting the `crate::` and `super::` paths of one file.
struct Names {
    /// The module being read: the file's, then any inline module inside it.
    here: Vec<String>,
    found: Vec<Named>,
}

impl Names {
    /// Records `segments` if it starts with `crate` or `super` (other paths name children, other
    /// crates or items in scope).
    fn record(&mut self, segments: &[String]) {
        let Some(first) = segments.first() else {
            return;
        };
        let mut rest: Vec<String> = segments[1..]
            .iter()
            .filter(|s| *s != "self")
            .cloned()
            .collect();
        match first.as_str() {
            "crate" | "$crate" => self.found.push(Named {
                path: rest,
                via_crate: true,
            }),
            "super" => {
                let mut base = self.here.clone();
                base.pop();
                while rest.first().is_some_and(|s| s == "super") {
                    rest.remove(0);
                    if base.pop().is_none() {
                        return;
                    }
                }
                base.extend(rest);
                self.found.push(Named {
                    path: base,
                    via_crate: false,
                });
            }
            _ => {}
        }
    }

    /// Records every path of a `use` tree (`crate::{a, b::c}` is `crate::a` and `crate::b::c`).
    fn record_use(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.record_use(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                prefix.push(n.ident.to_string());
                self.record(prefix);
                prefix.pop();
            }
            syn::UseTree::Rename(r) => {
                prefix.push(r.ident.to_string());
                self.record(prefix);
                prefix.pop();
            }
            syn::UseTree::Glob(_) => self.record(prefix),
            syn::UseTree::Group(g) => {
                for tree in &g.items {
                    self.record_use(prefix, tree);
                }
            }
        }
    }

    /// The `crate::…` and `super::…` paths in a macro's tokens, which `syn` leaves unparsed.
    fn record_tokens(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            match &tokens[i] {
                TokenTree::Group(group) => self.record_tokens(group.stream()),
                TokenTree::Ident(ident) if ident == "crate" || ident == "super" => {
                    // The run `crate :: a :: b` (perhaps ending in `:: { … }`), read as a `use` tree.
                    let mut end = i + 1;
                    while is_path_sep(&tokens[end.min(tokens.len())..]) {
                        match tokens.get(end + 2) {
                            Some(TokenTree::Ident(_)) => end += 3,
                            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                                end += 3;
                                break;
                            }
                            _ => break,
                        }
                    }
                    // A bare `crate` (as in `pub(crate)`) names nothing.
                    if end > i + 1 {
                        let run: TokenStream = tokens[i..end].iter().cloned().collect();
                        if let Ok(tree) = syn::parse2::<syn::UseTree>(run) {
                            self.record_use(&mut Vec::new(), &tree);
                        }
                    }
                    i = end;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
}

/// Whether `tokens` starts with `::`.
fn is_path_sep(tokens: &[TokenTree]) -> bool {
    matches!(
        tokens,
        [TokenTree::Punct(a), TokenTree::Punct(b), ..]
            if a.as_char() == ':' && b.as_char() == ':' && a.spacing() == proc_macro2::Spacing::Joint
    )
}

/// Macros whose tokens are code for another crate (the generator's output): their `crate::` is not
/// this crate's.
const FOREIGN_CODE_MACROS: &[&str] = &[
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
];

impl<'ast> Visit<'ast> for Names {
    fn visit_path(&mut self, path: &'ast syn::Path) {
        if path.leading_colon.is_none() {
            let segments: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
            self.record(&segments);
        }
        syn::visit::visit_path(self, path);
    }

    fn visit_item_use(&mut self, item: &'ast syn::ItemUse) {
        if item.leading_colon.is_none() {
            self.record_use(&mut Vec::new(), &item.tree);
        }
    }

    // `pub(in crate::a)` limits who may see an item; it does not use `a`.
    fn visit_visibility(&mut self, _: &'ast syn::Visibility) {}

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        self.here.push(item.ident.to_string());
        syn::visit::visit_item_mod(self, item);
        self.here.pop();
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.visit_path(&mac.path);
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        if !name.is_some_and(|n| FOREIGN_CODE_MACROS.contains(&n.as_str())) {
            self.record_tokens(mac.tokens.clone());
        }
    }
}

/// The module graphs of every crate in [`CRATES`] under the workspace `root`: one per crate root
/// (`src/lib.rs`, `src/main.rs`; a binary beside a library is a crate of its own).
pub fn graphs(root: &Path) -> Result<Vec<Graph>> {
    let read = |path: &Path| std::fs::read_to_string(root.join(path)).ok();
    let mut graphs = Vec::new();
    for dir in CRATES {
        let name = Path::new(dir)
            .file_name()
            .map_or_else(|| dir.to_string(), |n| n.to_string_lossy().into_owned());
        let lib = Path::new(dir).join("src/lib.rs");
        let main = Path::new(dir).join("src/main.rs");
        let has_lib = root.join(&lib).is_file();
        if has_lib {
            graphs.push(graph(&name, &lib, &read)?);
        }
        if root.join(&main).is_file() {
            let krate = if has_lib {
                format!("{name} (main.rs)")
            } else {
                name.clone()
            };
            graphs.push(graph(&krate, &main, &read)?);
        }
    }
    Ok(graphs)
}

/// Every import cycle in the hand-written crates under the workspace `root`.
pub fn scan_tree(root: &Path) -> Result<Vec<Cycle>> {
    Ok(graphs(root)?.iter().flat_map(Graph::cycles).collect())
}
