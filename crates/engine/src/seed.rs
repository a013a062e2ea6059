//! New target directories started from a target already built for the same release.
//!
//! The targets of one release differ only in what PyO3 is told: the interpreter
//! (`PYO3_PYTHON`, one target per interpreter) and a variant's build environment
//! (`PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1`, …), which gets a target of its own because not
//! every PyO3 release declares the variables its build scripts read (in a shared target
//! cargo would hand it the plain build). Building such a target from nothing recompiles
//! syn, libc, tokio, ndarray and the rest, which neither setting can change. So a new target
//! starts as a copy of one already built, with PyO3's own packages cleaned: cargo rebuilds
//! them (and reruns their build scripts) under the new settings whether or not they declare
//! what they read, and everything that depends on them (numpy, the patterns) follows.
//!
//! Only settings that name PyO3's variables alone are seeded; any other variable might be
//! read by any build script, so such a target is built from nothing.

use crate::cell_dir::CellDir;
use crate::process::Process;
use crate::slots::Slots;
use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

/// The packages of PyO3 itself: everything that reads a `PYO3_*` variable or asks the
/// interpreter is one of them (and every crate built on PyO3 depends on them).
const PYO3_PACKAGES: [&str; 5] = [
    "pyo3",
    "pyo3-build-config",
    "pyo3-ffi",
    "pyo3-macros",
    "pyo3-macros-backend",
];

/// Those of [`PYO3_PACKAGES`] that the release in `lockfile` has (`pyo3-ffi` is younger
/// than PyO3), so that every one names a package of the workspace.
fn pyo3_packages(lockfile: &Path) -> Result<Vec<&'static str>> {
    let text = crate::fs::read_to_string(lockfile)?;
    let lock: toml::Table = text
        .parse()
        .with_context(|| format!("cannot parse {}", lockfile.display()))?;
    let names: BTreeSet<&str> = lock
        .get("package")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("name")?.as_str())
        .collect();
    Ok(PYO3_PACKAGES.into_iter().filter(|p| names.contains(p)).collect())
}

/// Whether a target built with the extra environment `env` may start from another target
/// of its release.
pub fn can_seed(env: &[(String, String)]) -> bool {
    env.iter()
        .all(|(k, _)| k.starts_with("PYO3_") || k.starts_with("UNSAFE_PYO3_"))
}

/// Starts the missing `target` of the cell in `cell_dir` (whose lock the caller holds) for
/// the workspace `manifest`: from the cell's own plain target, else from the plain target
/// of an interpreter whose directory sorts before this one (so two cells never wait on each
/// other), taken under that cell's lock so that no build of it is copied half-written.
/// Does nothing when `target` exists or there is nothing to start from. The copy holds a
/// slot; the time it took (not the wait for the lock) is returned.
pub fn seed_target(cell_dir: &CellDir, target: &Path, manifest: &Path, slots: &Slots) -> Result<Duration> {
    if target.exists() {
        return Ok(Duration::ZERO);
    }
    let own = cell_dir.plain_target();
    if own != target && own.is_dir() {
        return copy_and_clean(&own, target, manifest, slots);
    }
    for sibling in earlier_siblings(cell_dir) {
        // A sibling's target appears once its first build starts; its lock is held from before.
        let _lock = sibling.lock()?;
        let from = sibling.plain_target();
        if from.is_dir() {
            return copy_and_clean(&from, target, manifest, slots);
        }
    }
    Ok(Duration::ZERO)
}

/// The other interpreters' cells of this release that sort before `cell_dir` and have
/// been, or are being, built: the only ones waited for, so two cells never wait on each other.
fn earlier_siblings(cell_dir: &CellDir) -> Vec<CellDir> {
    cell_dir.siblings().into_iter().filter(|s| s < cell_dir).collect()
}

/// Copies `from` to `target` and cleans PyO3's packages in the copy. The copy is made beside
/// `target` and renamed into place, so an interrupted seed leaves no half target.
fn copy_and_clean(from: &Path, target: &Path, manifest: &Path, slots: &Slots) -> Result<Duration> {
    let _slot = slots.acquire()?;
    let started = Instant::now();
    let partial = target.with_extension("seeding");
    if partial.exists() {
        crate::fs::remove_dir_all(&partial)?;
    }
    // `cp -a` keeps the modification times cargo compares and the hard links it made.
    let copy = format!("copy {} to {}", from.display(), partial.display());
    Process::new("cp")
        .arg("-a")
        .arg("--reflink=auto")
        .arg(from)
        .arg(&partial)
        .run(&copy)?;
    let lockfile = manifest.with_file_name("Cargo.lock");
    Process::new("cargo")
        .args(["clean", "--quiet", "--manifest-path"])
        .arg(manifest)
        .arg("--target-dir")
        .arg(&partial)
        .args(
            pyo3_packages(&lockfile)?
                .into_iter()
                .flat_map(|package| ["-p", package]),
        )
        .run(&format!("clean PyO3's packages in {}", partial.display()))?;
    std::fs::rename(&partial, target).with_context(|| format!("cannot create {}", target.display()))?;
    Ok(started.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pyo3_settings_are_seeded() {
        let env = |k: &str| vec![(k.to_string(), "1".to_string())];
        assert!(can_seed(&[]));
        assert!(can_seed(&env("PYO3_USE_ABI3_FORWARD_COMPATIBILITY")));
        assert!(can_seed(&env("UNSAFE_PYO3_BUILD_FREE_THREADED")));
        assert!(!can_seed(&env("RUSTFLAGS")));
    }

    #[test]
    fn pyo3_packages_are_read_from_the_lockfile() {
        let dir = tempfile::tempdir().unwrap();
        let lock = dir.path().join("Cargo.lock");
        let package = |name: &str| format!("[[package]]\nname = \"{name}\"\nversion = \"1.0.0\"\n\n");
        let text: String = [
            "syn",
            "pyo3",
            "pyo3-ffi",
            "pyo3-build-config",
            "pyo3-async-runtimes",
            "pyo3",
        ]
        .map(package)
        .concat();
        std::fs::write(&lock, format!("version = 3\n\n{text}")).unwrap();
        assert_eq!(pyo3_packages(&lock).unwrap(), ["pyo3", "pyo3-build-config", "pyo3-ffi"]);
    }

    #[test]
    fn only_earlier_interpreters_are_waited_for() {
        let release = tempfile::tempdir().unwrap();
        for flavor in ["3.12", "3.13", "3.13t"] {
            std::fs::create_dir_all(release.path().join(flavor)).unwrap();
            std::fs::write(release.path().join(flavor).join(".lock"), "").unwrap();
        }
        let names = |cell: &str| -> Vec<String> {
            earlier_siblings(&CellDir::at(release.path().join(cell)))
                .iter()
                .map(|p| p.path().file_name().unwrap().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(names("3.13t"), ["3.12", "3.13"]);
        assert_eq!(names("3.12"), Vec::<String>::new());
    }
}
