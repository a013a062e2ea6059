//! Python environments per interpreter, so that the interpreters themselves are never
//! modified: the test environment of the catalog (pytest and numpy), the environments of a
//! user's project (pytest and its declared test dependencies), and the tool environment
//! (maturin and uv).
//!
//! `venvs/<flavor>[-<purpose>]-<hash>/` where the hash covers the interpreter's path and
//! version (and the purpose): a rebuilt or upgraded interpreter gets a fresh environment
//! instead of a stale one.

use crate::cache::short_digest;
use crate::interpreters::Interpreter;
use crate::lock::DirLock;
use crate::process::Process;
use crate::Dirs;
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};

/// Lists, one per line, the packages a finished environment holds. Written last, so an
/// environment without it is unfinished (interrupted) and gets rebuilt.
const MARKER: &str = "pyo3-matrix-packages.txt";

/// How an environment's packages may come from PyPI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wheels {
    /// Wheels only: the newest release with a wheel for this interpreter, never a source
    /// build (numpy's takes longer than the whole matrix on 2 cores).
    Only,
    /// Wheels where there are, a source distribution otherwise (a user's test dependency
    /// may publish nothing else).
    Preferred,
}

/// An environment of one interpreter: what it is for and how it gets its packages.
#[derive(Debug, Clone, Copy)]
pub struct Purpose<'a> {
    /// Part of the directory name and of its hash; empty for the catalog's test environment.
    pub name: &'a str,
    /// How packages are installed.
    pub wheels: Wheels,
}

/// The catalog's test environment of an interpreter.
pub const TESTS: Purpose<'static> = Purpose {
    name: "",
    wheels: Wheels::Only,
};

/// A purpose name for an environment of exactly `requirements`: `crate-<hash>`, so that
/// projects declaring the same test dependencies share one environment per interpreter
/// and different ones never see each other's packages.
pub fn requirements_name(requirements: &[String]) -> String {
    format!("crate-{}", short_digest(&requirements.join("\n")))
}

/// The directory of `interp`'s environment for `purpose`.
fn env_dir(interp: &Interpreter, dirs: &Dirs, purpose: Purpose) -> PathBuf {
    let identity = match purpose.name {
        "" => format!("{}|{}", interp.path.display(), interp.version),
        name => format!("{}|{}|{name}", interp.path.display(), interp.version),
    };
    let short = short_digest(&identity);
    let label = match purpose.name {
        "" => interp.flavor.to_string(),
        name => format!("{}-{}", interp.flavor, name.chars().take(24).collect::<String>()),
    };
    dirs.venvs().join(format!("{label}-{short}"))
}

/// The packages recorded in `dir`'s marker, or `None` when the environment is unfinished.
fn recorded(dir: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    Some(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
    )
}

/// The python of `interp`'s test environment for the catalog (pytest and numpy).
pub fn test_python(
    interp: &Interpreter,
    dirs: &Dirs,
    packages: &[&str],
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf> {
    let packages: Vec<String> = packages.iter().map(|p| p.to_string()).collect();
    environment(interp, dirs, TESTS, &packages, progress)
}

/// The python of `interp`'s environment for `purpose`
/// (`dirs.venvs()/<flavor>[-<purpose>]-<hash>/bin/python`), created with
/// `<interp> -m venv` and given `packages` (requirement strings) from PyPI on first use.
///
/// Later calls only read a marker file (cheap); packages not yet installed are added. Two
/// processes (or threads) asking at once serialize on a lock file beside the environment.
pub fn environment(
    interp: &Interpreter,
    dirs: &Dirs,
    purpose: Purpose,
    packages: &[String],
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf> {
    let dir = env_dir(interp, dirs, purpose);
    let python = dir.join("bin").join("python");
    let missing = |have: &Option<Vec<String>>| -> Vec<String> {
        packages
            .iter()
            .filter(|p| !have.as_ref().is_some_and(|h| h.contains(p)))
            .cloned()
            .collect()
    };
    let have = recorded(&dir);
    if have.is_some() && python.is_file() && missing(&have).is_empty() {
        return Ok(python);
    }
    // The lock lives outside the environment so that recreating the environment cannot
    // delete a lock someone holds.
    let name = dir.file_name().expect("named").to_string_lossy().to_string();
    let _lock = DirLock::acquire(&dirs.venvs().join(".locks").join(&name))?;
    // Someone may have finished while we waited.
    let mut have = recorded(&dir);
    if have.is_none() || !python.is_file() {
        if dir.exists() {
            progress(&format!("removing the unfinished environment {}", dir.display()));
            crate::fs::remove_dir_all(&dir)?;
        }
        progress(&format!(
            "creating an environment for Python {} in {}…",
            interp.flavor,
            dir.display()
        ));
        Process::new(&interp.path)
            .args(["-m", "venv"])
            .arg(&dir)
            .run(&format!("create a virtual environment with {}", interp.path.display()))?;
        // A working environment, so far without packages: a failed pip below need not
        // cost the environment.
        write_marker(&dir, &[])?;
        have = Some(Vec::new());
    }
    let wanted = missing(&have);
    if !wanted.is_empty() {
        progress(&format!(
            "installing {} for Python {}…",
            wanted.join(", "),
            interp.flavor
        ));
        let wheels = match purpose.wheels {
            Wheels::Only => "--only-binary=:all:",
            Wheels::Preferred => "--prefer-binary",
        };
        Process::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-input",
                "--disable-pip-version-check",
                wheels,
            ])
            .args(&wanted)
            .run(&format!(
                "install {} from PyPI into {}",
                wanted.join(", "),
                dir.display()
            ))?;
    }
    let mut all = have.unwrap_or_default();
    all.extend(wanted);
    write_marker(&dir, &all)?;
    Ok(python)
}

