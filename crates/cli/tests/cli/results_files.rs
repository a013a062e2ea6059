//! Results files are checked where they are read: `report` and `merge` refuse a file whose
//! cells contradict each other, and `merge` refuses shards of different builds unless told
//! otherwise. Hand-written files only: nothing is built.

use crate::common::{bin, results, stderr};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Output;

/// A shard's results: `cells` as (pattern, pyo3, python, outcome), made by `build` and `rustc`.
fn shard(build: &str, rustc: &str, cells: &[(&str, &str, &str, &str)]) -> Value {
    json!({
        "schema_version": 1,
        "tool_version": "0.1.0",
        "tool_build": build,
        "rustc": rustc,
        "maturin": null,
        "started_unix": 1_764_000_000u64,
        "releases": ["0.23.5", "0.24.2"],
        "interpreters": [
            {"flavor": "3.12", "path": "/usr/bin/python3.12", "version": "3.12.8"},
            {"flavor": "3.13", "path": "/usr/bin/python3.13", "version": "3.13.5"}
        ],
        "results": cells
            .iter()
            .map(|(pattern, pyo3, python, outcome)| {
                json!({"pattern": pattern, "pyo3": pyo3, "python": python, "outcome": outcome})
            })
            .collect::<Vec<_>>(),
    })
}

const BUILD: &str = "e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6";
const RUSTC: &str = "rustc 1.85.0 (4d91de4e4 2025-02-17)";

fn write(dir: &Path, name: &str, value: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path
}

fn report(results: &Path, out: &Path) -> Output {
    bin()
        .arg("report")
        .arg("--results")
        .arg(results)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn merge(parts: &[&Path], out: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("merge")
        .args(parts)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// The one line a refused command printed, after checking it failed with status 2.
fn refusal(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    err
}

#[test]
fn report_refuses_a_cell_twice_naming_the_file_and_the_cell() {
    let dir = tempfile::tempdir().unwrap();
    let twice = shard(
        BUILD,
        RUSTC,
        &[
            ("any_iter", "0.23.5", "3.12", "pass"),
            ("any_iter", "0.24.2", "3.12", "pass"),
            ("any_iter", "0.23.5", "3.12", "compile-error"),
        ],
    );
    let path = write(dir.path(), "results.json", &twice);
    let out = report(&path, &dir.path().join("out"));
    assert_eq!(
        refusal(&out),
        format!(
            "pyo3-matrix: error: {}: cell any_iter 0.23.5 3.12 appears twice",
            path.display()
        )
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn report_refuses_cells_the_header_does_not_admit_and_unknown_outcomes() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            ("any_iter", "0.23.5", "3.13t", "pass"),
            "cell any_iter 0.23.5 3.13t is on interpreter 3.13t, which the file's interpreters (3.12, 3.13) do not include",
        ),
        (
            ("any_iter", "0.22.6", "3.12", "pass"),
            "cell any_iter 0.22.6 3.12 is at PyO3 0.22.6, which the file's releases (0.23.5, 0.24.2) do not include",
        ),
        (
            ("any_iter", "0.23.5", "3.12", "passed"),
            "cell any_iter 0.23.5 3.12 (results[1]): unknown variant `passed`, expected one of `pass`,",
        ),
    ];
    for (k, (bad, why)) in cases.into_iter().enumerate() {
        let file = shard(BUILD, RUSTC, &[("any_iter", "0.24.2", "3.12", "pass"), bad]);
        let path = write(dir.path(), &format!("bad{k}.json"), &file);
        let err = refusal(&report(&path, &dir.path().join("out")));
        assert!(err.contains(&path.display().to_string()), "{err}");
        assert!(err.contains(why), "{err}\nexpected: {why}");
    }
    // The same cells in a file from before `releases` was recorded: the release is not checked.
    let mut old = shard(BUILD, RUSTC, &[("any_iter", "0.22.6", "3.12", "pass")]);
    old.as_object_mut().unwrap().remove("releases");
    old.as_object_mut().unwrap().remove("tool_build");
    let path = write(dir.path(), "old.json", &old);
    let out = report(&path, &dir.path().join("out"));
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn merge_refuses_shards_of_another_rustc_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "shards/a.json",
        &shard(BUILD, RUSTC, &[("any_iter", "0.23.5", "3.12", "pass")]),
    );
    let other = "rustc 1.86.0 (05f9846f8 2025-03-31)";
    let b = write(
        dir.path(),
        "shards/b.json",
        &shard(BUILD, other, &[("any_iter", "0.24.2", "3.12", "pass")]),
    );
    let merged = dir.path().join("merged/results.json");
    let err = refusal(&merge(&[&a, &b], &merged, &[]));
    assert_eq!(
        err,
        format!(
            "pyo3-matrix: error: {} was made with another rustc ({other}) than {} ({RUSTC}); pass --allow-mixed to merge anyway",
            b.display(),
            a.display()
        )
    );
    assert!(!merged.exists());

    let out = merge(&[&a, &b], &merged, &["--allow-mixed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let merged = results(&merged);
    assert_eq!(merged["results"].as_array().unwrap().len(), 2);
    assert_eq!(merged["rustc"], format!("{RUSTC} + {other}"));
    assert_eq!(merged["tool_build"], BUILD);
}

#[test]
fn merge_refuses_shards_of_another_build_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "shards/a.json",
        &shard(BUILD, RUSTC, &[("any_iter", "0.23.5", "3.12", "pass")]),
    );
    let b = write(
        dir.path(),
        "shards/b.json",
        &shard("a1b2c3d4e5f6a7b8", RUSTC, &[("any_iter", "0.24.2", "3.12", "pass")]),
    );
    let merged = dir.path().join("merged/results.json");
    let err = refusal(&merge(&[&a, &b], &merged, &[]));
    assert_eq!(
        err,
        format!(
            "pyo3-matrix: error: {} was made by another pyo3-matrix build (a1b2c3d4e5f6…) than {} (e5f6a7b8c9d0…); pass --allow-mixed to merge anyway",
            b.display(),
            a.display()
        )
    );
    let out = merge(&[&a, &b], &merged, &["--allow-mixed"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(results(&merged)["tool_build"], Value::Null, "no one build made it");
}

#[test]
fn merge_keeps_a_cell_two_shards_agree_on_and_refuses_one_they_do_not() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "shards/a.json",
        &shard(
            BUILD,
            RUSTC,
            &[
                ("any_iter", "0.23.5", "3.12", "pass"),
                ("any_iter", "0.24.2", "3.13", "pass"),
            ],
        ),
    );
    let b = write(
        dir.path(),
        "shards/b.json",
        &shard(
            BUILD,
            RUSTC,
            &[
                ("any_iter", "0.23.5", "3.12", "pass"),
                ("any_iter", "0.24.2", "3.12", "pass"),
            ],
        ),
    );
    let merged = dir.path().join("merged/results.json");
    let out = merge(&[&a, &b], &merged, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        results(&merged)["results"].as_array().unwrap().len(),
        3,
        "the shared cell once"
    );

    let c = write(
        dir.path(),
        "shards/c.json",
        &shard(BUILD, RUSTC, &[("any_iter", "0.23.5", "3.12", "test-fail")]),
    );
    let err = refusal(&merge(
        &[&a, &c],
        &dir.path().join("again/results.json"),
        &["--allow-mixed"],
    ));
    assert_eq!(
        err,
        format!(
            "pyo3-matrix: error: cell any_iter 0.23.5 3.12 is pass in {} but test-fail in {}; a cell can be merged only when its results agree",
            a.display(),
            c.display()
        )
    );
}
