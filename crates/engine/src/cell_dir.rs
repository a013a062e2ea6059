//! One cell's directory in the cache, `cells/<release>/<interpreter>/`, laid out in one
//! place: the runner, a user crate's cell, the seeding of targets and the cache's
//! collector all name its parts through [`CellDir`].
//!
//! ```text
//! .lock                      held while the cell is worked on; its time: the last use
//! target/                    the plain builds (`PLAIN_TARGET`), every other target's seed
//! target-env-<hash>/         builds with a variant's environment
//! target-crates-<route>[-v]/ a user crate's builds (by cargo or by maturin)
//! ws-<tag>[-v]/              a caller's workspace (or a user crate's copy)
//! runs-<tag>[-v]/            test copies and the test hosts' files
//! wheel-<tag>[-v]/           a maturin project's wheel
//! ```
//!
//! `[-v]` is `-<variant name>` for a variant's cells.

use crate::cache::KeyBuilder;
use crate::lock::{DirLock, LOCK_FILE};
use crate::Dirs;
use anyhow::Result;
use pyo3_matrix_model::{Flavor, Release, Variant};
use std::path::{Path, PathBuf};

/// The name of a cell's plain target directory.
pub const PLAIN_TARGET: &str = "target";

/// A cell's directory.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CellDir(PathBuf);

impl CellDir {
    /// The directory of the cell (`release`, `flavor`) in the cache `dirs`.
    pub fn of(dirs: &Dirs, release: &Release, flavor: Flavor) -> CellDir {
        CellDir(dirs.cells().join(release.to_string()).join(flavor.to_string()))
    }

    /// The cell directory at `path`.
    pub fn at(path: impl Into<PathBuf>) -> CellDir {
        CellDir(path.into())
    }

    /// Every cell directory in the cache: those holding a lock file.
    pub fn all(dirs: &Dirs) -> Vec<CellDir> {
        subdirs(&dirs.cells())
            .iter()
            .flat_map(|release| subdirs(release))
            .filter(|dir| CellDir::is_cell(dir))
            .map(CellDir)
            .collect()
    }

    /// Whether `dir` is a cell's directory (it holds the lock file).
    pub fn is_cell(dir: &Path) -> bool {
        dir.join(LOCK_FILE).is_file()
    }

    /// The directory itself.
    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Waits until the cell is ours alone and stamps its last use.
    pub fn lock(&self) -> Result<DirLock> {
        DirLock::acquire(&self.0)
    }

    /// The other interpreters' cells of the same release.
    pub fn siblings(&self) -> Vec<CellDir> {
        let Some(release) = self.0.parent() else {
            return Vec::new();
        };
        subdirs(release)
            .into_iter()
            .filter(|dir| *dir != self.0 && CellDir::is_cell(dir))
            .map(CellDir)
            .collect()
    }

    /// The plain target, which every other target of the cell starts from.
    pub fn plain_target(&self) -> PathBuf {
        self.0.join(PLAIN_TARGET)
    }

    /// The target for builds with the environment `env`. Variants that only add features
    /// share the plain cell's target (cargo keeps feature sets apart, and syn, quote, libc, …
    /// are built once). An environment gets a target of its own: PyO3's build scripts do
    /// not all declare the variables they read (0.22 reuses an
    /// `UNSAFE_PYO3_BUILD_FREE_THREADED` build for a plain one), so a shared target could
    /// hand one setting's build to another. [`seed`](crate::seed) starts it from the plain one.
    pub fn target(&self, env: &[(String, String)]) -> PathBuf {
        if env.is_empty() {
            return self.plain_target();
        }
        let settings = KeyBuilder::default().text("env", &format!("{env:?}")).finish();
        self.0.join(format!("target-env-{}", &settings[..12]))
    }

    /// A user crate's target when `route` (cargo or maturin) builds it.
    pub fn crate_target(&self, route: &str, variant: Option<&Variant>) -> PathBuf {
        self.0.join(format!("target-crates-{route}{}", suffix(variant)))
    }

    /// The caller `tag`'s workspace for `variant` (a user crate's copy: `None`).
    pub fn workspace(&self, tag: &str, variant: Option<&Variant>) -> PathBuf {
        self.0.join(format!("ws-{tag}{}", suffix(variant)))
    }

    /// Where the caller `tag`'s tests of `variant` run.
    pub fn runs(&self, tag: &str, variant: Option<&Variant>) -> PathBuf {
        self.0.join(format!("runs-{tag}{}", suffix(variant)))
    }

    /// Where the caller `tag`'s wheel of `variant` is made.
    pub fn wheel(&self, tag: &str, variant: Option<&Variant>) -> PathBuf {
        self.0.join(format!("wheel-{tag}{}", suffix(variant)))
    }

    /// Whether an entry of a cell directory is something a build makes again: a target
    /// directory, the test copies or a user crate's wheel.
    pub fn is_build(name: &str) -> bool {
        name == PLAIN_TARGET || ["target-", "runs-", "wheel-"].iter().any(|p| name.starts_with(p))
    }
}

/// How a variant's parts are told apart from the plain cell's.
fn suffix(variant: Option<&Variant>) -> String {
    variant.map(|v| format!("-{}", v.name)).unwrap_or_default()
}

/// The directories in `dir`, sorted.
pub(crate) fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    found.sort();
    found
}
