//! The outcome taxonomy: exactly one per (pattern, cell).

use serde::{Deserialize, Serialize};
use std::fmt;

/// What was observed for one pattern in one cell. Only the engine's classifier picks one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Built without diagnostics from the pattern's code; every test passed.
    Pass,
    /// Built with deprecation warnings from the pattern's own code; every test passed.
    Deprecated,
    /// rustc rejected the pattern's code.
    CompileError,
    /// PyO3's build script refused this interpreter.
    Unsupported,
    /// Built, but a test failed.
    TestFail,
    /// Built, but the tests could not run: a collection error, a missing fixture or a
    /// missing test dependency. Says nothing about the code, unlike [`Outcome::TestFail`].
    TestError,
    /// A signal killed the test process.
    Crash,
    /// A test ran past its timeout.
    Hang,
    /// A companion crate has no release for this PyO3, or could not be built.
    Blocked,
    /// The interpreter is not available.
    Skipped,
    /// The tool itself failed; not a verdict on the pattern.
    Error,
}

impl Outcome {
    /// Every outcome, in the order the reports' legends list them.
    pub const ALL: [Outcome; 11] = [
        Outcome::Pass,
        Outcome::Deprecated,
        Outcome::CompileError,
        Outcome::Unsupported,
        Outcome::TestFail,
        Outcome::TestError,
        Outcome::Crash,
        Outcome::Hang,
        Outcome::Blocked,
        Outcome::Skipped,
        Outcome::Error,
    ];

    /// The kebab-case name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Deprecated => "deprecated",
            Outcome::CompileError => "compile-error",
            Outcome::Unsupported => "unsupported",
            Outcome::TestFail => "test-fail",
            Outcome::TestError => "test-error",
            Outcome::Crash => "crash",
            Outcome::Hang => "hang",
            Outcome::Blocked => "blocked",
            Outcome::Skipped => "skipped",
            Outcome::Error => "error",
        }
    }

    /// Whether the pattern's module was built and usable (pass or deprecated).
    pub fn works(self) -> bool {
        matches!(self, Outcome::Pass | Outcome::Deprecated)
    }

    /// Whether the outcome says something about the code itself, rather than about what
    /// the cell could not do (an interpreter PyO3 refuses or that is missing, a companion
    /// crate with no release, tests that could not run, the tool's own failure). Only
    /// these count as evidence for or against a claim.
    pub fn informative(self) -> bool {
        !matches!(
            self,
            Outcome::Unsupported | Outcome::Skipped | Outcome::Blocked | Outcome::TestError | Outcome::Error
        )
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
