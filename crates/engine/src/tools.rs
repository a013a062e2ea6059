//! The tool environment: the pinned maturin that builds a user's maturin project, and the
//! uv that installs its wheel into each cell's own directory. Both come from PyPI into an
//! environment of the tool's own, never into the user's or an interpreter's.

use crate::interpreters::Interpreter;
use crate::venv::{self, Purpose, Wheels};
use crate::Dirs;
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The maturin every cell is built with; recorded in the results.
pub const MATURIN: &str = "maturin==1.16.0";

/// The installer of the built wheels.
pub const UV: &str = "uv==0.13.8";

/// The tools, installed.
#[derive(Debug, Clone)]
pub struct Tools {
    /// The maturin executable.
    pub maturin: PathBuf,
    /// The uv executable.
    pub uv: PathBuf,
    /// `maturin --version`, e.g. `maturin 1.16.0`.
    pub maturin_version: String,
    /// A directory holding the `cargo` maturin runs (see [`crate::maturin`]).
    pub cargo_shim: PathBuf,
}

/// The tool environment, made with `interp` on first use.
pub fn ensure(interp: &Interpreter, dirs: &Dirs, progress: &mut dyn FnMut(&str)) -> Result<Tools> {
    let purpose = Purpose {
        name: "tools",
        wheels: Wheels::Only,
    };
    let python = venv::environment(interp, dirs, purpose, &[MATURIN.into(), UV.into()], progress)?;
    let bin = python.parent().expect("bin").to_path_buf();
    let maturin = bin.join("maturin");
    let out = Command::new(&maturin)
        .arg("--version")
        .output()
        .with_context(|| format!("cannot run {}", maturin.display()))?;
    let maturin_version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let cargo_shim = crate::maturin::write_cargo_shim(&dirs.root().join("tools"))?;
    Ok(Tools {
        uv: bin.join("uv"),
        maturin,
        maturin_version,
        cargo_shim,
    })
}

/// The `cargo` the user runs: `$CARGO` (set when run by cargo), else the first on PATH.
pub fn real_cargo() -> PathBuf {
    if let Some(cargo) = std::env::var_os("CARGO") {
        return PathBuf::from(cargo);
    }
    on_path("cargo").unwrap_or_else(|| PathBuf::from("cargo"))
}

/// The first executable `program` in a directory of `PATH`.
pub fn on_path(program: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|c| is_executable(c))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
