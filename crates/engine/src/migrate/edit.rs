//! Edits at byte spans, spliced into the file's own text: only the bytes a rule targets
//! change, so comments, formatting and every other line stay as the user wrote them. A
//! small splicer rather than rustfix's `Suggestion`s (which are shaped for rustc's own
//! suggestions) or a syntax tree (which would reprint the file): each edit says what text
//! it expects under its span and is refused when the file holds something else there.

use anyhow::{bail, Context as _, Result};
use std::path::{Path, PathBuf};

/// One replacement in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// The file, relative to the tree the edits apply to.
    pub file: PathBuf,
    /// The first byte replaced.
    pub start: usize,
    /// The byte after the last one replaced (`start` for an insertion).
    pub end: usize,
    /// The text the edit expects between them.
    pub expected: String,
    /// The text put there.
    pub replacement: String,
    /// The rule that made it.
    pub rule: String,
    /// For the `)` closing an `Ok(` wrap ([`Edit::ok_around`]): where its `Ok(` goes.
    pub closes: Option<usize>,
}

impl Edit {
    /// Replaces `expected` (at `start..end`) with `replacement`; file and rule said later.
    pub fn replace(start: usize, end: usize, expected: &str, replacement: &str) -> Edit {
        Edit {
            file: PathBuf::new(),
            start,
            end,
            expected: expected.to_string(),
            replacement: replacement.to_string(),
            rule: String::new(),
            closes: None,
        }
    }

    /// `text` inserted at `at`.
    pub fn insert(at: usize, text: &str) -> Edit {
        Edit::replace(at, at, "", text)
    }

    /// `Ok(` before the value at `value` and its `)` after it.
    pub fn ok_around(value: std::ops::Range<usize>) -> [Edit; 2] {
        [
            Edit::insert(value.start, "Ok("),
            Edit {
                closes: Some(value.start),
                ..Edit::insert(value.end, ")")
            },
        ]
    }

    /// The 1-based line of the edit in `source`.
    pub fn line_in(&self, source: &str) -> usize {
        line_at(source, self.start)
    }
}

/// The 1-based line of the byte `at` of `source`.
pub fn line_at(source: &str, at: usize) -> usize {
    source[..at.min(source.len())].matches('\n').count() + 1
}

/// `source` with every edit of `edits` made (all in the same file). Edits that overlap an
/// earlier one are dropped (the next build shows what is left); an edit whose expected text
/// is not under its span is an error: the file is not the one the diagnostics were read from.
pub fn splice(source: &str, edits: &[Edit]) -> Result<String> {
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in made(edits) {
        match source.get(edit.start..edit.end) {
            Some(under) if under == edit.expected => {}
            under => bail!(
                "{}: expected `{}` at bytes {}..{}, found {:?}",
                edit.file.display(),
                edit.expected,
                edit.start,
                edit.end,
                under
            ),
        }
        out.push_str(&source[at..edit.start]);
        out.push_str(&edit.replacement);
        at = edit.end;
    }
    out.push_str(&source[at..]);
    Ok(out)
}

/// The edits [`splice`] makes, in file order: each that overlaps an earlier one, or makes
/// the same change as an earlier one (two errors asking for one new parameter), is left
/// out.
pub fn made(edits: &[Edit]) -> Vec<&Edit> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    // Insertions at one point: a wrap's opening (`Ok(`) outside the rest, its closing `)`
    // after the rest (`?.into_any()` then `)`), whichever rule came first.
    let nesting = |e: &Edit| match e.replacement.as_str() {
        _ if e.start != e.end => 1,
        r if r.ends_with('(') => 0,
        r if !r.is_empty() && r.chars().all(|c| c == ')') => 2,
        _ => 1,
    };
    sorted.sort_by_key(|e| (e.start, e.end, nesting(e)));
    let mut seen = std::collections::HashSet::new();
    sorted.retain(|e| seen.insert((e.start, e.end, e.replacement.as_str())));
    // `Ok(value?)` is `value` (clippy's `needless_question_mark`): a wrap around a value whose
    // own `?` ends it is not made, nor is that `?`.
    let inserts = |e: &Edit, at: usize, text: &str| e.start == at && e.end == at && e.replacement == text;
    let needless: Vec<(usize, usize)> = sorted
        .iter()
        .filter_map(|e| Some((e.closes?, e.start)))
        .filter(|&(_, end)| sorted.iter().any(|q| inserts(q, end, "?")))
        .collect();
    sorted.retain(|e| {
        !needless.iter().any(|&(start, end)| {
            inserts(e, start, "Ok(") || inserts(e, end, "?") || (inserts(e, end, ")") && e.closes == Some(start))
        })
    });
    let mut at = 0;
    sorted.retain(|e| {
        let kept = e.start >= at;
        if kept {
            at = e.end;
        }
        kept
    });
    sorted
}

