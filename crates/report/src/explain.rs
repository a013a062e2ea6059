//! Which catalog patterns explain a failure: a pattern that fails the same way on something
//! specific in the same cell (PyO3 release, interpreter flavor, plain variant).
//!
//! One rule per kind of failure:
//!
//! - a compile error ([`same_compile_error`]): the same rustc error code naming the same
//!   items, at least one of them PyO3's own ([`names_pyo3`]); a message that names only
//!   generic things (`Bound`, `T`, `&str`, `Rc<i64>`, `PyResult<()>`) explains nothing;
//! - a build-script refusal ([`same_refusal`]): the same message;
//! - a failed or crashed test ([`same_test_failure`]): the same exception type, with
//!   messages that name the same Python-visible API ([`api_names`]).
//!
//! Everything else is explained by no pattern: tests that could not run (`test-error`), an
//! `ImportError` or `ModuleNotFoundError` (the module was not built or not found, which
//! says nothing about an API), a hang, and what a cell could not do (`blocked`, `error`,
//! `skipped`).

use crate::fixes::fitting;
use pyo3_matrix_model::{CellResult, Diagnostic, Level, Outcome, Pattern, RunResults};
use serde::Serialize;
use std::collections::BTreeSet;

/// At most this many explanations per failure. Beyond the strongest few, further patterns
/// share only the same boilerplate failure (every gil-ref pattern's `&PyModule` module
/// function fails the same three ways), so they repeat the same fix instead of adding one;
/// the ordering puts first the patterns whose own headline is this failure.
pub const MAX_EXPLANATIONS: usize = 3;

/// A catalog pattern that fails the same way.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Explanation {
    /// Pattern id.
    pub pattern: String,
    /// Its title.
    pub title: String,
    /// How to fix it: the pattern's fix for this failure on this cell's release
    /// ([`crate::fixes::fitting`]), given only where the failure shared is the pattern's
    /// own (for a compile error, its headline error): a pattern matched by the gil-ref
    /// module boilerplate alone has a fix for its own headline, not for this.
    pub fix: Option<String>,
    /// The migration-guide or changelog entry.
    pub link: Option<String>,
    /// What the failure and the pattern have in common, e.g. "E0599 and `add_class` on
    /// `&PyModule`", "the same build-script refusal" or "TypeError from `Counter.add`".
    pub matched: String,
}

/// How strongly a pattern matches; greater is stronger. Fields compare in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
struct Strength {
    /// The pattern's own headline (its cell's message) is among the shared failures.
    theirs_headline: bool,
    /// The failure's headline is among them.
    mine_headline: bool,
    /// How many distinct failures they share (errors, or API names for tests).
    shared: usize,
}

/// One match: its strength and what it says matched.
struct Match {
    strength: Strength,
    matched: String,
}

/// The catalog patterns that fail the same way as `result` in its cell, strongest first,
/// one entry per pattern, at most [`MAX_EXPLANATIONS`].
pub fn explain(result: &CellResult, catalog: &RunResults, patterns: &[Pattern]) -> Vec<Explanation> {
    let rule: fn(&CellResult, &CellResult) -> Option<Match> = match result.outcome {
        Outcome::CompileError => same_compile_error,
        Outcome::Unsupported => same_refusal,
        Outcome::TestFail | Outcome::Crash => same_test_failure,
        _ => return Vec::new(),
    };
    let mut found: Vec<(Strength, &CellResult, String)> = Vec::new();
    for c in catalog
        .results
        .iter()
        .filter(|c| c.id.pyo3 == result.id.pyo3 && c.id.python == result.id.python && c.id.variant.is_none())
    {
        let Some(m) = rule(result, c) else { continue };
        match found.iter_mut().find(|(_, seen, _)| seen.id.pattern == c.id.pattern) {
            Some(entry) if entry.0 < m.strength => *entry = (m.strength, c, m.matched),
            Some(_) => {}
            None => found.push((m.strength, c, m.matched)),
        }
    }
    // A twin tells its subject's story in the older idiom: where both fail this way, the
    // subject says it, with the fix written for this failure.
    let meta = |id: &str| patterns.iter().find(|p| p.id == id);
    let subjects: Vec<String> = found.iter().map(|(_, c, _)| c.id.pattern.clone()).collect();
    found.retain(|(_, c, _)| {
        let subject = meta(&c.id.pattern).and_then(|p| p.meta.twin.as_ref()).map(|t| &t.of);
        !subject.is_some_and(|of| subjects.contains(of))
    });
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.pattern.cmp(&b.1.id.pattern)));
    found.truncate(MAX_EXPLANATIONS);
    found
        .into_iter()
        .map(|(strength, c, matched)| {
            let meta = meta(&c.id.pattern);
            let its_own_failure = result.outcome != Outcome::CompileError || strength.theirs_headline;
            Explanation {
                pattern: c.id.pattern.clone(),
                title: meta.map(|p| p.meta.title.clone()).unwrap_or_default(),
                fix: meta
                    .filter(|_| its_own_failure)
                    .and_then(|p| fitting(&p.meta.fixes, result.outcome, &result.id.pyo3))
                    .map(|f| f.text.clone()),
                link: meta.and_then(|p| p.meta.link.clone()),
                matched,
            }
        })
        .collect()
}

