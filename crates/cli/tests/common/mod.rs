//! Helpers shared by the integration tests: run the real binary, read its JSON.

#![allow(dead_code)] // each test file uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `pyo3-matrix` binary.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyo3-matrix"));
    cmd.arg("--matrix").arg(repo().join("matrix"));
    cmd
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// A file under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Runs `pyo3-matrix check --format json` and returns its cells.
pub fn check(snippet: &str, test: Option<&str>, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut cmd = bin();
    cmd.arg("check").arg(fixture(snippet)).args(["--format", "json"]).args(extra);
    if let Some(t) = test {
        cmd.arg("--test").arg(fixture(t));
    }
    let out = cmd.output().expect("run pyo3-matrix");
    assert!(out.status.success(), "check failed: {}", String::from_utf8_lossy(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    answer["cells"].as_array().expect("cells array").clone()
}

/// The cell for (pyo3, python) in `cells`.
pub fn cell<'a>(cells: &'a [serde_json::Value], pyo3: &str, python: &str) -> &'a serde_json::Value {
    cells
        .iter()
        .find(|c| c["pyo3"] == pyo3 && c["python"] == python)
        .unwrap_or_else(|| panic!("no cell {pyo3} {python} in {cells:#?}"))
}

/// stderr as text, trimmed.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}
