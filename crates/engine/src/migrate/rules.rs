//! The rules of `matrix/migrate.toml`, read once: each turns one diagnostic of the crate's
//! own code, at its primary span, into one edit, or into nothing when the text under the
//! span is not what the rule is about (then the diagnostic stays a residual).

use super::compiler::Diagnostic;
use super::edit::Edit;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::{Point, Release};
use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What a rule does at the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The deprecated item becomes the replacement the note names.
    Rename,
    /// The attribute the note spells out goes above the item.
    Attribute,
    /// A GIL-ref argument type becomes `&Bound<'_, T>`.
    BoundArgument,
    /// A GIL-ref type in a return type (after the span) becomes `Bound<'_, T>`.
    BoundReturn,
    /// A call whose value is now a `PyResult` gets `?`.
    TryOperator,
}

/// One rule as `matrix/migrate.toml` writes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleText {
    id: String,
    release: Point,
    kind: Kind,
    message: String,
    /// A pattern on what rustc says at the primary span, when the message is not enough.
    #[serde(default)]
    label: Option<String>,
    source: String,
}

/// A staging step PyO3 prescribes at a release (a feature to build with first).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Staging {
    /// The pyo3 feature that keeps the old API.
    pub feature: String,
    /// Why PyO3 offers it.
    pub why: String,
    /// The migration guide's entry.
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    staging: BTreeMap<String, Staging>,
    rule: Vec<RuleText>,
}

/// A rule, ready to match.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Its name in reports.
    pub id: String,
    /// The release whose build first shows it.
    pub release: Point,
    /// What it does.
    pub kind: Kind,
    /// Where it comes from.
    pub source: String,
    message: Regex,
    label: Option<Regex>,
}

/// Every rule and staging step.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The rules, in the file's order.
    pub rules: Vec<Rule>,
    /// Staging steps by release minor (`0.21`).
    pub staging: BTreeMap<(u64, u64), Staging>,
}

impl Rules {
    /// Reads `path`; a malformed file or rule is one error naming it.
    pub fn load(path: &Path) -> Result<Rules> {
        let text = crate::fs::read_to_string(path)?;
        Rules::parse(&text).with_context(|| format!("malformed {}", path.display()))
    }