/// Records `packages` as installed in `dir`. Write-then-rename: a reader never sees a
/// half-written list.
fn write_marker(dir: &Path, packages: &[String]) -> Result<()> {
    let tmp = dir.join(format!("{MARKER}.tmp"));
    let text: String = packages.iter().map(|p| format!("{p}\n")).collect();
    crate::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, dir.join(MARKER)).with_context(|| format!("cannot write {MARKER} in {}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn py312() -> Interpreter {
        crate::interpreters::for_tests("3.12")
    }

    fn prefix_of(python: &Path) -> String {
        let out = Command::new(python)
            .args(["-c", "import sys; print(sys.prefix)"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    #[test]
    fn environments_are_made_once_and_shared() {
        let cache = tempfile::tempdir().unwrap();
        let dirs = Dirs::at(cache.path());
        let interp = py312();
        // Two at once: both get the same finished environment, made once.
        let made = std::sync::atomic::AtomicUsize::new(0);
        let pythons: Vec<PathBuf> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        test_python(&interp, &dirs, &[], &mut |l| {
                            if l.starts_with("creating") {
                                made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            }
                        })
                        .unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(made.into_inner(), 1);
        assert_eq!(pythons[0], pythons[1]);
        let dir = pythons[0].parent().unwrap().parent().unwrap();
        assert!(dir.starts_with(dirs.venvs()), "{dir:?}");
        assert!(
            dir.file_name().unwrap().to_string_lossy().starts_with("3.12-"),
            "{dir:?}"
        );
        assert_eq!(prefix_of(&pythons[0]), dir.display().to_string());

        // Done: nothing more to do.
        let mut lines = Vec::new();
        let again = test_python(&interp, &dirs, &[], &mut |l| lines.push(l.to_string())).unwrap();
        assert_eq!(again, pythons[0]);
        assert!(lines.is_empty(), "{lines:?}");

        // An interrupted creation (no marker) is started over.
        std::fs::remove_file(dir.join(MARKER)).unwrap();
        let mut lines = Vec::new();
        test_python(&interp, &dirs, &[], &mut |l| lines.push(l.to_string())).unwrap();
        assert!(
            lines.iter().any(|l| l.starts_with("removing the unfinished")),
            "{lines:?}"
        );
        assert!(dir.join(MARKER).is_file());
    }

    #[test]
    fn only_missing_packages_are_installed() {
        let cache = tempfile::tempdir().unwrap();
        let dirs = Dirs::at(cache.path());
        let interp = py312();
        test_python(&interp, &dirs, &[], &mut |_| {}).unwrap();
        // iniconfig: a tiny pure-Python wheel (pytest's own dependency), quick from PyPI.
        let mut lines = Vec::new();
        let python = test_python(&interp, &dirs, &["iniconfig"], &mut |l| lines.push(l.to_string())).unwrap();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("installing iniconfig"), "{lines:?}");
        let ok = Command::new(&python).args(["-c", "import iniconfig"]).status().unwrap();
        assert!(ok.success());
        let marker = std::fs::read_to_string(env_dir(&interp, &dirs, TESTS).join(MARKER)).unwrap();
        assert_eq!(marker, "iniconfig\n");
        let mut lines = Vec::new();
        test_python(&interp, &dirs, &["iniconfig"], &mut |l| lines.push(l.to_string())).unwrap();
        assert!(lines.is_empty(), "{lines:?}");
    }

    #[test]
    fn failures_say_what_failed() {
        let cache = tempfile::tempdir().unwrap();
        let dirs = Dirs::at(cache.path());
        let err = test_python(&py312(), &dirs, &["pyo3-matrix-no-such-package-xyz"], &mut |_| {})
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("pyo3-matrix-no-such-package-xyz") && err.contains("PyPI"),
            "{err}"
        );
        // The environment itself is kept (it is fine); the package is not recorded.
        let dir = env_dir(&py312(), &dirs, TESTS);
        assert_eq!(std::fs::read_to_string(dir.join(MARKER)).unwrap(), "");
        let mut lines = Vec::new();
        test_python(&py312(), &dirs, &[], &mut |l| lines.push(l.to_string())).unwrap();
        assert!(lines.is_empty(), "{lines:?}");
    }
}
