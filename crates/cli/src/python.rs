//! `pyo3-matrix python list|install`: the interpreter axis.

use crate::setup;
use anyhow::Result;
use pyo3_matrix_engine::plan::Context;
use pyo3_matrix_engine::{interpreters, targets};
use pyo3_matrix_model::Flavor;
use std::path::PathBuf;

/// Interpreter commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the interpreters found (PATH, pyenv, the cache), as they describe themselves.
    List,
    /// Provision a missing CPython (e.g. 3.13t) into the user cache from an upstream
    /// tarball, or install a PyPy (e.g. pypy3.9) from the system's packages.
    Install {
        /// Flavor label, e.g. 3.13t or pypy3.9.
        flavor: String,
        /// Use this upstream source tarball instead of downloading one.
        #[arg(long, value_name = "FILE")]
        tarball: Option<PathBuf>,
    },
}

/// Runs an interpreter command.
pub fn run(matrix: Option<PathBuf>, cmd: Command) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let ctx = Context::load(&dir)?;
    match cmd {
        Command::List => {
            for i in interpreters::discover(&ctx.dirs) {
                println!("{:<8} {:<8} {}", i.flavor.to_string(), i.version, i.path.display());
            }
        }
        Command::Install { flavor, tarball } => {
            let flavor = Flavor::parse(&flavor)?;
            let interp = targets::install(&ctx, flavor, tarball.as_deref(), &mut |m| eprintln!("{m}"))?;
            println!("{} {} {}", interp.flavor, interp.version, interp.path.display());
        }
    }
    Ok(())
}
