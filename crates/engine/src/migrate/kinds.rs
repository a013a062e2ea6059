//! What each kind of rule does at a diagnostic's span (see [`super::rules::Kind`]): small
//! functions from the file's text (and its syntax, where a span is not enough) to the
//! edits, or to nothing when the text is not what the kind is about.

use super::compiler::{Span, Suggestion};
use super::edit::Edit;
#[cfg(doc)]
use super::rules::Kind;
use super::syntax::{Collected, Function, Source};
use regex::Regex;

/// A rewrite: what to find from the span on, and what it becomes.
#[derive(Debug, Clone)]
pub(super) struct Rewrite {
    pub(super) at: Regex,
    pub(super) into: String,
}

/// A path's segments, split at `::` outside angle brackets (`Python::<'_>::with_gil`).
pub(super) fn segments(path: &str) -> Vec<&str> {
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
pub(super) fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Whether `c` may stand in a place written as a path of fields (`self.node`, `value`).
pub(super) fn in_place(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.'
}

/// `expr` ready for a method call after it: itself where it is a place (`value`,
/// `self.node`), else in parentheses.
pub(super) fn as_receiver(expr: &str) -> String {
    match expr.chars().all(in_place) {
        true => expr.to_string(),
        false => format!("({expr})"),
    }
}

/// Where the type at `at` holds its GIL ref: inside `Option<..>` (past the `<` and any
/// space) when it is one, else `at` itself.
fn inside_option(source: &str, at: usize) -> usize {
    match source[at..].strip_prefix("Option<") {
        Some(inner) => at + "Option<".len() + (inner.len() - inner.trim_start().len()),
        None => at,
    }
}

/// The start of the line that holds `at`, and that line's indentation.
pub(super) fn line_of(source: &str, at: usize) -> (usize, &str) {
    let start = source[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &source[start..];
    (start, &line[..line.len() - line.trim_start_matches([' ', '\t']).len()])
}

/// The deprecated `item` under the span becomes `to`'s last segment: only where the text
/// under the span is exactly the item's name, and the replacement lives where the item did
/// (the same parent, a method called with `.`, or a name of its own such as `Py<PyAny>`);
/// `pyo3::prepare_freethreaded_python` -> `Python::initialize` is not a rename of a name.
pub(super) fn rename(source: &str, start: usize, end: usize, item: &str, to: &str) -> Option<Edit> {
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

/// See [`Kind::RenameFallible`]: the rename, with `?` after the call where `?` can go;
/// where it cannot, no edit at all (an empty set), for renaming alone would change what the
/// value is (a `PyResult` printed with `{:?}` still compiles).
pub(super) fn rename_fallible(
    source: &str,
    syntax: &Source,
    name: std::ops::Range<usize>,
    item: &str,
    to: &str,
) -> Option<Vec<Edit>> {
    let renamed = rename(source, name.start, name.end, item, to)?;
    let call = syntax
        .path_call(name.clone())
        .map(|c| c.call)
        .or_else(|| syntax.method_call(name.clone()).map(|c| c.call));
    let tried = call.and_then(|call| question_mark(source, syntax, &syntax.function_at(name.start)?, call.end, "?"));
    Some(match tried {
        Some(mut edits) => {
            edits.push(renamed);
            edits
        }
        None => Vec::new(),
    })
}

/// `attribute` on a line of its own above the line of `at`.
pub(super) fn attribute(source: &str, at: usize, attribute: &str) -> Option<Edit> {
    source.get(..at)?; // an offset inside the text
    let (line_start, indent) = line_of(source, at);
    Some(Edit::replace(
        line_start,
        line_start,
        "",
        &format!("{indent}{attribute}\n"),
    ))
}

/// The GIL-ref type at `start` (`&PyT`, `&'py PyT`), or after the argument name under
/// `start..end` (`m: &PyModule`), becomes `&Bound<'_, PyT>` (`&Bound<'py, PyT>`).
pub(super) fn bound_argument(source: &str, start: usize, end: usize) -> Option<Edit> {
    let gil_ref = Regex::new(
        r"^&\s*(?:'(?P<lifetime>[A-Za-z_][A-Za-z0-9_]*)\s+)?(?P<ty>(?:[A-Za-z_][A-Za-z0-9_]*::)*Py[A-Za-z0-9_]*)\b",
    )
    .expect("valid pattern");
    let under = source.get(start..end)?;
    let from = match under {
        "&" => start,
        // `Option<&PyT>` (rustc's span on `Option`): the GIL ref inside the option.
        "Option" if source[end..].starts_with('<') => inside_option(source, start),
        name if is_identifier(name) => {
            let rest = &source[end..];
            let colon = rest.len() - rest.trim_start().len();
            if !rest.trim_start().starts_with(':') {
                return None;
            }
            let after = &rest[colon + 1..];
            let ty = end + colon + 1 + (after.len() - after.trim_start().len());
            // `x: Option<&PyT>`: the GIL ref inside the option.
            inside_option(source, ty)
        }
        _ => return None,
    };
    let found = gil_ref.captures(&source[from..])?;
    let whole = found.get(0)?;
    let lifetime = found.name("lifetime").map_or("_", |m| m.as_str());
    let ty = found.name("ty")?.as_str();
    // `&PyCell<T>` is a `&Bound<'_, T>`; any other generic GIL ref is left to a person.
    let (whole, ty) = match source[from + whole.end()..].strip_prefix('<') {
        None => (whole.as_str().to_string(), ty.to_string()),
        Some(rest) if segments(ty).last() == Some(&"PyCell") => {
            let inner = &rest[..rest.find('>')?];
            if inner.contains('<') {
                return None;
            }
            (format!("{}<{inner}>", whole.as_str()), inner.trim().to_string())
        }
        Some(_) => return None,
    };
    Some(Edit::replace(
        from,
        from + whole.len(),
        &whole,
        &format!("&Bound<'{lifetime}, {ty}>"),
    ))
}

/// In the type that starts at `start` (up to a `{` or `;`: a return type, a `let`'s type),
/// each `&'lt T` / `&T` (`ty` names T) becomes `Bound<'lt, T>` (`Bound<'_, T>`).
pub(super) fn owned_bound(source: &str, start: usize, ty: &str) -> Option<Vec<Edit>> {
    let name = *segments(ty).last()?;
    let rest = source.get(start..)?;
    let end = start + rest.find(['{', ';']).unwrap_or(rest.len());
    let edits = owned_gil_refs(source, start..end, &regex::escape(name));
    (!edits.is_empty()).then_some(edits)
}

/// Within `within`, each `&'lt T` / `&T` whose T's name matches `name` (a pattern) and
/// has no generic arguments becomes `Bound<'lt, T>` (`Bound<'_, T>`).
fn owned_gil_refs(source: &str, within: std::ops::Range<usize>, name: &str) -> Vec<Edit> {
    let gil_ref = Regex::new(&format!(
        r"&\s*(?:'(?P<lifetime>[A-Za-z_][A-Za-z0-9_]*)\s+)?(?P<ty>(?:[A-Za-z_][A-Za-z0-9_]*::)*{name})\b"
    ))
    .expect("valid pattern");
    let text = &source[within.clone()];
    gil_ref
        .captures_iter(text)
        .filter_map(|found| {
            let whole = found.get(0)?;
            if text[whole.end()..].starts_with('<') {
                return None;
            }
            let lifetime = found.name("lifetime").map_or("_", |m| m.as_str());
            Some(Edit::replace(
                within.start + whole.start(),
                within.start + whole.end(),
                whole.as_str(),
                &format!("Bound<'{lifetime}, {}>", &found["ty"]),
            ))
        })
        .collect()
}

/// See [`Kind::OwnedBound`]: where the type of the place a value at `at` goes starts.
pub(super) fn declared_at(source: &str, syntax: &Source, at: usize) -> Option<usize> {
    let function = syntax.function_at(at)?;
    let receiver = syntax.call_around(at).and_then(|call| source.get(call.receiver));
    let collection = receiver
        .filter(|r| is_identifier(r))
        .and_then(|r| syntax.declared_type(r, function.body, at));
    collection.or_else(|| syntax.let_type_at(at)).map(|ty| ty.start)
}

/// `?` after the call under `start..end` (a whole call expression, `X::new(..)`).
pub(super) fn try_operator(source: &str, syntax: &Source, start: usize, end: usize) -> Option<Vec<Edit>> {
    let call = source.get(start..end)?;
    let is_call = Regex::new(r"^(?:[A-Za-z_][A-Za-z0-9_]*::)*[A-Za-z_][A-Za-z0-9_]*\(").expect("valid pattern");
    if !is_call.is_match(call) || !call.ends_with(')') || source[end..].starts_with('?') {
        return None;
    }
    question_mark(source, syntax, &syntax.function_at(start)?, end, "?")
}

/// The first match of `rewrite.at` in the text from `start` on that starts before `end`,
/// replaced by `rewrite.into` expanded with the match's captures.
/// `captured` holds the message's captures, for the names `at` does not capture.
pub(super) fn rewrite(
    source: &str,
    start: usize,
    end: usize,
    rewrite: &Rewrite,
    captured: &[(&str, &str)],
) -> Option<Edit> {
    let from_span = source.get(start..)?;
    let found = rewrite.at.captures(from_span)?;
    let whole = found.get(0)?;
    if start + whole.start() >= end.max(start + 1) {
        return None;
    }
    let (_, indent) = line_of(source, start);
    let lifetime = found.name("lifetime").map_or("_", |m| m.as_str());
    let mut template = rewrite
        .into
        .replace("${indent}", indent)
        .replace("${lifetime}", lifetime);
    for (name, value) in captured.iter().filter(|(name, _)| found.name(name).is_none()) {
        template = template.replace(&format!("${{{name}}}"), value);
    }
    let mut replacement = String::new();
    found.expand(&template, &mut replacement);
    Some(Edit::replace(
        start + whole.start(),
        start + whole.end(),
        whole.as_str(),
        &replacement,
    ))
}

/// The edits that make `?` at `at` (inside `function`) compile: nothing more in a function
/// that returns a `PyResult`; `.map_err(E::custom)` (or serde's `Error::custom`) before it in one that returns a serde
/// `Result<_, E>` ([`Function::custom_error`]); in a function Python calls (whose callers are not Rust code)
/// and that returns its value only at its end, its return type `T` becomes `PyResult<T>`
/// and its value `Ok(..)`. Inside a closure, only in the closure whose value is the
/// function's (`Python::with_gil(|py| ..)` at its end), whose value becomes `Ok(..)` unless
/// it already was a `Result`, and in a closure whose values are collected (see
/// [`collected_question_mark`]). Anywhere else (another closure, a helper with Rust
/// callers) the change is left to a person.
pub(super) fn question_mark(
    source: &str,
    syntax: &Source,
    function: &Function,
    at: usize,
    after_at: &str,
) -> Option<Vec<Edit>> {
    let value = match (&function.value_closure, function.in_closure) {
        (Some(closure), _) => closure.clone(),
        (None, true) => return collected_question_mark(source, syntax, function.collected.as_ref()?, at, after_at),
        (None, false) => function.tail.clone()?,
    };
    let mut edits = vec![Edit::insert(at, after_at)];
    if function.fallible {
        return Some(edits);
    }
    if let (false, Some(error)) = (function.in_closure, &function.custom_error) {
        // A serde visitor's `Result<_, E>`: the `PyErr` becomes an `E` as serde makes one.
        return Some(vec![Edit::insert(at, &format!(".map_err({error}){after_at}"))]);
    }
    let returns = function.returns.clone()?;
    if !function.exported || function.returns_early {
        return None;
    }
    let ty = &source[returns.clone()];
    edits.push(Edit::replace(
        returns.start,
        returns.end,
        ty,
        &format!("PyResult<{ty}>"),
    ));
    edits.extend(Edit::ok_around(value));
    Some(edits)
}

/// `?` at `at` inside a closure whose values are collected (`items.map(|x| ..).collect()`):
/// the closure's value becomes `Ok(..)`, the collect gathers a `PyResult` (`collect::<
/// PyResult<_>>()`, the turbofish's type kept) and gets the `?` where that can go, or is
/// returned as it is where the function returned `Ok(collect)`. A wrap
/// of a value that its own `?` ends is not made ([`super::edit::made`]): the closure then
/// gives the fallible call's `PyResult` as it is.
fn collected_question_mark(
    source: &str,
    syntax: &Source,
    collected: &Collected,
    at: usize,
    after_at: &str,
) -> Option<Vec<Edit>> {
    let collect = collected.collect.clone();
    let into = collected.into.clone().map_or("_", |ty| &source[ty]);
    // A type written as `PyResult<..>` (or `pyo3::PyResult<..>`).
    let is_py_result = |ty: &str| ty.trim_start_matches("pyo3::").starts_with("PyResult<");
    if is_py_result(into) {
        // The closure gives a `PyResult` already (an earlier step's edit): `?` works in it.
        return Some(vec![Edit::insert(at, after_at)]);
    }
    let outer = syntax.function_at(collect.start)?;
    let returns_py_result = outer.returns.as_ref().is_some_and(|r| is_py_result(&source[r.clone()]));
    // `Ok(xs.map(..).collect())` returned where a `PyResult` is: the collect's own `PyResult`
    // is returned rather than `Ok(x?)`, and takes the function's type unless it names one.
    let returned = collected
        .ok
        .as_ref()
        .filter(|ok| returns_py_result && !outer.in_closure && outer.tail.as_ref() == Some(*ok));
    let mut edits = match returned {
        Some(ok) => {
            let open = ok.start..ok.start + source[ok.clone()].find('(')? + 1;
            vec![
                Edit::replace(open.start, open.end, &source[open.clone()], ""),
                Edit::replace(ok.end - 1, ok.end, ")", ""),
            ]
        }
        None => question_mark(source, syntax, &outer, collected.end, "?")?,
    };
    if returned.is_none() || collected.into.is_some() {
        edits.push(Edit::replace(
            collect.start,
            collect.end,
            &source[collect.clone()],
            &format!("collect::<PyResult<{into}>>"),
        ));
    }
    edits.push(Edit::insert(at, after_at));
    edits.extend(Edit::ok_around(collected.value.clone()));
    Some(edits)
}

/// See [`Kind::IntoPyobjectImpl`]: only an impl of `IntoPy<PyObject>` (or `IntoPy<Py<PyAny>>`)
/// whose one method takes `self` and a `Python` and returns its value at its end.
pub(super) fn into_pyobject_impl(source: &str, syntax: &Source, at: usize) -> Option<Vec<Edit>> {
    let found = syntax.trait_impl(at)?;
    let trait_path = &source[found.trait_path.clone()];
    let compact: String = trait_path.split_whitespace().collect();
    if !matches!(compact.as_str(), "IntoPy<PyObject>" | "IntoPy<Py<PyAny>>") {
        return None;
    }
    let [method] = found.methods.as_slice() else {
        return None;
    };
    let function = &method.function;
    let ([(py, py_type)], Some(returns), Some(tail), false) = (
        function.params.as_slice(),
        function.returns.clone(),
        function.tail.clone(),
        function.returns_early,
    ) else {
        return None;
    };
    // The method starts its line: its indentation is the associated types'.
    let (line_start, indent) = line_of(source, method.start);
    if line_start + indent.len() != method.start {
        return None;
    }
    let replace = |range: &std::ops::Range<usize>, text: &str| {
        Edit::replace(range.start, range.end, &source[range.clone()], text)
    };
    let generics = match &found.generics {
        None => Edit::insert(found.after_impl, "<'py>"),
        Some(generics) => Edit::insert(generics.start + 1, "'py, "),
    };
    Some(vec![
        generics,
        replace(&found.trait_path, "IntoPyObject<'py>"),
        Edit::insert(
            found.body_start,
            &format!("\n{indent}type Target = PyAny;\n{indent}type Output = Bound<'py, PyAny>;\n{indent}type Error = PyErr;\n"),
        ),
        replace(&method.name, "into_pyobject"),
        replace(py_type, "Python<'py>"),
        replace(&returns, "PyResult<Self::Output>"),
        Edit::insert(tail.start, "Ok("),
        Edit::insert(tail.end, &format!(".into_bound({py}))")),
    ])
}

/// See [`Kind::IntoPyobjectCall`].
pub(super) fn into_pyobject_call(
    source: &str,
    syntax: &Source,
    name: std::ops::Range<usize>,
    of_reference: bool,
) -> Option<Vec<Edit>> {
    let call = syntax.method_call(name.clone())?;
    let method = source.get(name.clone())?;
    if !(method == "into_py" || method == "to_object" && (call.receiver_is_temporary || of_reference)) {
        return None;
    }
    let function = syntax.function_at(name.start)?;
    let mut edits = vec![Edit::replace(name.start, name.end, method, "into_pyobject")];
    // `x.into_py(py).into_bound(py)` (what an `IntoPy` impl's body becomes in its
    // `into_pyobject`): the `Bound` that `into_pyobject` gives, without the round trip.
    let rebound = Regex::new(r"^\.into_bound\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)").expect("valid pattern");
    let (suffix, round_trip) = match rebound.find(&source[call.call.end..]) {
        Some(found) => ("?.into_any()", Some(found.as_str())),
        None => ("?.into_any().unbind()", None),
    };
    edits.extend(question_mark(source, syntax, &function, call.call.end, suffix)?);
    if let Some(round_trip) = round_trip {
        let at = call.call.end;
        edits.push(Edit::replace(at, at + round_trip.len(), round_trip, ""));
    }
    Some(edits)
}

/// The receiver of the method call whose name is `name`: syn's, else (inside a macro's
/// arguments, which syn leaves as tokens) the path of fields written just before `.name`.
pub(super) fn receiver<'s>(source: &'s str, syntax: &Source, name: std::ops::Range<usize>) -> Option<&'s str> {
    if let Some(call) = syntax.method_call(name.clone()) {
        return source.get(call.receiver);
    }
    let before = source.get(..name.start)?.trim_end().strip_suffix('.')?.trim_end();
    let path = before.trim_end_matches(in_place);
    Some(&before[path.len()..]).filter(|r| !r.is_empty() && !r.starts_with('.'))
}

/// See [`Kind::BoundParameter`].
pub(super) fn bound_parameter(source: &str, syntax: &Source, name: std::ops::Range<usize>) -> Option<Edit> {
    // The span is the method's name in `x.m(..)`, or the parameter itself (`for i in x`).
    let receiver = receiver(source, syntax, name.clone()).or_else(|| source.get(name.clone()))?;
    if !is_identifier(receiver) {
        return None;
    }
    let function = syntax.function_at(name.start)?;
    let (_, ty) = function.params.iter().find(|(param, _)| param == receiver)?;
    bound_argument(source, ty.start, ty.start + 1)
}

/// See [`Kind::BoundField`]: only where exactly one field of that name is a GIL ref.
pub(super) fn bound_field(source: &str, syntax: &Source, name: std::ops::Range<usize>) -> Option<Edit> {
    let (_, field) = receiver(source, syntax, name)?.rsplit_once('.')?;
    if !is_identifier(field) {
        return None;
    }
    // `&'py PyT` as an argument would be `&Bound<'py, PyT>`: a field owns its `Bound`.
    let owned = syntax.fields_named(field).into_iter().filter_map(|ty| {
        let borrowed = bound_argument(source, ty.start, ty.start + 1)?;
        let replacement = borrowed.replacement.strip_prefix('&')?.to_string();
        Some(Edit {
            replacement,
            ..borrowed
        })
    });
    let [edit] = owned.collect::<Vec<_>>().try_into().ok()?;
    Some(edit)
}

/// See [`Kind::IntoPyobjectByReference`].
pub(super) fn into_pyobject_by_reference(source: &str, start: usize, end: usize) -> Option<Edit> {
    let under = source.get(start..end)?;
    if !source[end..].starts_with(".into_pyobject(") || under.starts_with("(&*") {
        return None;
    }
    Some(Edit::replace(start, end, under, &format!("(&*{under})")))
}

/// See [`Kind::CallToMethod`].
pub(super) fn call_to_method(source: &str, syntax: &Source, name: std::ops::Range<usize>, to: &str) -> Option<Edit> {
    let call = syntax.path_call(name)?;
    let [arg] = &call.args[..] else {
        return None;
    };
    let (ty, arg) = (source.get(call.ty?)?, source.get(arg.clone())?);
    let value = as_receiver(arg);
    let expected = source.get(call.call.clone())?;
    Some(Edit::replace(
        call.call.start,
        call.call.end,
        expected,
        &format!("{value}.{to}::<{ty}>()"),
    ))
}

/// See [`Kind::MethodSyntax`].
pub(super) fn method_syntax(source: &str, syntax: &Source, name: std::ops::Range<usize>) -> Option<Edit> {
    let call = syntax.path_call(name.clone())?;
    let ty = source.get(call.ty?)?;
    if !segments(ty).last()?.starts_with("Py") {
        return None;
    }
    let (first, rest) = call.args.split_first()?;
    let first = source.get(first.clone())?;
    // `Py::extract(py)?` made the GIL ref `PyAny`'s methods took: `bind(py)` is its `Bound`.
    let extracted =
        Regex::new(r"^(?P<object>.+)\.extract\((?P<py>[A-Za-z_][A-Za-z0-9_]*)\)\?$").expect("valid pattern");
    let receiver = match extracted.captures(first) {
        Some(found) => format!("{}.bind({})", &found["object"], &found["py"]),
        None => as_receiver(first),
    };
    let arguments = match rest.first() {
        Some(second) => source.get(second.start..call.call.end - 1)?,
        None => "",
    };
    Some(Edit::replace(
        call.call.start,
        call.call.end,
        source.get(call.call.clone())?,
        &format!("{receiver}.{}({arguments})", source.get(name)?),
    ))
}

/// See [`Kind::BoundArgumentsOfBlock`].
pub(super) fn bound_arguments_of_block(source: &str, syntax: &Source, at: usize) -> Option<Vec<Edit>> {
    let edits: Vec<Edit> = syntax
        .methods_of_impl_at(at)
        .iter()
        .filter(|method| method.exported)
        .flat_map(|method| &method.params)
        .flat_map(|(_, ty)| {
            let text = &source[ty.clone()];
            if text.starts_with('(') {
                // A tuple's items are extracted as values: each GIL ref becomes a `Bound`.
                return owned_gil_refs(source, ty.clone(), "Py[A-Za-z0-9_]*");
            }
            let gil_ref = inside_option(source, ty.start);
            bound_argument(source, gil_ref, gil_ref + 1).into_iter().collect()
        })
        .collect();
    (!edits.is_empty()).then_some(edits)
}

/// See [`Kind::CloneBound`].
pub(super) fn clone_bound(source: &str, start: usize, end: usize) -> Option<Edit> {
    let under = source.get(start..end)?;
    let postfix = under.chars().all(in_place) || (under.ends_with(')') && !under.starts_with(['&', '*', '(']));
    Some(match postfix {
        true => Edit::insert(end, ".clone()"),
        false => Edit::replace(start, end, under, &format!("({under}).clone()")),
    })
}

/// See [`Kind::LifetimeOnParameter`].
pub(super) fn lifetime_on_parameter(
    source: &str,
    syntax: &Source,
    at: usize,
    name: &str,
    lifetime: &str,
) -> Option<Edit> {
    let function = syntax.function_at(at)?;
    let (_, ty) = function.params.iter().find(|(param, _)| param == name)?;
    let reference = source.get(ty.clone())?.strip_prefix('&')?;
    if reference.trim_start().starts_with('\'') {
        return None;
    }
    Some(Edit::replace(ty.start + 1, ty.start + 1, "", &format!("'{lifetime} ")))
}

/// See [`Kind::InherentImpl`].
pub(super) fn inherent_impl(source: &str, start: usize, end: usize) -> Option<Edit> {
    let (line_start, _) = line_of(source, start);
    let header = Regex::new(r"^(?P<impl>(?:unsafe\s+)?impl)\s+$").expect("valid pattern");
    let before = header.captures(source[line_start..start].trim_start())?;
    let from = start - before.get(0)?.as_str().len();
    let for_type = Regex::new(r"^\s+for\s+").expect("valid pattern");
    let after = for_type.find(&source[end..])?;
    let replaced = &source[from..end + after.end()];
    Some(Edit::replace(from, end + after.end(), replaced, "impl "))
}

/// See [`Kind::DropTry`].
pub(super) fn drop_try(source: &str, end: usize) -> Option<Edit> {
    (end > 0 && source.get(end - 1..end)? == "?").then(|| Edit::replace(end - 1, end, "?", ""))
}

/// See [`Kind::RemoveImport`].
pub(super) fn remove_import(source: &str, start: usize, end: usize) -> Option<Edit> {
    let name = source.get(start..end)?;
    if !name.split("::").all(is_identifier) {
        return None;
    }
    let before = source[..start].trim_end();
    let after = source[end..].trim_start();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let opened = before[line_start..].trim_start();
    // `use pyo3::{Name};`: the braces hold nothing else.
    let braced = opened.starts_with("use ") && opened.ends_with('{') && opened.matches('{').count() == 1;
    let after = match after.strip_prefix('}') {
        Some(closed) if braced => closed.trim_start(),
        _ => after,
    };
    if (opened == "use" || braced) && after.starts_with(';') {
        // The only name: the whole line goes, when nothing else is on it.
        let semicolon = source.len() - after.len();
        let line_end = source[semicolon..]
            .find('\n')
            .map_or(source.len(), |i| semicolon + i + 1);
        let whole = &source[line_start..line_end];
        return (whole.trim_end() == whole[..semicolon + 1 - line_start].trim_end())
            .then(|| Edit::replace(line_start, line_end, whole, ""));
    }
    if after.starts_with(',') {
        // `{A, Name, B}` or `{Name, B}`: the name, its comma and the space after it.
        let comma = source.len() - after.len();
        let next = comma + 1 + (source[comma + 1..].len() - source[comma + 1..].trim_start().len());
        return Some(Edit::replace(start, next, &source[start..next], ""));
    }
    if after.starts_with('}') && before.ends_with(',') {
        // `{A, Name}`: the comma before it and the name.
        let comma = before.len() - 1;
        return Some(Edit::replace(comma, end, &source[comma..end], ""));
    }
    None
}

/// See [`Kind::HoistTemporary`].
pub(super) fn hoist_temporary(source: &str, syntax: &Source, temporary: std::ops::Range<usize>) -> Option<Edit> {
    let (name, value) = syntax.plain_let_from(temporary.start)?;
    if temporary.end >= value.end || !source[temporary.end..].starts_with('.') {
        return None;
    }
    let (_, indent) = line_of(source, temporary.start);
    Some(Edit::replace(
        temporary.end,
        temporary.end,
        "",
        &format!(";\n{indent}let {name} = {name}"),
    ))
}

/// See [`Kind::Suggestion`].
pub(super) fn suggested(source: &str, suggestions: &[Suggestion]) -> Option<Vec<Edit>> {
    let edits = suggestions
        .iter()
        .map(|s| {
            Some(Edit::replace(
                s.span.start,
                s.span.end,
                source.get(s.span.start..s.span.end)?,
                &s.replacement,
            ))
        })
        .collect::<Option<Vec<_>>>()?;
    (!edits.is_empty()).then_some(edits)
}

/// See [`Kind::BorrowMoved`] and [`Kind::Borrow`]: `&` before the plain variable at `at`.
pub(super) fn borrow(source: &str, at: &Span) -> Option<Edit> {
    let name = source.get(at.start..at.end)?;
    if !is_identifier(name) || source[..at.start].ends_with('&') {
        return None;
    }
    Some(Edit::insert(at.start, "&"))
}

/// See [`Kind::TryAtLet`].
pub(super) fn try_at_let(source: &str, syntax: &Source, span: std::ops::Range<usize>) -> Option<Vec<Edit>> {
    // The span is the method's name in `x.m(..)`, or the local itself (`f(x)`).
    let local = receiver(source, syntax, span.clone()).or_else(|| source.get(span.clone()))?;
    if !is_identifier(local) {
        return None;
    }
    let function = syntax.function_at(span.start)?;
    let value = syntax.assigned_value(local, function.body.clone(), span.start)?;
    if !source[value.clone()].ends_with(')') {
        return None;
    }
    question_mark(source, syntax, &function, value.end, "?")
}

/// See [`Kind::TryBeforeMethod`].
pub(super) fn try_before_method(source: &str, syntax: &Source, name: std::ops::Range<usize>) -> Option<Vec<Edit>> {
    let call = syntax.method_call(name.clone())?;
    if !call.receiver_is_call || source[call.receiver.end..].starts_with('?') {
        return None;
    }
    question_mark(source, syntax, &syntax.function_at(name.start)?, call.receiver.end, "?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_ignore_generic_arguments() {
        assert_eq!(segments("pyo3::Python::<'_>::with_gil"), ["pyo3", "Python", "with_gil"]);
        assert_eq!(segments("Py<PyAny>"), ["Py<PyAny>"]);
        assert_eq!(segments("Bound::cast"), ["Bound", "cast"]);
    }
}
