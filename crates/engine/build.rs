//! Derives the engine's build identity: the SHA-256 of the sources that decide a verdict,
//! so that the verdict cache follows the code instead of a number someone must bump. A
//! changed classifier, build or pytest step, cell template or Python plugin names other
//! cache entries, and the cells are observed again; any other change (progress, reports,
//! the CLI) leaves the cache valid.
//!
//! It writes `$OUT_DIR/build_identity.rs`: `BUILD_IDENTITY`, the hex digest.

use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// The sources, relative to this crate, whose code turns a cell's inputs into its verdict:
/// the cell workspace's templates, the build and its classification, the test run and the
/// Python code that runs inside it, and how a user's crate is built and made importable.
/// A missing one fails the build, so that renaming a module cannot drop it silently.
const DECIDES_A_VERDICT: [&str; 11] = [
    "src/cells.rs",
    "src/build.rs",
    "src/classify.rs",
    "src/pytest.rs",
    "src/crate_cell.rs",
    "src/maturin.rs",
    "src/setuptools.rs",
    "src/wheel.rs",
    "src/seed.rs",
    "python/pyo3_matrix_plugin.py",
    "python/pyo3_matrix_forkserver.py",
];

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut hasher = Sha256::new();
    for relative in DECIDES_A_VERDICT {
        let path = manifest.join(relative);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        // Length-prefixed, so that no two different sets of files hash the same bytes.
        for part in [relative.as_bytes(), &bytes] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
    let digest: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    let code = format!(
        "/// SHA-256 of the sources that decide a verdict (see `build.rs`).\npub const BUILD_IDENTITY: &str = {digest:?};\n"
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("build_identity.rs");
    std::fs::write(&out, code).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