/// Compile errors: `theirs` failed to compile with an error of the same code that names
/// the same items as one of `mine`'s, at least one of them PyO3's own. Both the method and
/// its receiver must agree (`add_class` on `&PyModule`), since every item is compared.
fn same_compile_error(mine: &CellResult, theirs: &CellResult) -> Option<Match> {
    if theirs.outcome != Outcome::CompileError {
        return None;
    }
    let my_errors = signatures(mine);
    let their_errors = signatures(theirs);
    let my_headline = headline(mine);
    let their_headline = headline(theirs);
    let mut strength = Strength::default();
    let mut best: Option<(bool, &Signature)> = None;
    let mut counted: Vec<&Signature> = Vec::new();
    for (mine_d, m) in &my_errors {
        for (theirs_d, t) in &their_errors {
            if m.code != t.code || m.items != t.items || !(m.specific || t.specific) {
                continue;
            }
            let theirs_is_headline = their_headline.is_some_and(|h| std::ptr::eq(h, *theirs_d));
            strength.theirs_headline |= theirs_is_headline;
            strength.mine_headline |= my_headline.is_some_and(|h| std::ptr::eq(h, *mine_d));
            if !counted.contains(&m) {
                counted.push(m);
            }
            if best.is_none_or(|(headline, _)| theirs_is_headline && !headline) {
                best = Some((theirs_is_headline, m));
            }
        }
    }
    let (_, best) = best?;
    strength.shared = counted.len();
    let mut matched = best.describe();
    match counted.len() - 1 {
        0 => {}
        1 => matched.push_str(", with 1 more error in common"),
        n => matched.push_str(&format!(", with {n} more errors in common")),
    }
    Some(Match { strength, matched })
}

/// Build-script refusals: PyO3's build script refused both with the same message.
fn same_refusal(mine: &CellResult, theirs: &CellResult) -> Option<Match> {
    (theirs.outcome == Outcome::Unsupported && mine.message.is_some() && mine.message == theirs.message).then(|| {
        Match {
            strength: Strength::default(),
            matched: "the same build-script refusal".to_string(),
        }
    })
}

/// Test failures: both tests raised the same exception type (not an import failure, which
/// says the module was missing rather than how an API behaves), with messages that name the
/// same Python-visible API: a shared [`api_names`] token, never a generic word.
fn same_test_failure(mine: &CellResult, theirs: &CellResult) -> Option<Match> {
    if !matches!(theirs.outcome, Outcome::TestFail | Outcome::Crash) {
        return None;
    }
    let (mine_f, theirs_f) = (mine.failure.as_ref()?, theirs.failure.as_ref()?);
    let exception = mine_f.exception.as_deref()?;
    if theirs_f.exception.as_deref() != Some(exception) || is_import_failure(exception) {
        return None;
    }
    let ours = api_names(mine_f.message.as_deref()?);
    let shared: Vec<String> = api_names(theirs_f.message.as_deref()?)
        .intersection(&ours)
        .cloned()
        .collect();
    if shared.is_empty() {
        return None;
    }
    let names = shared.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    Some(Match {
        strength: Strength {
            shared: shared.len(),
            ..Strength::default()
        },
        matched: format!("{exception} from {names}"),
    })
}

/// Whether an exception type says the module could not be imported.
fn is_import_failure(exception: &str) -> bool {
    let name = exception.rsplit('.').next().unwrap_or(exception);
    name == "ImportError" || name == "ModuleNotFoundError"
}

/// What a compile error is about: its code, the items it names, and whether one is PyO3's.
#[derive(Debug, PartialEq, Eq)]
struct Signature {
    code: String,
    /// The names in backticks, in order, [`normalized`].
    items: Vec<String>,
    /// Whether one of them names something of PyO3's ([`names_pyo3`]).
    specific: bool,
    /// `no method named `X` found for ... `Y``: described as "`X` on `Y`".
    member_of: bool,
}

impl Signature {
    fn of(diagnostic: &Diagnostic) -> Option<Signature> {
        let code = diagnostic.code.clone()?;
        let raw = quoted(&diagnostic.message);
        if diagnostic.level != Level::Error || raw.is_empty() {
            return None;
        }
        Some(Signature {
            code,
            items: raw.iter().map(|q| normalized(q)).collect(),
            specific: raw.iter().any(|q| names_pyo3(q)),
            member_of: raw.len() == 2 && diagnostic.message.contains(" found for "),
        })
    }

