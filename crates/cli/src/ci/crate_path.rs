//! Paths as the generated workflow sees them: relative to the root of the repository it is
//! committed to, with `/` separators, so nothing of this machine's layout leaks into it.

use anyhow::{bail, Context as _, Result};
use pyo3_matrix_engine::paths::lexically_normal;
use std::fmt;
use std::path::{Path, PathBuf};

/// A path inside the repository, relative to its root (`.` for the root itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoPath(String);

impl fmt::Display for RepoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl RepoPath {
    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `--crate PATH`: a directory holding a `Cargo.toml`, as a path in the repository.
pub fn crate_dir(path: &Path) -> Result<RepoPath> {
    if !path.is_dir() {
        bail!("--crate {}: no such directory", path.display());
    }
    if !path.join("Cargo.toml").is_file() {
        bail!("--crate {}: not a crate (no Cargo.toml there)", path.display());
    }
    in_repository(path, "--crate")
}

/// `path` (relative to the current directory, or absolute) relative to the root of the
/// repository around the current directory: the nearest ancestor holding `.git`, else the
/// current directory itself. The file need not exist yet; `flag` names it in errors.
pub fn in_repository(path: &Path, flag: &str) -> Result<RepoPath> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = repository_root(&cwd);
    let absolute = lexically_normal(&cwd.join(path));
    let inside = absolute
        .strip_prefix(&root)
        .map(Path::to_path_buf)
        .or_else(|_| canonical_inside(path, &root))
        .map_err(|_| {
            anyhow::anyhow!(
                "{flag} {}: outside the repository at {}; give a path inside it",
                path.display(),
                root.display()
            )
        })?;
    let parts: Vec<&str> = inside
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<_>>()
        .with_context(|| format!("{flag} {}: not valid UTF-8", path.display()))?;
    Ok(RepoPath(if parts.is_empty() { ".".into() } else { parts.join("/") }))
}

/// The nearest ancestor of `dir` (itself included) with a `.git` (a directory, or the file
/// of a worktree), else `dir`.
fn repository_root(dir: &Path) -> PathBuf {
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(dir)
        .to_path_buf()
}

/// For a path reached through a symbolic link: both sides resolved, then compared.
fn canonical_inside(path: &Path, root: &Path) -> Result<PathBuf> {
    let path = path.canonicalize()?;
    Ok(path.strip_prefix(root.canonicalize()?)?.to_path_buf())
}
