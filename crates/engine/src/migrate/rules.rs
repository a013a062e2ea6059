//! The rules of `matrix/migrate.toml`, read once: each turns one diagnostic of the crate's
//! own code, at its primary span, into one edit, or into nothing when the text under the
//! span is not what the rule is about (then the diagnostic stays a residual). What each kind
//! does at the span lives in [`super::kinds`] (the clones of a `Py` in [`super::clones`]).

use super::clones;
use super::compiler::Diagnostic;
use super::edit::Edit;
use super::kinds::{self, Rewrite};
use super::syntax::Source;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::{Point, Release};
use regex::{Captures, Regex};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// What a rule does at the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// The deprecated item becomes the replacement the note names.
    Rename,
    /// A deprecated constructor renamed to one that now gives a `PyResult` (`new_bound` ->
    /// `new` at 0.23) is renamed with `?` after its call, or left as it is where `?` cannot go.
    RenameFallible,
    /// The attribute the note spells out goes above the item.
    Attribute,
    /// A GIL-ref argument type (`&PyT`, or inside an `Option`) becomes `&Bound<'_, T>`.
    BoundArgument,
    /// A GIL-ref type in a return type (after the span) becomes `Bound<'_, T>`.
    BoundReturn,
    /// A call whose value is now a `PyResult` gets `?`.
    TryOperator,
    /// `impl IntoPy<PyObject> for T` (the span on `IntoPy`) becomes `impl<'py>
    /// IntoPyObject<'py> for T`, its `into_py` a fallible `into_pyobject` whose value is the
    /// old body's, bound.
    IntoPyobjectImpl,
    /// `x.into_py(py)` (the span on `into_py`) becomes `x.into_pyobject(py)?.into_any().unbind()`
    /// where `?` can go (see `kinds::question_mark`); so does `x.to_object(py)` where `x` is a
    /// value made there (`to_object` borrowed it, `into_pyobject` takes it), or a reference
    /// (the message's `reference` capture), which `into_pyobject` converts as `to_object` did.
    IntoPyobjectCall,
    /// `call(..).m(..)` whose `call` now gives a `PyResult` (the span on `m`) gets `?`
    /// after the call where `?` can go.
    TryBeforeMethod,
    /// `x.m(..)` where `x` is a `&PyT` parameter of the function around it (the span on
    /// `m`, a method GIL refs lost): the parameter becomes `&Bound<'_, PyT>`, as
    /// `bound-argument` makes it for the functions Python calls.
    BoundParameter,
    /// A value used after a move (the span on the use) is borrowed where it was moved
    /// (`f(x)` becomes `f(&x)`): a GIL ref was a `Copy` reference, a `Bound` is not, and
    /// PyO3's methods take `&Bound` wherever they take a `Bound`.
    BorrowMoved,
    /// The plain variable under the span is borrowed (`f(&x, x)` whose second `x` cannot
    /// move while the first borrows it becomes `f(&x, &x)`).
    Borrow,
    /// `x.f.m(..)` (the span on `m`, a method GIL refs lost) where `f` is a struct field of
    /// the file whose type is a GIL ref `&'py PyT`: the field becomes `Bound<'py, PyT>`, the
    /// owned value a GIL ref's lifetime stood for.
    BoundField,
    /// The `&PyT` type written on the `let` whose value the span is in becomes
    /// `&Bound<'_, PyT>` (`let d: &PyDict = x.downcast()?`).
    BoundLet,
    /// Where a `Bound` value arrives (the span) at a place whose type is written as a GIL
    /// ref: the `let` of the local `x` in `x.m(.., v, ..)` (`Vec<(&PyAny, &PyAny)>`), else
    /// the `let` whose value holds the span (`let e: &PyAny = obj.extract(py)?`). Each
    /// `&PyT` (`ty` names T) written there becomes `Bound<'_, PyT>`, which it then owns.
    OwnedBound,
    /// `let x = t.m(..);` whose temporary `t` (the span, `b.str()?`) is dropped while `m`'s
    /// value borrows it (a `&str` of a `Bound<PyString>`, where a GIL ref lived as long as
    /// the GIL pool) becomes `let x = t;` then `let x = x.m(..);`.
    HoistTemporary,
    /// `x.into_pyobject(py)` that moves `x` out of a guard or other smart pointer (the span
    /// on `x`, a `MutexGuard` say) becomes `(&*x).into_pyobject(py)`: the value converted
    /// by reference, as the `to_object` it replaced did.
    IntoPyobjectByReference,
    /// `T::f(value)` or `<T as Trait>::f(value)` (the span on `f`) becomes
    /// `value.to::<T>()` (`to` a capture): `PyTryFrom::try_from` became `downcast`.
    CallToMethod,
    /// The name under the span leaves the `use` that imports it (the whole `use` when it
    /// is the only name there): a PyO3 trait the rules' edits no longer call, or that a
    /// release removed.
    RemoveImport,
    /// A `Py` cloned without the GIL, which 0.22 no longer allows (`x.to_owned()`, `x.clone()`,
    /// a `&Py` where a `Py` is expected, `iter.cloned()`; the span on the expression or on
    /// the method): `x.clone_ref(py)` with the `Python` at hand (the function's own, a
    /// `PyRef`'s or a `Bound`'s `.py()`, or a new `py` parameter where Python calls the
    /// function), else inside `Python::with_gil`.
    CloneRef,
    /// `x.clone()` of a `Vec` or a map of `Py`s (rustc names the container in its message's
    /// `container`): each item cloned by reference as [`Kind::CloneRef`] clones one, collected.
    CloneEach,
    /// A `#[derive(Clone)]` struct with a `Py` field (the span on the field) gets its `Clone`
    /// by hand: each `Py` cloned with `clone_ref` under `Python::with_gil`, as PyO3's `Clone`
    /// did before 0.22 (never panicking without the GIL), every other field as derived.
    CloneWithTheGil,
    /// A GIL ref's method called as a function, `PyAny::eq(a, b)` (the span on `eq`),
    /// becomes `a.eq(b)`; `x.extract(py)?` as `a`, the GIL ref of a `Py`, becomes
    /// `x.bind(py)`.
    MethodSyntax,
    /// At a `#[pymethods]` attribute (where rustc reports an argument it cannot point at:
    /// a slot's, a tuple's), every GIL-ref argument of the block's methods becomes a
    /// `Bound`: `&Bound<'_, PyT>`, and `Bound<'_, PyT>` inside a tuple.
    BoundArgumentsOfBlock,
    /// The expression under the span, a `&Bound` where a `Bound` is expected (an array's
    /// item beside owned ones), gets `.clone()`: a new reference to the same object.
    CloneBound,
    /// A reference parameter (the message's `name`) gets the lifetime rustc says its value
    /// needs (the label's `lifetime`): a `&str` of a `&Bound<'py, T>` lives as long as the
    /// reference, where a GIL ref's lived for `'py`.
    LifetimeOnParameter,
    /// `unsafe impl Trait for T {` of a trait PyO3 removed (the span on `Trait`) becomes
    /// `impl T {`: its methods stay, as the type's own.
    InherentImpl,
    /// The `?` that ends the span goes: the value is no longer a `Result` (an iterator of a
    /// list that 0.23 gives where a sequence was fallible to iterate).
    DropTry,
    /// A local whose `let` value is a call that now gives a `PyResult` (the span on the
    /// local, or on a method called on it) gets `?` at the end of that value, where `?`
    /// can go.
    TryAtLet,
    /// rustc's own fix, where it marks one machine-applicable ("consider borrowing here",
    /// "consider using clone here"): the rule's message and label say which diagnostics.
    Suggestion,
    /// The first match of the rule's `at` pattern that starts inside the span (the text
    /// from the span's start on is searched, so `^` means "at the span") becomes its `into`
    /// template: for headers and signatures a deprecation never points at.
    Rewrite,
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
    /// A pattern one of rustc's notes must match, when neither is enough (a lint's note
    /// naming the type).
    #[serde(default)]
    note: Option<String>,
    /// For a rewrite: the pattern found from the span on.
    #[serde(default)]
    at: Option<String>,
    /// For a rewrite: what the match becomes (`${name}` is a capture of `at`, else of the
    /// message; `${indent}` the indentation of the span's line; an absent `lifetime` capture
    /// is `_`).
    #[serde(default)]
    into: Option<String>,
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

impl Staging {
    /// The feature as cargo's `--features` names it for the crate (`pyo3/gil-refs`).
    pub fn cargo_feature(&self) -> String {
        format!("pyo3/{}", self.feature)
    }
}

/// A change no rule makes because a person must decide (`[[notice]]`): where the crate's
/// code matches `code` at the step to `release`, the migration says so and names the
/// catalog pattern that shows the change.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeText {
    id: String,
    release: Point,
    code: String,
    /// Matches of `code` that also match this are left out (the decision already made).
    #[serde(default)]
    unless: Option<String>,
    pattern: String,
    why: String,
}

/// A notice, ready to match.
#[derive(Debug, Clone)]
pub struct Notice {
    /// Its name in reports.
    pub id: String,
    /// The release whose step raises it.
    pub release: Point,
    /// The catalog pattern that shows the change and its fix.
    pub pattern: String,
    /// What changes and what a person must decide.
    pub why: String,
    code: Regex,
    unless: Option<Regex>,
}

