//! `cache info` and `cache gc` on a cache laid out as runs leave it.

use crate::common::{bin, stderr};
use std::path::Path;

/// `pyo3-matrix cache ARGS…` on the cache at `root`: exit success, stdout.
fn cache(root: &Path, args: &[&str]) -> (bool, String, String) {
    let out = bin()
        .env("PYO3_MATRIX_CACHE", root)
        .arg("cache")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr(&out),
    )
}

#[test]
fn info_tells_each_kind_and_gc_removes_builds_only() {
    let root = tempfile::tempdir().unwrap();
    let cell = root.path().join("cells/0.23.5/3.12");
    std::fs::create_dir_all(cell.join("target/debug")).unwrap();
    std::fs::create_dir_all(cell.join("ws-matrix")).unwrap();
    std::fs::write(cell.join(".lock"), "").unwrap();
    std::fs::write(cell.join("target/debug/libp.so"), vec![0u8; 2 << 20]).unwrap();
    std::fs::create_dir_all(root.path().join("results/ab")).unwrap();
    std::fs::write(root.path().join("results/ab/verdict.json"), "{}").unwrap();
    let migration = root.path().join("migrate/scan-lib-1234");
    std::fs::create_dir_all(migration.join("target/debug")).unwrap();
    std::fs::write(migration.join(".lock"), "").unwrap();
    std::fs::write(migration.join("target/debug/liblib.so"), vec![0u8; 2 << 20]).unwrap();

    let (ok, info, err) = cache(root.path(), &["info"]);
    assert!(ok, "{err}");
    for kind in [
        "interpreters",
        "test environments",
        "cell targets",
        "verdicts",
        "migrations",
    ] {
        assert!(info.contains(kind), "{kind} in {info}");
    }
    assert!(
        info.lines().any(|l| l.contains("cell targets") && l.contains("MiB")),
        "{info}"
    );

    let (ok, said, err) = cache(root.path(), &["gc", "--max-size", "1MiB"]);
    assert!(ok, "{err}");
    assert!(
        said.contains("removed the builds of the least recently used 1 cell and 1 migration"),
        "{said}"
    );
    assert!(!cell.join("target").exists() && !migration.join("target").exists());
    assert!(cell.join("ws-matrix").is_dir() && root.path().join("results/ab/verdict.json").is_file());
    let (ok, said, _) = cache(root.path(), &["gc"]);
    assert!(ok && said.contains("within 8.0 GiB"), "{said}");
    // What is not a cell build stays: a cap below it is said to be exceeded, not met.
    let (ok, said, _) = cache(root.path(), &["gc", "--max-size", "1KiB"]);
    assert!(
        ok && said.contains("over its 1.0 KiB cap") && !said.contains("within"),
        "{said}"
    );

    let (ok, _, err) = cache(root.path(), &["gc", "--max-size", "lots"]);
    assert!(!ok && err.contains("'lots' is not a size"), "{err}");
}
