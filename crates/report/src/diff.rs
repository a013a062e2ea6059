//! Comparing two runs, the way crater compares two toolchains.

use pyo3_matrix_model::{CellResult, Outcome, RunResults};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A result whose outcome differs between the runs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Change {
    /// `pattern pyo3 python [variant]`.
    pub cell: String,
    /// Outcome in the old run.
    pub old: Outcome,
    /// Outcome in the new run.
    pub new: Outcome,
}

/// What changed between two runs.
#[derive(Debug, Default, Serialize)]
pub struct Diff {
    /// Worked before, not now.
    pub regressed: Vec<Change>,
    /// Did not work before, works now.
    pub fixed: Vec<Change>,
    /// Changed kind without crossing the works/does-not-work line.
    pub changed: Vec<Change>,
    /// Only in the new run.
    pub added: Vec<String>,
    /// Only in the old run.
    pub removed: Vec<String>,
}

fn label(r: &CellResult) -> String {
    let variant = r.variant.as_ref().map(|v| format!(" [{v}]")).unwrap_or_default();
    format!("{} {} {}{variant}", r.pattern, r.pyo3, r.python)
}

/// Compares `old` with `new`, keyed by (pattern, release, interpreter, variant).
pub fn diff(old: &RunResults, new: &RunResults) -> Diff {
    let index = |r: &RunResults| {
        r.results
            .iter()
            .map(|c| (label(c), c.outcome))
            .collect::<BTreeMap<_, _>>()
    };
    let (before, after) = (index(old), index(new));
    let mut d = Diff::default();
    for (cell, &o) in &before {
        match after.get(cell) {
            None => d.removed.push(cell.clone()),
            Some(&n) if n == o => {}
            Some(&n) => {
                let change = Change {
                    cell: cell.clone(),
                    old: o,
                    new: n,
                };
                match (o.works(), n.works()) {
                    (true, false) => d.regressed.push(change),
                    (false, true) => d.fixed.push(change),
                    _ => d.changed.push(change),
                }
            }
        }
    }
    d.added = after.keys().filter(|k| !before.contains_key(*k)).cloned().collect();
    d
}

impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (title, list) in [
            ("regressed", &self.regressed),
            ("fixed", &self.fixed),
            ("changed", &self.changed),
        ] {
            writeln!(f, "{title}: {}", list.len())?;
            for c in list {
                writeln!(f, "  {}: {} -> {}", c.cell, c.old, c.new)?;
            }
        }
        writeln!(f, "added: {}", self.added.len())?;
        for c in &self.added {
            writeln!(f, "  {c}")?;
        }
        writeln!(f, "removed: {}", self.removed.len())?;
        for c in &self.removed {
            writeln!(f, "  {c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(rows: &[(&str, &str)]) -> RunResults {
        let results: Vec<serde_json::Value> = rows
            .iter()
            .map(|(p, o)| serde_json::json!({"pattern": p, "pyo3": "0.23.5", "python": "3.12", "outcome": o}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "schema_version": 1, "tool_version": "0", "rustc": "r", "started_unix": 0, "interpreters": [], "results": results
        }))
        .unwrap()
    }

    #[test]
    fn classifies_changes_like_crater() {
        let old = run(&[("a", "pass"), ("b", "compile-error"), ("c", "test-fail"), ("d", "pass")]);
        let new = run(&[("a", "test-fail"), ("b", "deprecated"), ("c", "crash"), ("e", "pass")]);
        let d = diff(&old, &new);
        assert_eq!(d.regressed.len(), 1);
        assert_eq!(d.fixed.len(), 1);
        assert_eq!(d.changed.len(), 1);
        assert_eq!((d.added.len(), d.removed.len()), (1, 1));
        assert!(d.to_string().contains("a 0.23.5 3.12: pass -> test-fail"));
    }
}
