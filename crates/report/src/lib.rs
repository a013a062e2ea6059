//! Reports: pure functions from a results file (and the pattern catalog) to documents.
//! Nothing here builds or runs anything, so every table can be redrawn from results alone.
//!
//! - [`grid`] indexes results by (pattern, release, interpreter) and finds boundaries.
//! - [`legend`] gives each outcome its symbol and word (never colour alone).
//! - [`claims`] decides a claim's verdict from the observed cells.
//! - [`markdown`], [`html`], [`csv`] draw the documents; [`diff`] compares two runs.

pub mod claims;
pub mod csv;
pub mod diff;
pub mod grid;
pub mod html;
pub mod legend;
pub mod markdown;

pub use diff::{diff, Diff};

use anyhow::{Context as _, Result};
use pyo3_matrix_model::{Pattern, RunResults};
use std::path::{Path, PathBuf};

/// Writes every report for `results` into `out_dir` and returns the paths written.
pub fn write_all(results: &RunResults, patterns: &[Pattern], out_dir: &Path) -> Result<Vec<PathBuf>> {
    let grid = grid::Grid::new(results, patterns);
    let mut files: Vec<(PathBuf, String)> = vec![
        (out_dir.join("compat.md"), markdown::compat(&grid)),
        (out_dir.join("upgrades.md"), markdown::upgrades(&grid)),
        (out_dir.join("claims.md"), markdown::claims(&grid)),
        (out_dir.join("results.csv"), csv::results(results)),
        (out_dir.join("index.html"), html::page(&grid, results)?),
    ];
    for pattern in grid.patterns() {
        files.push((
            out_dir.join("patterns").join(format!("{}.md", pattern.id)),
            markdown::pattern_page(&grid, pattern),
        ));
    }
    for (path, text) in &files {
        write_atomically(path, text)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Writes through a temporary file in the same directory, so a reader never sees half a file.
fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    std::fs::write(tmp.path(), text)?;
    // Reports are for everyone to read (a temporary file starts private).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