    /// Parses the text of a rules file.
    pub fn parse(text: &str) -> Result<Rules> {
        let file: RulesFile = toml::from_str(text)?;
        let rules = file
            .rule
            .into_iter()
            .map(|r| {
                let message = Regex::new(&r.message).with_context(|| format!("rule {}: bad message pattern", r.id))?;
                let label = r
                    .label
                    .as_deref()
                    .map(Regex::new)
                    .transpose()
                    .with_context(|| format!("rule {}: bad label pattern", r.id))?;
                let needs: &[&str] = match r.kind {
                    Kind::Rename => &["item", "to"],
                    Kind::Attribute => &["attribute"],
                    Kind::BoundArgument | Kind::TryOperator => &[],
                    Kind::BoundReturn => &["ty"],
                };
                for name in needs {
                    if !message.capture_names().flatten().any(|c| c == *name) {
                        bail!("rule {}: its message pattern has no `{name}` capture", r.id);
                    }
                }
                Ok(Rule {
                    id: r.id,
                    release: r.release,
                    kind: r.kind,
                    source: r.source,
                    message,
                    label,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let staging = file
            .staging
            .into_iter()
            .map(|(minor, staging)| {
                let point: Point = minor.parse().map_err(|e| anyhow::anyhow!("staging {minor}: {e}"))?;
                Ok((point.minor(), staging))
            })
            .collect::<Result<_>>()?;
        Ok(Rules { rules, staging })
    }

    /// The edit the first rule tried at `release` makes of `diagnostic`, whose span lies in
    /// `source` (the text of its file), if any rule applies.
    pub fn edit(&self, release: &Release, diagnostic: &Diagnostic, source: &str) -> Option<Edit> {
        let span = diagnostic.span.as_ref()?;
        self.rules
            .iter()
            .filter(|rule| release.minor() >= rule.release.minor())
            .find_map(|rule| {
                let found = rule.message.captures(&diagnostic.message)?;
                if let Some(label) = &rule.label {
                    if !diagnostic.label.as_deref().is_some_and(|l| label.is_match(l)) {
                        return None;
                    }
                }
                let capture = |name: &str| found.name(name).map(|m| m.as_str());
                let edit = match rule.kind {
                    Kind::Rename => rename(source, span.start, span.end, capture("item")?, capture("to")?),
                    Kind::Attribute => attribute(source, span.start, capture("attribute")?),
                    Kind::BoundArgument => bound_argument(source, span.start, span.end),
                    Kind::BoundReturn => bound_return(source, span.start, capture("ty")?),
                    Kind::TryOperator => try_operator(source, span.start, span.end),
                }?;
                Some(Edit {
                    file: span.file.clone(),
                    rule: rule.id.clone(),
                    ..edit
                })
            })
    }
}

/// A path's segments, split at `::` outside angle brackets (`Python::<'_>::with_gil`).
fn segments(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' => depth += 1,
            b'>' => depth -= 1,
            b':' if depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                out.push(&path[start..i]);
                i += 2;
                start = i;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(&path[start..]);
    out.retain(|s| !s.is_empty() && !s.starts_with('<'));
    out
}

/// Whether `text` is one Rust identifier.
fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// The deprecated `item` under the span becomes `to`'s last segment: only where the text
/// under the span is exactly the item's name, and the replacement lives where the item did
/// (the same parent, a method called with `.`, or a name of its own such as `Py<PyAny>`);
/// `pyo3::prepare_freethreaded_python` -> `Python::initialize` is not a rename of a name.
fn rename(source: &str, start: usize, end: usize, item: &str, to: &str) -> Option<Edit> {
    let under = source.get(start..end)?;
    let item = segments(item);
    let to_segments = segments(to);
    let (name, replacement) = (*item.last()?, *to_segments.last()?);
    if under != name || !is_identifier(under) {
        return None;
    }
    let method_call = source[..start].trim_end().ends_with('.');
    let same_parent = item.iter().rev().nth(1) == to_segments.iter().rev().nth(1);
    if !(method_call || same_parent || to_segments.len() == 1) {
        return None;
    }
    Some(Edit::replace(start, end, under, replacement))
}

/// `attribute` on a line of its own above the line of `at`.
fn attribute(source: &str, at: usize, attribute: &str) -> Option<Edit> {
    let line_start = source.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let indent: String = source[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    Some(Edit::replace(
        line_start,
        line_start,
        "",
        &format!("{indent}{attribute}\n"),
    ))
}

/// The GIL-ref type at `start` (`&PyT`, `&'py PyT`), or after the argument name under
/// `start..end` (`m: &PyModule`), becomes `&Bound<'_, PyT>` (`&Bound<'py, PyT>`).
fn bound_argument(source: &str, start: usize, end: usize) -> Option<Edit> {
    let gil_ref = Regex::new(
        r"^&\s*(?:'(?P<lifetime>[A-Za-z_][A-Za-z0-9_]*)\s+)?(?P<ty>(?:[A-Za-z_][A-Za-z0-9_]*::)*Py[A-Za-z0-9_]*)\b",
    )
    .expect("valid pattern");
    let under = source.get(start..end)?;
    let from = match under {
        "&" => start,
        name if is_identifier(name) => {
            let rest = &source[end..];
            let colon = rest.len() - rest.trim_start().len();
            if !rest.trim_start().starts_with(':') {
                return None;
            }
            let after = &rest[colon + 1..];
            end + colon + 1 + (after.len() - after.trim_start().len())
        }
        _ => return None,
    };
    let found = gil_ref.captures(&source[from..])?;
    let whole = found.get(0)?;
    let lifetime = found.name("lifetime").map_or("_", |m| m.as_str());
    let ty = found.name("ty")?.as_str();
    Some(Edit::replace(
        from,
        from + whole.end(),
        whole.as_str(),
        &format!("&Bound<'{lifetime}, {ty}>"),
    ))
}

/// In the return type that starts at `start` (up to the function's body), the first
/// `&'lt T` / `&T` (`ty` names T) becomes `Bound<'lt, T>` (`Bound<'_, T>`).
fn bound_return(source: &str, start: usize, ty: &str) -> Option<Edit> {
    let name = *segments(ty).last()?;
    let rest = source.get(start..)?;
    let end = rest.find(['{', ';']).unwrap_or(rest.len());
    let gil_ref = Regex::new(&format!(
        r"&\s*(?:'(?P<lifetime>[A-Za-z_][A-Za-z0-9_]*)\s+)?(?P<ty>(?:[A-Za-z_][A-Za-z0-9_]*::)*{})\b",
        regex::escape(name)
    ))
    .ok()?;
    let found = gil_ref.captures(&rest[..end])?;
    let whole = found.get(0)?;
    let lifetime = found.name("lifetime").map_or("_", |m| m.as_str());
    Some(Edit::replace(
        start + whole.start(),
        start + whole.end(),
        whole.as_str(),
        &format!("Bound<'{lifetime}, {}>", &found["ty"]),
    ))
}

/// `?` after the call under `start..end` (a whole call expression, `X::new(..)`).
fn try_operator(source: &str, start: usize, end: usize) -> Option<Edit> {
    let call = source.get(start..end)?;
    let is_call = Regex::new(r"^(?:[A-Za-z_][A-Za-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*\(").expect("valid pattern");
    if !is_call.is_match(call) || !call.ends_with(')') || source[end..].starts_with('?') {
        return None;
    }
    Some(Edit::replace(end, end, "", "?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../matrix/migrate.toml");
        Rules::load(&path).unwrap()
    }

    /// The text `source` reads after the edit the rules make of `message` at the first
    /// occurrence of `under` (at `release`).
    fn after(release: &str, message: &str, source: &str, under: &str) -> Option<String> {
        let start = source.find(under).unwrap();
        let diagnostic = Diagnostic::at(message, "src/lib.rs", start, start + under.len());
        let edit = rules().edit(&Release::parse(release).unwrap(), &diagnostic, source)?;
        Some(edit.apply_to(source).unwrap())
    }

    #[test]
    fn the_rules_file_loads_with_its_staging_step() {
        let rules = rules();
        assert!(rules.rules.len() >= 5);
        assert_eq!(rules.staging[&(0, 21)].feature, "gil-refs");
    }

    #[test]
    fn a_deprecation_note_renames_the_name_under_its_span_only() {
        // (release, rustc's message, source, text under the span, source after)
        let cases = [
            (
                "0.26.0",
                "use of deprecated associated function `pyo3::Python::<'_>::with_gil`: use `Python::attach` instead",
                "    Python::with_gil(|py| f(py)) // with_gil\n",
                "with_gil",
                "    Python::attach(|py| f(py)) // with_gil\n",
            ),
            (
                "0.26.0",
                "use of deprecated method `pyo3::Python::<'py>::allow_threads`: use `Python::detach` instead",
                "py.allow_threads(|| 1)",
                "allow_threads",
                "py.detach(|| 1)",
            ),
            (
                "0.26.0",
                "use of deprecated type alias `pyo3::PyObject`: use `Py<PyAny>` instead",
                "fn f() -> PyObject {",
                "PyObject",
                "fn f() -> Py<PyAny> {",
            ),
            (
                "0.27.0",
                "use of deprecated method `pyo3::types::PyAnyMethods::downcast`: use `Bound::cast` instead",
                "x.downcast::<PyList>()?",
                "downcast",
                "x.cast::<PyList>()?",
            ),
            (
                "0.23.5",
                "use of deprecated method `pyo3::types::PyAnyMethods::iter`: use `try_iter` instead",
                "for x in obj.iter()? {",
                "iter",
                "for x in obj.try_iter()? {",
            ),
            (
                "0.23.0",
                "use of deprecated associated function `pyo3::types::PyList::new_bound`: renamed to `PyList::new`",
                "PyList::new_bound(py, v)",
                "new_bound",
                "PyList::new(py, v)",
            ),
            (
                "0.21.2",
                "use of deprecated associated function `pyo3::types::PyList::new`: `PyList::new` will be replaced by `PyList::new_bound` in a future PyO3 version",
                "PyList::new(py, v)",
                "new",
                "PyList::new_bound(py, v)",
            ),
        ];
        for (release, message, source, under, expected) in cases {
            assert_eq!(
                after(release, message, source, under).as_deref(),
                Some(expected),
                "{message}"
            );
        }
    }

    #[test]
    fn what_is_not_a_rename_of_the_name_under_the_span_is_left_alone() {
        // Another parent, not a method call: a person decides.
        let moved = "use of deprecated function `pyo3::prepare_freethreaded_python`: use `Python::initialize` instead";
        assert_eq!(
            after(
                "0.26.0",
                moved,
                "pyo3::prepare_freethreaded_python();",
                "prepare_freethreaded_python"
            ),
            None
        );
        // The span does not hold the deprecated name (a macro's span, say).
        let with_gil =
            "use of deprecated associated function `pyo3::Python::<'_>::with_gil`: use `Python::attach` instead";
        assert_eq!(after("0.26.0", with_gil, "my_macro!(x)", "my_macro"), None);
        // Before the release the rule comes from.
        assert_eq!(after("0.22.6", with_gil, "Python::with_gil(f)", "with_gil"), None);
        // Not a deprecation of PyO3's at all.
        assert_eq!(
            after("0.26.0", "unused variable: `with_gil`", "let with_gil = 1;", "with_gil"),
            None
        );
    }

    #[test]
    fn the_signature_the_note_spells_out_goes_above_the_function() {
        let note = "use of deprecated constant `__pyfunction_greet::SIGNATURE`: this function has implicit defaults for the trailing `Option<T>` arguments \n= note: these implicit defaults are being phased out\n= help: add `#[pyo3(signature = (name, greeting=None))]` to this function to silence this warning and keep the current behavior";
        let source = "#[pyfunction]\n    fn greet(name: &str, greeting: Option<&str>) {}\n";
        assert_eq!(
            after("0.22.6", note, source, "greet").unwrap(),
            "#[pyfunction]\n    #[pyo3(signature = (name, greeting=None))]\n    fn greet(name: &str, greeting: Option<&str>) {}\n"
        );
    }

    #[test]
    fn a_gil_ref_argument_becomes_a_bound_reference() {
        let note = "use of deprecated method `pyo3::impl_::deprecations::GilRefs::<T>::function_arg`: use `&Bound<'_, T>` instead for this function argument";
        assert_eq!(
            after("0.21.2", note, "fn total(list: &PyList) -> i64", "&").unwrap(),
            "fn total(list: &Bound<'_, PyList>) -> i64"
        );
        assert_eq!(
            after("0.21.2", note, "fn f<'py>(d: &'py PyDict)", "&").unwrap(),
            "fn f<'py>(d: &Bound<'py, PyDict>)"
        );
        // A span that is not a name or `&` is left alone.
        assert_eq!(after("0.21.2", note, "fn m(_py: Python, m: &PyModule)", "m: &"), None);
        let source = "fn shop(_py: Python, m: &PyModule) -> PyResult<()>";
        let start = source.find("m: ").unwrap();
        let diagnostic = Diagnostic::at(note, "src/lib.rs", start, start + 1);
        let edit = rules()
            .edit(&Release::parse("0.21.2").unwrap(), &diagnostic, source)
            .unwrap();
        assert_eq!(
            edit.apply_to(source).unwrap(),
            "fn shop(_py: Python, m: &Bound<'_, PyModule>) -> PyResult<()>"
        );
    }

    #[test]
    fn a_gil_ref_return_becomes_bound_and_a_fallible_constructor_gets_its_question_mark() {
        let message = "`&PyList` cannot be converted to a Python object";
        let source = "fn double<'py>(py: Python<'py>, items: &Bound<'py, PyList>) -> PyResult<&'py PyList> {\n    Ok(PyList::new(py, out) /* fresh */)\n}\n";
        let after_return = after("0.23.5", message, source, "PyResult").unwrap();
        assert_eq!(
            after_return,
            source.replace("PyResult<&'py PyList> {", "PyResult<Bound<'py, PyList>> {")
        );
        // The call, once the return type is Bound: rustc's label says what the call gives.
        let start = after_return.find("PyList::new(py, out)").unwrap();
        let mut diagnostic = Diagnostic::at(
            "mismatched types",
            "src/lib.rs",
            start,
            start + "PyList::new(py, out)".len(),
        );
        diagnostic.label = Some("expected `Bound<'_, PyList>`, found `Result<Bound<'_, PyList>, PyErr>`".into());
        let edit = rules()
            .edit(&Release::parse("0.23.5").unwrap(), &diagnostic, &after_return)
            .unwrap();
        assert_eq!(
            edit.apply_to(&after_return).unwrap(),
            after_return.replace("Ok(PyList::new(py, out) /*", "Ok(PyList::new(py, out)? /*")
        );
        // While the return type still wants a GIL ref, the same mismatch gets nothing.
        diagnostic.label = Some("expected `&PyList`, found `Result<Bound<'_, PyList>, PyErr>`".into());
        assert_eq!(
            rules().edit(&Release::parse("0.23.5").unwrap(), &diagnostic, &after_return),
            None
        );
    }

    #[test]
    fn path_segments_ignore_generic_arguments() {
        assert_eq!(segments("pyo3::Python::<'_>::with_gil"), ["pyo3", "Python", "with_gil"]);
        assert_eq!(segments("Py<PyAny>"), ["Py<PyAny>"]);
        assert_eq!(segments("Bound::cast"), ["Bound", "cast"]);
    }

    #[test]
    fn a_rule_without_the_captures_its_kind_needs_is_refused_by_name() {
        let text = "[[rule]]\nid = \"x\"\nrelease = \"0.26\"\nkind = \"rename\"\nmessage = \"use `(?P<to>.*)`\"\nsource = \"s\"\n";
        let e = Rules::parse(text).unwrap_err();
        assert!(
            format!("{e:#}").contains("rule x: its message pattern has no `item` capture"),
            "{e:#}"
        );
    }
}
