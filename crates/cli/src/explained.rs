//! A user's cells with the catalog patterns that fail the same way, for `scan` and `check`:
//! the catalog's results read once, each failing cell explained by
//! [`pyo3_matrix_report::explain::explain`] (which also picks the fix that fits it), and
//! printed the same way.

use anyhow::Result;
use pyo3_matrix_model::{CellResult, Pattern, RunResults};
use pyo3_matrix_report::explain::{explain, Explanation};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The catalog the cells are explained by.
pub struct Catalog {
    /// Where its results were looked for.
    pub path: PathBuf,
    /// Its results, when they could be read.
    pub results: Option<RunResults>,
    /// Its patterns (titles, fixes, links).
    pub patterns: Vec<Pattern>,
}

impl Catalog {
    /// Reads the catalog of the matrix `dir`: the results file `named` (which must load),
    /// else the catalog's own `docs/results.json`, used where it loads (a broken one is
    /// said, not silently passed over; a missing one is noted after the answer).
    pub fn load(dir: &Path, named: Option<PathBuf>) -> Result<Catalog> {
        let must_load = named.is_some();
        let path = named.unwrap_or_else(|| dir.parent().unwrap_or(dir).join("docs/results.json"));
        let results = match RunResults::load(&path) {
            Ok(results) => Some(results),
            Err(e) if must_load => return Err(e.into()),
            Err(e) if path.exists() => {
                eprintln!("warning: failures are not explained by the catalog: {e}");
                None
            }
            Err(_) => None,
        };
        let patterns = crate::setup::patterns(dir, &[])?;
        Ok(Catalog {
            path,
            results,
            patterns,
        })
    }

    /// Each cell with the catalog patterns that fail the way it fails (none for a cell
    /// that works).
    pub fn explain(&self, cells: Vec<CellResult>) -> Vec<Explained> {
        cells
            .into_iter()
            .map(|cell| {
                let explained_by = match (&self.results, cell.outcome.works()) {
                    (Some(catalog), false) => explain(&cell, catalog, &self.patterns),
                    _ => Vec::new(),
                };
                Explained { cell, explained_by }
            })
            .collect()
    }

    /// After a text answer: where the catalog was missing, how to have one.
    pub fn note_if_missing(&self) {
        if self.results.is_none() {
            eprintln!(
                "note: no catalog results at {}; run `pyo3-matrix run` to explain failures",
                self.path.display()
            );
        }
    }
}

/// A cell and the catalog patterns that fail the same way.
#[derive(Debug, Serialize)]
pub struct Explained {
    /// The observed cell.
    #[serde(flatten)]
    pub cell: CellResult,
    /// Catalog patterns that fail the same way, each with the fix that fits this failure.
    pub explained_by: Vec<Explanation>,
}

impl Explained {
    /// The cell's line, then a line per pattern that fails the same way.
    pub fn print(&self) {
        println!("{}", cell_line(&self.cell));
        for e in &self.explained_by {
            println!("    {}", line(e));
        }
    }
}

/// `like pattern X (title): what they share; fix: …; see <link>`.
pub fn line(e: &Explanation) -> String {
    let fix = e.fix.as_deref().map(|f| format!("; fix: {f}")).unwrap_or_default();
    let link = e.link.as_deref().map(|l| format!(" — {l}")).unwrap_or_default();
    format!("like pattern {} ({}): {}{fix}{link}", e.pattern, e.title, e.matched)
}

/// One cell as a line of text: release, interpreter, outcome, error codes, message.
pub fn cell_line(c: &pyo3_matrix_model::CellResult) -> String {
    let codes = if c.codes.is_empty() {
        String::new()
    } else {
        format!(" [{}]", c.codes.join(", "))
    };
    let message = c.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
    // A build's warnings stay in sight when its tests then fail.
    let warnings = match c.warnings {
        0 => String::new(),
        1 => " (1 warning)".into(),
        n => format!(" ({n} warnings)"),
    };
    let variant = c.id.variant.as_deref().map(|v| format!("[{v}] ")).unwrap_or_default();
    format!(
        "pyo3 {:<8} python {:<6} {variant}{}{warnings}{codes}{message}",
        c.id.pyo3.to_string(),
        c.id.python.to_string(),
        c.outcome
    )
}
