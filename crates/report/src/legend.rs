//! How a cell is shown and counted: its [`State`], which is its observed outcome, except
//! that a compile error before the row ever worked is "not yet available" and a working
//! module whose import re-enabled the GIL is "works, GIL re-enabled". Each state has a
//! symbol and a word (never colour alone) and a colour for the HTML grid. The symbols are
//! plain Unicode that common text fonts (DejaVu) carry, so they render without an emoji font.

use pyo3_matrix_model::{CellResult, Outcome, Release, Transition};
use serde::Serialize;

/// What a cell shows in every report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// The observed outcome, as it is.
    Observed(Outcome),
    /// Works (pass or deprecated) on a free-threaded interpreter, but importing the module
    /// turned the GIL back on: the module runs single-threaded.
    GilReenabled(Outcome),
    /// rustc rejected the code in a release before the first one where the row works: the
    /// API it uses does not exist yet.
    NotYet,
}

impl State {
    /// Every state, in the order legends list them.
    pub const ALL: [State; 13] = [
        State::Observed(Outcome::Pass),
        State::Observed(Outcome::Deprecated),
        State::GilReenabled(Outcome::Pass),
        State::NotYet,
        State::Observed(Outcome::CompileError),
        State::Observed(Outcome::Unsupported),
        State::Observed(Outcome::TestFail),
        State::Observed(Outcome::TestError),
        State::Observed(Outcome::Crash),
        State::Observed(Outcome::Hang),
        State::Observed(Outcome::Blocked),
        State::Observed(Outcome::Skipped),
        State::Observed(Outcome::Error),
    ];

    /// The state of `c`, in a row that first works at `first_working` (on any interpreter).
    pub fn of(c: &CellResult, first_working: Option<&Release>) -> State {
        match c.outcome {
            o if o.works() && c.gil_reenabled == Some(true) => State::GilReenabled(o),
            Outcome::CompileError if first_working.is_some_and(|first| c.id.pyo3 < *first) => State::NotYet,
            o => State::Observed(o),
        }
    }

    /// Its place in [`State::ALL`], by key: a deprecated module that re-enabled the GIL is
    /// counted and coloured as any other that did (its own word is in its label).
    pub fn index(self) -> usize {
        State::ALL
            .iter()
            .position(|s| s.key() == self.key())
            .expect("every state's key is in State::ALL")
    }

    /// The outcome behind the state (`compile-error` for not yet available).
    pub fn outcome(self) -> Outcome {
        match self {
            State::Observed(o) | State::GilReenabled(o) => o,
            State::NotYet => Outcome::CompileError,
        }
    }

