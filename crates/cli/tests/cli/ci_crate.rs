//! `ci github --crate PATH`: the workflow a user commits to scan their own crate in CI, read
//! back as YAML and checked for structure, hardening (and by zizmor), and `diff --fail-on`,
//! which its merge job ends with.

use crate::common::{bin, fixture, repo, stderr, zizmor_finds_nothing};
use serde_norway::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

/// The fixture crate, as the user would name it from the repository root.
const OLD_CRATE: &str = "crates/cli/tests/fixtures/old_crate";
/// A `--tool-git` that no test ever reaches.
const TOOL_GIT: &str = "https://example.invalid/pyo3-matrix.git";

/// `pyo3-matrix ci github ARGS…` run from `cwd`.
fn ci_github(cwd: &Path, args: &[&str]) -> Output {
    bin()
        .current_dir(cwd)
        .args(["ci", "github"])
        .args(args)
        .output()
        .unwrap()
}

/// The workflow for `args` generated from the repository root: its text and its YAML.
fn workflow(args: &[&str]) -> (String, Value) {
    let out = ci_github(&repo(), &[&["--tool-git", TOOL_GIT][..], args].concat());
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    let yaml = serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
    (text, yaml)
}

/// The strategy matrix that `ci github` prints for the same axes, as JSON.
fn strategy_matrix(args: &[&str]) -> serde_json::Value {
    let out = ci_github(&repo(), args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every step of every job, with its job's name.
fn steps(wf: &Value) -> Vec<(String, &Value)> {
    let mut all = Vec::new();
    for (name, job) in wf["jobs"].as_mapping().unwrap() {
        for step in job["steps"].as_sequence().unwrap() {
            all.push((name.as_str().unwrap().to_string(), step));
        }
    }
    all
}

/// The step of `job` called `name`.
fn step<'a>(wf: &'a Value, job: &str, name: &str) -> &'a Value {
    wf["jobs"][job]["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name:?} in {job}"))
}

/// `map`'s string entries.
fn strings(map: &Value) -> BTreeMap<String, String> {
    map.as_mapping()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str().unwrap().into(), v.as_str().unwrap().into()))
                .collect()
        })
        .unwrap_or_default()
}

/// The words a one-line script runs, as bash would split them with `env` set: `$NAME`
/// expanded, double quotes grouping and removed. Enough for the scripts under test.
fn words(script: &str, env: &BTreeMap<String, String>) -> Vec<String> {
    let (mut out, mut word, mut quoted) = (Vec::new(), None::<String>, false);
    let mut chars = script.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            '$' => {
                let mut name = String::new();
                while let Some(&c) = chars.peek().filter(|c| c.is_ascii_alphanumeric() || **c == '_') {
                    name.push(c);
                    chars.next();
                }
                let value = env
                    .get(&name)
                    .unwrap_or_else(|| panic!("${name} is not set in {env:?}"));
                word.get_or_insert_with(String::new).push_str(value);
            }
            c if c.is_whitespace() && !quoted => out.extend(word.take()),
            c => word.get_or_insert_with(String::new).push(c),
        }
    }
    out.extend(word);
    out
}

/// What `step` sees of its environment: the workflow's, then the step's, with
/// `${{ matrix.KEY }}` replaced from `matrix`.
fn environment(wf: &Value, step: &Value, matrix: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut env = strings(&wf["env"]);
    for (k, v) in strings(&step["env"]) {
        let key = v
            .strip_prefix("${{ matrix.")
            .and_then(|v| v.strip_suffix(" }}"))
            .unwrap_or_else(|| panic!("{k}: {v} is not a matrix value"));
        env.insert(k, matrix[key].clone());
    }
    env
}

