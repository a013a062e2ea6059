//! What happened to one cell between two observations: an upgrade from one release to the
//! next, or the same cell in an older and a newer run. The only definition of "breaks".

use crate::{CellResult, Outcome};
use serde::{Deserialize, Serialize};
use std::fmt;

/// How a cell moved from `old` to `new`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Transition {
    /// Worked before (pass or deprecated), does not now: the code broke.
    Regressed,
    /// Did not work before, works now.
    Fixed,
    /// Another outcome without crossing the works line (another failure, pass ↔ deprecated),
    /// or the same outcome with the GIL re-enabled on import where it was not (or back).
    Changed,
    /// PyO3 accepted the interpreter before and refuses it now: nothing about the code.
    SupportLost,
    /// PyO3 refused the interpreter before and accepts it now.
    SupportGained,
    /// One side says nothing about the code (skipped, blocked, tests that could not run,
    /// the tool's own failure), so the two cannot be compared.
    NotComparable,
    /// Nothing changed.
    Same,
}

impl Transition {
    /// Every transition, in the order reports list them.
    pub const ALL: [Transition; 7] = [
        Transition::SupportLost,
        Transition::SupportGained,
        Transition::Regressed,
        Transition::Fixed,
        Transition::Changed,
        Transition::NotComparable,
        Transition::Same,
    ];

    /// The transition from the cell `old` to the cell `new`.
    pub fn of(old: &CellResult, new: &CellResult) -> Self {
        let gil = |c: &CellResult| c.gil_reenabled == Some(true);
        Self::between(old.outcome, new.outcome, gil(old) != gil(new))
    }

    /// The transition between two outcomes; `gil_changed` says whether importing the module
    /// re-enabled the GIL on one side only.
    pub fn between(old: Outcome, new: Outcome, gil_changed: bool) -> Self {
        use Outcome::*;
        let unknown = |o: Outcome| matches!(o, Skipped | Error);
        match (old, new) {
            (a, b) if a == b => {
                if gil_changed && a.works() {
                    Transition::Changed
                } else {
                    Transition::Same
                }
            }
            (a, b) if unknown(a) || unknown(b) => Transition::NotComparable,
            (Unsupported, _) => Transition::SupportGained,
            (_, Unsupported) => Transition::SupportLost,
            (a, b) if !a.informative() || !b.informative() => Transition::NotComparable,
            (a, b) if a.works() && !b.works() => Transition::Regressed,
            (a, b) if !a.works() && b.works() => Transition::Fixed,
            _ => Transition::Changed,
        }
    }

    /// The kebab-case name used in JSON and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Transition::Regressed => "regressed",
            Transition::Fixed => "fixed",
            Transition::Changed => "changed",
            Transition::SupportLost => "support-lost",
            Transition::SupportGained => "support-gained",
            Transition::NotComparable => "not-comparable",
            Transition::Same => "same",
        }
    }
}

impl fmt::Display for Transition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Transition::*;
    use super::*;
    use Outcome::*;

    #[test]
    fn one_rule_for_every_pair() {
        let t = |a, b| Transition::between(a, b, false);
        assert_eq!(t(Pass, CompileError), Regressed);
        assert_eq!(t(Deprecated, TestFail), Regressed);
        assert_eq!(t(Pass, Crash), Regressed);
        assert_eq!(t(CompileError, Deprecated), Fixed);
        assert_eq!(t(Pass, Deprecated), Changed);
        assert_eq!(t(CompileError, TestFail), Changed);
        assert_eq!(t(Pass, Unsupported), SupportLost, "a refusal is not the code breaking");
        assert_eq!(t(CompileError, Unsupported), SupportLost);
        assert_eq!(t(Unsupported, Pass), SupportGained);
        assert_eq!(t(Unsupported, CompileError), SupportGained);
        assert_eq!(
            t(Pass, TestError),
            NotComparable,
            "tests that could not run say nothing"
        );
        assert_eq!(t(Blocked, Pass), NotComparable);
        assert_eq!(
            t(Skipped, Unsupported),
            NotComparable,
            "a missing interpreter was never judged"
        );
        assert_eq!(t(Pass, Error), NotComparable);
        assert_eq!(t(Pass, Pass), Same);
        assert_eq!(t(Unsupported, Unsupported), Same);
        assert_eq!(
            Transition::between(Pass, Pass, true),
            Changed,
            "the GIL came back on import"
        );
        assert_eq!(Transition::between(CompileError, CompileError, true), Same);
    }

    #[test]
    fn every_pair_has_exactly_one_transition() {
        for a in Outcome::ALL {
            for b in Outcome::ALL {
                let t = Transition::between(a, b, false);
                assert!(Transition::ALL.contains(&t));
                assert_eq!(t == Regressed, a.works() && !b.works() && b.informative() && a != b);
            }
        }
    }
}
