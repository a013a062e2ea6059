//! The file operations the engine makes, each failing with the path it was about: one place
//! for "cannot read …" instead of a context written out at every call.

use anyhow::{Context as _, Result};
use std::path::Path;

/// The text of the file at `path`.
pub fn read_to_string(path: impl AsRef<Path>) -> Result<String> {
    let path = path.as_ref();
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes `contents` to the file at `path`.
pub fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> Result<()> {
    let path = path.as_ref();
    std::fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

/// Creates the directory `path` and its parents.
pub fn create_dir_all(path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    std::fs::create_dir_all(path).with_context(|| format!("cannot create {}", path.display()))
}

/// Removes the directory `path` with everything in it.
pub fn remove_dir_all(path: impl AsRef<Path>) -> Result<()> {
    let path = path.as_ref();
    std::fs::remove_dir_all(path).with_context(|| format!("cannot clear {}", path.display()))
}

/// Copies the file `from` to `to`.
pub fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> Result<u64> {
    let (from, to) = (from.as_ref(), to.as_ref());
    std::fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn failures_name_the_path() {
        let e = super::read_to_string("/no/such/file").unwrap_err();
        assert_eq!(format!("{e}"), "cannot read /no/such/file");
        let e = super::create_dir_all("/proc/no-such-dir").unwrap_err();
        assert_eq!(format!("{e}"), "cannot create /proc/no-such-dir");
    }
}
