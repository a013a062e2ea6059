//! Paths as text: what a path means without asking the file system.

use std::path::{Component, Path, PathBuf};

/// Directories never copied: build output, version control, environments, caches.
const LEFT_OUT: &[&str] = &[
    "target",
    ".git",
    ".venv",
    "venv",
    "__pycache__",
    ".pytest_cache",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    "node_modules",
    "dist",
];

/// Whether a directory (or file) of this name is left out of a crate's copy, and so of the
/// cache key of its verdicts.
pub fn left_out(name: &str) -> bool {
    LEFT_OUT.contains(&name)
}

/// `path` with `.` dropped and each `..` taking away the component before it, without
/// touching the file system (the path need not exist).
pub fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dots_go_and_parents_take_the_component_before() {
        assert_eq!(lexically_normal(Path::new("/r/./a/../b/c/")), Path::new("/r/b/c"));
        assert_eq!(lexically_normal(Path::new("/r/..")), Path::new("/"));
    }
}
