//! Where the engine keeps what outlives a run: provisioned interpreters, test environments,
//! cell workspaces and their target directories.

use std::path::{Path, PathBuf};

/// The user cache directory of pyo3-matrix (`$PYO3_MATRIX_CACHE`, else
/// `$XDG_CACHE_HOME/pyo3-matrix`, else `~/.cache/pyo3-matrix`).
#[derive(Debug, Clone)]
pub struct Dirs {
    root: PathBuf,
}

impl Dirs {
    /// The cache directory chosen from the environment.
    pub fn from_env() -> Self {
        let root = std::env::var_os("PYO3_MATRIX_CACHE")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("pyo3-matrix")))
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/pyo3-matrix")))
            .unwrap_or_else(|| std::env::temp_dir().join("pyo3-matrix"));
        Dirs { root }
    }

    /// A cache rooted at `root` (tests use a temporary one).
    pub fn at(root: impl Into<PathBuf>) -> Self {
        Dirs { root: root.into() }
    }

    /// The cache root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Provisioned interpreters: `pythons/<version><t>/bin/python3.N[t]`.
    pub fn pythons(&self) -> PathBuf {
        self.root.join("pythons")
    }

    /// Downloaded source tarballs and apt state used while provisioning.
    pub fn downloads(&self) -> PathBuf {
        self.root.join("downloads")
    }

    /// Virtual environments with pytest, one per interpreter.
    pub fn venvs(&self) -> PathBuf {
        self.root.join("venvs")
    }

    /// uv's cache: the packages that install built wheels and make build environments.
    pub fn uv_cache(&self) -> PathBuf {
        self.root.join("uv")
    }

    /// Content-addressed verdicts, one file each.
    pub fn results(&self) -> PathBuf {
        self.root.join("results")
    }

    /// Cell workspaces and their target directories.
    pub fn cells(&self) -> PathBuf {
        self.root.join("cells")
    }

    /// Copies of crates being migrated, each with its own targets (`migrate/<crate tag>`).
    pub fn migrations(&self) -> PathBuf {
        self.root.join("migrate")
    }

    /// Where the anchors of releases without a committed one are resolved.
    pub fn anchors(&self) -> PathBuf {
        self.cells().join("anchors")
    }

    /// Bytes free on the file system that holds (or will hold) the cache, if it can be told.
    pub fn free_bytes(&self) -> Option<u64> {
        let existing = self.root.ancestors().find(|p| p.exists())?;
        let path = std::ffi::CString::new(existing.as_os_str().as_encoded_bytes()).ok()?;
        let mut stats: libc::statvfs = unsafe { std::mem::zeroed() };
        // SAFETY: a valid C string and a zeroed out-parameter of the right type.
        (unsafe { libc::statvfs(path.as_ptr(), &mut stats) } == 0)
            .then(|| stats.f_bavail as u64 * stats.f_frsize as u64)
    }
}