/// Writes `text` to `path` whole: a temporary file beside it renamed over it, keeping its
/// permissions, so that an interrupted write leaves the old file or the new one.
pub fn write_whole(path: &Path, text: &str) -> Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write {}", path.display()))?;
    tmp.write_all(text.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    if let Ok(meta) = std::fs::metadata(path) {
        std::fs::set_permissions(tmp.path(), meta.permissions())?;
    }
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_change_only_their_spans_and_overlaps_are_dropped() {
        let source = "let a = PyList::new(py, v); // new\nlet b = x.downcast();\n";
        let new = source.find("new").unwrap();
        let downcast = source.find("downcast").unwrap();
        let edits = [
            Edit::replace(downcast, downcast + 8, "downcast", "cast"),
            Edit::replace(new, new + 3, "new", "new_bound"),
            Edit::replace(new + 1, new + 2, "e", "E"),
            Edit::replace(downcast + 8, downcast + 8, "", "::<PyList>"),
            Edit::replace(downcast + 8, downcast + 8, "", "::<PyList>"),
        ];
        assert_eq!(
            splice(source, &edits).unwrap(),
            "let a = PyList::new_bound(py, v); // new\nlet b = x.cast::<PyList>();\n"
        );
        // What is said to be made is what was spliced.
        let made: Vec<&str> = made(&edits).iter().map(|e| e.replacement.as_str()).collect();
        assert_eq!(made, ["new_bound", "cast", "::<PyList>"]);
    }

    #[test]
    fn a_wrap_goes_around_what_else_is_inserted_at_its_ends() {
        let source = "f(x.m(py))";
        let (start, end) = (2, 9);
        let edits = [
            Edit::replace(end, end, "", ")"),
            Edit::replace(start, start, "", "&"),
            Edit::replace(end, end, "", "?.into_any()"),
            Edit::replace(start, start, "", "Ok("),
        ];
        assert_eq!(splice(source, &edits).unwrap(), "f(Ok(&x.m(py)?.into_any()))");
    }

    #[test]
    fn a_wrap_of_a_value_its_own_question_mark_ends_is_not_made() {
        // `|(a, b)| PyTuple::new(py, [a, b])`: one rule's `?` after the call, another's inside
        // it, both wrapping the closure's value: the closure gives the call's `PyResult`.
        let source = "|(a, b)| PyTuple::new(py, [a.m(py), b])";
        let value = 9..source.len();
        let inner = source.find(".m(py)").unwrap() + ".m(py)".len();
        let mut edits = vec![Edit::replace(value.end, value.end, "", "?")];
        edits.extend(Edit::ok_around(value.clone()));
        edits.push(Edit::replace(inner, inner, "", "?.n()"));
        edits.extend(Edit::ok_around(value.clone()));
        assert_eq!(
            splice(source, &edits).unwrap(),
            "|(a, b)| PyTuple::new(py, [a.m(py)?.n(), b])"
        );
        // Without a `?` ending the value, the wrap is made.
        assert_eq!(
            splice(source, &edits[1..]).unwrap(),
            "|(a, b)| Ok(PyTuple::new(py, [a.m(py)?.n(), b]))"
        );
    }

    #[test]
    fn an_edit_whose_text_is_not_under_its_span_is_refused() {
        let e = splice("let a = 1;", &[Edit::replace(4, 5, "b", "c")]).unwrap_err();
        assert!(e.to_string().contains("expected `b` at bytes 4..5"), "{e}");
    }

    #[test]
    fn a_file_is_written_whole_with_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lib.rs");
        std::fs::write(&path, "old").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_whole(&path, "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }
}
