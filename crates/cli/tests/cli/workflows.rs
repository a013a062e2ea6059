//! A user's questions on a real crate written for PyO3 0.20 (kept in tests/fixtures/old_crate):
//! scan it, bisect it, plan its upgrade, and generate a CI matrix.

use crate::common::{bin, fixture};

fn json(args: &[&str]) -> serde_json::Value {
    let out = bin().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn scan_bisect_and_plan_agree_on_an_old_crate() {
    let krate = fixture("old_crate");
    let path = krate.to_str().unwrap();
    let scan = json(&["scan", path, "--tests", "--pyo3", "0.21,0.22", "--format", "json"]);
    let cells = scan["cells"].as_array().unwrap();
    assert_eq!(cells[0]["outcome"], "deprecated", "{scan:#}");
    assert_eq!(cells[1]["outcome"], "compile-error", "{scan:#}");
    let explained: Vec<&str> = cells[1]["explained_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["pattern"].as_str().unwrap())
        .collect();
    assert!(explained.contains(&"gilref_any_arg"), "{explained:?}");
    assert!(
        !krate.join("Cargo.lock").exists() && !krate.join("target").exists(),
        "the user's files were touched"
    );

    let bisect = json(&["bisect", path, "--pyo3", "0.20..=0.24", "--format", "json"]);
    assert_eq!(bisect["last_good"]["pyo3"], "0.21.2", "{bisect:#}");
    assert_eq!(bisect["first_bad"]["pyo3"], "0.22.6", "{bisect:#}");

    let plan = json(&["plan", "--from", "0.20", "--to", "0.24", path, "--format", "json"]);
    let stones: Vec<&str> = plan["stones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(
        stones.first(),
        Some(&"0.21.2"),
        "stop where the old API still compiles with warnings: {plan:#}"
    );
    assert_eq!(stones.last(), Some(&"0.24.2"));
    let own: Vec<&str> = plan["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        own,
        ["pass", "deprecated", "compile-error", "compile-error", "compile-error"],
        "{plan:#}"
    );
}

#[test]
fn the_ci_matrix_is_github_actions_json_with_explicit_labels() {
    let m = json(&["ci", "github", "--shards", "5"]);
    let include = m["include"].as_array().unwrap();
    assert_eq!(include.len(), 5);
    let all_cells: usize = include
        .iter()
        .map(|j| j["cells"].as_str().unwrap().split(' ').count())
        .sum();
    assert_eq!(all_cells, 36, "every default cell in exactly one shard");
    assert!(include
        .iter()
        .any(|j| j["python-version"].as_str().unwrap().contains("3.13t")));
    for j in include {
        assert!(j["args"]
            .as_str()
            .unwrap()
            .contains(&format!("--shard {}", j["shard"].as_str().unwrap())));
    }
    let too_many = bin().args(["ci", "github", "--shards", "300"]).output().unwrap();
    assert!(!too_many.status.success());
    assert!(String::from_utf8_lossy(&too_many.stderr).contains("256"));
}

#[test]
fn a_matrix_set_s_ci_matrix_asks_for_its_interpreters_and_runs_its_patterns() {
    let m = json(&["ci", "github", "--matrix-set", "newest", "--shards", "4"]);
    let include = m["include"].as_array().unwrap();
    assert_eq!(include.len(), 4);
    let mut labels: Vec<&str> = include
        .iter()
        .flat_map(|j| j["python-version"].as_str().unwrap().lines())
        .collect();
    labels.sort();
    labels.dedup();
    assert_eq!(labels, ["3.14", "3.14t", "3.15"], "{m:#}");
    let releases = json(&["ci", "github", "--shards", "1"])["include"][0]["args"]
        .as_str()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .split(',')
        .count();
    let all_cells: usize = include
        .iter()
        .map(|j| j["cells"].as_str().unwrap().split(' ').count())
        .sum();
    assert_eq!(
        all_cells,
        releases * 3,
        "every release on each of the set's interpreters"
    );
    for j in include {
        let args = j["args"].as_str().unwrap();
        let shard = j["shard"].as_str().unwrap();
        assert!(
            args.ends_with(&format!(
                " --python 3.14,3.14t,3.15 --matrix-set newest --shard {shard}"
            )),
            "{args}"
        );
    }
    // --python still says otherwise, as for `run`.
    let m = json(&[
        "ci",
        "github",
        "--matrix-set",
        "newest",
        "--python",
        "3.14t",
        "--pyo3",
        "0.29",
    ]);
    assert_eq!(m["include"][0]["python-version"], "3.14t", "{m:#}");
    let args = m["include"][0]["args"].as_str().unwrap();
    assert!(
        args.starts_with("--pyo3 0.29.") && args.ends_with(" --python 3.14t --matrix-set newest --shard 1/1"),
        "{args}"
    );
}