impl Notice {
    /// The byte ranges of `source` where this notice applies.
    pub fn find(&self, source: &str) -> Vec<std::ops::Range<usize>> {
        self.code
            .find_iter(source)
            .filter(|m| !self.unless.as_ref().is_some_and(|u| u.is_match(m.as_str())))
            .map(|m| m.range())
            .collect()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    #[serde(default)]
    staging: BTreeMap<String, Staging>,
    rule: Vec<RuleText>,
    #[serde(default)]
    notice: Vec<NoticeText>,
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
    note: Option<Regex>,
    rewrite: Option<Rewrite>,
}

/// Every rule and staging step.
#[derive(Debug, Clone)]
pub struct Rules {
    /// The rules, in the file's order.
    pub rules: Vec<Rule>,
    /// Staging steps by release minor (`0.21`).
    pub staging: BTreeMap<(u64, u64), Staging>,
    /// What a person must decide, in the file's order.
    pub notices: Vec<Notice>,
}

impl Rule {
    /// What the rule's message and label patterns capture of `diagnostic`, when both match
    /// (and its note pattern one of the notes).
    fn captures<'d>(&self, diagnostic: &'d Diagnostic) -> Option<(Captures<'d>, Option<Captures<'d>>)> {
        if let Some(note) = &self.note {
            diagnostic.notes.iter().find(|n| note.is_match(n))?;
        }
        let found = self.message.captures(&diagnostic.message)?;
        let labelled = match &self.label {
            Some(label) => Some(label.captures(diagnostic.label.as_deref()?)?),
            None => None,
        };
        Some((found, labelled))
    }
}

impl Rules {
    /// The rules tried at `release`, in the file's order.
    fn due(&self, release: &Release) -> impl Iterator<Item = &Rule> {
        let minor = release.minor();
        self.rules.iter().filter(move |rule| minor >= rule.release.minor())
    }

