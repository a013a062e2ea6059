//! The catalog a command works on when `--matrix` is not given: the checkout it is run
//! from, or else the copy compiled into the binary (see `build.rs`), so that an installed
//! `pyo3-matrix` works from any directory.
//!
//! A catalog root holds `matrix/` (`matrix.toml`, `patterns/`), `crates/cells/` (one anchor
//! per default release) and `docs/results.json` (the catalog's observed results, which
//! `scan` and `plan` explain with). The embedded one is unpacked once into
//! `<cache>/catalog/<hash>/`, keyed by the SHA-256 of everything embedded, so that a binary
//! built from other sources never reuses it. The unpacked tree stays writable: the runner
//! rewrites an anchor whose manifest no longer matches, as it does in a checkout.

use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::{MatrixDef, RunResults};
use std::path::{Path, PathBuf};
use std::time::Duration;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}

/// The file that names an unpacked catalog as one; written with the rest, before the rename.
const MARKER: &str = ".pyo3-matrix-catalog";

/// Unpacking directories older than this were left by a process that died; they are removed.
const STALE: Duration = Duration::from_secs(24 * 3600);

/// The embedded files: each path relative to a catalog root, and its bytes.
pub fn files() -> &'static [(&'static str, &'static [u8])] {
    embedded::FILES
}

/// The key of the embedded catalog: the first 20 hex digits of its SHA-256.
pub fn key() -> &'static str {
    &embedded::HASH[..20]
}

/// The pyo3-matrix checkout at or above `start`: the nearest directory that holds both
/// `matrix/matrix.toml` and a `crates/cells/` directory (the anchors a matrix needs), so that
/// someone's own unrelated `matrix/` folder is never taken for the catalog.
pub fn checkout_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join("matrix/matrix.toml").is_file() && d.join("crates/cells").is_dir())
        .map(Path::to_path_buf)
}

/// Whether the catalog root `root` is an unpacked copy of an embedded catalog.
pub fn is_unpacked(root: &Path) -> bool {
    root.join(MARKER).is_file()
}

/// Where `run` writes its results when `--out` is not given, for the matrix in `matrix_dir`
/// (or its second table `set`): `docs/[SET/]results.json` beside a checkout's `matrix/`, and
/// in the current directory when the matrix is the embedded catalog (a run never writes
/// into the cache's copy).
pub fn run_results(matrix_dir: &Path, set: Option<&str>) -> PathBuf {
    let root = matrix_dir.parent().unwrap_or(matrix_dir);
    let docs = match is_unpacked(root) {
        true => PathBuf::from("docs"),
        false => root.join("docs"),
    };
    match set {
        Some(name) => docs.join(name).join("results.json"),
        None => docs.join("results.json"),
    }
}

/// The tables whose cells the claims of the table written to `results` count beside its
/// own: for the default table, each matrix set that observes every patch of a minor
/// (`patches_of`), where it has been run. Any other table stands alone.
pub fn beside_tables(matrix_dir: &Path, matrix: &MatrixDef, results: &Path) -> Result<Vec<RunResults>> {
    let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    };
    if !same(results, &run_results(matrix_dir, None)) {
        return Ok(Vec::new());
    }
    let mut tables = Vec::new();
    for (name, set) in &matrix.sets {
        let path = run_results(matrix_dir, Some(name));
        if !set.patches_of.is_empty() && path.is_file() {
            tables.push(RunResults::load(&path)?);
        }
    }
    Ok(tables)
}

