//! `report` and `diff` on a committed results file (the tables themselves are tested in the
//! report crate, in a real browser too).

use crate::common::{bin, fixture};
use std::io::Read;
use std::process::Stdio;

#[test]
fn report_writes_every_table_beside_the_results() {
    let out = tempfile::tempdir().unwrap();
    let drawn = bin()
        .args(["report", "--results"])
        .arg(fixture("small_results.json"))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(drawn.status.success(), "{}", String::from_utf8_lossy(&drawn.stderr));
    for table in ["index.html", "compat.md", "claims.md", "upgrades.md", "results.csv"] {
        assert!(out.path().join(table).is_file(), "no {table}");
    }
}

#[test]
fn diff_ends_quietly_when_its_reader_goes_away() {
    let results = fixture("small_results.json");
    let mut diff = bin()
        .arg("diff")
        .arg(&results)
        .arg(&results)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Like `| head -0`: the reader closes the pipe before reading anything.
    drop(diff.stdout.take());
    let mut stderr = String::new();
    diff.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    diff.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn why_names_the_patterns_that_said_an_error_since_when_and_their_fix() {
    let error = "the trait bound `&PyList: PyFunctionArgument` is not satisfied";
    let out = bin().args(["why", error, "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = answer["found"].as_array().unwrap();
    let article = found
        .iter()
        .find(|f| f["pattern"] == "gilref_list_sum_article")
        .unwrap_or_else(|| panic!("the article's snippet fails like this: {answer:#}"));
    assert_eq!(article["code"], "E0277");
    // Since the first release whose committed cell of the pattern said it.
    let results = crate::common::results(&crate::common::repo().join("docs/results.json"));
    let mut said_at: Vec<pyo3_matrix_model::Release> = results["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["pattern"] == "gilref_list_sum_article" && c["variant"].is_null())
        .filter(|c| c["diagnostics"].to_string().contains("PyFunctionArgument"))
        .map(|c| c["pyo3"].as_str().unwrap().parse().unwrap())
        .collect();
    said_at.sort();
    assert_eq!(article["since"], said_at[0].to_string());
    // The fix for a compile error on those releases: the Bound signature.
    let fixes = article["fixes"].as_array().unwrap();
    assert!(!fixes.is_empty());
    for fix in fixes {
        let fix = fix["fix"].as_str().unwrap();
        assert!(fix.contains("&Bound<'_, PyList>"), "{fix}");
    }
    let text = bin().args(["why", error]).output().unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("gilref_list_sum_article"));

    // Nothing said it: one line, non-zero.
    let none = bin()
        .args(["why", "no method named `frobnicate` found for `PyZebra`"])
        .output()
        .unwrap();
    assert_eq!(none.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&none.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("frobnicate") && stderr.contains("said this"),
        "{stderr}"
    );
}
