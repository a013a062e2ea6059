//! `pyo3-matrix ci github`: the GitHub Actions `strategy.matrix` for a sharded run.

use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_engine::interpreters::PythonArg;
use pyo3_matrix_model::Shard;
use std::path::PathBuf;

/// GitHub refuses a matrix with more jobs than this.
const GITHUB_MAX_JOBS: usize = 256;

/// CI generators.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a GitHub Actions strategy.matrix (JSON) with one job per shard.
    Github {
        /// Number of jobs [default: one per cell, at most 256].
        #[arg(long)]
        shards: Option<usize>,
        /// PyO3 releases, as for `run`.
        #[arg(long, value_name = "LIST")]
        pyo3: Option<String>,
        /// Interpreter flavor labels, as for `run` (paths make no sense on another machine).
        #[arg(long, value_name = "LIST")]
        python: Option<String>,
    },
}

/// Prints the matrix.
pub fn run(matrix: Option<PathBuf>, cmd: Command) -> Result<()> {
    let Command::Github { shards, pyo3, python } = cmd;
    let dir = setup::matrix_dir(matrix)?;
    let ctx = setup::context(&dir)?;
    let releases = setup::releases(&ctx.matrix, pyo3.as_deref())?;
    let mut flavors = Vec::new();
    for arg in setup::python_args(&ctx.matrix, python.as_deref())? {
        match arg {
            PythonArg::Flavor(f) => flavors.push(f),
            PythonArg::Path(p) => bail!(
                "--python {}: a CI matrix needs flavor labels such as 3.13t, not paths",
                p.display()
            ),
        }
    }
    let cells = releases.len() * flavors.len();
    let count = shards.unwrap_or(cells.min(GITHUB_MAX_JOBS));
    if count == 0 || count > GITHUB_MAX_JOBS {
        bail!("--shards {count}: GitHub allows 1 to {GITHUB_MAX_JOBS} jobs per matrix");
    }
    let pyo3_arg = releases.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(",");
    let python_arg = flavors.iter().map(|f| f.to_string()).collect::<Vec<_>>().join(",");
    let mut include = Vec::new();
    for index in 1..=count.min(cells.max(1)) {
        let shard = Shard { index, count };
        let mine: Vec<usize> = (0..cells).filter(|k| shard.contains(*k)).collect();
        let mut labels: Vec<String> = mine.iter().map(|k| flavors[k % flavors.len()].to_string()).collect();
        labels.sort();
        labels.dedup();
        let names: Vec<String> = mine
            .iter()
            .map(|k| format!("{}/{}", releases[k / flavors.len()], flavors[k % flavors.len()]))
            .collect();
        include.push(serde_json::json!({
            "shard": shard.to_string(),
            // Explicit labels (3.13t included) for actions/setup-python's `python-version`.
            "python-version": labels.join("\n"),
            "cells": names.join(" "),
            "args": format!("--pyo3 {pyo3_arg} --python {python_arg} --shard {shard}"),
        }));
    }
    println!("{}", serde_json::to_string(&serde_json::json!({ "include": include }))?);
    Ok(())
}