#[test]
fn the_crate_workflow_scans_each_shard_and_merges_them() {
    let axes = ["--pyo3", "0.21,0.22", "--python", "3.12,3.13t", "--shards", "3"];
    let (text, wf) = workflow(&[&["--crate", OLD_CRATE][..], &axes].concat());
    assert_eq!(
        wf["permissions"],
        serde_norway::from_str::<Value>("contents: read").unwrap(),
        "read-only, nothing broader"
    );
    let jobs: Vec<&str> = wf["jobs"]
        .as_mapping()
        .unwrap()
        .keys()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(jobs, ["scan", "merge"]);
    assert_eq!(wf["jobs"]["merge"]["needs"], "scan");
    for job in jobs {
        assert!(
            wf["jobs"][job]["timeout-minutes"].as_u64().is_some(),
            "{job} has a timeout"
        );
    }

    // The same shards as the strategy matrix of `ci github`, each with its interpreters.
    let expected = strategy_matrix(&axes);
    let expected = expected["include"].as_array().unwrap();
    let include = wf["jobs"]["scan"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap();
    assert_eq!(include.len(), expected.len());
    assert_eq!(wf["jobs"]["scan"]["strategy"]["fail-fast"], false);
    let scan = step(&wf, "scan", "Scan this shard's cells");
    for (entry, plan) in include.iter().zip(expected) {
        let entry = strings(entry);
        let shard = plan["shard"].as_str().unwrap();
        assert_eq!(entry["shard"], shard);
        assert_eq!(entry["python-version"], plan["python-version"].as_str().unwrap());
        let lists = plan["args"].as_str().unwrap().replace(&format!(" --shard {shard}"), "");
        let part = &entry["part"];
        let command = format!("pyo3-matrix scan {OLD_CRATE} --tests {lists} --shard {shard} --out scan/{part}.json");
        assert_eq!(
            words(scan["run"].as_str().unwrap(), &environment(&wf, scan, &entry)),
            command.split(' ').collect::<Vec<_>>(),
        );
    }
    assert!(include
        .iter()
        .any(|e| e["python-version"].as_str().unwrap().contains("3.13t")));
    let upload = step(&wf, "scan", "Keep this shard's results");
    assert_eq!(upload["with"]["name"], "${{ matrix.part }}");

    let merge = step(&wf, "merge", "Merge the shards");
    assert_eq!(
        words(merge["run"].as_str().unwrap(), &BTreeMap::new()),
        [
            "pyo3-matrix",
            "merge",
            "parts/scan-*.json",
            "--out",
            "pyo3-matrix-results/merged.json"
        ]
    );
    let download = step(&wf, "merge", "Fetch the shards' results");
    assert_eq!(
        (&download["with"]["pattern"], &download["with"]["path"]),
        (&"scan-*".into(), &"parts".into())
    );
    let summary = step(&wf, "merge", "Draw the compatibility table in the summary");
    assert_eq!(
        summary["run"].as_str().unwrap().trim(),
        "cat pyo3-matrix-results/compat.md >> \"$GITHUB_STEP_SUMMARY\""
    );
    assert!(
        steps(&wf)
            .iter()
            .all(|(_, s)| !s["run"].as_str().unwrap_or("").contains("diff")),
        "no --fail-on, no judging"
    );

    let install = step(&wf, "scan", "Install pyo3-matrix");
    assert_eq!(
        words(install["run"].as_str().unwrap(), &strings(&wf["env"])),
        ["cargo", "install", "--locked", "--git", TOOL_GIT, "pyo3-matrix"]
    );
    assert!(
        !text.contains(repo().to_str().unwrap()),
        "no path of this machine:\n{text}"
    );
}

#[test]
fn every_step_is_hardened() {
    let (text, wf) = workflow(&[
        "--crate",
        OLD_CRATE,
        "--tool-rev",
        "0123abc",
        "--fail-on",
        "regressed",
        "--baseline",
        "ci/baseline.json",
    ]);
    let all = steps(&wf);
    let mut used = Vec::new();
    for (job, s) in &all {
        if let Some(uses) = s["uses"].as_str() {
            assert_pinned_to_a_commit(uses);
            let line = text
                .lines()
                .find(|l| l.contains(&format!("uses: {uses} # v")))
                .unwrap_or_else(|| panic!("{job}: {uses} without its tag in a comment"));
            used.push(line.trim().to_string());
            if uses.starts_with("actions/checkout@") {
                assert_eq!(s["with"]["persist-credentials"], false, "{job}");
            }
        }
        if let Some(run) = s["run"].as_str() {
            assert!(!run.contains("${{"), "{job}: an expression inside a script: {run}");
        }
    }
    assert!(used.iter().any(|u| u.contains("actions/setup-python@")), "{used:?}");
    assert!(!text.contains("${{ secrets"), "no secrets");
    assert!(wf["concurrency"]["group"].as_str().is_some());

    let install = step(&wf, "merge", "Install pyo3-matrix");
    assert_eq!(
        words(install["run"].as_str().unwrap(), &strings(&wf["env"])),
        [
            "cargo",
            "install",
            "--locked",
            "--git",
            TOOL_GIT,
            "--rev",
            "0123abc",
            "pyo3-matrix"
        ]
    );
}

/// `owner/name@<40 hex>` (or `owner/name/path@…`).
fn assert_pinned_to_a_commit(uses: &str) {
    let (action, commit) = uses.split_once('@').unwrap_or_else(|| panic!("{uses}: no @"));
    assert!(action.split('/').count() >= 2, "{uses}");
    assert!(
        commit.len() == 40 && commit.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()),
        "{uses}: not pinned to a full commit"
    );
}

