//! `pyo3-matrix python list|install`: the interpreter axis.

use crate::setup;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_engine::{interpreters, packages, provision};
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
    let ctx = setup::context(&dir)?;
    match cmd {
        Command::List => {
            for i in interpreters::discover(&ctx.dirs) {
                println!("{:<8} {:<8} {}", i.flavor.to_string(), i.version, i.path.display());
            }
        }
        Command::Install { flavor, tarball } => {
            let flavor = Flavor::parse(&flavor)?;
            if let Some(packages) = ctx.matrix.python_packages.get(&flavor.to_string()) {
                if tarball.is_some() {
                    bail!("--tarball: Python {flavor} comes from the system's packages, not from a tarball");
                }
                let interp = packages::install(flavor, packages, &ctx.dirs, &mut |m| eprintln!("{m}"))?;
                println!("{} {} {}", interp.flavor, interp.version, interp.path.display());
                return Ok(());
            }
            let Some(recipe) = ctx.matrix.python_recipe.get(&flavor.to_string()) else {
                bail!("no recipe for Python {flavor} in matrix/matrix.toml ([python_recipe.\"{flavor}\"])");
            };
            if let Some(t) = &tarball {
                if !t.is_file() {
                    bail!("--tarball {}: no such file", t.display());
                }
            }
            let interp = provision::install(flavor, recipe, tarball.as_deref(), &ctx.dirs, &mut |m| eprintln!("{m}"))
                .with_context(|| format!("cannot provision Python {flavor}"))?;
            println!("{} {} {}", interp.flavor, interp.version, interp.path.display());
        }
    }
    Ok(())
}
