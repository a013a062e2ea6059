//! Which catalog patterns explain a failure: the same diagnostic observed in the same cell.

use pyo3_matrix_model::{CellResult, Pattern, RunResults};
use serde::Serialize;

/// A catalog pattern that fails the same way.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Explanation {
    /// Pattern id.
    pub pattern: String,
    /// Its title.
    pub title: String,
    /// How to fix it.
    pub fix: Option<String>,
    /// The migration-guide or changelog entry.
    pub link: Option<String>,
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

/// The catalog patterns whose observed diagnostics in the same cell (release, interpreter)
/// share an error code and a quoted name with one of `result`'s, or whose unsupported
/// message is the same.
pub fn explain(result: &CellResult, catalog: &RunResults, patterns: &[Pattern]) -> Vec<Explanation> {
    let same_cell = catalog
        .results
        .iter()
        .filter(|c| c.pyo3 == result.pyo3 && c.python == result.python && c.variant.is_none());
    let mut out: Vec<Explanation> = Vec::new();
    for c in same_cell {
        let matches = result.diagnostics.iter().any(|mine| {
            c.diagnostics.iter().any(|theirs| {
                mine.code.is_some()
                    && mine.code == theirs.code
                    && quoted(&mine.message)
                        .iter()
                        .any(|q| quoted(&theirs.message).contains(q))
            })
        }) || (result.outcome == c.outcome
            && result.diagnostics.is_empty()
            && result.message.is_some()
            && result.message == c.message);
        if matches && !out.iter().any(|e| e.pattern == c.pattern) {
            let meta = patterns.iter().find(|p| p.id == c.pattern);
            out.push(Explanation {
                pattern: c.pattern.clone(),
                title: meta.map(|p| p.meta.title.clone()).unwrap_or_default(),
                fix: meta.and_then(|p| p.meta.fix.clone()),
                link: meta.and_then(|p| p.meta.link.clone()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(pattern: &str, code: &str, message: &str) -> CellResult {
        serde_json::from_value(serde_json::json!({
            "pattern": pattern, "pyo3": "0.22.6", "python": "3.12", "outcome": "compile-error",
            "diagnostics": [{ "level": "error", "code": code, "message": message }]
        }))
        .unwrap()
    }

    #[test]
    fn a_shared_code_and_quoted_name_explains_a_failure() {
        let catalog = RunResults {
            schema_version: 1,
            tool_version: "0".into(),
            rustc: "rustc".into(),
            maturin: None,
            started_unix: 0,
            interpreters: vec![],
            results: vec![
                result(
                    "gilref_any_arg",
                    "E0599",
                    "no method named `len` found for reference `&pyo3::PyAny` in the current scope",
                ),
                result("other", "E0599", "no method named `iter` found for struct `Foo`"),
            ],
        };
        let mine = result(
            "user",
            "E0599",
            "no method named `is_true` found for reference `&pyo3::PyAny` in the current scope",
        );
        let found = explain(&mine, &catalog, &[]);
        assert_eq!(
            found.iter().map(|e| e.pattern.as_str()).collect::<Vec<_>>(),
            ["gilref_any_arg"]
        );
    }
}
