//! Looking up an error a user holds (a rustc error, a Python exception line, or a few of
//! their words): which catalog patterns' cells said it, since which release and on which
//! interpreters, and the fix that fits each failure there. `pyo3-matrix why` prints it.
//!
//! The text and every cell's messages are compared the same way: rustc's header
//! (`error[E0277]:`) gives the code, and the rest is [`normalized`] (module paths before a
//! type, lifetimes and whitespace do not matter) and cut into lower-case words. A cell said
//! the text when one of its messages has the same code (if the text names one) and every
//! word of the text.

use crate::explain::normalized;
use crate::fixes::fitting;
use crate::grid::Grid;
use crate::groups::spans;
use pyo3_matrix_model::{CellResult, Flavor, Pattern, Release, RunResults};
use serde::Serialize;
use std::collections::BTreeSet;

/// At most this many patterns are told; the rest are counted. A generic text
/// ("mismatched types") is said by many patterns and names none of them well.
pub const MAX_FOUND: usize = 5;

/// What is looked up: the rustc code and the words of the message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    /// `E0277`, from rustc's header or a word of its own.
    pub code: Option<String>,
    /// The message's [`words`].
    pub words: BTreeSet<String>,
}

impl Query {
    /// Reads a pasted error. Of several lines, rustc's `error…:` header line is the error,
    /// else the last line (a traceback ends with its exception). `None` when the text
    /// holds nothing to look for.
    pub fn parse(text: &str) -> Option<Query> {
        let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let line = lines
            .iter()
            .find(|l| l.starts_with("error[") || l.starts_with("error:"))
            .or(lines.last())?;
        let (mut code, message) = match line.strip_prefix("error[").and_then(|r| r.split_once("]:")) {
            Some((code, rest)) => (Some(code.to_string()), rest),
            None => (None, line.strip_prefix("error:").unwrap_or(line)),
        };
        let mut words = words(message);
        if code.is_none() {
            code = words.iter().find(|w| is_code(w)).map(|w| w.to_uppercase());
            words.retain(|w| !is_code(w));
        }
        (code.is_some() || !words.is_empty()).then_some(Query { code, words })
    }

    /// Whether a message with `code` says this.
    fn said_by(&self, code: Option<&str>, message: &str) -> bool {
        self.code.as_deref().is_none_or(|c| Some(c) == code) && self.words.is_subset(&words(message))
    }
}

/// `E0277`, `e0599`: a rustc error code.
fn is_code(word: &str) -> bool {
    word.len() == 5 && word.starts_with(['e', 'E']) && word[1..].bytes().all(|b| b.is_ascii_digit())
}

/// A message's words: [`normalized`], then runs of letters, digits and `_` (but not `_`
/// alone, a lifetime's), lower-cased.
fn words(message: &str) -> BTreeSet<String> {
    normalized(message)
        .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .filter(|w| !w.is_empty() && w.chars().any(|ch| ch != '_'))
        .map(str::to_lowercase)
        .collect()
}

/// A catalog pattern whose cells said the text.
#[derive(Debug, Serialize)]
pub struct Found {
    /// Pattern id.
    pub pattern: String,
    /// Its title.
    pub title: String,
    /// The message as its first such cell said it.
    pub said: String,
    /// Its rustc code, if it has one.
    pub code: Option<String>,
    /// The pattern's own headline failure where the text is another of its errors (the
    /// gil-ref module boilerplate every such pattern shares): its fixes are for that one.
    pub headline: Option<String>,
    /// The first release whose cells said it.
    pub since: Release,
    /// The interpreters whose cells said it.
    pub pythons: Vec<Flavor>,
    /// The cells that said it, as runs per interpreter: `3.12: 0.22.6–0.30.1; 3.13t: …`.
    pub cells: String,
    /// The fixes that fit those failures on their releases, each with its cells; none
    /// where no fix fits.
    pub fixes: Vec<FixFor>,
    /// The migration-guide or changelog entry.
    pub link: Option<String>,
}

/// A fix and the cells it fits.
#[derive(Debug, Serialize)]
pub struct FixFor {
    /// What to write.
    pub fix: String,
    /// The cells, as runs per interpreter.
    pub cells: String,
}

/// What the catalog says about a text.
#[derive(Debug, Serialize)]
pub struct Answer {
    /// What was looked for.
    pub query: Query,
    /// The patterns that said it, at most [`MAX_FOUND`], those whose own headline it is
    /// first, then the earliest.
    pub found: Vec<Found>,
    /// How many more patterns said it.
    pub more: usize,
}

