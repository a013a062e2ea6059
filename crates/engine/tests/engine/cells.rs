//! Cells end to end: each kind of outcome observed on a real build and a real test run.

use crate::common::{cell, check};

#[test]
fn check_observes_pass_unsupported_and_test_fail() {
    let cells = check(
        "bytes_mod.rs",
        Some("test_bytes_mod.py"),
        &["--pyo3", "0.21,0.23", "--python", "3.12,3.13"],
    );
    assert_eq!(cells.len(), 4);
    assert_eq!(cell(&cells, "0.21.2", "3.12")["outcome"], "pass");

    let refused = cell(&cells, "0.21.2", "3.13");
    assert_eq!(refused["outcome"], "unsupported");
    assert!(refused["message"]
        .as_str()
        .unwrap()
        .contains("newer than PyO3's maximum supported version"));
    assert_eq!(refused["escape_hatch"], "PYO3_USE_ABI3_FORWARD_COMPATIBILITY");

    let bytes = cell(&cells, "0.23.5", "3.12");
    assert_eq!(bytes["outcome"], "test-fail");
    assert_eq!(bytes["failure"]["exception"], "AssertionError");
    assert!(bytes["failure"]["test"]
        .as_str()
        .unwrap()
        .ends_with("test_three_bytes_is_a_list"));
    assert_eq!(bytes["codes"], serde_json::json!([]));
}

#[test]
fn check_observes_deprecated_and_compile_error() {
    let cells = check(
        "gilref_mod.rs",
        Some("test_gilref_mod.py"),
        &["--pyo3", "0.21,0.23", "--python", "3.12"],
    );
    let deprecated = cell(&cells, "0.21.2", "3.12");
    assert_eq!(deprecated["outcome"], "deprecated", "{deprecated:#}");
    assert!(deprecated["message"].as_str().unwrap().contains("deprecated"));

    let broken = cell(&cells, "0.23.5", "3.12");
    assert_eq!(broken["outcome"], "compile-error", "{broken:#}");
    let codes: Vec<&str> = broken["codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        codes.iter().all(|c| c.starts_with('E')) && !codes.is_empty(),
        "{codes:?}"
    );
}

#[test]
fn a_segfault_is_a_crash_with_its_signal_and_stacks() {
    let cells = check(
        "faults_mod.rs",
        Some("test_faults_crash.py"),
        &["--pyo3", "0.23", "--python", "3.12"],
    );
    let crash = cell(&cells, "0.23.5", "3.12");
    assert_eq!(crash["outcome"], "crash", "{crash:#}");
    assert_eq!(crash["signal"], "SIGSEGV");
    assert!(crash["failure"]["test"].as_str().unwrap().ends_with("test_segfault"));
    assert!(
        crash["stacks"].as_str().unwrap().contains("Segmentation fault"),
        "{crash:#}"
    );
}

#[test]
fn a_hang_is_killed_with_its_process_tree_and_keeps_its_stacks() {
    let cells = check(
        "faults_mod.rs",
        Some("test_faults_hang.py"),
        &["--pyo3", "0.23", "--python", "3.12", "--timeout", "6"],
    );
    let hang = cell(&cells, "0.23.5", "3.12");
    assert_eq!(hang["outcome"], "hang", "{hang:#}");
    assert!(hang["failure"]["test"]
        .as_str()
        .unwrap()
        .ends_with("test_spin_with_a_child_process"));
    assert!(
        hang["stacks"].as_str().unwrap().contains("test_faults_hang.py"),
        "{hang:#}"
    );
    let orphans = std::process::Command::new("pgrep")
        .args(["-f", "sleep 987"])
        .output()
        .unwrap();
    assert!(
        orphans.stdout.is_empty(),
        "orphan left behind: {}",
        String::from_utf8_lossy(&orphans.stdout)
    );
}

#[test]
fn free_threaded_import_records_whether_the_gil_came_back() {
    // Provisions 3.13t on a machine that lacks it (minutes, once per cache).
    let cells = check(
        "freethreaded_mod.rs",
        Some("test_freethreaded_mod.py"),
        &["--pyo3", "0.23", "--python", "3.13t"],
    );
    let ft = cell(&cells, "0.23.5", "3.13t");
    assert_eq!(ft["outcome"], "pass", "{ft:#}");
    // PyO3 0.23 modules keep the GIL unless they declare `gil_used = false`.
    assert_eq!(ft["gil_reenabled"], true, "{ft:#}");
}

#[test]
fn a_snippet_that_is_not_valid_rust_is_a_compile_error_verdict() {
    let cells = check("not_rust.rs", None, &["--pyo3", "0.23", "--python", "3.12"]);
    let c = cell(&cells, "0.23.5", "3.12");
    assert_eq!(c["outcome"], "compile-error", "{c:#}");
    assert!(c["message"].as_str().unwrap().contains("expected"), "{c:#}");
}