    /// Its symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            State::GilReenabled(_) => "◐",
            State::NotYet => "○",
            State::Observed(o) => match o {
                Outcome::Pass => "✓",
                Outcome::Deprecated => "⚠",
                Outcome::CompileError => "✗",
                Outcome::Unsupported => "⊘",
                Outcome::TestFail => "✗T",
                Outcome::TestError => "?T",
                Outcome::Crash => "☠",
                Outcome::Hang => "∞",
                Outcome::Blocked => "⊗",
                Outcome::Skipped => "–",
                Outcome::Error => "?",
            },
        }
    }

    /// Its word: the outcome's name, or the state's own.
    pub fn word(self) -> &'static str {
        match self {
            State::GilReenabled(Outcome::Deprecated) => "deprecated, GIL re-enabled",
            State::GilReenabled(_) => "works, GIL re-enabled",
            State::NotYet => "not yet available",
            State::Observed(o) => o.name(),
        }
    }

    /// A key for data attributes and filters: the outcome's name, `gil-reenabled` or `not-yet`.
    pub fn key(self) -> &'static str {
        match self {
            State::GilReenabled(_) => "gil-reenabled",
            State::NotYet => "not-yet",
            State::Observed(o) => o.name(),
        }
    }

    /// What it means, for legends.
    pub fn meaning(self) -> &'static str {
        match self {
            State::GilReenabled(_) => {
                "works, but on a free-threaded interpreter importing the module turned the GIL back on"
            }
            State::NotYet => "rustc rejected the pattern in a release before its API existed (before it first works)",
            State::Observed(o) => match o {
                Outcome::Pass => "built clean, tests pass",
                Outcome::Deprecated => "built with deprecation warnings from the pattern's code, tests pass",
                Outcome::CompileError => "rustc rejected the pattern after it had worked, or in every release",
                Outcome::Unsupported => "PyO3's build script refused the interpreter",
                Outcome::TestFail => "built, but a test failed",
                Outcome::TestError => {
                    "built, but the tests could not run (collection error, missing fixture or test dependency)"
                }
                Outcome::Crash => "a signal killed the test process",
                Outcome::Hang => "a test ran past its timeout",
                Outcome::Blocked => "a companion crate has no release for this PyO3, or maturin made no wheel",
                Outcome::Skipped => "the interpreter is not available",
                Outcome::Error => "the tool itself failed (not a verdict)",
            },
        }
    }

    /// Background colour in the HTML grid.
    pub fn colour(self) -> &'static str {
        match self {
            State::GilReenabled(_) => "#dce775",
            State::NotYet => "#eceff1",
            State::Observed(o) => match o {
                Outcome::Pass => "#c8e6c9",
                Outcome::Deprecated => "#fff3b0",
                Outcome::CompileError => "#f8bbd0",
                Outcome::Unsupported => "#d7d7d7",
                Outcome::TestFail => "#ffccbc",
                Outcome::TestError => "#ffe0b2",
                Outcome::Crash => "#ef9a9a",
                Outcome::Hang => "#ce93d8",
                Outcome::Blocked => "#b3e5fc",
                Outcome::Skipped => "#f5f5f5",
                Outcome::Error => "#ffffff",
            },
        }
    }

    /// The state as symbol and word, e.g. `✓ pass`.
    pub fn label(self) -> String {
        format!("{} {}", self.symbol(), self.word())
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

/// How a list of moves across an upgrade names each kind of [`Transition`], in the order
/// lists give them.
pub const MOVES: [(Transition, &str); 6] = [
    (Transition::Regressed, "breaks"),
    (Transition::Fixed, "fixed"),
    (Transition::Changed, "changes"),
    (Transition::SupportLost, "refused by PyO3's build"),
    (Transition::SupportGained, "accepted by PyO3's build"),
    (Transition::NotComparable, "cannot be compared"),
];

/// The symbol of an observed outcome (for text that speaks of outcomes, not cells).
pub fn symbol(outcome: Outcome) -> &'static str {
    State::Observed(outcome).symbol()
}

/// A cell in `state` as symbol and word, plus its first code for a compile error:
/// `✗ compile-error E0599`, `○ not yet available E0412`, `◐ works, GIL re-enabled`.
pub fn cell_label(c: &CellResult, state: State) -> String {
    let code = match c.codes.first() {
        Some(code) if c.outcome == Outcome::CompileError => format!(" {code}"),
        _ => String::new(),
    };
    format!("{}{code}", state.label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::cell;

    #[test]
    fn every_state_has_its_own_symbol_key_and_colour() {
        let count = |f: fn(State) -> &'static str| {
            State::ALL
                .iter()
                .map(|s| f(*s))
                .collect::<std::collections::BTreeSet<_>>()
                .len()
        };
        assert_eq!(count(State::symbol), State::ALL.len());
        assert_eq!(count(State::key), State::ALL.len());
        assert_eq!(count(State::colour), State::ALL.len());
        assert!(State::ALL.iter().enumerate().all(|(i, s)| s.index() == i));
        let gil = State::GilReenabled(Outcome::Pass).index();
        assert_eq!(
            State::GilReenabled(Outcome::Deprecated).index(),
            gil,
            "counted with the others"
        );
    }

    #[test]
    fn a_cell_reads_as_symbol_and_word() {
        let first = Release::parse("0.21.2").unwrap();
        let mut c = cell("p", "0.23.5", "3.13t", Outcome::CompileError);
        c.codes = vec!["E0599".into(), "E0277".into()];
        assert_eq!(cell_label(&c, State::of(&c, Some(&first))), "✗ compile-error E0599");
        let mut early = cell("p", "0.20.3", "3.12", Outcome::CompileError);
        early.codes = vec!["E0412".into()];
        assert_eq!(
            cell_label(&early, State::of(&early, Some(&first))),
            "○ not yet available E0412"
        );
        assert_eq!(
            State::of(&early, None),
            State::Observed(Outcome::CompileError),
            "a row that never works"
        );
        let mut c = cell("p", "0.23.5", "3.13t", Outcome::Pass);
        c.gil_reenabled = Some(true);
        assert_eq!(cell_label(&c, State::of(&c, Some(&first))), "◐ works, GIL re-enabled");
    }
}
