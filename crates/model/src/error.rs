//! Errors raised while reading the model's inputs; each names the input it rejects.

use std::path::PathBuf;

/// A problem with user input or with the data in `matrix/`.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// A `--pyo3` item that is neither a version, a minor, nor a range.
    #[error("invalid PyO3 version or range '{0}': expected e.g. 0.23, 0.22.4 or 0.21..=0.24")]
    BadRelease(String),
    /// A well-formed version that no known release matches.
    #[error("unknown PyO3 version '{0}': not in matrix/matrix.toml (known: {1})")]
    UnknownRelease(String, String),
    /// A `--python` label that is not `3.N`, `3.Nt` or `pypy3.N`.
    #[error("invalid Python flavor '{0}': expected a label such as 3.12, 3.13, 3.13t or pypy3.9, or a path")]
    BadFlavor(String),
    /// A `--shard` that is not `I/N` with 1 <= I <= N.
    #[error("invalid shard '{0}': expected I/N with 1 <= I <= N, e.g. 2/4")]
    BadShard(String),
    /// A data file that could not be read.
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// A data file whose TOML does not match the expected shape.
    #[error("malformed {path}: {message}")]
    Malformed { path: PathBuf, message: String },
    /// A results file from another schema version.
    #[error("{path}: results schema version {found} is not supported (expected {expected})")]
    Schema { path: PathBuf, found: u32, expected: u32 },
    /// A results file whose cells contradict each other or its header: a cell twice, or on
    /// an interpreter or release the run did not ask for.
    #[error("{path}: {message}")]
    Contradicts { path: PathBuf, message: String },
}