/// What a cell said, each with its code: every diagnostic, the headline, the failing
/// test's exception (`TypeError: …`) and the signal that killed it.
fn said(c: &CellResult) -> Vec<(Option<&str>, String)> {
    let mut out: Vec<(Option<&str>, String)> = c
        .diagnostics
        .iter()
        .map(|d| (d.code.as_deref(), d.message.clone()))
        .collect();
    let exception = c.failure.as_ref().and_then(|f| {
        let message = f.message.as_deref().unwrap_or_default();
        f.exception.as_ref().map(|e| format!("{e}: {message}"))
    });
    for text in c.message.iter().cloned().chain(exception).chain(c.signal.clone()) {
        if !out.iter().any(|(_, m)| *m == text) {
            out.push((None, text));
        }
    }
    out
}

/// A cell and the message of it that said the text, with its code.
struct Said<'a> {
    cell: &'a CellResult,
    code: Option<&'a str>,
    text: String,
}

/// The plain catalog cells of `results` (variants change the build, not the pattern's code,
/// so their fixes would not be the pattern's) that said `query`, per pattern.
pub fn lookup(query: Query, results: &RunResults, patterns: &[Pattern]) -> Answer {
    let grid = Grid::new(results, patterns);
    // Per pattern: whether its own headline said it, and the cells with what they said.
    let mut by_pattern: Vec<(bool, Vec<Said>)> = Vec::new();
    for cell in results.results.iter().filter(|c| c.id.variant.is_none()) {
        let Some((code, text)) = said(cell).into_iter().find(|(code, text)| query.said_by(*code, text)) else {
            continue;
        };
        let headline = cell.message.as_deref() == Some(text.as_str());
        let said = Said { cell, code, text };
        match by_pattern
            .iter_mut()
            .find(|(_, cells)| cells[0].cell.id.pattern == cell.id.pattern)
        {
            Some((h, cells)) => {
                *h |= headline;
                cells.push(said);
            }
            None => by_pattern.push((headline, vec![said])),
        }
    }
    let mut found: Vec<(bool, Found)> = by_pattern
        .into_iter()
        .map(|(headline, cells)| (headline, found(&grid, patterns, &cells, headline)))
        .collect();
    found.sort_by(|(ha, a), (hb, b)| {
        hb.cmp(ha)
            .then_with(|| a.since.cmp(&b.since))
            .then_with(|| a.pattern.cmp(&b.pattern))
    });
    let more = found.len().saturating_sub(MAX_FOUND);
    Answer {
        query,
        found: found.into_iter().take(MAX_FOUND).map(|(_, f)| f).collect(),
        more,
    }
}

