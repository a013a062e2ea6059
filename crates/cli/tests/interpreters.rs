//! Cells on PyPy and on an older CPython: real builds and real pytest runs on the releases
//! where PyO3's support of them changes. An interpreter that cannot be had here is said on
//! stderr and its test returns (scripts/test.sh installs PyPy; pyenv or setup-python give
//! the older CPythons).

mod common;
use common::{cell, check};
use pyo3_matrix_engine::{interpreters, Dirs};
use pyo3_matrix_model::Flavor;

/// Whether an interpreter of `label` is found as the tool finds one; says so when not.
fn available(label: &str) -> bool {
    let flavor = Flavor::parse(label).unwrap();
    let found = interpreters::find(flavor, &interpreters::discover(&Dirs::from_env())).is_some();
    if !found {
        eprintln!("skipped: no Python {label} here (PATH, pyenv, the cache or PYO3_MATRIX_PYTHONS)");
    }
    found
}

/// On `label`, bytes_mod builds at `built`, imports and runs its tests (the one that fails
/// fails on every interpreter from 0.23 on), and PyO3's build script refuses `refused`
/// with a message that says `says`.
fn builds_until_refused(label: &str, built: &str, refused: &str, says: &str) {
    if !available(label) {
        return;
    }
    let minor = |release: &str| release.rsplit_once('.').unwrap().0.to_string();
    let releases = format!("{},{}", minor(built), minor(refused));
    let cells = check(
        "bytes_mod.rs",
        Some("test_bytes_mod.py"),
        &["--pyo3", &releases, "--python", label],
    );
    assert_eq!(cells.len(), 2, "{cells:#?}");
    let tested = cell(&cells, built, label);
    assert_eq!(tested["outcome"], "test-fail", "{tested:#}");
    assert!(tested["failure"]["test"]
        .as_str()
        .unwrap()
        .ends_with("test_three_bytes_is_a_list"));
    let refusal = cell(&cells, refused, label);
    assert_eq!(refusal["outcome"], "unsupported", "{refusal:#}");
    let message = refusal["message"].as_str().unwrap();
    assert!(message.contains(says), "{message}");
}

#[test]
fn pypy_builds_imports_and_tests_until_pyo3_refuses_it() {
    builds_until_refused(
        "pypy3.9",
        "0.26.0",
        "0.27.2",
        "the configured PyPy interpreter version (3.9) is lower than PyO3's minimum supported version",
    );
}

#[test]
fn an_older_cpython_builds_until_pyo3_raises_its_minimum() {
    builds_until_refused(
        "3.8",
        "0.29.3",
        "0.30.1",
        "the configured Python interpreter version (3.8) is lower than PyO3's minimum supported version",
    );
}
