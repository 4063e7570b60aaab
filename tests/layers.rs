//! The crate's layering, checked from its sources: every `crate::…` path a file under `src/`
//! names in code (`use` lines, paths, macros; not comments or doc links, which create no
//! dependency) is resolved to the folder it lives in,
//! and an edge from a lower layer to a higher one — or any cycle between folders — fails.
//!
//! Layers, lowest first: `util` (speed helpers), `units`, `diagnostic`, `model`, `fit`,
//! `check`, `emit`, `spec`, `registry` (feature `registry`, the network). A folder may use its own layer and any lower one. `lib.rs` is the
//! facade and may name everything. Run alone with `cargo test --test layers`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const LAYERS: [&str; 9] = [
    "util",
    "units",
    "diagnostic",
    "model",
    "fit",
    "check",
    "emit",
    "spec",
    "registry",
];

fn rank(layer: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| *l == layer)
        .unwrap_or_else(|| panic!("`{layer}` is not a layer; add it to LAYERS in tests/layers.rs"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The layer a file belongs to: its first folder under `src/`, or its stem at the top.
fn layer_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("a file under src/");
    let first = rel.components().next().expect("a path component");
    let first = first.as_os_str().to_string_lossy();
    first.strip_suffix(".rs").unwrap_or(&first).to_owned()
}

fn ident_at(text: &str, at: usize) -> &str {
    let rest = &text[at..];
    let end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// The first segment of every path that starts with `crate::` (or `$crate::`), including each
/// top-level entry of a `crate::{a, b::c}` group.
fn crate_paths(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("crate::") {
        let at = from + found + "crate::".len();
        from = at;
        let preceded_by_ident = text[..at - "crate::".len()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        if preceded_by_ident {
            continue; // e.g. `kubefit_crate::`, not ours
        }
        if text[at..].starts_with('{') {
            let mut depth = 0usize;
            let mut start = at + 1;
            for (i, c) in text[at..].char_indices() {
                let i = at + i;
                match c {
                    '{' => {
                        depth += 1;
                        if depth == 1 {
                            start = i + 1;
                        }
                    }
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            let name = ident_at(text, skip_space(text, start));
                            if !name.is_empty() {
                                out.push(name.to_owned());
                            }
                            break;
                        }
                    }
                    ',' if depth == 1 => {
                        let name = ident_at(text, skip_space(text, start));
                        if !name.is_empty() {
                            out.push(name.to_owned());
                        }
                        start = i + 1;
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident_at(text, at);
            if !name.is_empty() {
                out.push(name.to_owned());
            }
        }
    }
    out
}

/// The text without comment lines (`//`, `///`, `//!`): doc links name items, not edges.
fn code_only(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn skip_space(text: &str, mut at: usize) -> usize {
    while text[at..].starts_with(|c: char| c.is_whitespace()) {
        at += 1;
    }
    at
}

/// `pub use layer::…::{Item, …};` lines of lib.rs: which folder each re-exported name is from.
fn root_exports(lib: &str) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for stmt in lib.split(';') {
        let Some(at) = stmt.find("pub use ") else {
            continue;
        };
        let path = &stmt[at + "pub use ".len()..];
        let layer = ident_at(path, 0).to_owned();
        let items = match (path.find('{'), path.rfind('}')) {
            (Some(open), Some(close)) => path[open + 1..close].to_owned(),
            _ => path.rsplit("::").next().unwrap_or("").to_owned(),
        };
        for item in items.split(',') {
            let item = item.trim();
            let item = item.rsplit(" as ").next().unwrap_or(item).trim();
            if !item.is_empty() {
                map.insert(item.to_owned(), layer.clone());
            }
        }
    }
    map
}

#[test]
fn no_upward_edge_and_no_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let exports = root_exports(&lib);
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();

    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let from = layer_of(&src, file);
        if from == "lib" {
            continue;
        }
        let text = fs::read_to_string(file).expect("a source file");
        for first in crate_paths(&code_only(&text)) {
            let to = if LAYERS.contains(&first.as_str()) {
                first.clone()
            } else if let Some(layer) = exports.get(&first) {
                layer.clone()
            } else if first == "k8s_openapi" {
                continue;
            } else {
                panic!(
                    "{}: `crate::{first}` is neither a layer nor a name lib.rs re-exports",
                    file.display()
                );
            };
            if to != from {
                let rel = file.strip_prefix(&src).expect("under src");
                edges
                    .entry((from.clone(), to))
                    .or_default()
                    .insert(format!("{} (crate::{first})", rel.display()));
            }
        }
    }

    let upward: Vec<String> = edges
        .iter()
        .filter(|((from, to), _)| rank(to) > rank(from))
        .map(|((from, to), at)| format!("{from} -> {to}: {}", join(at)))
        .collect();
    assert!(
        upward.is_empty(),
        "upward edges (a lower layer names a higher one):\n{}",
        upward.join("\n")
    );

    // Without upward edges the folder graph is ordered by rank and so has no cycle; check the
    // graph anyway, so that a change to LAYERS cannot hide one.
    let graph: BTreeMap<&str, BTreeSet<&str>> =
        edges.keys().fold(BTreeMap::new(), |mut g, (from, to)| {
            g.entry(from.as_str()).or_default().insert(to.as_str());
            g
        });
    for start in graph.keys() {
        let mut stack = vec![*start];
        let mut seen = BTreeSet::new();
        while let Some(at) = stack.pop() {
            for next in graph.get(at).into_iter().flatten() {
                assert_ne!(next, start, "a cycle through `{start}`");
                if seen.insert(*next) {
                    stack.push(next);
                }
            }
        }
    }

    // The graph is printed so that `cargo test --test layers -- --nocapture` shows it.
    for ((from, to), at) in &edges {
        println!("{from} -> {to} ({} uses)", at.len());
    }
}

fn join(at: &BTreeSet<String>) -> String {
    at.iter().cloned().collect::<Vec<_>>().join(", ")
}

#[test]
fn the_scanner_reads_groups_and_macros_but_not_comments() {
    let text = "use crate::{model::name::Name, units::{cpu::Cpu, memory::Memory}, Stack};\n\
                /// see [`crate::fit::FitReport`]\n\
                fn f() -> $crate::Container { crate::emit::x() }\n\
                use kubefit_crate::x;";
    assert_eq!(
        crate_paths(&code_only(text)),
        ["model", "units", "Stack", "Container", "emit"]
    );
    let exports = root_exports("pub use model::stack::Stack;\npub use fit::{A, B};");
    assert_eq!(exports["Stack"], "model");
    assert_eq!(exports["B"], "fit");
}

/// Every Rust example in the crate's docs asserts something: an example that only builds a
/// value (`# let _ = x;`) shows nothing and checks nothing.
#[test]
fn every_doc_example_asserts() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut weak = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("a source file");
        let mut block: Option<(usize, String)> = None;
        for (n, line) in text.lines().enumerate() {
            let t = line.trim_start();
            let doc = t
                .strip_prefix("///")
                .or_else(|| t.strip_prefix("//!"))
                .map(str::trim)
                .or_else(|| t.starts_with("#[doc").then_some(t));
            let Some(doc) = doc else { continue };
            if let Some(lang) = doc.strip_prefix("```") {
                match block.take() {
                    None if lang.is_empty() || lang == "rust" => {
                        block = Some((n + 1, String::new()))
                    }
                    None => block = Some((n + 1, "assert (not rust)".to_owned())),
                    Some((start, body)) => {
                        if !body.contains("assert") || body.contains("# let _ =") {
                            weak.push(format!("{}:{start}", file.display()));
                        }
                    }
                }
            } else if let Some((_, body)) = &mut block {
                body.push_str(doc);
                body.push('\n');
            }
        }
    }
    assert!(
        weak.is_empty(),
        "doc examples that assert nothing:\n{}",
        weak.join("\n")
    );
}