/// One pattern's answer from the cells that said the text, in results order.
fn found(grid: &Grid, patterns: &[Pattern], cells: &[Said], headline: bool) -> Found {
    let Said {
        cell: first,
        code,
        text,
    } = cells
        .iter()
        .min_by_key(|s| (&s.cell.id.pyo3, s.cell.id.python))
        .expect("a pattern is found by its cells");
    let meta = patterns.iter().find(|p| p.id == first.id.pattern);
    let all: Vec<&CellResult> = cells.iter().map(|s| s.cell).collect();
    let mut fixes: Vec<(String, Vec<&CellResult>)> = Vec::new();
    for &c in &all {
        let Some(fix) = meta.and_then(|p| fitting(&p.meta.fixes, c.outcome, &c.id.pyo3)) else {
            continue;
        };
        match fixes.iter_mut().find(|(text, _)| *text == fix.text) {
            Some((_, cells)) => cells.push(c),
            None => fixes.push((fix.text.clone(), vec![c])),
        }
    }
    let pythons: BTreeSet<Flavor> = all.iter().map(|c| c.id.python).collect();
    Found {
        pattern: first.id.pattern.clone(),
        title: meta.map(|p| p.meta.title.clone()).unwrap_or_default(),
        said: text.clone(),
        code: code.map(str::to_string),
        headline: first.message.clone().filter(|_| !headline),
        since: first.id.pyo3.clone(),
        pythons: pythons.into_iter().collect(),
        cells: spans(grid, &all),
        fixes: fixes
            .into_iter()
            .map(|(fix, cells)| FixFor {
                fix,
                cells: spans(grid, &cells),
            })
            .collect(),
        link: meta.and_then(|p| p.meta.link.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;
    use pyo3_matrix_model::{Fix, Outcome};

    fn query(text: &str) -> Query {
        Query::parse(text).unwrap()
    }

    fn words_of(q: &Query) -> Vec<&str> {
        q.words.iter().map(String::as_str).collect()
    }

    #[test]
    fn a_pasted_rustc_error_gives_its_code_and_normalized_words() {
        let q = query(
            "error[E0277]: the trait bound `&pyo3::types::PyList: PyFunctionArgument<'a, 'py>` is not satisfied\n  --> src/lib.rs:5:19\n   |\n5  | fn sum(list: &PyList) {}",
        );
        assert_eq!(q.code.as_deref(), Some("E0277"));
        assert_eq!(
            words_of(&q),
            [
                "bound",
                "is",
                "not",
                "pyfunctionargument",
                "pylist",
                "satisfied",
                "the",
                "trait"
            ]
        );
        // As the catalog's cell said it: paths, lifetimes and spacing differ, the words agree.
        assert!(q.said_by(
            Some("E0277"),
            "the trait bound `&PyList: pyo3::impl_::extract_argument::PyFunctionArgument<'_, '_>`  is not satisfied"
        ));
        assert!(!q.said_by(
            Some("E0599"),
            "the trait bound `&PyList: PyFunctionArgument` is not satisfied"
        ));
    }

    #[test]
    fn a_code_or_a_word_alone_and_a_traceback_s_last_line() {
        assert_eq!(
            query("E0277"),
            Query {
                code: Some("E0277".into()),
                words: BTreeSet::new()
            }
        );
        assert_eq!(words_of(&query("PyFunctionArgument")), ["pyfunctionargument"]);
        let q = query("Traceback (most recent call last):\n  File \"t.py\", line 3, in <module>\nTypeError: argument 'x': 'int' object cannot be converted to 'PyList'\n");
        assert_eq!(q.code, None);
        assert!(q.words.contains("typeerror") && q.words.contains("pylist"), "{q:?}");
        assert_eq!(Query::parse("  \n "), None);
        assert_eq!(Query::parse("`'_`"), None);
    }

    #[test]
    fn the_cells_that_said_it_are_told_with_their_spans_and_fitting_fixes() {
        let results = fixture::results();
        let mut patterns = fixture::patterns();
        // The fixture's gilref_any_arg fails to compile at 0.22.6 and 0.23.5: a fix for each.
        patterns[0].meta.fixes = vec![
            Fix {
                until: Some("0.22".parse().unwrap()),
                ..Fix::text("0.22's spelling.")
            },
            Fix {
                since: Some("0.23".parse().unwrap()),
                ..Fix::text("0.23's spelling.")
            },
            Fix {
                fixes: vec![Outcome::Crash],
                ..Fix::text("Not for a compile error.")
            },
        ];
        let answer = lookup(
            query("error[E0599]: no method named `extract` found for reference `&pyo3::PyAny`"),
            &results,
            &patterns,
        );
        assert_eq!(answer.more, 0);
        let [found] = &answer.found[..] else {
            panic!("{answer:?}")
        };
        assert_eq!(found.pattern, "gilref_any_arg");
        assert_eq!(found.since.to_string(), "0.22.6");
        assert_eq!(found.cells, "3.12: 0.22.6–0.23.5; 3.13t: 0.23.5");
        assert_eq!(found.code.as_deref(), Some("E0599"));
        assert_eq!(found.headline, None, "the pattern's own headline error");
        let fixes: Vec<(&str, &str)> = found.fixes.iter().map(|f| (f.fix.as_str(), f.cells.as_str())).collect();
        assert_eq!(
            fixes,
            [
                ("0.22's spelling.", "3.12: 0.22.6"),
                ("0.23's spelling.", "3.12: 0.23.5; 3.13t: 0.23.5")
            ]
        );
    }

    #[test]
    fn a_warning_a_test_failure_and_a_signal_are_found_too() {
        let (results, patterns) = (fixture::results(), fixture::patterns());
        let ids = |text: &str| -> Vec<String> {
            lookup(query(text), &results, &patterns)
                .found
                .into_iter()
                .map(|f| f.pattern)
                .collect()
        };
        assert_eq!(
            ids("use of deprecated method `pyo3::PyAny::extract`"),
            ["gilref_any_arg"]
        );
        assert_eq!(
            ids("AssertionError: assert isinstance([104, 105], bytes)"),
            ["vec_u8_return"]
        );
        assert_eq!(ids("SIGSEGV"), ["static_ref_exit"]);
        assert!(ids("E0308").is_empty());
        assert!(ids("no method named `extract` found for `&PyDict`").is_empty());
    }
}
