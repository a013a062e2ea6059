//! `pyo3-matrix list`: the pattern catalog.

use crate::setup;
use anyhow::Result;
use std::path::PathBuf;

/// Arguments of `list`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::output::Format::Text)]
    format: crate::output::Format,
}

/// Prints the catalog.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let patterns = setup::patterns(&dir, &[])?;
    match args.format {
        crate::output::Format::Json => println!("{}", serde_json::to_string_pretty(&patterns)?),
        crate::output::Format::Text => {
            for p in &patterns {
                println!("{:<32} {:<16} {}", p.id, p.meta.category, p.meta.title);
            }
        }
    }
    Ok(())
}
