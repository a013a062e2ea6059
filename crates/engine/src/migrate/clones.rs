//! The kinds that clone a `Py` by reference (see [`super::rules::Kind::CloneRef`] and its
//! neighbours): 0.22 made `Py<T>: Clone` a feature whose clone panics without the GIL, and
//! PyO3 advises `clone_ref(py)`. What they share is where the `Python` comes from.

use super::edit::Edit;
use super::kinds::{as_receiver, in_place, is_identifier, line_of, segments};
#[cfg(doc)]
use super::rules::Kind;
use super::syntax::{Function, NextParam, Source};
use regex::Regex;

/// A `Python` the code at `function` can use: the function's own `Python` parameter; else
/// `.py()` of a parameter bound to the GIL (`PyRef<Self>`, `&Bound<..>`); else, where Python
/// calls the function, a new `py: Python<'_>` parameter (PyO3 fills it in, Python's callers
/// never see it), with the edit that adds it. `None`: the code must take the GIL itself.
fn python_of(source: &str, function: &Function) -> (Option<String>, Option<Edit>) {
    python_in(source, function).map_or((None, None), |(py, added)| (Some(py), added))
}

/// What [`python_of`] finds, when it finds one.
fn python_in(source: &str, function: &Function) -> Option<(String, Option<Edit>)> {
    let typed = |prefixes: &[&str]| {
        function
            .params
            .iter()
            .find(|(_, ty)| prefixes.iter().any(|p| source[ty.clone()].starts_with(p)))
    };
    if let Some((py, _)) = typed(&["Python"]) {
        return Some((py.clone(), None));
    }
    if let Some((holder, _)) = typed(&["PyRef<", "PyRefMut<", "Bound<", "&Bound<", "Borrowed<"]) {
        return Some((format!("{holder}.py()"), None));
    }
    let py_named = Regex::new(r"\bpy\b").expect("valid pattern");
    if !function.exported || py_named.is_match(&source[function.body.clone()]) {
        return None;
    }
    let param = format!("py: {}<'_>", python_path(source));
    let edit = match function.next_param {
        NextParam::After(at) => Edit::insert(at, &format!(", {param}")),
        NextParam::First(at) => Edit::insert(at, &param),
    };
    Some(("py".to_string(), Some(edit)))
}

/// How `source` names `Python`: by itself where a `use` brings it in (the prelude, or by
/// name), else by its path.
fn python_path(source: &str) -> &'static str {
    let imported = Regex::new(r"(?m)^\s*(?:pub(?:\([^)]*\))?\s+)?use\s+pyo3::[^;]*(?:prelude::\*|\bPython\b)")
        .expect("valid pattern");
    match imported.is_match(source) {
        true => "Python",
        false => "pyo3::Python",
    }
}

/// A closure's name for each item it clones, other than the `Python`'s holder.
fn item_name(py: Option<&str>) -> &'static str {
    match py.is_some_and(|py| py.starts_with("each")) {
        true => "object",
        false => "each",
    }
}

/// `value` computed with the GIL taken for it, its `Python` named `py`.
fn with_the_gil(source: &str, value: &str) -> String {
    format!("{}::with_gil(|py| {value})", python_path(source))
}

/// `place.clone_ref(py)` with the `Python` at hand, else with the GIL taken for it.
fn cloned_by_reference(source: &str, place: &str, py: Option<&str>) -> String {
    match py {
        Some(py) => format!("{place}.clone_ref({py})"),
        None => with_the_gil(source, &format!("{place}.clone_ref(py)")),
    }
}

