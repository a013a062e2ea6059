//! The shape of the code: inside each of the tool's crates, no two files import each other,
//! directly or around a longer circle, so each file can be read after the ones it uses.

use crate::common::repo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module of the crate whose sources are in `src`, by path (`scan::prepare`), with
/// the text of its file outside its tests and comments.
fn modules(src: &Path) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src).unwrap().with_extension("");
            let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.last().is_some_and(|p| p == "mod") {
                parts.pop();
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let code: String = code
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .map(|l| format!("{l}\n"))
                .collect();
            found.insert(parts.join("::"), code);
        }
    }
    found
}

/// The modules each module refers to through `crate::` (its own submodules and parents aside).
fn imports(modules: &BTreeMap<String, String>) -> BTreeMap<&str, BTreeSet<&str>> {
    let path = regex::Regex::new(r"crate::([a-z_]+(?:::[a-z_]+)*)").unwrap();
    modules
        .iter()
        .map(|(name, code)| {
            let used = path
                .captures_iter(code)
                .filter_map(|c| {
                    let parts: Vec<&str> = c[1].split("::").collect();
                    (1..=parts.len())
                        .rev()
                        .map(|k| parts[..k].join("::"))
                        .find_map(|candidate| modules.get_key_value(&candidate).map(|(k, _)| k.as_str()))
                })
                .filter(|used| {
                    used != name && !name.starts_with(&format!("{used}::")) && !used.starts_with(&format!("{name}::"))
                })
                .collect();
            (name.as_str(), used)
        })
        .collect()
}

/// A circle of imports, if there is one: the modules along it.
fn circle<'a>(edges: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Option<Vec<&'a str>> {
    fn visit<'a>(
        at: &'a str,
        edges: &BTreeMap<&'a str, BTreeSet<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<&'a str>> {
        if let Some(start) = path.iter().position(|m| *m == at) {
            return Some(path[start..].iter().copied().chain([at]).collect());
        }
        if !done.insert(at) {
            return None;
        }
        path.push(at);
        for next in edges.get(at).into_iter().flatten() {
            if let Some(found) = visit(next, edges, path, done) {
                return Some(found);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|start| visit(start, edges, &mut Vec::new(), &mut done))
}

#[test]
fn no_file_imports_another_that_imports_it_back() {
    for krate in ["model", "engine", "report", "cli"] {
        let modules = modules(&repo().join("crates").join(krate).join("src"));
        assert!(modules.len() > 3, "{krate}: no sources found");
        let edges = imports(&modules);
        if let Some(found) = circle(&edges) {
            panic!("crates/{krate}: a circle of imports: {}", found.join(" -> "));
        }
    }
}

#[test]
fn a_circle_is_found() {
    let modules: BTreeMap<String, String> = [
        ("a", "use crate::b::X;"),
        ("b", "fn f() { crate::c::g() }"),
        ("c", "use crate::a;"),
        ("d", "use crate::a;"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(circle(&imports(&modules)), Some(vec!["a", "b", "c", "a"]));
}