#[test]
fn fail_on_regressed_ends_the_merge_with_diff_against_the_baseline() {
    let (_, wf) = workflow(&[
        "--crate",
        OLD_CRATE,
        "--fail-on",
        "regressed",
        "--baseline",
        "./ci/../ci/baseline.json",
    ]);
    let merge = wf["jobs"]["merge"]["steps"].as_sequence().unwrap();
    assert!(
        merge[0]["uses"].as_str().unwrap().starts_with("actions/checkout@"),
        "the baseline is in the repository"
    );
    let last = merge.last().unwrap();
    assert_eq!(last["name"], "Fail on cells that regressed from the baseline");
    assert_eq!(
        words(last["run"].as_str().unwrap(), &strings(&wf["env"])),
        [
            "pyo3-matrix",
            "diff",
            "ci/baseline.json",
            "pyo3-matrix-results/merged.json",
            "--fail-on",
            "regressed"
        ]
    );
    let upload = merge
        .iter()
        .position(|s| s["name"] == "Keep the merged results and tables")
        .unwrap();
    assert!(upload < merge.len() - 1, "the results are kept before the verdict");

    let without_baseline = ci_github(
        &repo(),
        &["--crate", OLD_CRATE, "--tool-git", TOOL_GIT, "--fail-on", "regressed"],
    );
    assert_eq!(without_baseline.status.code(), Some(2));
    assert!(
        stderr(&without_baseline).contains("--baseline"),
        "{}",
        stderr(&without_baseline)
    );
}

#[test]
fn the_crate_path_is_written_relative_to_the_repository_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("their-repo");
    let krate = root.join("rust/ext");
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(krate.join("src")).unwrap();
    for file in ["Cargo.toml", "src/lib.rs"] {
        std::fs::copy(fixture("old_crate").join(file), krate.join(file)).unwrap();
    }
    let absolute = krate.to_str().unwrap();
    for (cwd, given) in [
        (root.clone(), "rust/ext"),
        (root.clone(), "./rust//ext/"),
        (root.join("rust"), "../rust/ext"),
        (root.join("rust"), "ext"),
        (root.join("rust"), absolute),
    ] {
        let out = ci_github(&cwd, &["--crate", given, "--tool-git", TOOL_GIT, "--shards", "1"]);
        assert!(out.status.success(), "{given}: {}", stderr(&out));
        let wf: Value = serde_norway::from_slice(&out.stdout).unwrap();
        assert_eq!(
            wf["env"]["SCAN_CRATE"],
            "rust/ext",
            "--crate {given} from {}",
            cwd.display()
        );
        assert!(!String::from_utf8_lossy(&out.stdout).contains(tmp.path().to_str().unwrap()));
    }
    let outside = ci_github(
        &root,
        &[
            "--crate",
            fixture("old_crate").to_str().unwrap(),
            "--tool-git",
            TOOL_GIT,
        ],
    );
    assert_eq!(outside.status.code(), Some(2));
    assert!(
        stderr(&outside).contains("outside the repository"),
        "{}",
        stderr(&outside)
    );
}

