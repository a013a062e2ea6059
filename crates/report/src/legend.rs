//! How each outcome is shown: a symbol and a word, plus a colour for the HTML grid.

use pyo3_matrix_model::{CellResult, Outcome};

/// The symbol of an outcome.
pub fn symbol(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Pass => "✓",
        Outcome::Deprecated => "⚠",
        Outcome::CompileError => "✗",
        Outcome::Unsupported => "⊘",
        Outcome::TestFail => "✗T",
        Outcome::Crash => "☠",
        Outcome::Hang => "⌛",
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
        Outcome::Crash => "a signal killed the test process",
        Outcome::Hang => "a test ran past its timeout",
        Outcome::Blocked => "a companion crate has no release for this PyO3",
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
        Outcome::Crash => "#ef9a9a",
        Outcome::Hang => "#ce93d8",
        Outcome::Blocked => "#b3e5fc",
        Outcome::Skipped => "#f5f5f5",
        Outcome::Error => "#ffffff",
    }
}

/// Marker for a module whose import turned the GIL back on (free-threaded interpreters).
pub const GIL_MARK: &str = "ᴳ";

/// A cell as text: symbol, plus the GIL marker where the import re-enabled the GIL.
pub fn cell_text(r: &CellResult) -> String {
    let gil = if r.gil_reenabled == Some(true) { GIL_MARK } else { "" };
    format!("{}{gil}", symbol(r.outcome))
}

/// A message with memory addresses (`0x7f3c43748e10`) blanked, so that the same failure in
/// different processes is grouped as one.
pub fn without_addresses(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        let digits = rest[at + 2..].chars().take_while(char::is_ascii_hexdigit).count();
        out.push_str(if digits >= 6 {
            "0x…"
        } else {
            &rest[at..at + 2 + digits]
        });
        rest = &rest[at + 2 + digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_are_blanked_but_short_hex_is_kept() {
        let m = super::without_addresses("KeyError: <builtins.Point object at 0x7f3c43748e10> flag 0x10");
        assert_eq!(m, "KeyError: <builtins.Point object at 0x…> flag 0x10");
    }
}
