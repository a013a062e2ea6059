//! Reports: pure functions from a run's results (and the pattern catalog) to documents.
//! Nothing here builds or runs anything, so every report can be redrawn from a results file.
//!
//! - [`grid`] indexes the results by (pattern, release, interpreter, variant) and finds
//!   each row's last working and first broken release.
//! - [`legend`] gives each outcome its symbol and word (never colour alone) and its colour.
//! - [`groups`] shows what many cells said once, with the cells that said it.
//! - [`events`] tells where PyO3's support of an interpreter changes, once.
//! - [`hatches`] judges an escape hatch by the cells that set it.
//! - [`claims`] derives a claim's verdict from the observed cells by one rule.
//! - [`markdown`], [`html`] and [`csv`] draw the documents; [`files`] writes them.
//! - [`diff`] compares two runs; [`merge`] joins the shards of one; [`plan`] plans an
//!   upgrade from them.
//! - [`explain`] names the catalog patterns that fail the way a cell fails; [`fixes`]
//!   chooses the fix that fits a failure and the release it must build on; [`lookup`]
//!   finds the patterns whose cells said an error a user holds.

#![warn(missing_docs)]

pub mod claims;
pub mod csv;
pub mod diff;
pub mod events;
pub mod explain;
pub mod files;
pub mod fixes;
pub mod grid;
pub mod groups;
pub mod hatches;
pub mod html;
pub mod legend;
pub mod lookup;
pub mod markdown;
pub mod merge;
pub mod plan;

#[cfg(test)]
mod fixture;

pub use diff::{diff, Diff};

use anyhow::Result;
use pyo3_matrix_model::{Pattern, RunResults, Sources};
use std::path::{Path, PathBuf};

/// Writes every report for `results` into `out_dir` and returns the paths written:
/// the Markdown reports ([`markdown::pages`]), `results.csv`, and the HTML ones
/// ([`html::files`]: `index.html`, each Markdown report's HTML twin, `cells/<id>.js`).
/// `patterns` is the catalog that describes them; a pattern missing from it is drawn with
/// its id alone; `sources` names who makes their claims. Each file is replaced whole (see [`files::write_atomically`]); other files in `out_dir` are left alone.
pub fn write_all(
    results: &RunResults,
    beside: &[RunResults],
    patterns: &[Pattern],
    sources: Sources,
    out_dir: &Path,
) -> Result<Vec<PathBuf>> {
    let grid = grid::Grid::new(results, patterns).with_sources(sources).beside(beside);
    let markdown = markdown::pages(&grid);
    let html = html::files(&grid, &markdown)?;
    let files: Vec<(PathBuf, String)> = markdown
        .into_iter()
        .chain([(PathBuf::from("results.csv"), csv::render(results))])
        .chain(html)
        .map(|(path, text)| (out_dir.join(path), text))
        .collect();
    for (path, text) in &files {
        files::write_atomically(path, text)?;
    }
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_report_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let written = super::write_all(
            &crate::fixture::results(),
            &[],
            &crate::fixture::patterns(),
            Default::default(),
            dir.path(),
        )
        .unwrap();
        let mut names: Vec<String> = written
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        names.sort();
        assert_eq!(
            names,
            [
                "cells/async_future.js",
                "cells/gilref_any_arg.js",
                "cells/static_ref_exit.js",
                "cells/vec_u8_return.js",
                "claims.html",
                "claims.md",
                "compat.md",
                "index.html",
                "patterns/async_future.html",
                "patterns/async_future.md",
                "patterns/gilref_any_arg.html",
                "patterns/gilref_any_arg.md",
                "patterns/static_ref_exit.html",
                "patterns/static_ref_exit.md",
                "patterns/vec_u8_return.html",
                "patterns/vec_u8_return.md",
                "results.csv",
                "style.css",
                "upgrades.html",
                "upgrades.md",
            ]
        );
        assert!(written.iter().all(|p| p.is_file()));
    }
}
