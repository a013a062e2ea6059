//! Content-addressed results: a verdict is reused exactly when none of its inputs changed.
//!
//! The key hashes everything that can change an outcome: the tool and rustc versions, the
//! release and its lockfile, the interpreter's identity, the variant, the extra crates, and
//! the member's source, dependencies, test file and timeout. Entries are written atomically,
//! one file per verdict, so an interrupted or concurrent run never leaves a torn entry.

use anyhow::{Context as _, Result};
use pyo3_matrix_model::{CellResult, Outcome};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Builds a cache key from labelled inputs.
#[derive(Default, Clone)]
pub struct KeyBuilder {
    hasher: Sha256,
}

impl KeyBuilder {
    /// Adds a labelled text input.
    pub fn text(mut self, label: &str, value: &str) -> Self {
        self.hasher.update(label.as_bytes());
        self.hasher.update((value.len() as u64).to_le_bytes());
        self.hasher.update(value.as_bytes());
        self
    }

    /// Adds a file's bytes (an unreadable or missing file hashes as absent).
    pub fn file(self, label: &str, path: Option<&Path>) -> Self {
        let bytes = path.and_then(|p| std::fs::read(p).ok());
        let text = bytes
            .map(|b| hex(&Sha256::digest(b)))
            .unwrap_or_else(|| "absent".into());
        self.text(label, &text)
    }

    /// Adds every file of a source tree (its relative paths and bytes), leaving out build
    /// output and version control; `None` adds nothing but the label.
    pub fn tree(self, label: &str, dir: Option<&Path>) -> Self {
        let Some(dir) = dir else {
            return self.text(label, "none");
        };
        let mut files = Vec::new();
        collect_files(dir, dir, &mut files);
        files.sort();
        files
            .into_iter()
            .fold(self.text(label, &dir.display().to_string()), |key, rel| {
                let path = dir.join(&rel);
                key.file(&rel, Some(&path))
            })
    }

    /// The key.
    pub fn finish(self) -> String {
        hex(&self.hasher.finalize())
    }
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_str().is_some_and(crate::paths::left_out) {
            continue;
        }
        if path.is_dir() {
            collect_files(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.display().to_string());
        }
    }
}

/// The first 8 hex digits of `text`'s SHA-256: a short name for what `text` identifies
/// (an environment's packages, a crate's place), for directory names.
pub fn short_digest(text: &str) -> String {
    hex(&Sha256::digest(text)[..4])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The verdict store under the user cache.
#[derive(Debug, Clone)]
pub struct ResultCache {
    dir: PathBuf,
}

impl ResultCache {
    /// A store in `dir`.
    pub fn new(dir: PathBuf) -> Self {
        ResultCache { dir }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(&key[..2]).join(format!("{key}.json"))
    }

    /// The stored verdict for `key`, if any (an unreadable entry counts as absent).
    pub fn get(&self, key: &str) -> Option<CellResult> {
        let text = std::fs::read_to_string(self.path(key)).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Stores a verdict; the tool's own failures and missing interpreters are never
    /// stored, so the next run tries them again.
    pub fn put(&self, key: &str, result: &CellResult) -> Result<()> {
        if matches!(result.outcome, Outcome::Error | Outcome::Skipped) {
            return Ok(());
        }
        let path = self.path(key);
        let dir = path.parent().expect("entry has a parent");
        crate::fs::create_dir_all(dir)?;
        let mut tmp =
            tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
        serde_json::to_writer(&mut tmp, result)?;
        tmp.persist(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_change_with_any_input_and_entries_round_trip() {
        let a = KeyBuilder::default()
            .text("pyo3", "0.23.5")
            .text("python", "3.12")
            .finish();
        let b = KeyBuilder::default()
            .text("pyo3", "0.23.5")
            .text("python", "3.13")
            .finish();
        let c = KeyBuilder::default()
            .text("pyo3", "0.23.53")
            .text("python", ".12")
            .finish();
        assert_ne!(a, b);
        assert_ne!(a, c, "labels and lengths keep fields apart");

        let dir = tempfile::tempdir().unwrap();
        let cache = ResultCache::new(dir.path().to_path_buf());
        let result: CellResult = serde_json::from_value(serde_json::json!({
            "pattern": "p", "pyo3": "0.23.5", "python": "3.12", "outcome": "pass"
        }))
        .unwrap();
        assert!(cache.get(&a).is_none());
        cache.put(&a, &result).unwrap();
        assert_eq!(cache.get(&a), Some(result.clone()));
        let error = CellResult {
            outcome: Outcome::Error,
            ..result
        };
        cache.put(&b, &error).unwrap();
        assert!(cache.get(&b).is_none(), "tool errors are retried, not cached");
    }
}
