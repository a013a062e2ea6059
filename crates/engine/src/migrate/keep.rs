//! A step never hands back a crate worse than its own edits found it. Where the build after
//! the rule rounds still fails, each function that holds an error and that the rounds
//! changed is put back as it was at the step's start, as long as that leaves fewer errors:
//! an edit that is right by its rule can still break a caller the rules do not reach (a
//! `&Bound` argument passed on to a helper that takes `&PyAny`), while the old form still
//! builds, deprecated, at 0.21 and 0.22. What is kept is reported, never hidden.

use super::compiler::Span;
use super::syntax::Source;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The text of each Rust file of a tree, by its path relative to the tree's root.
pub type Texts = BTreeMap<PathBuf, String>;

/// For each file, the functions to put back: (the function's range now, its range at the
/// step's start).
pub type Reverts = BTreeMap<PathBuf, Vec<(Range<usize>, Range<usize>)>>;

/// A function put back as it was at the step's start, because the step's edits in it did
/// not build.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// The file, relative to the crate's root.
    pub file: PathBuf,
    /// The function's first line (its attributes' included) and its last, at the step's
    /// start.
    pub lines: (usize, usize),
    /// The line that names it (`fn serialize(py: Python, obj: &PyAny, ...)`), trimmed.
    pub function: String,
}

impl Kept {
    /// Whether an edit made on `line` of `file` lies in the function.
    pub fn holds(&self, file: &Path, line: usize) -> bool {
        self.file == file && (self.lines.0..=self.lines.1).contains(&line)
    }
}

/// The Rust files under `root` (as `files` lists them), read.
pub fn texts(root: &Path, files: &[PathBuf]) -> Result<Texts> {
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| {
            let relative = p.strip_prefix(root).unwrap_or(p).to_path_buf();
            Ok((relative, crate::fs::read_to_string(p)?))
        })
        .collect()
}

/// For each file, the functions to put back: the innermost function around each error
/// whose text differs from the same function at `start`, as (its range now, its range
/// then). A function inside another one put back goes back with it.
pub fn reverts<'e>(start: &Texts, now: &Texts, errors: impl Iterator<Item = &'e Span>) -> Reverts {
    let mut by_file: BTreeMap<PathBuf, Vec<usize>> = BTreeMap::new();
    for span in errors {
        by_file.entry(span.file.clone()).or_default().push(span.start);
    }
    let mut out = Reverts::new();
    for (file, offsets) in by_file {
        let (Some(then), Some(text)) = (start.get(&file), now.get(&file)) else {
            continue;
        };
        let (Some(then_syntax), Some(now_syntax)) = (Source::parse(then), Source::parse(text)) else {
            continue;
        };
        let (before, after) = (then_syntax.functions(), now_syntax.functions());
        if before.len() != after.len() {
            continue;
        }
        let mut chosen: Vec<usize> = offsets
            .iter()
            .filter_map(|at| {
                (0..after.len())
                    .filter(|&i| after[i].contains(at))
                    .max_by_key(|&i| after[i].start)
            })
            .filter(|&i| text[after[i].clone()] != then[before[i].clone()])
            .collect();
        chosen.sort();
        chosen.dedup();
        let outer: Vec<usize> = chosen
            .iter()
            .copied()
            .filter(|&i| {
                !chosen
                    .iter()
                    .any(|&j| j != i && after[j].start <= after[i].start && after[i].end <= after[j].end)
            })
            .collect();
        if !outer.is_empty() {
            out.insert(
                file,
                outer
                    .into_iter()
                    .map(|i| (after[i].clone(), before[i].clone()))
                    .collect(),
            );
        }
    }
    out
}

/// `now`'s text of each file in `reverts` with those functions put back from `start`, and
/// what was kept.
pub fn put_back(start: &Texts, now: &Texts, reverts: &Reverts) -> (Texts, Vec<Kept>) {
    let mut texts = Texts::new();
    let mut kept = Vec::new();
    for (file, ranges) in reverts {
        let (then, mut text) = (&start[file], now[file].clone());
        let mut ranges = ranges.clone();
        // From the end, so that the ranges before each one stay where they are.
        ranges.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
        for (at, from) in ranges {
            text.replace_range(at, &then[from.clone()]);
            let function = then[from.clone()]
                .lines()
                .find(|l| l.contains("fn "))
                .unwrap_or_default()
                .trim()
                .to_string();
            kept.push(Kept {
                file: file.clone(),
                lines: (
                    super::edit::line_at(then, from.start),
                    super::edit::line_at(then, from.end),
                ),
                function,
            });
        }
        texts.insert(file.clone(), text);
    }
    kept.sort_by(|a, b| (&a.file, a.lines).cmp(&(&b.file, b.lines)));
    (texts, kept)
}

/// Writes each of `texts` under `root`, whole.
pub fn write(root: &Path, texts: &Texts) -> Result<()> {
    for (file, text) in texts {
        super::edit::write_whole(&root.join(file), text)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_at(file: &str, text: &str, needle: &str) -> Span {
        let start = text.find(needle).unwrap();
        Span {
            file: file.into(),
            start,
            end: start + needle.len(),
            line: super::super::edit::line_at(text, start),
        }
    }

    #[test]
    fn a_function_the_step_changed_that_holds_an_error_goes_back_whole() {
        let then = "#[pyfunction]\nfn serialize(obj: &PyAny) -> String {\n    helper(obj) // passes it on\n}\n\nfn helper(obj: &PyAny) -> String {\n    obj.to_string()\n}\n\nfn other() -> i64 {\n    PyList::new(py, [1]).len()\n}\n";
        let now = then
            .replace("fn serialize(obj: &PyAny)", "fn serialize(obj: &Bound<'_, PyAny>)")
            .replace("PyList::new(", "PyList::new_bound(");
        let start: Texts = [(PathBuf::from("src/lib.rs"), then.to_string())].into();
        let current: Texts = [(PathBuf::from("src/lib.rs"), now.clone())].into();
        // An error in the changed function, and one in a function the step did not change.
        let errors = [
            error_at("src/lib.rs", &now, "helper(obj)"),
            error_at("src/lib.rs", &now, "obj.to_string()"),
        ];
        let reverts = reverts(&start, &current, errors.iter());
        let (texts, kept) = put_back(&start, &current, &reverts);
        let after = &texts[Path::new("src/lib.rs")];
        assert!(after.contains("fn serialize(obj: &PyAny)"), "{after}");
        assert!(
            after.contains("PyList::new_bound("),
            "the edit that built stays: {after}"
        );
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].lines, (1, 4));
        assert_eq!(kept[0].function, "fn serialize(obj: &PyAny) -> String {");
        assert!(kept[0].holds(Path::new("src/lib.rs"), 2) && !kept[0].holds(Path::new("src/lib.rs"), 11));
        // Nothing to put back where the failing function is as it was.
        assert!(super::reverts(&start, &current, errors[1..].iter()).is_empty());
    }
}
