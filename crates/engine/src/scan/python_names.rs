//! The module-level names of a Python file such as `noxfile.py`, as far as they can be told
//! without running it: the strings and paths a maintainer names once and passes to
//! `session.install(...)` (`TESTS = ROOT / "tests"`, `REQUIREMENTS = dict(tests=TESTS /
//! "requirements.txt")`). Paths are kept relative to the file's directory; anything else
//! (a call, an f-string, a computed value) has no value here and is reported as unreadable
//! by the caller, never guessed.

use std::collections::HashMap;

/// What a name or an expression stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A string, or a path relative to the file's directory (`""` for the directory).
    Text(String),
    /// A `dict(...)` or `{...}` with string keys.
    Table(HashMap<String, Value>),
}

/// The module-level names whose values can be told.
#[derive(Debug, Clone, Default)]
pub struct Names(HashMap<String, Value>);

impl Names {
    /// The names assigned at the top level of `text` (`NAME = expression`, an expression
    /// that spans lines while its brackets are open), in order, each read with the names
    /// before it.
    pub fn of_module(text: &str) -> Names {
        let mut names = Names::default();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some((name, first)) = assignment(line) else {
                continue;
            };
            let mut expression = first.to_string();
            while depth(&expression) > 0 {
                let Some(more) = lines.next() else { break };
                expression.push('\n');
                expression.push_str(more);
            }
            if let Some(value) = names.eval(&expression) {
                names.0.insert(name.to_string(), value);
            }
        }
        names
    }

    /// The value of a Python expression, when it is a string, a name, a path made with `/`,
    /// a subscript of a table by a string, or a `dict(...)`/`{...}` of those.
    pub fn eval(&self, expression: &str) -> Option<Value> {
        let uncommented = strip_comment(expression);
        let e = uncommented.trim();
        if let Some(text) = string_literal(e) {
            return Some(Value::Text(text));
        }
        // The file's own directory, however it is spelled.
        let here = [
            "Path(__file__).parent",
            "pathlib.Path(__file__).parent",
            "os.path.dirname(__file__)",
            "os.path.dirname(os.path.abspath(__file__))",
        ];
        let plain = e.replace(".resolve()", "").replace(".absolute()", "");
        if here.contains(&plain.as_str()) {
            return Some(Value::Text(String::new()));
        }
        let parts = split_top(e, '/');
        if parts.len() > 1 {
            let mut path = String::new();
            for part in parts {
                let Value::Text(segment) = self.eval(part)? else {
                    return None;
                };
                path = match path.is_empty() {
                    true => segment,
                    false => format!("{path}/{segment}"),
                };
            }
            return Some(Value::Text(path));
        }
        if let Some(inner) = e.strip_prefix("dict(").and_then(|r| r.strip_suffix(')')) {
            return self.table(inner, '=');
        }
        if let Some(inner) = e.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
            return self.table(inner, ':');
        }
        if let Some((name, key)) = e.strip_suffix(']').and_then(|r| r.split_once('[')) {
            let Value::Table(table) = self.eval(name)? else {
                return None;
            };
            let Value::Text(key) = self.eval(key)? else {
                return None;
            };
            return table.get(&key).cloned();
        }
        is_name(e).then(|| self.0.get(e).cloned()).flatten()
    }

    /// The entries `key<sep>value, ...` of a table (`sep` is `=` in `dict(...)`, `:` in
    /// `{...}`); every entry must be read for the table to be.
    fn table(&self, inner: &str, sep: char) -> Option<Value> {
        let mut table = HashMap::new();
        for entry in split_top(inner, ',') {
            let uncommented = strip_comment(entry);
            let entry = uncommented.trim();
            if entry.is_empty() {
                continue;
            }
            let (key, value) = entry.split_once(sep)?;
            let key = match sep {
                '=' => key.trim().to_string(),
                _ => string_literal(key.trim())?,
            };
            table.insert(key, self.eval(value)?);
        }
        Some(Value::Table(table))
    }
}