/// See [`Kind::CloneRef`]; `item` is the type of the items a `collect` (the span) got,
/// when that is what the diagnostic says.
pub(super) fn clone_ref(
    source: &str,
    syntax: &Source,
    span: std::ops::Range<usize>,
    item: Option<&str>,
) -> Option<Vec<Edit>> {
    let function = syntax.function_at(span.start)?;
    // rustc's `noop_method_call` spans `.clone()`: its method name is what is under it.
    let span = match source
        .get(span.clone())?
        .strip_prefix('.')
        .and_then(|u| u.strip_suffix("()"))
    {
        Some(name) => span.start + 1..span.start + 1 + name.len(),
        None => span,
    };
    let under = source.get(span.clone())?;
    let (py, added) = python_of(source, &function);
    let py = py.as_deref();
    // `x.to_owned()` / `x.clone()` of a `&Py` (the whole call): the receiver and the call.
    let by_method = |call: std::ops::Range<usize>| {
        let text = source.get(call.clone())?;
        let receiver = ["to_owned()", "clone()"]
            .iter()
            .find_map(|m| text.strip_suffix(m))?
            .strip_suffix('.')?;
        Some((call, receiver))
    };
    // A plain place (`value`, `self.first`) that is a `&Py`; a local is cloned where its
    // `let` took it by `to_owned()` (the borrow it holds may not outlive the statement).
    let by_place = |place: std::ops::Range<usize>| {
        let text = source.get(place.clone())?;
        if !text.chars().all(in_place) {
            return None;
        }
        let assigned = is_identifier(text)
            .then(|| syntax.assigned_value(text, function.body.clone(), place.start))
            .flatten()
            .and_then(&by_method);
        Some(assigned.unwrap_or((place, text)))
    };
    let mut edits: Vec<Edit> = match under {
        // `iter.cloned()` maps each item by reference.
        "cloned" if source[span.end..].starts_with("()") => {
            let item = item_name(py);
            let mapped = format!("map(|{item}| {})", cloned_by_reference(source, item, py));
            vec![Edit::replace(span.start, span.end + 2, "cloned()", &mapped)]
        }
        // `x.map(|(k, v)| (k.clone(), v.clone())).collect()` whose items hold a `&Py`.
        "collect" => {
            let item = item?;
            let types = match item.strip_prefix('(').and_then(|i| i.strip_suffix(')')) {
                Some(inside) => top_level_items(inside),
                None => vec![item],
            };
            let values = syntax.mapped_items(span.clone())?;
            if values.len() != types.len() {
                return None;
            }
            let borrowed = |ty: &&str| {
                ty.strip_prefix('&')
                    .is_some_and(|t| t.trim_start_matches("pyo3::").starts_with("Py<"))
            };
            types
                .iter()
                .zip(values)
                .filter(|(ty, _)| borrowed(ty))
                .map(|(_, value)| {
                    let (at, receiver) = by_method(value.clone()).or_else(|| by_place(value))?;
                    let cloned = cloned_by_reference(source, receiver, py);
                    Some(Edit::replace(at.start, at.end, source.get(at)?, &cloned))
                })
                .collect::<Option<Vec<_>>>()?
        }
        _ => {
            let call = match under {
                "to_owned" | "clone" if source[span.end..].starts_with("()") => syntax.method_call(span.clone())?.call,
                _ => span.clone(),
            };
            let (at, receiver) = by_method(call.clone()).or_else(|| by_place(call))?;
            vec![Edit::replace(
                at.start,
                at.end,
                source.get(at.clone())?,
                &cloned_by_reference(source, receiver, py),
            )]
        }
    };
    // The GIL taken in a closure: a `?` or a `return` there would be the closure's.
    if py.is_none()
        && edits
            .iter()
            .any(|e| e.expected.contains('?') || e.expected.contains("return"))
    {
        return None;
    }
    if edits.is_empty() {
        return None;
    }
    edits.extend(added);
    Some(edits)
}

