//! A test environment per interpreter: a virtual environment with pytest (and numpy).

use crate::interpreters::Interpreter;
use crate::lock::DirLock;
use crate::Dirs;
use anyhow::{bail, Context as _, Result};
use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::process::Command;

/// Lists the packages a finished environment holds.
const MARKER: &str = "pyo3-matrix-packages.txt";

/// The python of `interp`'s test environment, created and given `packages` (from PyPI)
/// on first use; later calls only check a marker file. Two processes asking at once
/// serialize on a lock in the environment's directory.
pub fn test_python(
    interp: &Interpreter,
    dirs: &Dirs,
    packages: &[&str],
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf> {
    let id = Sha256::digest(format!("{}|{}", interp.path.display(), interp.version));
    let short: String = id.iter().take(4).map(|b| format!("{b:02x}")).collect();
    let dir = dirs.venvs().join(format!("{}-{short}", interp.flavor));
    let python = dir.join("bin").join("python");
    let missing = |have: &str| packages.iter().filter(|p| !have.lines().any(|l| l == **p)).count() > 0;
    let have = std::fs::read_to_string(dir.join(MARKER)).unwrap_or_default();
    if python.is_file() && !missing(&have) {
        return Ok(python);
    }
    let _lock = DirLock::acquire(&dir)?;
    let have = std::fs::read_to_string(dir.join(MARKER)).unwrap_or_default();
    if !python.is_file() {
        progress(&format!(
            "creating a test environment for Python {} in {}",
            interp.flavor,
            dir.display()
        ));
        run(
            Command::new(&interp.path).args(["-m", "venv"]).arg(&dir),
            "create the virtual environment",
        )?;
    }
    let wanted: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| !have.lines().any(|l| l == *p))
        .collect();
    if !wanted.is_empty() {
        progress(&format!(
            "installing {} for Python {}",
            wanted.join(", "),
            interp.flavor
        ));
        run(
            Command::new(&python)
                // Wheels only: the newest release with a wheel for this interpreter, never a
                // source build (numpy's takes longer than the whole matrix on 2 cores).
                .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--only-binary=:all:"])
                .args(&wanted),
            "install the test packages from PyPI",
        )?;
    }
    let all: Vec<&str> = have.lines().chain(wanted.iter().copied()).collect();
    std::fs::write(dir.join(MARKER), all.join("\n") + "\n")?;
    Ok(python)
}

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let out = cmd.output().with_context(|| format!("cannot {what}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!("cannot {what}: {}", err.lines().last().unwrap_or("").trim());
    }
    Ok(())
}