/// The embedded catalog's root under the cache `cache_root`, unpacked there first if absent.
///
/// It is written into a temporary directory beside its final place and renamed into place,
/// so a concurrent process sees either no catalog or a complete one; when another process
/// renamed its copy first, that one is used and this one is dropped.
pub fn unpacked(cache_root: &Path) -> Result<PathBuf> {
    let parent = cache_root.join("catalog");
    let root = parent.join(key());
    if is_unpacked(&root) {
        return Ok(root);
    }
    let unpack_error = || {
        format!(
            "cannot unpack the embedded catalog into {} (set PYO3_MATRIX_CACHE, or pass --matrix DIR)",
            root.display()
        )
    };
    std::fs::create_dir_all(&parent).with_context(unpack_error)?;
    remove_stale(&parent);
    let tmp = tempfile::Builder::new()
        .prefix(&format!(".tmp-{}-", key()))
        .tempdir_in(&parent)
        .with_context(unpack_error)?;
    for (relative, bytes) in files() {
        let path = tmp.path().join(relative);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(unpack_error)?;
        }
        std::fs::write(&path, bytes).with_context(unpack_error)?;
    }
    std::fs::write(tmp.path().join(MARKER), format!("{}\n", embedded::HASH)).with_context(unpack_error)?;
    match std::fs::rename(tmp.path(), &root) {
        Ok(()) => {
            // Now `root`: the temporary directory must not be removed on drop.
            let _ = tmp.keep();
            eprintln!("pyo3-matrix: unpacked the embedded catalog into {}", root.display());
            Ok(root)
        }
        // Another process got there first (the rename fails on a non-empty directory);
        // dropping `tmp` removes this copy.
        Err(_) if is_unpacked(&root) => Ok(root),
        Err(e) if root.exists() => bail!(
            "{} exists but is not a complete catalog ({e}); remove it and retry",
            root.display()
        ),
        Err(e) => Err(e).with_context(unpack_error),
    }
}

/// Removes unpacking directories under `parent` left behind by a process that died.
fn remove_stale(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let is_tmp = entry.file_name().to_str().is_some_and(|n| n.starts_with(".tmp-"));
        let age = entry
            .metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok());
        if is_tmp && age.is_some_and(|age| age > STALE) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_catalog_has_every_part() {
        let paths: Vec<&str> = files().iter().map(|(p, _)| *p).collect();
        assert!(paths.contains(&"matrix/matrix.toml"));
        assert!(paths.contains(&"matrix/sources.toml"));
        assert!(paths.contains(&"docs/results.json"));
        assert!(paths
            .iter()
            .any(|p| p.starts_with("matrix/patterns/") && p.ends_with("/pattern.toml")));
        assert!(paths
            .iter()
            .any(|p| p.starts_with("crates/cells/pyo3-") && p.ends_with("/Cargo.lock")));
        assert!(paths.windows(2).all(|w| w[0] < w[1]), "sorted, each once");
    }

    #[test]
    fn unpacking_twice_reuses_the_first_copy() {
        let cache = tempfile::tempdir().unwrap();
        let first = unpacked(cache.path()).unwrap();
        assert!(first.join("matrix/matrix.toml").is_file());
        assert!(first.join("crates/cells").is_dir());
        assert!(is_unpacked(&first));
        std::fs::write(first.join("kept"), "").unwrap();
        let second = unpacked(cache.path()).unwrap();
        assert_eq!(first, second);
        assert!(second.join("kept").is_file(), "the first copy is reused, not rewritten");
        let entries: Vec<_> = std::fs::read_dir(cache.path().join("catalog")).unwrap().collect();
        assert_eq!(entries.len(), 1, "no temporary directory is left behind");
    }

    #[test]
    fn a_run_writes_beside_a_checkout_but_never_into_the_cache() {
        let cache = tempfile::tempdir().unwrap();
        let root = unpacked(cache.path()).unwrap();
        assert_eq!(
            run_results(&root.join("matrix"), None),
            PathBuf::from("docs/results.json")
        );
        let checkout = tempfile::tempdir().unwrap();
        assert_eq!(
            run_results(&checkout.path().join("matrix"), None),
            checkout.path().join("docs/results.json")
        );
        assert_eq!(
            run_results(&checkout.path().join("matrix"), Some("edges")),
            checkout.path().join("docs/edges/results.json")
        );
    }

    #[test]
    fn an_unrelated_matrix_folder_is_not_a_checkout() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("matrix")).unwrap();
        std::fs::write(dir.path().join("matrix/matrix.toml"), "").unwrap();
        assert_eq!(checkout_root(dir.path()), None);
        std::fs::create_dir_all(dir.path().join("crates/cells")).unwrap();
        assert_eq!(
            checkout_root(&dir.path().join("crates")),
            Some(dir.path().to_path_buf())
        );
    }
}
