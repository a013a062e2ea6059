//! Cells on PyPy and on an older CPython: real builds and real pytest runs on the releases
//! where PyO3's support of them changes. The interpreters are found or provisioned as `run`
//! finds them (scripts/test.sh installs PyPy; pyenv, setup-python or a provisioned build
//! gives the older CPython); one that cannot be had fails the test, naming what to install.

use crate::common::{cell, check};

/// On `label`, bytes_mod builds at `built`, imports and runs its tests (the one that fails
/// fails on every interpreter from 0.23 on), and PyO3's build script refuses `refused`
/// with a message that says `says`.
fn builds_until_refused(label: &str, built: &str, refused: &str, says: &str) {
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