#[test]
fn a_directory_that_is_not_a_crate_is_one_line_and_status_2() {
    for (path, says) in [
        (fixture("mini_patterns"), "not a crate (no Cargo.toml there)"),
        (fixture("no_such_dir"), "no such directory"),
        (fixture("answer_mod.rs"), "no such directory"),
    ] {
        let out = ci_github(&repo(), &["--crate", path.to_str().unwrap(), "--tool-git", TOOL_GIT]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(path.to_str().unwrap()) && err.contains(says), "{err}");
    }
}

#[test]
fn the_tool_comes_from_tool_git_or_the_build_s_repository() {
    let out = ci_github(&repo(), &["--crate", OLD_CRATE]);
    match env!("CARGO_PKG_REPOSITORY") {
        "" => {
            assert_eq!(out.status.code(), Some(2));
            let err = stderr(&out);
            assert!(err.lines().count() == 1 && err.contains("--tool-git"), "{err}");
        }
        repository => {
            assert!(out.status.success(), "{}", stderr(&out));
            let wf: Value = serde_norway::from_slice(&out.stdout).unwrap();
            assert_eq!(wf["env"]["TOOL_GIT"], repository);
        }
    }
}

#[test]
fn zizmor_finds_nothing_to_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let workflows = tmp.path().join(".github/workflows");
    std::fs::create_dir_all(&workflows).unwrap();
    let variants: [&[&str]; 2] = [
        &["--crate", OLD_CRATE],
        &[
            "--crate",
            OLD_CRATE,
            "--tool-rev",
            "v0.1.0",
            "--fail-on",
            "regressed",
            "--baseline",
            "ci/baseline.json",
        ],
    ];
    for (i, args) in variants.iter().enumerate() {
        let (text, _) = workflow(args);
        let file = workflows.join(format!("pyo3-matrix-{i}.yml"));
        std::fs::write(&file, text).unwrap();
        zizmor_finds_nothing(&file, &format!("{args:?}"));
    }
}

/// `small_results.json` with its first working cell turned into `outcome`, written to `dir`.
fn results_with_first_working_cell(dir: &Path, name: &str, outcome: Option<&str>) -> PathBuf {
    let mut results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("small_results.json")).unwrap()).unwrap();
    if let Some(outcome) = outcome {
        let cell = results["results"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .find(|c| c["outcome"] == "pass" || c["outcome"] == "deprecated")
            .expect("a working cell in the fixture");
        cell["outcome"] = outcome.into();
    }
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&results).unwrap()).unwrap();
    path
}

#[test]
fn diff_fail_on_regressed_exits_1_only_when_a_cell_regressed() {
    let tmp = tempfile::tempdir().unwrap();
    let before = results_with_first_working_cell(tmp.path(), "before.json", None);
    let after = results_with_first_working_cell(tmp.path(), "after.json", Some("compile-error"));
    let diff =
        |old: &Path, new: &Path, extra: &[&str]| bin().arg("diff").arg(old).arg(new).args(extra).output().unwrap();
    let fail_on = ["--fail-on", "regressed"];

    let regressed = diff(&before, &after, &fail_on);
    assert_eq!(regressed.status.code(), Some(1), "{}", stderr(&regressed));
    assert!(String::from_utf8_lossy(&regressed.stdout).contains("regressed: 1\n"));
    let err = stderr(&regressed);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("1 cell(s) regressed"), "{err}");

    let as_json = diff(&before, &after, &[&fail_on[..], &["--json"]].concat());
    assert_eq!(as_json.status.code(), Some(1));
    let printed: serde_json::Value = serde_json::from_slice(&as_json.stdout).unwrap();
    assert_eq!(printed["regressed"].as_array().unwrap().len(), 1);

    for (old, new, flags) in [
        (&before, &before, &fail_on[..]),
        (&after, &before, &fail_on[..]),
        (&before, &after, &[][..]),
    ] {
        let out = diff(old, new, flags);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{old:?} {new:?} {flags:?}: {}",
            stderr(&out)
        );
    }

    let missing = diff(&tmp.path().join("missing.json"), &after, &fail_on);
    assert_eq!(missing.status.code(), Some(2), "bad input stays 2");
}
