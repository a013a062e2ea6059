//! Every published PyO3 release, read from cargo's own cache of the registry index (filled
//! whenever cargo resolves pyo3), so `bisect --all-patches` asks no network of its own.

use anyhow::{bail, Result};
use pyo3_matrix_model::Release;
use std::path::PathBuf;

/// cargo's home: `$CARGO_HOME`, else `~/.cargo`.
fn cargo_home() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// All non-yanked, non-prerelease versions of `pyo3` cargo has seen, oldest first.
pub fn pyo3_releases() -> Result<Vec<Release>> {
    let index = cargo_home().map(|h| h.join("registry/index")).unwrap_or_default();
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&index).into_iter().flatten().flatten() {
        let cached = entry.path().join(".cache/py/o3/pyo3");
        let Ok(bytes) = std::fs::read(&cached) else { continue };
        // The cache holds NUL-separated records; each version's record is one JSON object.
        for chunk in bytes.split(|b| *b == 0) {
            let Ok(record) = serde_json::from_slice::<serde_json::Value>(chunk) else {
                continue;
            };
            let (Some(vers), yanked) = (record["vers"].as_str(), record["yanked"].as_bool().unwrap_or(false)) else {
                continue;
            };
            if let (Ok(release), false) = (Release::parse(vers), yanked) {
                if release.0.pre.is_empty() {
                    found.push(release);
                }
            }
        }
    }
    found.sort();
    found.dedup();
    if found.is_empty() {
        bail!(
            "cargo's index cache under {} lists no pyo3 release yet; run any `pyo3-matrix run` or `check` first",
            index.display()
        );
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_index_cache_knows_unlisted_patches() {
        // The committed anchors make cargo resolve pyo3, so the cache exists wherever tests run.
        let all = super::pyo3_releases().unwrap();
        let versions: Vec<String> = all.iter().map(|r| r.to_string()).collect();
        assert!(versions.contains(&"0.22.4".to_string()), "{versions:?}");
        assert!(!versions.contains(&"0.30.0".to_string()), "0.30.0 was never published");
    }
}
