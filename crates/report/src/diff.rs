//! Comparing two runs cell by cell, the way crater compares two toolchains, by the model's
//! one rule ([`Transition::of`]).

use pyo3_matrix_model::{CellId, CellResult, Outcome, RunResults, Transition};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A cell whose outcome differs between the runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The cell.
    #[serde(flatten)]
    pub cell: CellId,
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
    pub cell: CellId,
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
    /// failure, pass ↔ deprecated, or the GIL re-enabled on import where it was not.
    pub changed: Vec<Change>,
    /// PyO3 refuses the interpreter now, and did not before.
    pub support_lost: Vec<Change>,
    /// PyO3 accepts the interpreter now, and refused it before.
    pub support_gained: Vec<Change>,
    /// One side says nothing about the code (skipped, blocked, test-error, error).
    pub not_comparable: Vec<Change>,
    /// Only in the new run.
    pub added: Vec<Lone>,
    /// Only in the old run.
    pub removed: Vec<Lone>,
}

impl Diff {
    /// The list of one kind of change (`None` for [`Transition::Same`]).
    fn list_mut(&mut self, kind: Transition) -> Option<&mut Vec<Change>> {
        match kind {
            Transition::Regressed => Some(&mut self.regressed),
            Transition::Fixed => Some(&mut self.fixed),
            Transition::Changed => Some(&mut self.changed),
            Transition::SupportLost => Some(&mut self.support_lost),
            Transition::SupportGained => Some(&mut self.support_gained),
            Transition::NotComparable => Some(&mut self.not_comparable),
            Transition::Same => None,
        }
    }

    /// The changes listed, kind by kind, in the order reports give them.
    fn lists(&self) -> [(Transition, &Vec<Change>); 6] {
        [
            (Transition::Regressed, &self.regressed),
            (Transition::Fixed, &self.fixed),
            (Transition::Changed, &self.changed),
            (Transition::SupportLost, &self.support_lost),
            (Transition::SupportGained, &self.support_gained),
            (Transition::NotComparable, &self.not_comparable),
        ]
    }
}

/// Compares `old` with `new`, keyed by cell.
pub fn diff(old: &RunResults, new: &RunResults) -> Diff {
    fn index(r: &RunResults) -> BTreeMap<CellId, &CellResult> {
        r.results.iter().map(|c| (c.id.clone(), c)).collect()
    }
    let (before, mut after) = (index(old), index(new));
    let mut d = Diff::default();
    for (cell, old) in before {
        let Some(new) = after.remove(&cell) else {
            d.removed.push(Lone {
                cell,
                outcome: old.outcome,
            });
            continue;
        };
        if let Some(list) = d.list_mut(Transition::of(old, new)) {
            list.push(Change {
                cell,
                old: old.outcome,
                new: new.outcome,
            });
        }
    }
    d.added = after
        .into_iter()
        .map(|(cell, c)| Lone {
            cell,
            outcome: c.outcome,
        })
        .collect();
    d
}

impl fmt::Display for Diff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (kind, list) in self.lists() {
            writeln!(f, "{kind}: {}", list.len())?;
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
            ("g", Pass),
            ("h", Pass),
        ]);
        let new = cells(&[
            ("a", TestFail),
            ("b", Deprecated),
            ("c", Crash),
            ("e", Pass),
            ("f", Deprecated),
            ("g", Unsupported),
            ("h", TestError),
        ]);
        let d = diff(&old, &new);
        let names = |l: &[Change]| l.iter().map(|c| c.cell.pattern.clone()).collect::<Vec<_>>();
        assert_eq!(names(&d.regressed), ["a"]);
        assert_eq!(names(&d.fixed), ["b"]);
        assert_eq!(names(&d.changed), ["c", "f"], "another failure, and pass -> deprecated");
        assert_eq!(names(&d.support_lost), ["g"], "a refusal is not a regression");
        assert_eq!(names(&d.not_comparable), ["h"], "tests that could not run say nothing");
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
        variant.id.variant = Some("gil-refs".into());
        let old = run(vec![cell("a", "0.23.5", "3.12", CompileError), variant]);
        assert_eq!(diff(&old, &old), Diff::default());
        let new = run(vec![cell("a", "0.23.5", "3.12", CompileError)]);
        let d = diff(&old, &new);
        assert_eq!(d.removed.len(), 1);
        assert!(d.to_string().contains("  a 0.23.5 3.12 [gil-refs]: pass\n"));
    }
}
