//! A patch the user names exactly is the one observed, by `check` and by `bisect`: never
//! the latest patch of its minor in its place.

use crate::common::{bin, cell, check, fixture, repo, results};
use pyo3_matrix_model::{MatrixDef, Release};

/// A published patch the default table does not hold (the newest one the patches table
/// observed), and the default release of its minor.
fn a_patch_outside_the_default_table() -> (Release, Release) {
    let matrix = MatrixDef::load(&repo().join("matrix/matrix.toml")).unwrap();
    let defaults = matrix.release_list();
    let patches = results(&repo().join("docs/patches/results.json"));
    let patch = patches["releases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| Release::parse(r.as_str().unwrap()).unwrap())
        .filter(|r| !defaults.contains(r))
        .max()
        .expect("the patches table observes a patch outside the default table");
    let latest = defaults.iter().find(|d| d.minor() == patch.minor()).unwrap().clone();
    (patch, latest)
}

#[test]
fn check_and_bisect_observe_the_exact_patch_asked_for() {
    let (patch, latest) = a_patch_outside_the_default_table();
    let cells = check(
        "answer_mod.rs",
        None,
        &["--pyo3", &patch.to_string(), "--python", "3.12"],
    );
    assert_eq!(cells.len(), 1, "{cells:#?}");
    cell(&cells, &patch.to_string(), "3.12");

    // A range from an exact patch starts at that patch.
    let range = format!("{patch}..={}", latest.minor_label());
    let out = bin()
        .arg("bisect")
        .arg(fixture("answer_mod.rs"))
        .args(["--pyo3", &range, "--python", "3.12", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bisection: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let observed: Vec<&str> = bisection["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["pyo3"].as_str().unwrap())
        .collect();
    assert!(observed.contains(&patch.to_string().as_str()), "{bisection:#}");
}