/// The items of a comma-separated list (a tuple type's inside), split outside brackets.
fn top_level_items(list: &str) -> Vec<&str> {
    let (mut items, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in list.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth -= 1,
            ',' if depth == 0 => {
                items.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(list[start..].trim());
    items.retain(|i| !i.is_empty());
    items
}

/// See [`Kind::CloneEach`]: `container` is the type rustc names (`Vec<Py<PyAny>>`).
pub(super) fn clone_each(
    source: &str,
    syntax: &Source,
    name: std::ops::Range<usize>,
    container: &str,
) -> Option<Vec<Edit>> {
    if source.get(name.clone())? != "clone" {
        return None;
    }
    let call = syntax.method_call(name.clone())?;
    let receiver = source.get(call.receiver.clone())?;
    let function = syntax.function_at(name.start)?;
    let (py, added) = python_of(source, &function);
    let py = py.as_deref();
    let item = item_name(py);
    let cloned = cloned_by_reference(source, item, py);
    let map = match segments(container).last()?.split('<').next()? {
        "Vec" | "VecDeque" => format!("map(|{item}| {cloned})"),
        "BTreeMap" | "HashMap" => format!("map(|(key, {item})| (key.clone(), {cloned}))"),
        _ => return None,
    };
    let receiver = as_receiver(receiver);
    let text = source.get(call.call.clone())?;
    let mut edits = vec![Edit::replace(
        call.call.start,
        call.call.end,
        text,
        &format!("{receiver}.iter().{map}.collect()"),
    )];
    edits.extend(added);
    Some(edits)
}

/// What a struct's field holds, for a `Clone` written by hand.
fn clone_of_field(place: &str, ty: &str) -> Option<String> {
    let py = r"(?:pyo3::)?(?:Py<[^<>]*(?:<[^<>]*>[^<>]*)*>|PyObject)";
    let is = |pattern: String| Regex::new(&pattern).expect("valid pattern").is_match(ty);
    if is(format!("^{py}$")) {
        return Some(format!("{place}.clone_ref(py)"));
    }
    if is(format!(r"^Option<\s*{py}\s*>$")) {
        return Some(format!("{place}.as_ref().map(|each| each.clone_ref(py))"));
    }
    // A primitive is copied, as the derived clone did.
    if is(r"^(?:[iu](?:8|16|32|64|128|size)|f32|f64|bool|char)$".to_string()) {
        return Some(place.to_string());
    }
    // Any other type holding a `Py` (a `Vec<Py<T>>`) is a person's.
    if is(r"\b(?:Py<|PyObject\b)".to_string()) {
        return None;
    }
    Some(format!("{place}.clone()"))
}

/// See [`Kind::CloneWithTheGil`].
pub(super) fn clone_with_the_gil(source: &str, syntax: &Source, at: usize) -> Option<Vec<Edit>> {
    let item = syntax.struct_at(at)?;
    if item.generic {
        return None;
    }
    let (clone, list) = item.derives.iter().find(|(path, _)| {
        matches!(
            source.get(path.clone()),
            Some("Clone" | "std::clone::Clone" | "core::clone::Clone")
        )
    })?;
    let removal = leave_list(source, clone.clone(), list.clone())?;
    let (_, indent) = line_of(source, item.end - 1);
    let fields = item
        .fields
        .iter()
        .enumerate()
        .map(|(i, (name, ty))| {
            let place = format!("self.{}", name.clone().unwrap_or_else(|| i.to_string()));
            let value = clone_of_field(&place, source.get(ty.clone())?)?;
            Some(match name {
                Some(name) => format!("{indent}            {name}: {value},\n"),
                None => format!("{indent}            {value},\n"),
            })
        })
        .collect::<Option<String>>()?;
    let (open, close) = match item.fields.first() {
        Some((None, _)) => ("(", ")"),
        _ => (" {", "}"),
    };
    let name = &item.name;
    let value = with_the_gil(source, &format!("{name}{open}\n{fields}{indent}        {close}"));
    let implementation = format!(
        "\n\n{indent}// `Py` is `Clone` only with the GIL held (PyO3 0.22): the clone takes it.\n\
         {indent}impl Clone for {name} {{\n\
         {indent}    fn clone(&self) -> Self {{\n\
         {indent}        {value}\n\
         {indent}    }}\n\
         {indent}}}"
    );
    Some(vec![removal, Edit::insert(item.end, &implementation)])
}

/// The edit that takes `name` out of the comma-separated `list` (`Clone, Debug`), with its
/// comma; the whole attribute's line when it is the only entry.
fn leave_list(source: &str, name: std::ops::Range<usize>, list: std::ops::Range<usize>) -> Option<Edit> {
    let after = &source[name.end..list.end];
    let rest = after.trim_start();
    if let Some(tail) = rest.strip_prefix(',') {
        let next = list.end - tail.trim_start().len();
        return Some(Edit::replace(name.start, next, source.get(name.start..next)?, ""));
    }
    let before = source.get(list.start..name.start)?.trim_end();
    if before.ends_with(',') {
        let comma = list.start + before.len() - 1;
        return Some(Edit::replace(comma, name.end, &source[comma..name.end], ""));
    }
    // The only entry: the attribute's whole line, when nothing else is on it.
    let (line_start, _) = line_of(source, name.start);
    let line_end = source[list.end..].find('\n').map_or(source.len(), |i| list.end + i + 1);
    let line = &source[line_start..line_end];
    (line.trim().starts_with("#[") && line.trim().ends_with(")]"))
        .then(|| Edit::replace(line_start, line_end, line, ""))
}
