//! Where a command's files go: checked before any work, written whole.

use anyhow::{Context as _, Result};
use pyo3_matrix_model::RunResults;
use std::path::Path;

/// Fails early, naming the directory, when results could not be written there.
pub fn check_writable(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create output directory {}", dir.display()))?;
    tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("output directory {} is not writable", dir.display()))?;
    Ok(())
}

/// Writes `results` to `path` atomically (a temporary file renamed over it).
pub fn write_results(path: &Path, results: &RunResults) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write {}", path.display()))?;
    serde_json::to_writer_pretty(&mut tmp, results)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
