//! Comparing two runs cell by cell, the way crater compares two toolchains.

use crate::grid::CellKey;
use pyo3_matrix_model::{Outcome, RunResults};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A cell whose outcome differs between the runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The cell.
    #[serde(flatten)]
    pub cell: CellKey,
    /// Outcome in the old run.
    pub old: Outcome,
    /// Outcome in the new run.
    pub new: Outcome,
}

/// A cell present in only one of the runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lone {
    /// The cell.
    #[serde(flatten)]
    pub cell: CellKey,
    /// Its outcome in the run that has it.
    pub outcome: Outcome,
}

/// What changed between two runs; each list is sorted by cell.
#[derive(Debug, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Worked before (pass or deprecated), does not now.
    pub regressed: Vec<Change>,
    /// Did not work before, works now.
    pub fixed: Vec<Change>,
    /// Changed kind without crossing the works / does-not-work line: another kind of
    /// failure, or pass ↔ deprecated.
    pub changed: Vec<Change>,
    /// Only in the new run.
    pub added: Vec<Lone>,
    /// Only in the old run.
    pub removed: Vec<Lone>,
}

/// Compares `old` with `new`, keyed by (pattern, release, interpreter, variant).
pub fn diff(old: &RunResults, new: &RunResults) -> Diff {
    let index = |r: &RunResults| {
        r.results
            .iter()
            .map(|c| (CellKey::of(c), c.outcome))
            .collect::<BTreeMap<_, _>>()
    };
    let (before, mut after) = (index(old), index(new));
    let mut d = Diff::default();
    for (cell, old) in before {
        let Some(new) = after.remove(&cell) else {
            d.removed.push(Lone { cell, outcome: old });
            continue;
        };
        let list = match (old.works(), new.works()) {
            _ if old == new => continue,
            (true, false) => &mut d.regressed,
            (false, true) => &mut d.fixed,
            _ => &mut d.changed,
        };
        list.push(Change { cell, old, new });
    }
    d.added = after
        .into_iter()
        .map(|(cell, outcome)| Lone { cell, outcome })
        .collect();
    d
}

impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let changes = [
            ("regressed", &self.regressed),
            ("fixed", &self.fixed),
            ("changed", &self.changed),
        ];
        for (title, list) in changes {
            writeln!(f, "{title}: {}", list.len())?;
            for c in list {
                writeln!(f, "  {}: {} -> {}", c.cell, c.old, c.new)?;
            }
        }
        for (title, list) in [("added", &self.added), ("removed", &self.removed)] {
            writeln!(f, "{title}: {}", list.len())?;
            for c in list {
                writeln!(f, "  {}: {}", c.cell, c.outcome)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{cell, run};
    use Outcome::*;

    fn cells(rows: &[(&str, Outcome)]) -> RunResults {
        run(rows.iter().map(|(p, o)| cell(p, "0.23.5", "3.12", *o)).collect())
    }

    #[test]
    fn classifies_changes_like_crater() {
        let old = cells(&[
            ("a", Pass),
            ("b", CompileError),
            ("c", TestFail),
            ("d", Pass),
            ("f", Pass),
        ]);
        let new = cells(&[
            ("a", TestFail),
            ("b", Deprecated),
            ("c", Crash),
            ("e", Pass),
            ("f", Deprecated),
        ]);
        let d = diff(&old, &new);
        let names = |l: &[Change]| l.iter().map(|c| c.cell.pattern.clone()).collect::<Vec<_>>();
        assert_eq!(names(&d.regressed), ["a"]);
        assert_eq!(names(&d.fixed), ["b"]);
        assert_eq!(names(&d.changed), ["c", "f"], "another failure, and pass -> deprecated");
        assert_eq!(
            (d.added[0].cell.pattern.as_str(), d.removed[0].cell.pattern.as_str()),
            ("e", "d")
        );
        let text = d.to_string();
        assert!(
            text.contains("regressed: 1\n  a 0.23.5 3.12: pass -> test-fail\n"),
            "{text}"
        );
        assert!(text.contains("added: 1\n  e 0.23.5 3.12: pass\n"), "{text}");
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(
            json["regressed"][0],
            serde_json::json!({"pattern": "a", "pyo3": "0.23.5", "python": "3.12", "variant": null, "old": "pass", "new": "test-fail"})
        );
    }

    #[test]
    fn variants_are_separate_cells_and_a_run_equals_itself() {
        let mut variant = cell("a", "0.23.5", "3.12", Pass);
        variant.variant = Some("gil-refs".into());
        let old = run(vec![cell("a", "0.23.5", "3.12", CompileError), variant]);
        assert_eq!(diff(&old, &old), Diff::default());
        let new = run(vec![cell("a", "0.23.5", "3.12", CompileError)]);
        let d = diff(&old, &new);
        assert_eq!(d.removed.len(), 1);
        assert!(d.to_string().contains("  a 0.23.5 3.12 [gil-refs]: pass\n"));
    }
}