    fn describe(&self) -> String {
        let items = if self.member_of {
            format!("`{}` on `{}`", self.items[0], self.items[1])
        } else {
            self.items
                .iter()
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!("{} and {items}", self.code)
    }
}

/// A cell's error diagnostics with their signatures (those with a code and a name).
fn signatures(cell: &CellResult) -> Vec<(&Diagnostic, Signature)> {
    cell.diagnostics
        .iter()
        .filter_map(|d| Signature::of(d).map(|s| (d, s)))
        .collect()
}

/// The error the cell's message reports, else its first error.
fn headline(cell: &CellResult) -> Option<&Diagnostic> {
    let errors = || cell.diagnostics.iter().filter(|d| d.level == Level::Error);
    errors()
        .find(|d| Some(&d.message) == cell.message.as_ref())
        .or_else(|| errors().next())
}

/// Names inside backticks, e.g. `&pyo3::PyAny`, which tie a message to an API.
fn quoted(message: &str) -> Vec<&str> {
    message
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The Rust paths in a quoted name, each as its segments: `&pyo3::types::PyModule: From<T>`
/// holds `pyo3::types::PyModule`, `From` and `T`. Lifetimes are skipped.
fn paths(item: &str) -> Vec<Vec<&str>> {
    let bytes = item.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_') && (i == 0 || !ident(bytes[i - 1]));
        if !starts || (i > 0 && bytes[i - 1] == b'\'') {
            i += 1;
            continue;
        }
        let mut segments = Vec::new();
        loop {
            let start = i;
            while i < bytes.len() && ident(bytes[i]) {
                i += 1;
            }
            segments.push(&item[start..i]);
            let more = item[i..].starts_with("::")
                && item[i + 2..]
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
            if !more {
                break;
            }
            i += 2;
        }
        out.push(segments);
    }
    out
}

/// A quoted name written the way it compares across messages: module paths before a type
/// dropped (`&pyo3::types::PyModule` is `&PyModule`, as rustc prints it when the name is
/// unambiguous), lifetimes as `'_`, whitespace collapsed. Paths to modules and functions
/// (`pyo3::sync`) are kept whole.
pub(crate) fn normalized(item: &str) -> String {
    let bytes = item.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let quoted_word = || {
            let end = (i + 1..bytes.len()).find(|&j| !ident(bytes[j]));
            end.is_some_and(|j| bytes[j] == b'\'')
        };
        // `'py` is a lifetime; `'int'` (a Python message's quotes) is a word.
        if b == b'\'' && bytes.get(i + 1).is_some_and(|&n| n.is_ascii_alphabetic() || n == b'_') && !quoted_word() {
            i += 1;
            while i < bytes.len() && ident(bytes[i]) {
                i += 1;
            }
            out.push_str("'_");
        } else if (b.is_ascii_alphabetic() || b == b'_') && (i == 0 || !ident(bytes[i - 1])) {
            let start = i;
            while i < bytes.len()
                && (ident(bytes[i])
                    || (item[i..].starts_with("::")
                        && item[i + 2..]
                            .bytes()
                            .next()
                            .is_some_and(|n| n.is_ascii_alphabetic() || n == b'_')))
            {
                i += if bytes[i] == b':' { 2 } else { 1 };
            }
            let segments: Vec<&str> = item[start..i].split("::").collect();
            let first_type = segments
                .iter()
                .position(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
                .unwrap_or(0);
            out.push_str(&segments[first_type..].join("::"));
        } else if b.is_ascii_whitespace() {
            if !out.ends_with(' ') {
                out.push(' ');
            }
            i += 1;
        } else {
            let ch = item[i..].chars().next().unwrap_or_default();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out.trim().to_string()
}

/// Names that look like PyO3's but say nothing specific: `PyResult<()>` is any fallible
/// PyO3 function.
const GENERIC_PY_NAMES: &[&str] = &["PyResult"];

/// Whether a quoted name names something of PyO3's, enough on its own to tie two messages
/// together: a path into `pyo3` (`pyo3::sync`, `pyo3::PyTryFrom`), a type or trait whose
/// CamelCase words include `Py` (`PyAny`, `Bound<'_, PyModule>`, `PyBuffer<T>`, `Py<T>`,
/// `IntoPy`, `ToPyObject`) or `Python`, or a snake_case name with a word starting `py`
/// (`into_py`, `to_pyobject`, `wrap_pyfunction`, `pyclass`). Not the bare `py`, every
/// function's conventional `Python` argument, and not [`GENERIC_PY_NAMES`]; generic names
/// (`Bound`, `Self`, `T`, `&str`, `Vec<u8>`, `?`, lifetimes) have none of these. A method
/// name like `add_class` is not PyO3's by itself; it counts through its receiver, which
/// [`same_compile_error`] compares along with it.
fn names_pyo3(item: &str) -> bool {
    paths(item).iter().any(|segments| match segments.as_slice() {
        ["pyo3"] => true,
        ["pyo3", .., last] => !GENERIC_PY_NAMES.contains(last),
        _ => segments.iter().any(|s| is_py_type_name(s) || is_py_snake_name(s)),
    })
}

/// `PyAny`, `Py`, `IntoPy`, `ToPyObject`, `PyO3`, `Python`: a CamelCase name with the word
/// `Py`, or `Python`; not [`GENERIC_PY_NAMES`].
fn is_py_type_name(name: &str) -> bool {
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) || GENERIC_PY_NAMES.contains(&name) {
        return false;
    }
    if name == "Python" {
        return true;
    }
    let bytes = name.as_bytes();
    (0..bytes.len().saturating_sub(1))
        .any(|i| bytes[i] == b'P' && bytes[i + 1] == b'y' && bytes.get(i + 2).is_none_or(|b| !b.is_ascii_lowercase()))
}

/// `into_py`, `to_pyobject`, `wrap_pyfunction`, `pyclass`, `pyo3`: a lower-case name with a
/// word starting `py`; not the bare `py`.
fn is_py_snake_name(name: &str) -> bool {
    name != "py"
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.chars().any(|c| c.is_ascii_uppercase())
        && name.split('_').any(|w| w.starts_with("py"))
}

/// Identifiers in a Python exception message that name an API rather than say something
/// generic: dotted names (`Counter.add`, `builtins.Point`), snake_case names
/// (`get_item`), CamelCase names (`OrderedDict`, `PyList`) and called names (`add()`).
/// Not plain words, numbers or addresses, nor exception types and `NoneType`.
fn api_names(message: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let is_name_char = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.';
    let mut rest = message;
    while let Some(start) = rest.find(is_name_char) {
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        let token = rest[..end].trim_matches('.');
        let called = rest[end..].starts_with('(');
        rest = &rest[end..];
        let valid = token.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && token
                .split('.')
                .all(|s| s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'));
        if !valid || token.len() < 2 {
            continue;
        }
        let last = token.rsplit('.').next().unwrap_or(token);
        let generic = last == "NoneType" || ["Error", "Exception", "Warning"].iter().any(|s| last.ends_with(s));
        let dotted = token.contains('.');
        let snake = token.trim_matches('_').contains('_');
        let camel = token
            .as_bytes()
            .windows(2)
            .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
        if !generic && (dotted || snake || camel || called) {
            out.insert(token.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const CELL: (&str, &str) = ("0.22.6", "3.12");

    /// A compile-error cell in [`CELL`] with these (code, message) errors; the first is its
    /// message, as the classifier writes it.
    fn compile_error(pattern: &str, errors: &[(&str, &str)]) -> CellResult {
        let diagnostics: Vec<_> = errors
            .iter()
            .map(|(code, message)| serde_json::json!({ "level": "error", "code": code, "message": message }))
            .collect();
        serde_json::from_value(serde_json::json!({
            "pattern": pattern, "pyo3": CELL.0, "python": CELL.1, "outcome": "compile-error",
            "codes": errors.iter().map(|e| e.0).collect::<Vec<_>>(),
            "message": errors.first().map(|e| e.1), "diagnostics": diagnostics
        }))
        .unwrap()
    }

    /// A cell in [`CELL`] with an outcome, a message, and for tests the failure.
    fn other(pattern: &str, outcome: &str, message: &str, exception: Option<&str>) -> CellResult {
        let failure = exception.map(|e| {
            let text = message.strip_prefix(&format!("{e}: ")).unwrap_or(message);
            serde_json::json!({ "test": "tests/test_x.py::test_it", "exception": e, "message": text })
        });
        serde_json::from_value(serde_json::json!({
            "pattern": pattern, "pyo3": CELL.0, "python": CELL.1, "outcome": outcome,
            "message": message, "failure": failure
        }))
        .unwrap()
    }

    fn catalog(results: Vec<CellResult>) -> RunResults {
        RunResults {
            schema_version: 1,
            tool_version: "0".into(),
            tool_build: None,
            rustc: "rustc".into(),
            maturin: None,
            started_unix: 0,
            releases: vec![],
            interpreters: vec![],
            results,
        }
    }

    fn ids(found: &[Explanation]) -> Vec<&str> {
        found.iter().map(|e| e.pattern.as_str()).collect()
    }

    // Errors observed in docs/results.json at PyO3 0.22.6 on 3.12.
    const ADD_FUNCTION: (&str, &str) = (
        "E0599",
        "no method named `add_function` found for reference `&pyo3::types::PyModule` in the current scope",
    );
    const WRAP_ARG: (&str, &str) = (
        "E0277",
        "the trait bound `&pyo3::types::PyModule: pyo3::impl_::pyfunction::WrapPyFunctionArg<'_, _>` is not satisfied",
    );
    const FROM_BOUND_REF: (&str, &str) = (
        "E0277",
        "the trait bound `&pyo3::types::PyModule: From<pyo3::impl_::pymethods::BoundRef<'_, '_, pyo3::types::PyModule>>` is not satisfied",
    );
    const ANY_ARG: (&str, &str) = (
        "E0277",
        "the trait bound `&pyo3::PyAny: pyo3::impl_::extract_argument::PyFunctionArgument<'_, '_>` is not satisfied",
    );
    const ADD_CLASS: (&str, &str) = (
        "E0599",
        "no method named `add_class` found for reference `&pyo3::types::PyModule` in the current scope",
    );
    const LIST_NEW: (&str, &str) = (
        "E0599",
        "no function or associated item named `new` found for struct `PyList` in the current scope",
    );

    /// The catalog at 0.22.6 on 3.12, as far as these tests need it: ten patterns share the
    /// gil-ref module function's errors, each with its own headline.
    fn gil_ref_catalog() -> RunResults {
        let module = [ADD_FUNCTION, WRAP_ARG, FROM_BOUND_REF];
        let with_module = |pattern: &str, own: &[(&str, &str)]| {
            let errors: Vec<_> = own.iter().chain(module.iter()).copied().collect();
            compile_error(pattern, &errors)
        };
        catalog(vec![
            with_module(
                "gilref_any_arg",
                &[
                    (
                        "E0599",
                        "no method named `len` found for reference `&pyo3::PyAny` in the current scope",
                    ),
                    ANY_ARG,
                ],
            ),
            compile_error(
                "gilref_pycell_receiver",
                &[
                    ("E0425", "cannot find type `PyCell` in this scope"),
                    ADD_CLASS,
                    FROM_BOUND_REF,
                ],
            ),
            with_module(
                "gilref_pytryfrom",
                &[("E0432", "unresolved import `pyo3::PyTryFrom`"), ANY_ARG],
            ),
            with_module("gilref_list_return", &[LIST_NEW]),
            with_module("gilref_threads", &[LIST_NEW]),
            compile_error("bound_list_new_fallible", &[LIST_NEW]),
            with_module(
                "gilref_list_sum_article",
                &[(
                    "E0599",
                    "no method named `iter` found for reference `&PyList` in the current scope",
                )],
            ),
            with_module(
                "dict_get_item_option",
                &[(
                    "E0599",
                    "no method named `get_item` found for reference `&PyDict` in the current scope",
                )],
            ),
            with_module(
                "py_eval_str",
                &[(
                    "E0599",
                    "no method named `eval` found for struct `pyo3::Python<'py>` in the current scope",
                )],
            ),
            with_module(
                "gilref_list_arg_dict_return",
                &[("E0106", "missing lifetime specifier")],
            ),
            compile_error(
                "pybuffer_as_slice",
                &[(
                    "E0599",
                    "no function or associated item named `get` found for struct `PyBuffer<T>` in the current scope",
                )],
            ),
            compile_error(
                "non_send_field",
                &[
                    ("E0277", "`Rc<i64>` cannot be sent between threads safely"),
                    ("E0277", "`Rc<i64>` cannot be sent between threads safely"),
                ],
            ),
            compile_error(
                "vec_bound_return",
                &[
                    (
                        "E0599",
                        "no method named `into_pyobject` found for type `i64` in the current scope",
                    ),
                    (
                        "E0599",
                        "no method named `into_pyobject` found for reference `&'static str` in the current scope",
                    ),
                ],
            ),
            other(
                "frozen_hashable",
                "test-fail",
                "KeyError: <builtins.Point object at 0x7febf1809eb0>",
                Some("KeyError"),
            ),
            other(
                "trailing_option_arg",
                "test-fail",
                "TypeError: add() missing 1 required positional argument: 'y'",
                Some("TypeError"),
            ),
            other(
                "missing_cdylib",
                "test-fail",
                "ModuleNotFoundError: No module named 'missing_cdylib'",
                Some("ModuleNotFoundError"),
            ),
            other(
                "gilref_any_arg_ft",
                "unsupported",
                "the Python interpreter was built with the GIL disabled, which is not yet supported by PyO3",
                None,
            ),
            other(
                "numpy_sum_rows_article",
                "blocked",
                "dependency numpy failed to compile: unresolved import `pyo3::sync::GILProtected`",
                None,
            ),
        ])
    }

    #[test]
    fn add_class_on_a_gil_ref_module_is_explained_by_the_pattern_that_calls_it() {
        // A user's `#[pymodule] fn m(_py: Python<'_>, m: &PyModule)` that adds a class.
        let mine = compile_error("user", &[ADD_CLASS, FROM_BOUND_REF]);
        let found = explain(&mine, &gil_ref_catalog(), &[]);
        assert_eq!(ids(&found)[0], "gilref_pycell_receiver", "{found:?}");
        assert_eq!(
            found[0].matched,
            "E0599 and `add_class` on `&PyModule`, with 1 more error in common"
        );
        assert!(found.len() <= MAX_EXPLANATIONS, "{found:?}");
        // The other two share only the module function's `From<BoundRef>` error; without
        // it, `add_class` alone names one pattern.
        let found = explain(&compile_error("user", &[ADD_CLASS]), &gil_ref_catalog(), &[]);
        assert_eq!(ids(&found), ["gilref_pycell_receiver"]);
    }

    #[test]
    fn a_twin_failing_like_its_subject_leaves_the_explanation_to_the_subject() {
        const CLONE: (&str, &str) = ("E0277", "the trait bound `Py<pyo3::PyAny>: Clone` is not satisfied");
        let catalog = catalog(vec![
            compile_error("py_clone", &[CLONE]),
            compile_error("gilref_py_clone", &[CLONE, ADD_FUNCTION]),
        ]);
        let pattern = |id: &str, twin: Option<&str>| Pattern {
            id: id.into(),
            meta: serde_json::from_value(serde_json::json!({
                "title": id, "category": "conversions", "shows": "", "fix": "`clone_ref(py)`",
                "twin": twin.map(|of| serde_json::json!({ "of": of, "until": "0.20" })),
            }))
            .unwrap(),
            source: "lib.rs".into(),
            test: None,
        };
        let patterns = [pattern("py_clone", None), pattern("gilref_py_clone", Some("py_clone"))];
        let mine = compile_error("user", &[CLONE]);
        assert_eq!(ids(&explain(&mine, &catalog, &patterns)), ["py_clone"]);
        // Without the twin's tie to it, both say it.
        let unrelated = [pattern("py_clone", None), pattern("gilref_py_clone", None)];
        assert_eq!(ids(&explain(&mine, &catalog, &unrelated)).len(), 2);
    }

    #[test]
    fn a_method_needs_the_same_receiver() {
        // `add_class` on a `Bound` module is a different failure from `add_class` on `&PyModule`.
        let mine = compile_error(
            "user",
            &[(
                "E0599",
                "no method named `add_class` found for reference `&pyo3::Bound<'_, pyo3::types::PyModule>` in the current scope",
            )],
        );
        assert_eq!(explain(&mine, &gil_ref_catalog(), &[]), []);
        // Nor does the same receiver with another method match.
        let mine = compile_error(
            "user",
            &[(
                "E0599",
                "no method named `is_true` found for reference `&pyo3::PyAny` in the current scope",
            )],
        );
        assert_eq!(explain(&mine, &gil_ref_catalog(), &[]), []);
    }

    #[test]
    fn the_old_crate_is_explained_by_its_own_failures_first_not_by_ten_patterns() {
        // tests/fixtures/old_crate at 0.22.6: `x.len()` on `&PyAny`, `PyList::new`, and a
        // gil-ref module function that every gil-ref pattern shares.
        let mine = compile_error(
            "old_ext",
            &[
                (
                    "E0599",
                    "no method named `len` found for reference `&PyAny` in the current scope",
                ),
                ANY_ARG,
                LIST_NEW,
                ("E0106", "missing lifetime specifier"),
                ADD_FUNCTION,
                WRAP_ARG,
                FROM_BOUND_REF,
            ],
        );
        let found = explain(&mine, &gil_ref_catalog(), &[]);
        assert_eq!(ids(&found), ["gilref_any_arg", "gilref_list_return", "gilref_threads"]);
        assert_eq!(
            found[0].matched,
            "E0599 and `len` on `&PyAny`, with 4 more errors in common"
        );
    }

    #[test]
    fn strength_orders_headline_matches_before_shared_boilerplate() {
        // Only the boilerplate and `PyList::new`: the patterns about `PyList::new` come
        // first, the one with more in common before the one with less.
        let mine = compile_error("user", &[ADD_FUNCTION, LIST_NEW]);
        let found = explain(&mine, &gil_ref_catalog(), &[]);
        assert_eq!(
            ids(&found),
            ["gilref_list_return", "gilref_threads", "bound_list_new_fallible"]
        );
        assert_eq!(found[2].matched, "E0599 and `new` on `PyList`");
    }

    #[test]
    fn a_pattern_s_fix_is_given_only_where_its_own_failure_is_the_one_shared() {
        // Every pattern of the catalog has a fix.
        let patterns: Vec<Pattern> = gil_ref_catalog()
            .results
            .iter()
            .map(|c| c.id.pattern.as_str())
            .map(|id| {
                let mut p = crate::fixture::patterns().remove(0);
                p.id = id.into();
                p.meta.fixes = vec![pyo3_matrix_model::Fix::text(format!("fix {id}"))];
                p
            })
            .collect();
        // `PyList::new` is each one's headline: each fix fits.
        let found = explain(
            &compile_error("user", &[ADD_FUNCTION, LIST_NEW]),
            &gil_ref_catalog(),
            &patterns,
        );
        let fixes: Vec<Option<&str>> = found.iter().map(|e| e.fix.as_deref()).collect();
        assert_eq!(
            fixes,
            [
                Some("fix gilref_list_return"),
                Some("fix gilref_threads"),
                Some("fix bound_list_new_fallible")
            ]
        );
        // Only the module boilerplate in common: their fixes are for their own errors.
        let found = explain(&compile_error("user", &[ADD_FUNCTION]), &gil_ref_catalog(), &patterns);
        assert!(!found.is_empty() && found.iter().all(|e| e.fix.is_none()), "{found:?}");
    }

    #[test]
    fn shared_boilerplate_alone_is_capped() {
        let mine = compile_error("user", &[ADD_FUNCTION]);
        let found = explain(&mine, &gil_ref_catalog(), &[]);
        assert_eq!(found.len(), MAX_EXPLANATIONS, "{found:?}");
        assert!(found
            .iter()
            .all(|e| e.matched == "E0599 and `add_function` on `&PyModule`"));
    }

    #[test]
    fn the_same_code_with_only_generic_names_explains_nothing() {
        let catalog = gil_ref_catalog();
        for errors in [
            &[("E0277", "`Rc<i64>` cannot be sent between threads safely")][..],
            &[("E0425", "cannot find type `Bound` in this scope")],
            &[(
                "E0599",
                "no method named `iter` found for struct `Vec<T>` in the current scope",
            )],
            &[("E0277", "`?` couldn't convert the error to `String`")],
            &[("E0308", "mismatched types")],
            &[("E0106", "missing lifetime specifier")],
        ] {
            let mine = compile_error("user", errors);
            assert_eq!(explain(&mine, &catalog, &[]), [], "{errors:?}");
        }
    }

    #[test]
    fn a_pyo3_method_on_a_plain_type_matches_the_same_method_and_type() {
        let mine = compile_error(
            "user",
            &[(
                "E0599",
                "no method named `into_pyobject` found for type `i64` in the current scope",
            )],
        );
        let found = explain(&mine, &gil_ref_catalog(), &[]);
        assert_eq!(ids(&found), ["vec_bound_return"]);
        assert_eq!(found[0].matched, "E0599 and `into_pyobject` on `i64`");
    }

    #[test]
    fn paths_and_lifetimes_do_not_hide_the_same_item() {
        let mine = compile_error(
            "user",
            &[(
                "E0599",
                "no function or associated item named `get` found for struct `pyo3::buffer::PyBuffer<T>` in the current scope",
            )],
        );
        assert_eq!(ids(&explain(&mine, &gil_ref_catalog(), &[])), ["pybuffer_as_slice"]);
        let mine = compile_error(
            "user",
            &[(
                "E0599",
                "no method named `eval` found for struct `Python<'_>` in the current scope",
            )],
        );
        assert_eq!(ids(&explain(&mine, &gil_ref_catalog(), &[])), ["py_eval_str"]);
    }

    #[test]
    fn a_compile_error_in_another_cell_or_a_variant_explains_nothing() {
        let mut elsewhere = compile_error("gilref_pycell_receiver", &[ADD_CLASS]);
        elsewhere.id.pyo3 = "0.23.5".parse().unwrap();
        let mut variant = compile_error("gilref_pycell_receiver_v", &[ADD_CLASS]);
        variant.id.variant = Some("gil-refs".into());
        let mine = compile_error("user", &[ADD_CLASS]);
        assert_eq!(explain(&mine, &catalog(vec![elsewhere, variant]), &[]), []);
    }

    #[test]
    fn import_failures_and_tests_that_could_not_run_are_explained_by_none() {
        let catalog = gil_ref_catalog();
        let missing = other(
            "user",
            "test-fail",
            "ModuleNotFoundError: No module named 'missing_cdylib'",
            Some("ModuleNotFoundError"),
        );
        assert_eq!(explain(&missing, &catalog, &[]), []);
        let import = other(
            "user",
            "test-fail",
            "ImportError: dynamic module does not define module export function (PyInit_old_ext)",
            Some("ImportError"),
        );
        assert_eq!(explain(&import, &catalog, &[]), []);
        let collection = other(
            "user",
            "test-error",
            "ERROR collecting tests/test_old_ext.py: fixture 'benchmark' not found",
            None,
        );
        assert_eq!(explain(&collection, &catalog, &[]), []);
    }

    #[test]
    fn packaging_failures_are_explained_by_none() {
        let catalog = gil_ref_catalog();
        for outcome in ["blocked", "error", "skipped", "hang"] {
            let mine = other(
                "user",
                outcome,
                "dependency numpy failed to compile: unresolved import `pyo3::sync::GILProtected`",
                None,
            );
            assert_eq!(explain(&mine, &catalog, &[]), [], "{outcome}");
        }
    }

    #[test]
    fn a_refusal_is_explained_by_the_same_refusal() {
        let catalog = gil_ref_catalog();
        let mine = other(
            "user",
            "unsupported",
            "the Python interpreter was built with the GIL disabled, which is not yet supported by PyO3",
            None,
        );
        let found = explain(&mine, &catalog, &[]);
        assert_eq!(ids(&found), ["gilref_any_arg_ft"]);
        assert_eq!(found[0].matched, "the same build-script refusal");
        let newer = other(
            "user",
            "unsupported",
            "the configured Python interpreter version (3.13) is newer than PyO3's maximum supported version (3.12)",
            None,
        );
        assert_eq!(explain(&newer, &catalog, &[]), []);
    }

    #[test]
    fn a_test_failure_needs_the_same_exception_from_the_same_api() {
        let catalog = gil_ref_catalog();
        let mine = other(
            "user",
            "test-fail",
            "TypeError: add() missing 1 required positional argument: 'z'",
            Some("TypeError"),
        );
        let found = explain(&mine, &catalog, &[]);
        assert_eq!(ids(&found), ["trailing_option_arg"]);
        assert_eq!(found[0].matched, "TypeError from `add`");
        // The same exception type from another API, or shared generic words only.
        for (exception, message) in [
            (
                "TypeError",
                "TypeError: scale() missing 1 required positional argument: 'y'",
            ),
            (
                "TypeError",
                "TypeError: 'str' object cannot be interpreted as an integer",
            ),
            ("KeyError", "KeyError: 'missing'"),
            (
                "ValueError",
                "ValueError: add() missing 1 required positional argument: 'y'",
            ),
        ] {
            let mine = other("user", "test-fail", message, Some(exception));
            assert_eq!(explain(&mine, &catalog, &[]), [], "{message}");
        }
        let point = other(
            "user",
            "test-fail",
            "KeyError: <builtins.Point object at 0x7f0000000000>",
            Some("KeyError"),
        );
        assert_eq!(explain(&point, &catalog, &[]).len(), 1);
    }

    #[test]
    fn pyo3_names_are_told_from_generic_ones() {
        for item in [
            "&pyo3::PyAny",
            "&PyModule",
            "Bound<'_, PyModule>",
            "PyBuffer<T>",
            "PyBuffer::get",
            "pyo3::sync",
            "pyo3::PyTryFrom",
            "Py<T>",
            "IntoPy",
            "ToPyObject",
            "pyo3::Python<'py>",
            "into_py",
            "to_pyobject",
            "wrap_pyfunction",
            "PyErr: From<String>",
        ] {
            assert!(names_pyo3(item), "{item}");
        }
        for item in [
            "Bound",
            "Bound<'py, T>",
            "Self",
            "T",
            "&str",
            "&'static str",
            "String",
            "Vec<u8>",
            "i32",
            "PyResult<()>",
            "pyo3::PyResult<()>",
            "?",
            "'py",
            "py",
            "add_class",
            "Rc<i64>",
            "happy_path",
        ] {
            assert!(!names_pyo3(item), "{item}");
        }
    }

    #[test]
    fn normalized_names_drop_module_paths_and_lifetimes() {
        assert_eq!(normalized("&pyo3::types::PyModule"), "&PyModule");
        assert_eq!(
            normalized("&pyo3::Bound<'py, pyo3::types::PyModule>"),
            "&Bound<'_, PyModule>"
        );
        assert_eq!(normalized("PyBuffer::get"), "PyBuffer::get");
        assert_eq!(normalized("pyo3::sync"), "pyo3::sync");
        assert_eq!(normalized("&'static  str"), "&'_ str");
        assert_eq!(normalized("'int' object to 'PyList'"), "'int' object to 'PyList'");
    }

    #[test]
    fn api_names_skip_generic_words() {
        let names = |m: &str| api_names(m).into_iter().collect::<Vec<_>>();
        assert_eq!(names("add() missing 1 required positional argument: 'y'"), ["add"]);
        assert_eq!(names("<builtins.Point object at 0x7febf1809eb0>"), ["builtins.Point"]);
        assert_eq!(
            names("'Counter.add' requires a 'int' object but received a 'NoneType'"),
            ["Counter.add"]
        );
        assert!(names("Is a directory (os error 21)").is_empty());
        assert!(names("DID NOT RAISE TypeError").is_empty());
    }
}