/// `NAME = rest` at the start of a line (not `==`, not indented).
fn assignment(line: &str) -> Option<(&str, &str)> {
    let (name, rest) = line.split_once('=')?;
    let name = name.trim_end();
    (is_name(name) && !rest.starts_with('=') && line.starts_with(name)).then_some((name, rest))
}

/// Whether `text` is a Python identifier.
fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// The text of a plain string literal (`"x"`, `'x'`, no prefix, no escapes).
fn string_literal(text: &str) -> Option<String> {
    let quote = text.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
    (!inner.contains(quote) && !inner.contains('\\')).then(|| inner.to_string())
}

/// How many brackets `text` leaves open (outside strings).
fn depth(text: &str) -> i32 {
    let mut open = 0;
    code(text, |_, _, depth| open = depth);
    open
}

/// Calls `each` with every character of `text` outside string literals: its byte offset,
/// itself, and the bracket depth after it (an opening bracket counts, a closing one is
/// taken off).
fn code(text: &str, mut each: impl FnMut(usize, char, i32)) {
    let (mut quote, mut depth) = (None, 0);
    for (at, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None => {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    _ => {}
                }
                each(at, c, depth);
            }
        }
    }
}

/// `text` split at each `sep` outside brackets and strings, each part trimmed.
pub fn split_top(text: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    code(text, |at, c, depth| {
        if c == sep && depth == 0 {
            parts.push(&text[start..at]);
            start = at + c.len_utf8();
        }
    });
    parts.push(&text[start..]);
    parts.into_iter().map(str::trim).collect()
}

/// The arguments of a call, `call` starting just after its opening parenthesis: the text
/// up to the parenthesis that closes it (outside strings), when one does.
pub fn call_arguments(call: &str) -> Option<&str> {
    let mut end = None;
    code(call, |at, _, depth| {
        if depth < 0 && end.is_none() {
            end = Some(at);
        }
    });
    end.map(|end| &call[..end])
}

/// `text` up to a `#` comment outside strings, line by line.
fn strip_comment(text: &str) -> String {
    text.lines()
        .map(|line| {
            let mut end = line.len();
            code(line, |at, c, _| {
                if c == '#' && end == line.len() {
                    end = at;
                }
            });
            &line[..end]
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_tables_a_noxfile_names_once_are_read() {
        let module = r#"
from pathlib import Path
import nox

ROOT = Path(__file__).parent
TESTS = ROOT / "tests"
DOCS = ROOT / 'docs'  # the docs
REQUIREMENTS = dict(
    docs=DOCS / "requirements.txt",
    tests=TESTS / "requirements.txt",
)
PINS = {"ci": "ci/pins.txt"}
LATEST = "3.12"
computed = os.environ["X"]
"#;
        let names = Names::of_module(module);
        let text = |e: &str| match names.eval(e) {
            Some(Value::Text(t)) => Some(t),
            _ => None,
        };
        assert_eq!(
            text("REQUIREMENTS[\"tests\"]").as_deref(),
            Some("tests/requirements.txt")
        );
        assert_eq!(text("REQUIREMENTS['docs']").as_deref(), Some("docs/requirements.txt"));
        assert_eq!(text("PINS[\"ci\"]").as_deref(), Some("ci/pins.txt"));
        assert_eq!(text("TESTS / \"extra.txt\"").as_deref(), Some("tests/extra.txt"));
        assert_eq!(text("\"hypothesis\"").as_deref(), Some("hypothesis"));
        assert_eq!(text("LATEST").as_deref(), Some("3.12"));
        let resolved = Names::of_module("HERE = Path(__file__).resolve().parent\nREQ = HERE / \"req.txt\"\n");
        assert_eq!(resolved.eval("REQ"), Some(Value::Text("req.txt".into())));
        // What cannot be told without running the file has no value.
        for unknown in [
            "computed",
            "REQUIREMENTS[\"lint\"]",
            "f\"{ROOT}\"",
            "UNKNOWN",
            "str(ROOT)",
        ] {
            assert_eq!(names.eval(unknown), None, "{unknown}");
        }
    }
}
