//! Embeds the catalog in the binary, so that an installed `pyo3-matrix` needs no checkout:
//! `matrix/matrix.toml`, the claims' sources `matrix/sources.toml`, `migrate`'s rules
//! `matrix/migrate.toml`, every file under
//! `matrix/patterns/`, each release's anchor in
//! `crates/cells/pyo3-*/` (`Cargo.toml`, `Cargo.lock`, `anchor.rs`) and the catalog's
//! observed results `docs/results.json`.
//!
//! It writes `$OUT_DIR/catalog.rs`: `FILES`, one `(relative path, include_bytes!(…))` per
//! file in path order, and `HASH`, the SHA-256 of every path and its bytes, which names the
//! directory the catalog is unpacked into (`src/catalog.rs`). `cargo install --path` and
//! `cargo install --git` both build inside a full checkout, where these paths exist.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Files under `matrix/patterns` that running pytest leaves behind; they are not catalog
/// data (and would change the hash), so they are not embedded.
fn is_byproduct(name: &str) -> bool {
    matches!(name, "__pycache__" | ".pytest_cache") || name.ends_with(".pyc") || name.ends_with(".pyo")
}

/// Every file below `dir`, recursively, skipping pytest's byproducts.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if is_byproduct(name) {
            continue;
        }
        if path.is_dir() {
            walk(&path, out);
        } else if path.is_file() {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let repo = manifest.join("../..");
    let repo = repo
        .canonicalize()
        .unwrap_or_else(|e| panic!("cannot find the repository root {}: {e}", repo.display()));
    let matrix_toml = repo.join("matrix/matrix.toml");
    let sources_toml = repo.join("matrix/sources.toml");
    let migrate_toml = repo.join("matrix/migrate.toml");
    let patterns = repo.join("matrix/patterns");
    let cells = repo.join("crates/cells");
    let results = repo.join("docs/results.json");
    // A directory is scanned recursively by cargo, so added and removed files count too.
    for watched in [&matrix_toml, &sources_toml, &migrate_toml, &patterns, &cells, &results] {
        println!("cargo:rerun-if-changed={}", watched.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    for required in [&matrix_toml, &sources_toml, &migrate_toml, &patterns, &cells] {
        assert!(
            required.exists(),
            "pyo3-matrix embeds its catalog at build time and needs {} (build from a full checkout)",
            required.display()
        );
    }

    let mut files = vec![matrix_toml, sources_toml, migrate_toml];
    walk(&patterns, &mut files);
    let mut anchors: Vec<PathBuf> = std::fs::read_dir(&cells)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", cells.display()))
        .map(|e| e.expect("a readable crates/cells entry").path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("pyo3-"))
        })
        .collect();
    anchors.sort();
    for anchor in anchors {
        for name in ["Cargo.toml", "Cargo.lock", "anchor.rs"] {
            let file = anchor.join(name);
            if file.is_file() {
                files.push(file);
            }
        }
    }
    if results.is_file() {
        files.push(results);
    } else {
        println!("cargo:warning=no docs/results.json: `scan` and `plan` will have no catalog results to explain with");
    }

    let mut entries: Vec<(String, PathBuf)> = files
        .into_iter()
        .map(|path| {
            let relative = path.strip_prefix(&repo).expect("every file is inside the repository");
            let relative = relative
                .to_str()
                .unwrap_or_else(|| panic!("not a UTF-8 path: {}", path.display()))
                .to_string();
            (relative, path)
        })
        .collect();
    entries.sort();

    let mut hasher = Sha256::new();
    let mut code = String::from("/// Every embedded file: its path relative to the repository root, and its bytes.\n");
    code.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for (relative, path) in &entries {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        // Length-prefixed, so that no two different catalogs hash the same byte stream.
        for part in [relative.as_bytes(), &bytes] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        let absolute = path.to_str().expect("checked above");
        writeln!(code, "    ({relative:?}, include_bytes!({absolute:?})),").unwrap();
    }
    code.push_str("];\n");
    let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    writeln!(code, "/// SHA-256 of every embedded path and its bytes.").unwrap();
    writeln!(code, "pub const HASH: &str = {hash:?};").unwrap();

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
