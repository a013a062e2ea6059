//! Where a command's files go: checked before any work, written whole.

use anyhow::{Context as _, Result};
use pyo3_matrix_model::RunResults;
use std::path::Path;

/// Fails early, naming the directory, when results could not be written there.
pub fn check_writable(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create output directory {}", dir.display()))?;
    tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("output directory {} is not writable", dir.display()))?;
    Ok(())
}

/// Writes `results` to `path` whole, as every report is written.
pub fn write_results(path: &Path, results: &RunResults) -> Result<()> {
    pyo3_matrix_report::files::write_atomically(path, &serde_json::to_string_pretty(results)?)
}

/// How a command prints its answer.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Lines for a person to read.
    Text,
    /// One JSON object, for a program to read.
    Json,
}
