//! `pyo3-matrix report` and `pyo3-matrix diff`: results in, documents out; nothing is built.

use crate::setup;
use anyhow::Result;
use pyo3_matrix_model::RunResults;
use std::path::PathBuf;

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A results file written by `run`.
    #[arg(long, value_name = "FILE", default_value = "docs/results.json")]
    results: PathBuf,
    /// Directory for the reports.
    #[arg(long, value_name = "DIR", default_value = "docs")]
    out: PathBuf,
}

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier results file.
    old: PathBuf,
    /// The later results file.
    new: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

/// Regenerates every report from a results file.
pub fn report(matrix: Option<PathBuf>, args: ReportArgs) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let results = RunResults::load(&args.results)?;
    let patterns = setup::patterns(&dir, &[])?;
    crate::run::check_writable(&args.out)?;
    for path in pyo3_matrix_report::write_all(&results, &patterns, &args.out)? {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Compares two results files.
pub fn diff(args: DiffArgs) -> Result<()> {
    let old = RunResults::load(&args.old)?;
    let new = RunResults::load(&args.new)?;
    let diff = pyo3_matrix_report::diff(&old, &new);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&diff)?);
    } else {
        print!("{diff}");
    }
    Ok(())
}