    /// The first rule tried at `release` whose patterns match `diagnostic`: the rule that
    /// knows the change, whether or not it could make it at the span (a diagnostic left
    /// after a step's rounds is one no matching rule could edit).
    pub fn knowing(&self, release: &Release, diagnostic: &Diagnostic) -> Option<&Rule> {
        self.due(release).find(|rule| rule.captures(diagnostic).is_some())
    }

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
                let optional = |pattern: Option<&str>, what: &str| {
                    let parsed = pattern.map(Regex::new).transpose();
                    parsed.with_context(|| format!("rule {}: bad {what} pattern", r.id))
                };
                let label = optional(r.label.as_deref(), "label")?;
                let note = optional(r.note.as_deref(), "note")?;
                let needs: &[&str] = match r.kind {
                    Kind::Rename | Kind::RenameFallible => &["item", "to"],
                    Kind::Attribute => &["attribute"],
                    Kind::BoundArgument
                    | Kind::TryOperator
                    | Kind::Rewrite
                    | Kind::IntoPyobjectImpl
                    | Kind::IntoPyobjectCall
                    | Kind::TryBeforeMethod
                    | Kind::BoundParameter
                    | Kind::BoundField
                    | Kind::BoundLet
                    | Kind::Suggestion
                    | Kind::HoistTemporary
                    | Kind::IntoPyobjectByReference
                    | Kind::RemoveImport
                    | Kind::CloneRef
                    | Kind::CloneWithTheGil
                    | Kind::CloneBound
                    | Kind::InherentImpl
                    | Kind::DropTry
                    | Kind::TryAtLet
                    | Kind::MethodSyntax
                    | Kind::BoundArgumentsOfBlock
                    | Kind::BorrowMoved
                    | Kind::Borrow => &[],
                    Kind::BoundReturn | Kind::OwnedBound => &["ty"],
                    Kind::CloneEach => &["container"],
                    Kind::LifetimeOnParameter => &["name", "lifetime"],
                    Kind::CallToMethod => &["to"],
                };
                for name in needs {
                    let mut names = message
                        .capture_names()
                        .chain(label.iter().flat_map(|l| l.capture_names()))
                        .flatten();
                    if !names.any(|c| c == *name) {
                        bail!("rule {}: its message pattern has no `{name}` capture", r.id);
                    }
                }
                let rewrite = match (r.kind, r.at, r.into) {
                    (Kind::Rewrite, Some(at), Some(into)) => Some(Rewrite {
                        at: Regex::new(&at).with_context(|| format!("rule {}: bad `at` pattern", r.id))?,
                        into,
                    }),
                    (Kind::Rewrite, _, _) => bail!("rule {}: a rewrite needs `at` and `into`", r.id),
                    (_, None, None) => None,
                    _ => bail!("rule {}: only a rewrite takes `at` and `into`", r.id),
                };
                Ok(Rule {
                    id: r.id,
                    release: r.release,
                    kind: r.kind,
                    source: r.source,
                    message,
                    label,
                    note,
                    rewrite,
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
        let notices = file
            .notice
            .into_iter()
            .map(|n| {
                let pattern = |text: &str, what: &str| {
                    Regex::new(text).with_context(|| format!("notice {}: bad {what} pattern", n.id))
                };
                Ok(Notice {
                    code: pattern(&n.code, "code")?,
                    unless: n.unless.as_deref().map(|u| pattern(u, "unless")).transpose()?,
                    id: n.id,
                    release: n.release,
                    pattern: n.pattern,
                    why: n.why,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Rules {
            rules,
            staging,
            notices,
        })
    }

    /// The edits the first rule tried at `release` that applies makes of `diagnostic`, whose
    /// span lies in `source` (the text of its file); none when no rule applies.
    pub fn edits(&self, release: &Release, diagnostic: &Diagnostic, source: &str) -> Vec<Edit> {
        let Some(span) = diagnostic.span.as_ref() else {
            return Vec::new();
        };
        let syntax = std::cell::OnceCell::new();
        let syntax = || syntax.get_or_init(|| Source::parse(source)).as_ref();
        self.due(release)
            .find_map(|rule| {
                let (found, labelled) = rule.captures(diagnostic)?;
                // A capture of the message, else of the label.
                let capture = |name: &str| {
                    found
                        .name(name)
                        .or_else(|| labelled.as_ref()?.name(name))
                        .map(|m| m.as_str())
                };
                let (start, end) = (span.start, span.end);
                let edits = match rule.kind {
                    Kind::Rename => vec![kinds::rename(source, start, end, capture("item")?, capture("to")?)?],
                    Kind::RenameFallible => {
                        kinds::rename_fallible(source, syntax()?, start..end, capture("item")?, capture("to")?)?
                    }
                    Kind::Attribute => vec![kinds::attribute(source, start, capture("attribute")?)?],
                    Kind::BoundArgument => vec![kinds::bound_argument(source, start, end)?],
                    Kind::BoundReturn => {
                        // The return type of the function whose body holds the span, or the
                        // type the span starts.
                        let returns = syntax().and_then(|s| s.function_at(start)?.returns);
                        kinds::owned_bound(source, returns.map_or(start, |r| r.start), capture("ty")?)?
                    }
                    Kind::TryOperator => kinds::try_operator(source, syntax()?, start, end)?,
                    Kind::Rewrite => {
                        let message = rule.message.capture_names().flatten();
                        let captured: Vec<(&str, &str)> =
                            message.filter_map(|name| Some((name, capture(name)?))).collect();
                        vec![kinds::rewrite(source, start, end, rule.rewrite.as_ref()?, &captured)?]
                    }
                    Kind::IntoPyobjectImpl => kinds::into_pyobject_impl(source, syntax()?, start)?,
                    Kind::IntoPyobjectCall => {
                        kinds::into_pyobject_call(source, syntax()?, start..end, capture("reference").is_some())?
                    }
                    Kind::TryBeforeMethod => kinds::try_before_method(source, syntax()?, start..end)?,
                    Kind::BoundParameter => vec![kinds::bound_parameter(source, syntax()?, start..end)?],
                    Kind::BoundField => vec![kinds::bound_field(source, syntax()?, start..end)?],
                    Kind::BoundLet => {
                        let ty = syntax()?.let_type_at(start)?;
                        vec![kinds::bound_argument(source, ty.start, ty.start + 1)?]
                    }
                    Kind::OwnedBound => {
                        let written = kinds::declared_at(source, syntax()?, start)?;
                        kinds::owned_bound(source, written, capture("ty")?)?
                    }
                    Kind::Suggestion => kinds::suggested(source, &diagnostic.suggestions)?,
                    Kind::CallToMethod => vec![kinds::call_to_method(source, syntax()?, start..end, capture("to")?)?],
                    Kind::RemoveImport => vec![kinds::remove_import(source, start, end)?],
                    Kind::CloneRef => clones::clone_ref(source, syntax()?, start..end, capture("item"))?,
                    Kind::LifetimeOnParameter => vec![kinds::lifetime_on_parameter(
                        source,
                        syntax()?,
                        start,
                        capture("name")?,
                        capture("lifetime")?,
                    )?],
                    Kind::CloneEach => clones::clone_each(source, syntax()?, start..end, capture("container")?)?,
                    Kind::TryAtLet => kinds::try_at_let(source, syntax()?, start..end)?,
                    Kind::DropTry => vec![kinds::drop_try(source, end)?],
                    Kind::InherentImpl => vec![kinds::inherent_impl(source, start, end)?],
                    Kind::CloneBound => vec![kinds::clone_bound(source, start, end)?],
                    Kind::CloneWithTheGil => clones::clone_with_the_gil(source, syntax()?, start)?,
                    Kind::MethodSyntax => vec![kinds::method_syntax(source, syntax()?, start..end)?],
                    Kind::BoundArgumentsOfBlock => kinds::bound_arguments_of_block(source, syntax()?, start)?,
                    Kind::HoistTemporary => vec![kinds::hoist_temporary(source, syntax()?, start..end)?],
                    Kind::IntoPyobjectByReference => vec![kinds::into_pyobject_by_reference(source, start, end)?],
                    Kind::BorrowMoved => vec![kinds::borrow(source, diagnostic.moved.as_ref()?)?],
                    Kind::Borrow => vec![kinds::borrow(source, span)?],
                };
                Some(
                    edits
                        .into_iter()
                        .map(|edit| Edit {
                            file: span.file.clone(),
                            rule: rule.id.clone(),
                            ..edit
                        })
                        .collect(),
                )
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migrate::compiler::{Span, Suggestion};
    use crate::migrate::edit::splice;

    fn rules() -> Rules {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../matrix/migrate.toml");
        Rules::load(&path).unwrap()
    }

    /// The text `source` reads after the edit the rules make of `message` at the first
    /// occurrence of `under` (at `release`).
    fn after(release: &str, message: &str, source: &str, under: &str) -> Option<String> {
        let start = source.find(under).unwrap();
        let diagnostic = Diagnostic::at(message, "src/lib.rs", start, start + under.len());
        let edits = rules().edits(&Release::parse(release).unwrap(), &diagnostic, source);
        (!edits.is_empty()).then(|| splice(source, &edits).unwrap())
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
            (
                "0.21.2",
                "use of deprecated method `pyo3::Py::<T>::as_ref`: use `obj.bind(py)` instead of `obj.as_ref(py)`",
                "py.None().as_ref(py).get_type_ptr()",
                "as_ref",
                "py.None().bind(py).get_type_ptr()",
            ),
            (
                "0.21.2",
                "use of deprecated method `pyo3::Py::<T>::into_ref`: use `obj.into_bound(py)` instead of `obj.into_ref(py)`",
                "let list = owned.into_ref(py);",
                "into_ref",
                "let list = owned.into_bound(py);",
            ),
            (
                "0.22.6",
                "no function or associated item named `new` found for struct `PyDict` in the current scope",
                "let result = PyDict::new(py);",
                "new",
                "let result = PyDict::new_bound(py);",
            ),
            (
                "0.21.2",
                "use of deprecated method `pyo3::PyAny::is_true`: use `.is_truthy()` instead",
                "if value.is_true()? {",
                "is_true",
                "if value.is_truthy()? {",
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
        assert_eq!(
            after("0.21.2", note, "fn get_x(slf: &PyCell<Self>) -> i64", "&").unwrap(),
            "fn get_x(slf: &Bound<'_, Self>) -> i64"
        );
        assert_eq!(after("0.21.2", note, "fn f(x: &PyOther<Self>)", "&"), None);
        // A span that is not a name or `&` is left alone.
        assert_eq!(after("0.21.2", note, "fn m(_py: Python, m: &PyModule)", "m: &"), None);
        let source = "fn shop(_py: Python, m: &PyModule) -> PyResult<()>";
        let start = source.find("m: ").unwrap();
        let diagnostic = Diagnostic::at(note, "src/lib.rs", start, start + 1);
        let edits = rules().edits(&Release::parse("0.21.2").unwrap(), &diagnostic, source);
        assert_eq!(
            splice(source, &edits).unwrap(),
            "fn shop(_py: Python, m: &Bound<'_, PyModule>) -> PyResult<()>"
        );
        // 0.22 refuses an optional one by its name, and a classmethod's `cls` by its `&`.
        let refused =
            "the trait bound `&PyDict: pyo3::impl_::extract_argument::PyFunctionArgument<'_, '_>` is not satisfied";
        let optional = "fn init(kwds: Option<&PyDict>) -> PyResult<Self>";
        assert_eq!(
            edited(optional, refused, None, "kwds", 0),
            "fn init(kwds: Option<&Bound<'_, PyDict>>) -> PyResult<Self>"
        );
        // rustc's span on `Option` alone.
        assert_eq!(
            edited(optional, refused, None, "Option", 0),
            "fn init(kwds: Option<&Bound<'_, PyDict>>) -> PyResult<Self>"
        );
        // On the `#[pymethods]` attribute (a slot's argument, a tuple's): the whole block.
        let block = "#[pymethods]\nimpl View {\n    fn __and__(slf: PyRef<'_, Self>, other: &PyAny) -> bool {\n        true\n    }\n    fn __contains__(&self, item: (Key, &PyAny), cell: &PyCell<Self>, done: Option<&PyList>) -> bool {\n        false\n    }\n}\nfn helper(x: &PyAny) {}\n";
        let tupled = "the trait bound `(Key, &pyo3::PyAny): pyo3::impl_::extract_argument::PyFunctionArgument<'_, '_>` is not satisfied";
        assert_eq!(
            edited(block, tupled, None, "#[pymethods]", 0),
            block
                .replace("other: &PyAny", "other: &Bound<'_, PyAny>")
                .replace("(Key, &PyAny)", "(Key, Bound<'_, PyAny>)")
                .replace("&PyCell<Self>", "&Bound<'_, Self>")
                .replace("Option<&PyList>", "Option<&Bound<'_, PyList>>")
        );
        let cls = "the trait bound `&PyType: From<pyo3::impl_::pymethods::BoundRef<'_, '_, PyType>>` is not satisfied";
        let classmethod = "fn convert(_cls: &PyType, value: &Bound<'_, PyAny>)";
        assert_eq!(
            edited(classmethod, cls, None, "&", 0),
            "fn convert(_cls: &Bound<'_, PyType>, value: &Bound<'_, PyAny>)"
        );
    }

    #[test]
    fn what_a_gil_ref_api_gave_by_value_a_bound_gives_by_method() {
        // `T::extract(x)` called the GIL-ref `extract` a manual impl no longer has.
        let gone = "no function or associated item named `extract` found for struct `Key` in the current scope";
        let source = "fn f(k: Bound<'_, PyAny>) -> PyResult<()> {\n    m.insert(Key::extract(k)?, Key::extract(each?)?);\n    Ok(())\n}\n";
        let once = edited(source, gone, None, "extract", 0);
        let twice = edited(&once, gone, None, "extract", 1);
        assert!(
            twice.contains("m.insert(k.extract::<Key>()?, (each?).extract::<Key>()?);"),
            "{twice}"
        );
        // What 0.22 dropped for a function kept as it was at 0.21: `as_ref`, `PyNone::get`.
        let gone = "no method named `as_ref` found for struct `Py<T>` in the current scope";
        let source = "let value = val.unwrap_or_else(|| none.as_ref(py));";
        assert_eq!(
            edited(source, gone, None, "as_ref", 0),
            source.replace("as_ref", "bind")
        );
        let gone = "no function or associated item named `get` found for struct `PyNone` in the current scope";
        assert_eq!(edited("PyNone::get(py)", gone, None, "get", 0), "PyNone::get_bound(py)");
        // A `Py` cloned without the GIL, where the function holds a `Python`.
        let method =
            "the method `to_owned` exists for struct `Py<pyo3::PyAny>`, but its trait bounds were not satisfied";
        let label = Some("method cannot be called on `Py<pyo3::PyAny>` due to unsatisfied trait bounds");
        let source = "fn f(&self, py: Python<'_>) -> PyResult<bool> {\n    other.contains(each.inner.to_owned())\n}\n";
        assert_eq!(
            edited(source, method, label, "to_owned", 0),
            source.replace("to_owned()", "clone_ref(py)")
        );
        let mismatched = Some("expected `Py<PyAny>`, found `&Py<PyAny>`");
        for (expression, cloned) in [
            ("value.to_owned()", "value.clone_ref(py)"),
            ("value", "value.clone_ref(py)"),
        ] {
            let source = format!("fn g(py: Python) -> Py<PyAny> {{\n    {expression}\n}}\n");
            let at = source.find(expression).unwrap();
            let mut diagnostic = Diagnostic::at("mismatched types", "src/lib.rs", at, at + expression.len());
            diagnostic.label = mismatched.map(str::to_string);
            let edits = rules().edits(&Release::parse("0.22.6").unwrap(), &diagnostic, &source);
            assert_eq!(splice(&source, &edits).unwrap(), source.replace(expression, cloned));
        }
        // A `&Py` cloned where `Py` was `Clone`: from 0.22 the reference is copied (rustc's
        // `noop_method_call`, spanning `.clone()`, whose note names the type).
        let noop = "call to `.clone()` on a reference in this situation does nothing";
        let repr = "fn f(py: Python<'_>, k: &Key) -> String {\n    k.clone().into_py(py).to_string()\n}\n";
        let at = repr.find(".clone()").unwrap();
        let mut diagnostic = Diagnostic::at(noop, "src/lib.rs", at, at + ".clone()".len());
        let mut copied = |note: &str| {
            diagnostic.notes = vec![note.to_string()];
            let edits = rules().edits(&Release::parse("0.22.6").unwrap(), &diagnostic, repr);
            splice(repr, &edits).unwrap()
        };
        assert_eq!(
            copied("the type `pyo3::Py<pyo3::PyAny>` does not implement `Clone`, so calling `clone` on `&pyo3::Py<pyo3::PyAny>` copies the reference, which does not do anything and can be removed"),
            repr.replace("k.clone()", "k.clone_ref(py)")
        );
        // The crate's own type that is not `Clone`: not PyO3's change, left as it is.
        assert_eq!(
            copied("the type `Key` does not implement `Clone`, so calling `clone` on `&Key` copies the reference, which does not do anything and can be removed"),
            repr
        );
        // No `Python` at hand: the clone takes the GIL, as the old clone never panicked.
        let without = source.replace(", py: Python<'_>", "");
        assert_eq!(
            edited(&without, method, label, "to_owned", 0),
            without.replace(
                "each.inner.to_owned()",
                "pyo3::Python::with_gil(|py| each.inner.clone_ref(py))"
            )
        );
        // Where Python calls it, the function takes a `Python` (once, however many clones
        // ask for it); a `PyRef` receiver gives its own.
        let exported = "use pyo3::prelude::*;\n#[pymethods]\nimpl M {\n    fn get(&self, key: Key) -> Option<PyObject> {\n        (self.inner.get(&key).map(|v| v.to_owned()), self.other.to_owned()).0\n    }\n    fn next(slf: PyRef<'_, Self>) -> Vec<PyObject> {\n        slf.inner.iter().cloned().collect()\n    }\n}\n";
        let diagnostics: Vec<Diagnostic> = ["to_owned", "to_owned", "cloned"]
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let at = exported.match_indices(name).nth(if n == 1 { 1 } else { 0 }).unwrap().0;
                Diagnostic::at(method, "src/lib.rs", at, at + name.len())
            })
            .collect();
        let rules = rules();
        let edits: Vec<Edit> = diagnostics
            .iter()
            .flat_map(|d| {
                let mut d = d.clone();
                if exported[d.span.as_ref().unwrap().start..].starts_with("cloned") {
                    d.message = "the trait bound `Py<pyo3::PyAny>: Clone` is not satisfied".into();
                    d.label = Some("the trait `Clone` is not implemented for `Py<pyo3::PyAny>`".into());
                } else {
                    d.label = label.map(str::to_string);
                }
                rules.edits(&Release::parse("0.22.6").unwrap(), &d, exported)
            })
            .collect();
        assert_eq!(
            splice(exported, &edits).unwrap(),
            exported
                .replace("key: Key)", "key: Key, py: Python<'_>)")
                .replace("v.to_owned()", "v.clone_ref(py)")
                .replace("other.to_owned()", "other.clone_ref(py)")
                .replace("iter().cloned()", "iter().map(|each| each.clone_ref(slf.py()))")
        );
        // A local cloned where its `let` took it, before the borrow it came from ends; a
        // map's items collected as values.
        let iterator = "use pyo3::prelude::*;\n#[pymethods]\nimpl I {\n    fn __next__(mut slf: PyRefMut<'_, Self>) -> Option<PyObject> {\n        let kv = slf.inner.iter().next()?;\n        let value = kv.1.to_owned();\n        slf.inner = slf.inner.remove(kv.0);\n        Some(value)\n    }\n    fn pairs(&self) -> Vec<(Key, PyObject)> {\n        self.inner.iter().map(|(k, v)| (k.clone(), v.clone())).collect()\n    }\n}\n";
        let at = iterator.find("Some(value)").unwrap() + 5;
        let mut diagnostic = Diagnostic::at("mismatched types", "src/lib.rs", at, at + 5);
        diagnostic.label = mismatched.map(str::to_string);
        let mut edits = rules.edits(&Release::parse("0.22.6").unwrap(), &diagnostic, iterator);
        let collect = "a value of type `Vec<(Key, Py<pyo3::PyAny>)>` cannot be built from an iterator over elements of type `(Key, &Py<pyo3::PyAny>)`";
        let at = iterator.find("collect").unwrap();
        let mut diagnostic = Diagnostic::at(collect, "src/lib.rs", at, at + 7);
        diagnostic.label = Some("value of type `Vec<(Key, Py<pyo3::PyAny>)>` cannot be built from `std::iter::Iterator<Item=(Key, &Py<pyo3::PyAny>)>`".into());
        edits.extend(rules.edits(&Release::parse("0.22.6").unwrap(), &diagnostic, iterator));
        assert_eq!(
            splice(iterator, &edits).unwrap(),
            iterator
                .replace("kv.1.to_owned()", "kv.1.clone_ref(slf.py())")
                .replace("fn pairs(&self)", "fn pairs(&self, py: Python<'_>)")
                .replace("v.clone()))", "v.clone_ref(py)))")
        );
        // A `&Bound` beside owned ones, a `Borrowed` into a `Py`, a `let` of an owned value:
        // (source, message, label, text under the span, what it becomes).
        let cases = [
            (
                "fn f() {\n    let pair = PyTuple::new_bound(py, [k, value.bind(py)]);\n}\n",
                "mismatched types",
                Some("expected `Bound<'_, PyAny>`, found `&Bound<'_, PyAny>`"),
                "value.bind(py)",
                ("value.bind(py)", "value.bind(py).clone()"),
            ),
            (
                "m.insert(k, none.into());",
                "the trait bound `Py<pyo3::PyAny>: From<pyo3::Borrowed<'_, '_, PyNone>>` is not satisfied",
                None,
                "into",
                ("none.into()", "none.to_owned().into()"),
            ),
            (
                "fn f() -> PyResult<()> {\n    let rob: &PyIterator = reversed.call1((ob,))?.iter()?;\n    Ok(())\n}\n",
                "`?` operator has incompatible types",
                Some("expected `&PyIterator`, found `Bound<'_, PyIterator>`"),
                "reversed.call1((ob,))?.iter()?",
                ("&PyIterator", "Bound<'_, PyIterator>"),
            ),
            (
                "fn f(py: Python<'_>) -> PyResult<()> {\n    let tz = Some(py_tz.extract(py)?);\n    Ok(())\n}\n",
                "the trait bound `&pyo3::Bound<'_, PyTzInfo>: FromPyObjectBound<'_, '_>` is not satisfied",
                None,
                "extract",
                ("py_tz.extract(py)?", "py_tz.bind(py).downcast::<PyTzInfo>()?"),
            ),
            (
                "fn f(x: &Bound<'_, PyAny>) -> PyResult<()> {\n    let d: &Bound<'_, PyDict> = x.extract()?;\n    Ok(())\n}\n",
                "the trait bound `&pyo3::Bound<'_, PyDict>: FromPyObjectBound<'_, '_>` is not satisfied",
                None,
                "extract",
                ("x.extract()?", "x.downcast::<PyDict>()?"),
            ),
            (
                "fn key<'py>(key: &Bound<'py, PyAny>) -> &'py str {\n    key.downcast::<PyString>().unwrap().to_str().unwrap()\n}\n",
                "explicit lifetime required in the type of `key`",
                Some("lifetime `'py` required"),
                "key.downcast",
                ("key: &Bound", "key: &'py Bound"),
            ),
        ];
        for (source, message, label, under, (from, to)) in cases {
            assert_eq!(edited(source, message, label, under, 0), source.replace(from, to));
        }
        // A `#[derive(Clone)]` struct holding a `Py` gets a `Clone` that takes the GIL.
        let unclonable = "the trait bound `Py<pyo3::PyAny>: Clone` is not satisfied";
        let derived = "use pyo3::{exceptions::PyKeyError, prelude::*};\n\n#[derive(Clone, Debug)]\nstruct Key {\n    hash: isize,\n    inner: PyObject,\n    spare: Option<Py<PyAny>>,\n}\n";
        assert_eq!(
            edited(derived, unclonable, None, "inner: PyObject", 0),
            "use pyo3::{exceptions::PyKeyError, prelude::*};\n\n#[derive(Debug)]\nstruct Key {\n    hash: isize,\n    inner: PyObject,\n    spare: Option<Py<PyAny>>,\n}\n\n\
             // `Py` is `Clone` only with the GIL held (PyO3 0.22): the clone takes it.\n\
             impl Clone for Key {\n    fn clone(&self) -> Self {\n        Python::with_gil(|py| Key {\n            \
             hash: self.hash,\n            inner: self.inner.clone_ref(py),\n            \
             spare: self.spare.as_ref().map(|each| each.clone_ref(py)),\n        })\n    }\n}\n"
        );
        // rustc may name it through its crate (`pyo3::Py<pyo3::PyAny>`).
        let through = "the trait bound `pyo3::Py<pyo3::PyAny>: Clone` is not satisfied";
        assert!(edited(derived, through, None, "inner: PyObject", 0).contains("impl Clone for Key {"));
        let tuple = "#[derive(Clone)]\npub struct Handle(pub Py<PyAny>);\n";
        assert_eq!(
            edited(tuple, unclonable, None, "Py<PyAny>", 0),
            "pub struct Handle(pub Py<PyAny>);\n\n// `Py` is `Clone` only with the GIL held (PyO3 0.22): the clone takes it.\n\
             impl Clone for Handle {\n    fn clone(&self) -> Self {\n        pyo3::Python::with_gil(|py| Handle(\n            \
             self.0.clone_ref(py),\n        ))\n    }\n}\n"
        );
        // A field holding `Py`s some other way, or a generic struct: a person's.
        let vec = "#[derive(Clone)]\nstruct Many {\n    items: Vec<Py<PyAny>>,\n    one: Py<PyAny>,\n}\n";
        assert_eq!(edited(vec, unclonable, None, "one: Py<PyAny>", 0), vec);
        let generic = "#[derive(Clone)]\nstruct Of<T> {\n    one: Py<T>,\n}\n";
        assert_eq!(edited(generic, unclonable, None, "one: Py<T>", 0), generic);
        // A GIL ref's method called as a function.
        let iterator = "`pyo3::PyAny` is not an iterator";
        let source = "fn f() -> PyResult<()> {\n    let same = pairs.map(|(v1, v2)| PyAny::eq(v1.extract(py)?, v2));\n    let differ = PyAny::ne(&a, b);\n    Ok(())\n}\n";
        let once = edited(source, iterator, None, "eq", 0);
        assert_eq!(
            edited(&once, iterator, None, "ne", 0),
            source
                .replace("PyAny::eq(v1.extract(py)?, v2)", "v1.bind(py).eq(v2)")
                .replace("PyAny::ne(&a, b)", "(&a).ne(b)")
        );
        // `x.into()` of a `&Bound` into a `Py` takes the owned `Bound`.
        let into = "the trait bound `Py<pyo3::PyAny>: From<&pyo3::Bound<'_, pyo3::PyAny>>` is not satisfied";
        let source = "Ok(Key { hash: ob.hash()?, inner: ob.into() })";
        assert_eq!(
            edited(source, into, None, "into", 0),
            "Ok(Key { hash: ob.hash()?, inner: ob.clone().into() })"
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
        let edits = rules().edits(&Release::parse("0.23.5").unwrap(), &diagnostic, &after_return);
        assert_eq!(
            splice(&after_return, &edits).unwrap(),
            after_return.replace("Ok(PyList::new(py, out) /*", "Ok(PyList::new(py, out)? /*")
        );
        // While the return type still wants a GIL ref, the same mismatch gets nothing.
        diagnostic.label = Some("expected `&PyList`, found `Result<Bound<'_, PyList>, PyErr>`".into());
        assert_eq!(
            rules().edits(&Release::parse("0.23.5").unwrap(), &diagnostic, &after_return),
            []
        );
        // At 0.21, where `new_bound` gives a `Bound` to a function that returns a GIL ref.
        let at_021 = source.replace("PyList::new(", "PyList::new_bound(");
        let start = at_021.find("PyList::new_bound(py, out)").unwrap();
        let mut diagnostic = Diagnostic::at("mismatched types", "src/lib.rs", start, start + 10);
        diagnostic.label = Some("expected `&PyList`, found `Bound<'_, PyList>`".into());
        let edits = rules().edits(&Release::parse("0.21.2").unwrap(), &diagnostic, &at_021);
        assert_eq!(
            splice(&at_021, &edits).unwrap(),
            at_021.replace("PyResult<&'py PyList> {", "PyResult<Bound<'py, PyList>> {")
        );
    }

    #[test]
    fn a_collection_written_with_gil_refs_collects_bounds() {
        let message = "a value of type `Vec<&PyTuple>` cannot be built from an iterator over elements of type `pyo3::Bound<'_, PyTuple>`";
        let source = "fn f<'py>(py: Python<'py>) -> Bound<'py, PyList> {\n    let rows: Vec<&PyTuple> = xs.iter().map(|x| PyTuple::new_bound(py, [x])).collect();\n    PyList::new_bound(py, rows)\n}\n";
        assert_eq!(
            after("0.21.2", message, source, "collect").unwrap(),
            source.replace("Vec<&PyTuple>", "Vec<Bound<'_, PyTuple>>")
        );
    }

    #[test]
    fn a_question_mark_inside_a_collected_closure_goes_to_the_collect() {
        // The constructor is the closure's whole value: the closure gives its `PyResult`, the
        // collect gathers one, and the method Python calls becomes fallible for its `?`.
        let renamed =
            "use of deprecated associated function `pyo3::types::PyTuple::new_bound`: renamed to `PyTuple::new`";
        let rows = "#[pymethods]\nimpl Shelf {\n    fn contents<'py>(&self, py: Python<'py>) -> Bound<'py, PyList> {\n        let rows: Vec<Bound<'_, PyTuple>> = self\n            .boxes\n            .iter()\n            .map(|(n, w)| PyTuple::new_bound(py, [n, w]))\n            .collect();\n        PyList::new_bound(py, rows)\n    }\n}\n";
        assert_eq!(
            edited(rows, renamed, None, "new_bound", 0),
            rows.replace("-> Bound<'py, PyList> {", "-> PyResult<Bound<'py, PyList>> {")
                .replace("PyTuple::new_bound(py", "PyTuple::new(py")
                .replace(".collect();", ".collect::<PyResult<_>>()?;")
                .replace(
                    "        PyList::new_bound(py, rows)",
                    "        Ok(PyList::new_bound(py, rows))"
                )
        );
        // A `?` inside the value: the closure's value becomes `Ok(..)`; a turbofish keeps its type.
        let message = "use of deprecated method `pyo3::IntoPy::into_py`: `IntoPy` is going to be replaced by `IntoPyObject`. See the migration guide (https://pyo3.rs/v0.23.0/migration) for more information.";
        let objects = "fn f(py: Python<'_>, xs: &[Key]) -> PyResult<Vec<PyObject>> {\n    Ok(xs.iter().map(|k| k.clone().into_py(py)).collect::<Vec<_>>())\n}\n";
        // Returned as `Ok(collect)`: the collect's `PyResult` is returned, with no `Ok(x?)`.
        assert_eq!(
            edited(objects, message, None, "into_py", 0),
            objects
                .replace(
                    "|k| k.clone().into_py(py))",
                    "|k| Ok(k.clone().into_pyobject(py)?.into_any().unbind()))"
                )
                .replace("    Ok(xs", "    xs")
                .replace(".collect::<Vec<_>>())", ".collect::<PyResult<Vec<_>>>()")
        );
        let kept = objects
            .replace("    Ok(xs", "    let v = Ok(xs")
            .replace("())\n}", "());\n    v\n}");
        assert!(edited(&kept, message, None, "into_py", 0).contains("let v = Ok(xs.iter().map(|k| Ok("));
        // 0.25, where `to_object` is gone and rustc says its receiver is a reference, inside a
        // closure an earlier step made give a `PyResult`: only the `?`.
        let gone = "no method named `to_object` found for reference `&String` in the current scope";
        let pairs = "fn f(py: Python<'_>, xs: &[(String, u32)]) -> PyResult<Vec<Bound<'_, PyTuple>>> {\n    let rows = xs.iter().map(|(n, w)| PyTuple::new(py, [n.to_object(py), w.to_object(py)])).collect::<PyResult<Vec<_>>>()?;\n    Ok(rows)\n}\n";
        assert_eq!(
            after("0.25.1", gone, pairs, "to_object").unwrap(),
            pairs.replacen("n.to_object(py)", "n.into_pyobject(py)?.into_any().unbind()", 1)
        );
        // The same with the `PyResult` named by PyO3's path.
        let qualified = pairs.replace("collect::<PyResult<", "collect::<pyo3::PyResult<");
        assert_eq!(
            after("0.25.1", gone, &qualified, "to_object").unwrap(),
            qualified.replacen("n.to_object(py)", "n.into_pyobject(py)?.into_any().unbind()", 1)
        );
        // The map bound to a local collected later, inside `format!`; the closure a block
        // whose tail is its value.
        let shown = "#[pymethods]\nimpl View {\n    fn __repr__(&self, py: Python) -> String {\n        let contents = self.inner.iter().map(|(k, v)| {\n            let tuple = PyTuple::new_bound(py, [k.clone_ref(py), v.clone_ref(py)]);\n            format!(\"{:?}\", tuple)\n        });\n        format!(\"view([{}])\", contents.collect::<Vec<_>>().join(\", \"))\n    }\n}\n";
        assert_eq!(
            edited(shown, renamed, None, "new_bound", 0),
            shown
                .replace("-> String {", "-> PyResult<String> {")
                .replace(
                    "PyTuple::new_bound(py, [k.clone_ref(py), v.clone_ref(py)]);",
                    "PyTuple::new(py, [k.clone_ref(py), v.clone_ref(py)])?;"
                )
                .replace(
                    "            format!(\"{:?}\", tuple)",
                    "            Ok(format!(\"{:?}\", tuple))"
                )
                .replace("        format!(\"view", "        Ok(format!(\"view")
                .replace(
                    "collect::<Vec<_>>().join(\", \"))",
                    "collect::<PyResult<Vec<_>>>()?.join(\", \")))"
                )
        );
        // Collected where no `?` can go (a helper Rust code calls): left as it is.
        let helper = objects
            .replace("-> PyResult<Vec<PyObject>> {", "-> Vec<PyObject> {")
            .replace("Ok(xs", "(xs");
        assert_eq!(edited(&helper, message, None, "into_py", 0), helper);
        // A closure whose values are not collected, or that returns early: left as it is.
        let each = "fn f(py: Python<'_>, xs: &[Key]) -> PyResult<()> {\n    xs.iter().for_each(|k| drop(k.clone().into_py(py)));\n    Ok(())\n}\n";
        assert_eq!(edited(each, message, None, "into_py", 0), each);
        let early = objects
            .replace("|k| k.clone()", "|k| { if k.skip { return k.none(); } k.clone()")
            .replace("(py))", "(py) })");
        assert_eq!(edited(&early, message, None, "into_py", 0), early);
    }

    #[test]
    fn the_once_cell_module_0_21_removed_becomes_sync() {
        let import =
            "use pyo3::once_cell::GILOnceCell;\nstatic CELL: GILOnceCell<u8> = GILOnceCell::new(); // once_cell\n";
        assert_eq!(
            after("0.21.2", "unresolved import `pyo3::once_cell`", import, "once_cell").as_deref(),
            Some(import.replacen("once_cell", "sync", 1).as_str())
        );
        let path = "static CELL: pyo3::once_cell::GILOnceCell<u8> = pyo3::once_cell::GILOnceCell::new();";
        let first = after(
            "0.21.2",
            "failed to resolve: could not find `once_cell` in `pyo3`",
            path,
            "once_cell",
        )
        .unwrap();
        assert_eq!(
            first,
            path.replacen("once_cell", "sync", 1),
            "each diagnostic edits its own span"
        );
        // Not a rule of 0.20, where the module still exists.
        assert_eq!(
            after("0.20.3", "unresolved import `pyo3::once_cell`", import, "once_cell"),
            None
        );
    }

    #[test]
    fn a_bound_value_moved_then_used_is_borrowed_where_it_moved() {
        let source = "for item in list.iter() {\n    result.set_item(item, item)?;\n}\n";
        let first = source.find("item, item").unwrap();
        let second = first + "item, ".len();
        let mut diagnostic = Diagnostic::at("use of moved value: `item`", "src/lib.rs", second, second + 4);
        diagnostic.moved = Some(Span {
            file: "src/lib.rs".into(),
            start: first,
            end: first + 4,
            line: 2,
        });
        let edits = rules().edits(&Release::parse("0.23.5").unwrap(), &diagnostic, source);
        assert_eq!(
            splice(source, &edits).unwrap(),
            source.replace("set_item(item, item)", "set_item(&item, item)")
        );
        // The move that the borrow then blocks is borrowed too.
        let after = splice(source, &edits).unwrap();
        let blocked = after.find("&item, item").unwrap() + "&item, ".len();
        let moved_out = Diagnostic::at(
            "cannot move out of `item` because it is borrowed",
            "src/lib.rs",
            blocked,
            blocked + 4,
        );
        let edits = rules().edits(&Release::parse("0.23.5").unwrap(), &moved_out, &after);
        assert_eq!(
            splice(&after, &edits).unwrap(),
            source.replace("set_item(item, item)", "set_item(&item, &item)")
        );
        // Not without the place it moved, nor where it is borrowed already.
        diagnostic.moved = None;
        assert!(rules()
            .edits(&Release::parse("0.23.5").unwrap(), &diagnostic, source)
            .is_empty());
    }

    #[test]
    fn a_manual_from_pyobject_moves_to_extract_bound_then_to_borrowed() {
        let source = "impl<'source> FromPyObject<'source> for Celsius {\n    fn extract(ob: &'source PyAny) -> PyResult<Self> {\n        ob.extract().map(Celsius)\n    }\n}\n";
        let method = "fn extract(ob: &'source PyAny) -> PyResult<Self> {\n        ob.extract().map(Celsius)\n    }";
        let at_022 = after(
            "0.22.6",
            "method `extract` is not a member of trait `FromPyObject`",
            source,
            method,
        )
        .unwrap();
        assert_eq!(
            at_022,
            source.replace(
                "extract(ob: &'source PyAny)",
                "extract_bound(ob: &Bound<'source, PyAny>)"
            )
        );
        let header = after(
            "0.27.2",
            "trait takes 2 lifetime arguments but 1 lifetime argument was supplied",
            &at_022,
            "FromPyObject",
        )
        .unwrap();
        assert!(
            header.starts_with("impl<'source> FromPyObject<'_, 'source> for Celsius {\n    type Error = PyErr;\n\n    fn extract_bound("),
            "{header}"
        );
        let method = "fn extract_bound(ob: &Bound<'source, PyAny>) -> PyResult<Self> {";
        assert_eq!(
            after(
                "0.27.2",
                "method `extract_bound` is not a member of trait `FromPyObject`",
                &header,
                method
            )
            .unwrap(),
            header.replace(
                "extract_bound(ob: &Bound<'source, PyAny>)",
                "extract(ob: Borrowed<'_, 'source, PyAny>)"
            )
        );
        // The method's body calls `extract` too: only the signature is rewritten, and a
        // match that starts after the span is not the span's.
        assert_eq!(
            after(
                "0.22.6",
                "method `extract` is not a member of trait `FromPyObject`",
                "fn f() {}\nfn extract(ob: &PyAny) {}",
                "fn f() {}"
            ),
            None
        );
        // Elided lifetimes stay elided.
        assert_eq!(
            after(
                "0.22.6",
                "method `extract` is not a member of trait `FromPyObject`",
                "fn extract(ob: &PyAny) -> PyResult<Self>",
                "fn extract"
            )
            .as_deref(),
            Some("fn extract_bound(ob: &Bound<'_, PyAny>) -> PyResult<Self>")
        );
    }

    #[test]
    fn into_py_becomes_into_pyobject_where_a_question_mark_can_go() {
        let deprecated_call = "use of deprecated method `pyo3::IntoPy::into_py`: `IntoPy` is going to be replaced by `IntoPyObject`. See the migration guide (https://pyo3.rs/v0.23.0/migration) for more information.";
        // A function Python calls: it becomes fallible, its value `Ok(..)`.
        let exported = "#[pyfunction]\nfn pair(py: Python<'_>) -> PyObject {\n    (1, 2).into_py(py)\n}\n";
        assert_eq!(
            after("0.23.5", deprecated_call, exported, "into_py").unwrap(),
            "#[pyfunction]\nfn pair(py: Python<'_>) -> PyResult<PyObject> {\n    Ok((1, 2).into_pyobject(py)?.into_any().unbind())\n}\n"
        );
        // Through the closure whose value is the function's.
        let closure = "#[pyfunction]\nfn one() -> PyObject {\n    Python::with_gil(|py| 1.into_py(py))\n}\n";
        assert_eq!(
            after("0.23.5", deprecated_call, closure, "into_py").unwrap(),
            "#[pyfunction]\nfn one() -> PyResult<PyObject> {\n    Python::with_gil(|py| Ok(1.into_pyobject(py)?.into_any().unbind()))\n}\n"
        );
        // A helper Rust code calls, or a closure whose value goes elsewhere: a person decides.
        let helper = "fn pair(py: Python<'_>) -> PyObject {\n    (1, 2).into_py(py)\n}\n";
        assert_eq!(after("0.23.5", deprecated_call, helper, "into_py"), None);
        let elsewhere =
            "#[pyfunction]\nfn f(py: Python<'_>) -> usize {\n    (0..3).for_each(|i| drop(i.into_py(py)));\n    3\n}\n";
        assert_eq!(after("0.23.5", deprecated_call, elsewhere, "into_py"), None);
        // A closure whose values are collected: the collect takes the `?`.
        let collected = "#[pyfunction]\nfn f(py: Python<'_>) -> usize {\n    let v: Vec<PyObject> = (0..3).map(|i| i.into_py(py)).collect();\n    v.len()\n}\n";
        assert_eq!(
            after("0.23.5", deprecated_call, collected, "into_py").unwrap(),
            "#[pyfunction]\nfn f(py: Python<'_>) -> PyResult<usize> {\n    let v: Vec<PyObject> = (0..3).map(|i| Ok(i.into_pyobject(py)?.into_any().unbind())).collect::<PyResult<_>>()?;\n    Ok(v.len())\n}\n"
        );
        // `to_object` borrowed its receiver: only a value made there is taken instead.
        let to_object = "use of deprecated method `pyo3::ToPyObject::to_object`: `ToPyObject` is going to be replaced by `IntoPyObject`. See the migration guide (https://pyo3.rs/v0.23.0/migration) for more information.";
        let place = "fn f(py: Python<'_>, v: Vec<i64>) -> PyResult<PyObject> {\n    Ok(v.to_object(py))\n}\n";
        assert_eq!(after("0.23.5", to_object, place, "to_object"), None);
        for made in ["make(v).to_object", "\"stop\".to_object"] {
            let value = place.replace("v.to_object", made);
            assert_eq!(
                after("0.23.5", to_object, &value, "to_object").unwrap(),
                value.replace("to_object(py)", "into_pyobject(py)?.into_any().unbind()")
            );
        }
    }

    #[test]
    fn an_into_py_impl_becomes_an_into_pyobject_impl() {
        let deprecated_trait = "use of deprecated trait `pyo3::IntoPy`: `IntoPy` is going to be replaced by `IntoPyObject`. See the migration guide (https://pyo3.rs/v0.23.0/migration) for more information.";
        let source = "impl IntoPy<PyObject> for Pair {\n    fn into_py(self, py: Python<'_>) -> PyObject {\n        self.0 // the object\n    }\n}\n";
        assert_eq!(
            after("0.23.5", deprecated_trait, source, "IntoPy").unwrap(),
            "impl<'py> IntoPyObject<'py> for Pair {\n    type Target = PyAny;\n    type Output = Bound<'py, PyAny>;\n    type Error = PyErr;\n\n    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {\n        Ok(self.0.into_bound(py)) // the object\n    }\n}\n"
        );
        let generic = source
            .replace("impl IntoPy", "impl<T> IntoPy")
            .replace("for Pair", "for Wrap<T>");
        assert!(after("0.23.5", deprecated_trait, &generic, "IntoPy")
            .unwrap()
            .starts_with("impl<'py, T> IntoPyObject<'py> for Wrap<T> {"));
        // Another target type than `PyObject`: a person decides.
        let other = source.replace("IntoPy<PyObject>", "IntoPy<Py<PyTuple>>");
        assert_eq!(after("0.23.5", deprecated_trait, &other, "IntoPy"), None); // Its `into_py` call, next round, gives the `Bound` itself: no `unbind().into_bound(py)`.
        let body = after(
            "0.23.5",
            deprecated_trait,
            &source.replace("self.0 //", "self.0.into_py(py) //"),
            "IntoPy",
        )
        .unwrap();
        let call = "use of deprecated method `pyo3::IntoPy::into_py`: `IntoPy` is going to be replaced by `IntoPyObject`. See the migration guide (https://pyo3.rs/v0.23.0/migration) for more information.";
        assert!(
            edited(&body, call, None, "into_py", 1).contains("Ok(self.0.into_pyobject(py)?.into_any()) // the object"),
            "{body}"
        );
    }

    #[test]
    fn a_method_on_a_constructor_that_became_fallible_gets_a_question_mark_first() {
        let message = "no method named `into_py` found for enum `Result<T, E>` in the current scope";
        let source = "fn f(py: Python<'_>) -> PyResult<PyObject> {\n    Ok(PyTuple::new(py, [1]).into_py(py))\n}\n";
        assert_eq!(
            after("0.23.5", message, source, "into_py").unwrap(),
            source.replace("PyTuple::new(py, [1]).into_py", "PyTuple::new(py, [1])?.into_py")
        );
        let place = source.replace("PyTuple::new(py, [1]).into_py", "t.into_py");
        assert_eq!(after("0.23.5", message, &place, "into_py"), None);
    }

    #[test]
    fn notices_find_what_a_person_must_decide_and_leave_out_what_is_decided() {
        let rules = rules();
        let notice = |id: &str| rules.notices.iter().find(|n| n.id == id).unwrap();
        let starts = |found: Vec<std::ops::Range<usize>>| found.into_iter().map(|r| r.start).collect::<Vec<_>>();
        let bytes = notice("vec-u8-becomes-bytes");
        let source = "fn a() -> Vec<u8> {}\nfn b() -> PyResult<Vec<u8>> {}\nfn c() -> Vec<u32> {}\n";
        assert_eq!(bytes.find(source).len(), 2);
        let enums = notice("enum-equality");
        let source = "#[pyclass]\nenum A { X }\n#[pyclass(eq, eq_int)]\n#[derive(PartialEq)]\nenum B { X }\n#[pyclass]\nstruct C;\n";
        assert_eq!(starts(enums.find(source)), [0]);
        let sync = notice("pyclass-must-be-sync");
        let source = "#[pyclass]\n/// Doc.\npub struct A {\n    n: Cell<i64>,\n}\n#[pyclass(unsendable)]\nstruct B { c: RefCell<u8> }\n#[pyclass]\nstruct C { n: AtomicI64 }\n";
        assert_eq!(starts(sync.find(source)), [0]);
        let type_name = notice("type-name-is-dunder-name");
        let source = "let a = obj.get_type().name().unwrap_or(\"?\");\nlet b = py.get_type_bound::<T>()\n    .name()?;\nlet c = self.name();\n";
        let calls = [
            source.find(".get_type()").unwrap(),
            source.find(".get_type_bound").unwrap(),
        ];
        assert_eq!(starts(type_name.find(source)), calls);
        let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../matrix/patterns");
        for notice in &rules.notices {
            assert!(
                catalog.join(&notice.pattern).join("pattern.toml").exists(),
                "notice {} names no catalog pattern",
                notice.id
            );
        }
    }

    #[test]
    fn a_gil_ref_parameter_passed_where_a_bound_is_taken_becomes_bound() {
        // `PyBuffer::get` renamed `get_bound` at 0.21 takes a `&Bound<PyAny>`: the helper's
        // parameter moves with it (its named lifetime kept), and its callers follow.
        let passed = "mismatched types";
        let label = Some("expected `&Bound<'_, PyAny>`, found `&PyAny`");
        let source = "unsafe fn slice_of<'a>(py: Python, data: &'a PyAny) -> PyResult<&'a [u8]> {\n    let buffer = PyBuffer::<u8>::get_bound(data)?;\n    Ok(&[])\n}\n";
        assert_eq!(
            edited(source, passed, label, "data", 1),
            source.replace("data: &'a PyAny", "data: &Bound<'a, PyAny>")
        );
        // What is passed is not a parameter: left to a person.
        let local = source.replace("get_bound(data)", "get_bound(other)");
        assert_eq!(edited(&local, passed, label, "other", 0), local);
    }

    #[test]
    fn a_helpers_gil_ref_parameter_becomes_bound_where_a_method_is_missing_on_it() {
        let message = "no method named `iter` found for reference `&PyList` in the current scope";
        let source =
            "pub fn sum_ints(list: &PyList) -> PyResult<i64> {\n    for item in list.iter() {}\n    Ok(0)\n}\n";
        let at = source.find("iter()").unwrap();
        let diagnostic = Diagnostic::at(message, "src/lib.rs", at, at + 4);
        let edits = rules().edits(&Release::parse("0.23.5").unwrap(), &diagnostic, source);
        assert_eq!(
            splice(source, &edits).unwrap(),
            source.replace("list: &PyList", "list: &Bound<'_, PyList>")
        );
        // A receiver that is not a parameter is left to a person.
        let local = source.replace("list.iter()", "other.iter()");
        let at = local.find("iter()").unwrap();
        let diagnostic = Diagnostic::at(message, "src/lib.rs", at, at + 4);
        assert_eq!(
            rules().edits(&Release::parse("0.23.5").unwrap(), &diagnostic, &local),
            []
        );
    }

    /// `source` after the rules' edits at 0.23 of `message` (with `label`) at `under`
    /// (the `nth` occurrence).
    fn edited(source: &str, message: &str, label: Option<&str>, under: &str, nth: usize) -> String {
        let at = source.match_indices(under).nth(nth).unwrap().0;
        let mut diagnostic = Diagnostic::at(message, "src/lib.rs", at, at + under.len());
        diagnostic.label = label.map(str::to_string);
        let edits = rules().edits(&Release::parse("0.23.5").unwrap(), &diagnostic, source);
        splice(source, &edits).unwrap()
    }

    const WALKER: &str = "struct Walker<'py> {\n    node: &'py PyAny, // the object\n    depth: usize,\n}\n\nimpl<'py> Walker<'py> {\n    fn new(node: &'py PyAny) -> Self {\n        Self { node, depth: 0 }\n    }\n\n    fn name(&self) -> String {\n        format!(\"{}\", self.node.repr().unwrap())\n    }\n}\n";

    #[test]
    fn a_gil_ref_field_becomes_an_owned_bound_and_its_constructor_clones_into_it() {
        // The method call sits in a macro's arguments, which syn does not parse.
        let message = "no method named `repr` found for reference `&'py PyAny` in the current scope";
        let field = edited(WALKER, message, None, "repr", 0);
        assert_eq!(
            field,
            WALKER.replace("node: &'py PyAny, //", "node: Bound<'py, PyAny>, //")
        );
        // The parameter that fills it becomes a reference to a Bound...
        let label = "expected `Bound<'_, PyAny>`, found `&PyAny`";
        let param = edited(&field, "mismatched types", Some(label), "node", 2);
        assert!(param.contains("fn new(node: &Bound<'py, PyAny>) -> Self"), "{param}");
        // ...which rustc's own help clones in.
        let at = param.find("node, depth").unwrap() + "node".len();
        let mut clone = Diagnostic::at("mismatched types", "src/lib.rs", at - 4, at);
        clone.label = Some("expected `Bound<'_, PyAny>`, found `&Bound<'_, PyAny>`".into());
        clone.suggestions = vec![Suggestion {
            span: Span {
                file: "src/lib.rs".into(),
                start: at,
                end: at,
                line: 8,
            },
            replacement: ": node.clone()".into(),
        }];
        let edits = rules().edits(&Release::parse("0.23.5").unwrap(), &clone, &param);
        assert!(splice(&param, &edits)
            .unwrap()
            .contains("Self { node: node.clone(), depth: 0 }"));
        // Two GIL-ref fields of that name: which one is meant is left to a person.
        let twice = format!("{WALKER}struct Other<'py> {{ node: &'py PyList }}\n");
        assert_eq!(edited(&twice, message, None, "repr", 0), twice);
    }

    #[test]
    fn a_let_or_a_collection_that_writes_a_gil_ref_holds_a_bound() {
        let source = "fn f(x: &Bound<'_, PyAny>) -> PyResult<()> {\n    let d: &PyDict = x.downcast()?;\n    let mut pairs: Vec<(&PyAny, &'py PyAny)> = Vec::new();\n    for (k, v) in d {\n        pairs.push((k, v));\n    }\n    Ok(())\n}\n";
        let label = "expected `&PyDict`, found `&Bound<'_, _>`";
        let let_type = edited(
            source,
            "`?` operator has incompatible types",
            Some(label),
            "x.downcast()?",
            0,
        );
        assert!(
            let_type.contains("let d: &Bound<'_, PyDict> = x.downcast()?;"),
            "{let_type}"
        );
        let label = "expected `&PyAny`, found `Bound<'_, PyAny>`";
        let collection = edited(source, "mismatched types", Some(label), "k, v))", 0);
        assert!(
            collection.contains("let mut pairs: Vec<(Bound<'_, PyAny>, Bound<'py, PyAny>)> = Vec::new();"),
            "{collection}"
        );
    }

    #[test]
    fn a_temporary_a_borrow_outlives_is_kept_by_a_let_of_its_own() {
        let source = "fn f(x: &Bound<'_, PyAny>) -> PyResult<usize> {\n    let text = x.str()?.to_str()?;\n    Ok(text.len())\n}\n";
        let hoisted = edited(source, "temporary value dropped while borrowed", None, "x.str()?", 0);
        assert_eq!(
            hoisted,
            source.replace(
                "let text = x.str()?.to_str()?;",
                "let text = x.str()?;\n    let text = text.to_str()?;"
            )
        );
        // Not where the `let` writes a type or is `mut`: the first binding would not be that.
        for other in ["let text: &str = ", "let mut text = "] {
            let source = source.replace("let text = ", other);
            assert_eq!(
                edited(&source, "temporary value dropped while borrowed", None, "x.str()?", 0),
                source
            );
        }
    }

    #[test]
    fn what_a_guard_holds_is_converted_by_reference() {
        let source = "fn f(py: Python<'_>, m: &Mutex<Vec<u8>>) -> PyResult<PyObject> {\n    Ok(m.lock().unwrap().into_pyobject(py)?.into_any().unbind())\n}\n";
        let message = "cannot move out of dereference of `std::sync::MutexGuard<'_, Vec<u8>>`";
        let by_reference = edited(source, message, None, "m.lock().unwrap()", 0);
        assert_eq!(
            by_reference,
            source.replace("m.lock().unwrap()", "(&*m.lock().unwrap())")
        );
        // Once only, and only before `into_pyobject`.
        assert_eq!(
            edited(&by_reference, message, None, "(&*m.lock().unwrap())", 0),
            by_reference
        );
        let other = source.replace("into_pyobject", "into_iter");
        assert_eq!(edited(&other, message, None, "m.lock().unwrap()", 0), other);
    }

    #[test]
    fn py_try_from_becomes_downcast_and_its_import_goes() {
        let message = "use of deprecated associated function `pyo3::PyTryFrom::try_from`: use `value.downcast::<T>()` instead of `T::try_from(value)`";
        let source = "use pyo3::prelude::*;\nuse pyo3::PyTryFrom;\n\nfn f(x: &PyAny) -> PyResult<usize> {\n    let a = <PyList as PyTryFrom>::try_from(x)?.len();\n    let b = PyCell::<Thing>::try_from(x.get_item(0)?)?;\n    Ok(a)\n}\n";
        let once = edited(source, message, None, "try_from", 0);
        assert!(once.contains("let a = x.downcast::<PyList>()?.len();"), "{once}");
        let twice = edited(&once, message, None, "try_from", 0);
        assert!(
            twice.contains("let b = (x.get_item(0)?).downcast::<PyCell::<Thing>>()?;"),
            "{twice}"
        );
        // The import, alone on its line or in a group, goes once it is unused.
        let unused = "unused import: `pyo3::PyTryFrom`";
        let gone = edited(&twice, unused, None, "pyo3::PyTryFrom", 0);
        assert_eq!(gone, twice.replace("use pyo3::PyTryFrom;\n", ""));
        for (group, left) in [
            ("use pyo3::{PyTryFrom, prelude::*};", "use pyo3::{prelude::*};"),
            ("use pyo3::{prelude::*, PyTryFrom};", "use pyo3::{prelude::*};"),
        ] {
            let at = group.find("PyTryFrom").unwrap();
            let diagnostic = Diagnostic::at("unused import: `PyTryFrom`", "src/lib.rs", at, at + 9);
            let edits = rules().edits(&Release::parse("0.21.2").unwrap(), &diagnostic, group);
            assert_eq!(splice(group, &edits).unwrap(), left);
        }
        // 0.25 removed `AsPyPointer`: its import goes, a type's impl of it becomes its own.
        let pointer = "use pyo3::{prelude::*, AsPyPointer};\n\nunsafe impl AsPyPointer for Key {\n    fn as_ptr(&self) -> *mut pyo3::ffi::PyObject {\n        self.inner.as_ptr()\n    }\n}\n";
        let once = after(
            "0.25.1",
            "unresolved import `pyo3::AsPyPointer`",
            pointer,
            "AsPyPointer",
        )
        .unwrap();
        let twice = after(
            "0.25.1",
            "cannot find trait `AsPyPointer` in this scope",
            &once,
            "AsPyPointer",
        )
        .unwrap();
        assert_eq!(
            twice,
            pointer
                .replace(", AsPyPointer}", "}")
                .replace("unsafe impl AsPyPointer for Key {", "impl Key {")
        );
        // A local made by a constructor 0.23 made fallible gets its `?` where it is made;
        // a `Borrowed` moved into `into_any` is made a `Bound` first.
        let tuple = "fn f(py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {\n    let pair = PyTuple::new(py, [1, 2]);\n    let more = PyTuple::new(py, [3]);\n    Ok(other.contains(pair)? && more.eq(other)?)\n}\n";
        let unconvertible = "`Result<pyo3::Bound<'_, PyTuple>, pyo3::PyErr>` cannot be converted to a Python object";
        let once = edited(tuple, unconvertible, None, "pair", 1);
        let no_eq =
            "no method named `eq` found for enum `Result<pyo3::Bound<'_, PyTuple>, pyo3::PyErr>` in the current scope";
        let at = once.find("more.eq").unwrap() + 5;
        let diagnostic = Diagnostic::at(no_eq, "src/lib.rs", at, at + 2);
        let twice = splice(
            &once,
            &rules().edits(&Release::parse("0.23.5").unwrap(), &diagnostic, &once),
        )
        .unwrap();
        assert_eq!(twice, tuple.replace("[1, 2]);", "[1, 2])?;").replace("[3]);", "[3])?;"));
        let borrowed = "fn f(py: Python<'_>) -> PyResult<PyObject> {\n    Ok((a == b)\n        .into_pyobject(py)?.into_any().unbind())\n}\n";
        let moved = "cannot move out of dereference of `pyo3::Borrowed<'_, '_, PyBool>`";
        assert_eq!(
            edited(borrowed, moved, None, "(a == b)\n        .into_pyobject(py)?", 0),
            borrowed.replace("?.into_any()", "?.to_owned().into_any()")
        );
        // 0.25 removed `IntoPy`: a `Py`'s `into_py` a closure kept is its `into_any()`, a
        // `&Py`'s a `clone_ref`.
        let closure = "let a = v.into_py(py).call_method0(py, \"__repr__\");";
        let owned = "no method named `into_py` found for struct `pyo3::Py<T>` in the current scope";
        let borrowed = "no method named `into_py` found for reference `&pyo3::Py<pyo3::PyAny>` in the current scope";
        assert_eq!(
            after("0.25.1", owned, closure, "into_py").unwrap(),
            closure.replace("into_py(py)", "into_any()")
        );
        assert_eq!(
            after("0.25.1", borrowed, closure, "into_py").unwrap(),
            closure.replace("into_py(py)", "clone_ref(py)")
        );
        // `new_bound` renamed to a `new` that gives a `PyResult`: with `?`, or not at all (a
        // value printed with `{:?}` would print `Ok(..)`).
        let renamed =
            "use of deprecated associated function `pyo3::types::PyTuple::new_bound`: renamed to `PyTuple::new`";
        let fallible = "fn f(py: Python<'_>) -> PyResult<String> {\n    let t = PyTuple::new_bound(py, [1]);\n    Ok(items.map(|k| format!(\"{:?}\", PyTuple::new_bound(py, [k]))).collect())\n}\n";
        let once = edited(fallible, renamed, None, "new_bound", 0);
        assert_eq!(
            once,
            fallible.replacen("PyTuple::new_bound(py, [1])", "PyTuple::new(py, [1])?", 1)
        );
        // Inside `format!` in a closure whose values are collected: the `?` goes there too.
        assert_eq!(
            edited(&once, renamed, None, "new_bound", 0),
            once.replace(
                "|k| format!(\"{:?}\", PyTuple::new_bound(py, [k])))",
                "|k| Ok(format!(\"{:?}\", PyTuple::new(py, [k])?)))"
            )
            .replace("    Ok(items", "    items")
            .replace(".collect())", ".collect()")
        );
        let unwrapped = fallible
            .replace(".collect())", ".collect::<Vec<String>>().join(\" \"))")
            .replace("PyResult<String>", "String")
            .replace("Ok(items", "(items");
        assert_eq!(
            edited(&unwrapped, renamed, None, "new_bound", 1),
            unwrapped,
            "where no `?` can go, left as it is"
        );
        // rustc may print PyO3's path through a module of the crate (`datetime::pyo3::..`).
        let through = "use of deprecated method `datetime::pyo3::IntoPy::into_py`: `IntoPy` is going to be replaced by `IntoPyObject`. See the migration guide (https://pyo3.rs/v0.23.0/migration) for more information.";
        let value = "fn f(py: Python<'_>) -> PyResult<PyObject> {\n    let v = 1.into_py(py);\n    Ok(v)\n}\n";
        assert_eq!(
            edited(value, through, None, "into_py", 0),
            value.replace("1.into_py(py)", "1.into_pyobject(py)?.into_any().unbind()")
        );
        // A serde visitor returns `Result<_, E>` of its own `E: de::Error`: the error is made
        // an `E` on the way (`E::custom`); another error type takes no `PyErr`.
        let visitor = "impl<'de> Visitor<'de> for V<'_> {\n    fn visit_bool<E>(self, value: bool) -> Result<Self::Value, E>\n    where\n        E: de::Error,\n    {\n        Ok(value.into_py(self.py))\n    }\n}\n";
        // The value converted, its error made the function's by `mapper`.
        let mapped_by = |source: &str, mapper: &str| {
            let converted = format!("value.into_pyobject(self.py).map_err({mapper})?.into_any().unbind()");
            assert_eq!(
                edited(source, through, None, "into_py", 0),
                source.replace("value.into_py(self.py)", &converted)
            );
        };
        mapped_by(visitor, "E::custom");
        let bounded = visitor
            .replace("visit_bool<E>", "visit_bool<E: serde::de::Error>")
            .replace("    where\n        E: de::Error,\n", "");
        assert!(edited(&bounded, through, None, "into_py", 0).contains(".map_err(E::custom)?"));
        let other = visitor.replace("E: de::Error,", "E: Display,");
        assert_eq!(edited(&other, through, None, "into_py", 0), other);
        // The `Error` of a deserializing trait's parameter (`A::Error`): serde's trait may not
        // be in scope, so its `custom` is named by serde's path.
        let access = "impl<'de> Visitor<'de> for V<'_> {\n    fn visit_seq<A>(self, seq: A) -> Result<Self::Value, A::Error>\n    where\n        A: SeqAccess<'de>,\n    {\n        Ok(value.into_py(self.py))\n    }\n}\n";
        mapped_by(access, "serde::de::Error::custom");
        let serializing = access
            .replace("A: SeqAccess<'de>", "A: serde::ser::SerializeSeq")
            .replace("Self::Value", "A::Ok");
        assert!(edited(&serializing, through, None, "into_py", 0).contains(".map_err(serde::ser::Error::custom)?"));
        let unknown = access.replace("A: SeqAccess<'de>", "A: Iterator");
        assert_eq!(edited(&unknown, through, None, "into_py", 0), unknown);
        // A `?` on what 0.23 gives infallibly (a list's iterator) goes.
        let list = "fn f() -> PyResult<()> {\n    for each in mapping.items()?.iter()? {\n    }\n    Ok(())\n}\n";
        let untried = edited(
            list,
            "the `?` operator can only be applied to values that implement `Try`",
            Some("the `?` operator cannot be applied to type `BoundListIterator<'_>`"),
            "mapping.items()?.iter()?",
            0,
        );
        assert_eq!(untried, list.replace(".iter()? {", ".iter() {"));
        // rustc's plural: one name a round, the braces' line once they hold nothing else.
        let plural = "unused imports: `IntoPy` and `ToPyObject`";
        let group = "use pyo3::{IntoPy, ToPyObject};\nuse pyo3::prelude::*;\n";
        let once = edited(group, plural, None, "IntoPy", 0);
        assert_eq!(once, "use pyo3::{ToPyObject};\nuse pyo3::prelude::*;\n");
        let twice = edited(&once, "unused import: `ToPyObject`", None, "ToPyObject", 0);
        assert_eq!(twice, "use pyo3::prelude::*;\n");
        // A user's own unused import is not the rules' business.
        assert_eq!(
            edited(source, "unused import: `std::fmt`", None, "pyo3::prelude", 0),
            source
        );
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
