//! A step never hands back a crate worse than its own edits found it. Where the build after
//! the rule rounds still fails, each function that holds an error and that the rounds
//! changed is put back as it was at the step's start, as long as that leaves fewer errors:
//! an edit that is right by its rule can still break a caller the rules do not reach (a
//! `&Bound` argument passed on to a helper that takes `&PyAny`), while the old form still
//! builds, deprecated, at 0.21 and 0.22. What is kept is reported, never hidden.

use super::compiler::Diagnostic;
use super::syntax::Source;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The text of each Rust file of a tree, by its path relative to the tree's root.
pub type Texts = BTreeMap<PathBuf, String>;

/// For each file, the functions to put back.
pub type Reverts = BTreeMap<PathBuf, Vec<Revert>>;

/// A function to put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revert {
    /// Its range now.
    pub now: Range<usize>,
    /// Its range at the step's start.
    pub then: Range<usize>,
    /// The first error in it: rustc's code (if any) and message.
    pub because: String,
}

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
    /// The first error its edits left (rustc's code and message), which putting it back
    /// took away.
    pub because: String,
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
/// whose text differs from the same function at `start`, with its first error. A function
/// inside another one put back goes back with it.
pub fn reverts<'e>(start: &Texts, now: &Texts, errors: impl Iterator<Item = &'e Diagnostic>) -> Reverts {
    let mut by_file: BTreeMap<PathBuf, Vec<(usize, String)>> = BTreeMap::new();
    for error in errors {
        let Some(span) = &error.span else {
            continue;
        };
        let because = match &error.code {
            Some(code) => format!("{code} {}", error.headline()),
            None => error.headline().to_string(),
        };
        by_file
            .entry(span.file.clone())
            .or_default()
            .push((span.start, because));
    }
    let mut out = Reverts::new();
    for (file, errors) in by_file {
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
        // Each changed function that holds an error, with its first error.
        let mut chosen: BTreeMap<usize, String> = BTreeMap::new();
        for (at, because) in errors {
            let innermost = (0..after.len())
                .filter(|&i| after[i].contains(&at))
                .max_by_key(|&i| after[i].start);
            if let Some(i) = innermost.filter(|&i| text[after[i].clone()] != then[before[i].clone()]) {
                chosen.entry(i).or_insert(because);
            }
        }
        let inside_another = |i: usize| {
            chosen
                .keys()
                .any(|&j| j != i && after[j].start <= after[i].start && after[i].end <= after[j].end)
        };
        let outer: Vec<Revert> = chosen
            .iter()
            .filter(|(&i, _)| !inside_another(i))
            .map(|(&i, because)| Revert {
                now: after[i].clone(),
                then: before[i].clone(),
                because: because.clone(),
            })
            .collect();
        if !outer.is_empty() {
            out.insert(file, outer);
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
        ranges.sort_by_key(|r| std::cmp::Reverse(r.now.start));
        for Revert {
            now: at,
            then: from,
            because,
        } in ranges
        {
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
                because,
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

    fn error_at(file: &str, text: &str, needle: &str) -> Diagnostic {
        let start = text.find(needle).unwrap();
        let mut error = Diagnostic::at("mismatched types", file, start, start + needle.len());
        error.code = Some("E0308".into());
        error
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
        assert_eq!(kept[0].because, "E0308 mismatched types");
        assert!(kept[0].holds(Path::new("src/lib.rs"), 2) && !kept[0].holds(Path::new("src/lib.rs"), 11));
        // Nothing to put back where the failing function is as it was.
        assert!(super::reverts(&start, &current, errors[1..].iter()).is_empty());
    }
}
