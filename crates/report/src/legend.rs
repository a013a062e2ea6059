//! How each outcome is shown: a symbol and a word (never colour alone), plus a colour for
//! the HTML grid. The symbols are plain Unicode that common text fonts (DejaVu) carry, so
//! they render without an emoji font.

use pyo3_matrix_model::{CellResult, Outcome};

/// The symbol of an outcome.
pub fn symbol(outcome: Outcome) -> &'static str {
    match outcome {
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
    }
}

/// What an outcome means, for legends.
pub fn meaning(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "built clean, tests pass",
        Outcome::Deprecated => "built with deprecation warnings from the pattern's code, tests pass",
        Outcome::CompileError => "rustc rejected the pattern",
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
    }
}

/// Background colour of an outcome in the HTML grid.
pub fn colour(outcome: Outcome) -> &'static str {
    match outcome {
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
    }
}

/// Marker for a module whose import turned the GIL back on (free-threaded interpreters).
pub const GIL_MARK: &str = "ᴳ";

/// What [`GIL_MARK`] means, for legends.
pub const GIL_MEANING: &str = "on a free-threaded interpreter, importing the module re-enabled the GIL";

/// A cell's symbol, plus the GIL marker where the import re-enabled the GIL.
pub fn cell_symbol(r: &CellResult) -> String {
    let gil = if r.gil_reenabled == Some(true) { GIL_MARK } else { "" };
    format!("{}{gil}", symbol(r.outcome))
}

/// A cell as symbol and word, e.g. `✓ pass` or `✗ compile-error E0599` (the first code).
pub fn cell_label(r: &CellResult) -> String {
    let code = match r.codes.first() {
        Some(code) if r.outcome == Outcome::CompileError => format!(" {code}"),
        _ => String::new(),
    };
    format!("{} {}{code}", cell_symbol(r), r.outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::cell;

    #[test]
    fn every_outcome_has_its_own_symbol_and_colour() {
        let symbols: std::collections::BTreeSet<_> = Outcome::ALL.iter().map(|o| symbol(*o)).collect();
        let colours: std::collections::BTreeSet<_> = Outcome::ALL.iter().map(|o| colour(*o)).collect();
        assert_eq!((symbols.len(), colours.len()), (Outcome::ALL.len(), Outcome::ALL.len()));
    }

    #[test]
    fn a_cell_reads_as_symbol_and_word() {
        let mut c = cell("p", "0.23.5", "3.13t", Outcome::CompileError);
        c.codes = vec!["E0599".into(), "E0277".into()];
        assert_eq!(cell_label(&c), "✗ compile-error E0599");
        let mut c = cell("p", "0.23.5", "3.13t", Outcome::Pass);
        c.gil_reenabled = Some(true);
        assert_eq!(cell_label(&c), "✓ᴳ pass");
    }
}
