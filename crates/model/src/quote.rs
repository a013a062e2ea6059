//! A rustc diagnostic a claim quotes (`error[E0277]: the trait bound ... is not satisfied`),
//! typed where the claim is loaded, and whether a cell's diagnostics showed it.

use crate::{Diagnostic, Level};
use serde::{Deserialize, Serialize};
use std::fmt;

/// rustc's first line of a diagnostic, as a claim quotes it: `error[E0277]: message`,
/// `warning: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// Error or warning.
    pub level: Level,
    /// The code in brackets (`E0277`), when the quote gives one.
    pub code: Option<String>,
    /// The message after the colon.
    pub message: String,
}

impl Quote {
    /// Whether `d` is the quoted diagnostic: the same level, the same code (when the quote
    /// gives one), and the same message once module paths and lifetime-only generics are
    /// left out of both ([`plain_names`]): rustc names `pyo3::types::PyList` where a reader
    /// quotes `PyList`.
    pub fn shown_by(&self, d: &Diagnostic) -> bool {
        d.level == self.level
            && self.code.as_ref().is_none_or(|code| d.code.as_ref() == Some(code))
            && plain_names(&d.message) == plain_names(&self.message)
    }
}

impl fmt::Display for Quote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{}[{code}]: {}", self.level, self.message),
            None => write!(f, "{}: {}", self.level, self.message),
        }
    }
}

impl std::str::FromStr for Quote {
    type Err = String;
    fn from_str(text: &str) -> Result<Quote, String> {
        let bad =
            || format!("quote `{text}` is not rustc's first line of a diagnostic, such as `error[E0277]: message`");
        let (head, message) = text.split_once(": ").ok_or_else(bad)?;
        let (level, code) = match head.split_once('[') {
            Some((level, code)) => (level, Some(code.strip_suffix(']').ok_or_else(bad)?.to_string())),
            None => (head, None),
        };
        let level = match level {
            "error" => Level::Error,
            "warning" => Level::Warning,
            _ => return Err(bad()),
        };
        match message.trim().is_empty() || code.as_ref().is_some_and(String::is_empty) {
            true => Err(bad()),
            false => Ok(Quote {
                level,
                code,
                message: message.trim().to_string(),
            }),
        }
    }
}

impl Serialize for Quote {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Quote {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
}

/// A rustc message with module paths and lifetime-only generics left out:
/// "`&PyList: pyo3::impl_::extract_argument::PyFunctionArgument<'_, '_>`" →
/// "`&PyList: PyFunctionArgument`". Generics naming a type are kept.
pub fn plain_names(message: &str) -> String {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(c) = rest.chars().next() {
        if is_name(c) {
            let end = rest.find(|c: char| !is_name(c)).unwrap_or(rest.len());
            let (name, after) = rest.split_at(end);
            match after.strip_prefix("::") {
                // A module on the path: left out.
                Some(after) => rest = after,
                None => {
                    out.push_str(name);
                    rest = after;
                }
            }
        } else if c == '<' && out.ends_with(is_name) {
            let generics = closing(rest).map(|end| (&rest[1..end], &rest[end + 1..]));
            match generics {
                Some((inside, after)) if inside.split(',').all(|g| g.trim() == "_" || g.trim().starts_with('\'')) => {
                    rest = after
                }
                _ => {
                    out.push(c);
                    rest = &rest[1..];
                }
            }
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The index of the `>` closing the `<` that `text` starts with.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic(code: &str, message: &str) -> Diagnostic {
        Diagnostic {
            level: Level::Error,
            code: Some(code.into()),
            message: message.into(),
        }
    }

    #[test]
    fn quotes_read_as_rustc_prints_them_and_say_so_when_not() {
        let q: Quote = "error[E0277]: the trait bound `&PyList: PyTypeCheck` is not satisfied"
            .parse()
            .unwrap();
        assert_eq!(q.level, Level::Error);
        assert_eq!(q.code.as_deref(), Some("E0277"));
        assert_eq!(
            q.to_string(),
            "error[E0277]: the trait bound `&PyList: PyTypeCheck` is not satisfied"
        );
        let w: Quote = "warning: use of deprecated method".parse().unwrap();
        assert_eq!((w.level, w.code), (Level::Warning, None));
        for bad in [
            "E0277 the trait bound",
            "note: x",
            "error[E0277: x",
            "error[]: x",
            "error: ",
        ] {
            let e = bad.parse::<Quote>().unwrap_err();
            assert!(e.starts_with(&format!("quote `{bad}`")), "{e}");
        }
    }

    #[test]
    fn module_paths_and_lifetimes_are_left_out_but_types_kept() {
        assert_eq!(
            plain_names(
                "the trait bound `&PyList: pyo3::impl_::extract_argument::PyFunctionArgument<'_, '_>` is not satisfied"
            ),
            "the trait bound `&PyList: PyFunctionArgument` is not satisfied"
        );
        assert_eq!(
            plain_names("`&pyo3::types::PyModule: pyo3::impl_::pyfunction::WrapPyFunctionArg<'_, _>`"),
            "`&PyModule: WrapPyFunctionArg`"
        );
        assert_eq!(
            plain_names("expected `Bound<'py, PyList>`, found `&PyList`"),
            "expected `Bound<'py, PyList>`, found `&PyList`"
        );
        assert_eq!(plain_names("a < b and c<'a"), "a < b and c<'a");
    }

    #[test]
    fn a_quote_is_shown_only_by_the_same_code_and_message() {
        let q: Quote = "error[E0277]: the trait bound `&PyList: PyTypeCheck` is not satisfied"
            .parse()
            .unwrap();
        assert!(q.shown_by(&diagnostic(
            "E0277",
            "the trait bound `&PyList: pyo3::type_object::PyTypeCheck` is not satisfied"
        )));
        assert!(!q.shown_by(&diagnostic(
            "E0277",
            "the trait bound `&PyList: pyo3::impl_::extract_argument::PyFunctionArgument<'_, '_>` is not satisfied"
        )));
        assert!(!q.shown_by(&diagnostic(
            "E0599",
            "the trait bound `&PyList: PyTypeCheck` is not satisfied"
        )));
    }
}
