//! Results: what one run observed, serialized as `results.json`.

use crate::{CellId, Flavor, ModelError, Outcome};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// One rustc diagnostic from the pattern's own code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// `error` or `warning`.
    pub level: String,
    /// Error code or lint name (`E0277`, `deprecated`), if rustc gave one.
    pub code: Option<String>,
    /// The first line of the message.
    pub message: String,
}

/// The first failing test of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestFailure {
    /// pytest node id.
    pub test: String,
    /// Exception type, e.g. `TypeError`.
    pub exception: Option<String>,
    /// Exception message.
    pub message: Option<String>,
}

/// Seconds spent: wall-clock, except the CPU seconds named so.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// The cell's cargo build, shared by all its patterns (with the start of its target).
    pub build_s: f64,
    /// The part of `build_s` until everything but the patterns was compiled (PyO3 and the
    /// crates paired with it); the rest compiled and linked the patterns.
    #[serde(default)]
    pub deps_s: f64,
    /// CPU seconds (user and system) of the cell's build: cargo, rustc and build scripts.
    #[serde(default)]
    pub build_cpu_s: f64,
    /// This pattern's pytest process.
    pub test_s: f64,
    /// CPU seconds (user and system) of that process and what it waited for.
    #[serde(default)]
    pub test_cpu_s: f64,
}

/// One verdict: a pattern in a cell (release, interpreter, variant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// The cell: its fields sit flat in the JSON.
    #[serde(flatten)]
    pub id: CellId,
    /// The verdict.
    pub outcome: Outcome,
    /// rustc error codes (or, for `deprecated`, lint names) from the pattern's code.
    #[serde(default)]
    pub codes: Vec<String>,
    /// The one line that best explains the outcome.
    #[serde(default)]
    pub message: Option<String>,
    /// Every diagnostic from the pattern's code.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// The escape-hatch variable PyO3's build script named, for `unsupported`.
    #[serde(default)]
    pub escape_hatch: Option<String>,
    /// The first failing test, for `test-fail`.
    #[serde(default)]
    pub failure: Option<TestFailure>,
    /// The signal that killed the tests, for `crash`.
    #[serde(default)]
    pub signal: Option<String>,
    /// Stacks dumped by faulthandler, for `hang` and `crash`.
    #[serde(default)]
    pub stacks: Option<String>,
    /// On a free-threaded interpreter: whether importing the module re-enabled the GIL.
    #[serde(default)]
    pub gil_reenabled: Option<bool>,
    /// Tail of the build or test log that led to the verdict.
    #[serde(default)]
    pub log: Option<String>,
    /// Where the whole log is kept (a user's crate, whose failures are read by people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_log: Option<String>,
    /// Warnings rustc gave on the code's own source (deprecations among them), beside the
    /// outcome: a cell can build with warnings and then fail its tests.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warnings: usize,
    /// Time spent.
    #[serde(default)]
    pub timings: Timings,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// An interpreter as the run found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterpreterInfo {
    /// Flavor label.
    pub flavor: Flavor,
    /// Executable, if found.
    pub path: Option<String>,
    /// Full version (`3.13.5`), as the interpreter reported it.
    pub version: Option<String>,
    /// Why it is missing, if it is.
    #[serde(default)]
    pub note: Option<String>,
}

/// Everything one run observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    /// [`SCHEMA_VERSION`] at the time of writing.
    pub schema_version: u32,
    /// pyo3-matrix's own version.
    pub tool_version: String,
    /// `rustc --version`.
    pub rustc: String,
    /// `maturin --version`, where maturin was found.
    #[serde(default)]
    pub maturin: Option<String>,
    /// Seconds since the Unix epoch when the run started.
    pub started_unix: u64,
    /// The interpreters the run used or looked for.
    pub interpreters: Vec<InterpreterInfo>,
    /// One entry per (pattern, cell).
    pub results: Vec<CellResult>,
}

impl RunResults {
    /// Reads a results file, refusing other schema versions.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let probe: serde_json::Value = serde_json::from_str(&text).map_err(|e| ModelError::Malformed {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let found = probe.get("schema_version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if found != SCHEMA_VERSION {
            return Err(ModelError::Schema {
                path: path.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        serde_json::from_value(probe).map_err(|e| ModelError::Malformed {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}
