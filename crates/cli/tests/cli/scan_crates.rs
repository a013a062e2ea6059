//! `scan --tests` on projects of our own (tests/fixtures/crates), each through the real
//! maturin (or setuptools-rust) and the project's own pytest: a mixed Rust/Python layout, a
//! dotted module with a stub, a declared extra with addopts, a workspace member, tests that
//! cannot be collected, a setuptools-rust project. The user's files are never modified.

use crate::common::{bin, fixture};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` with its bytes: the user's tree, to compare before and after.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// `scan <fixture> --tests --pyo3 0.23 --format json` plus `extra`, observed afresh; the
/// fixture's tree must be the same afterwards.
fn scan(name: &str, extra: &[&str]) -> serde_json::Value {
    scan_with_env(name, extra, &[])
}

/// [`scan`] with these environment variables set for it.
fn scan_with_env(name: &str, extra: &[&str], env: &[(&str, String)]) -> serde_json::Value {
    let dir = fixture("crates").join(name);
    // The fixture's own tree: a workspace member's is its workspace's.
    let tree = fixture("crates").join(name.split('/').next().unwrap());
    let before = snapshot(&tree);
    let out = bin()
        .arg("scan")
        .arg(&dir)
        .args([
            "--tests",
            "--pyo3",
            "0.23",
            "--python",
            "3.12",
            "--format",
            "json",
            "--no-cache",
        ])
        .args(extra)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "scan {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(before == snapshot(&tree), "scan {name} changed the user's files");
    serde_json::from_slice(&out.stdout).unwrap()
}

fn only_cell(answer: &serde_json::Value) -> &serde_json::Value {
    let cells = answer["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 1, "{answer:#}");
    &cells[0]
}

#[test]
fn mixed_projects_import_their_package_their_native_module_and_their_stub() {
    for name in ["mixed_source", "dotted_stub"] {
        let answer = scan(name, &[]);
        let cell = only_cell(&answer);
        assert_eq!(cell["outcome"], "pass", "{name}: {answer:#}");
        assert!(
            answer["maturin"].as_str().unwrap().starts_with("maturin 1."),
            "{answer:#}"
        );
    }
}

#[test]
fn the_declared_extra_is_installed_and_the_projects_addopts_apply() {
    // The `dev` extra brings pytest-mock; addopts deselects the test that fails on purpose.
    let answer = scan("needs_extra", &[]);
    assert_eq!(only_cell(&answer)["outcome"], "pass", "{answer:#}");

    // Without it, the tests could not run: not a failure of the code, and the fix is named.
    let answer = scan("needs_extra", &["--test-deps", "none"]);
    let cell = only_cell(&answer);
    assert_eq!(cell["outcome"], "test-error", "{answer:#}");
    let message = cell["message"].as_str().unwrap();
    assert!(
        message.contains("fixture 'mocker' not found")
            && message.contains("pytest-mock is in the `dev` extra of pyproject.toml; pass --test-deps dev"),
        "{message}"
    );
    assert!(cell["explained_by"].as_array().unwrap().is_empty(), "{answer:#}");
    let log = cell["full_log"].as_str().unwrap();
    assert!(
        std::fs::read_to_string(log).unwrap().contains("mocker"),
        "the full log holds pytest's output: {log}"
    );
}

#[test]
fn a_workspace_member_builds_with_its_workspace() {
    let answer = scan("workspace_member/ext", &[]);
    assert_eq!(only_cell(&answer)["outcome"], "pass", "{answer:#}");
}

#[test]
fn tests_that_cannot_be_collected_are_a_test_error_with_the_real_error() {
    let answer = scan("uncollectable", &[]);
    let cell = only_cell(&answer);
    assert_eq!(cell["outcome"], "test-error", "{answer:#}");
    let message = cell["message"].as_str().unwrap();
    assert!(
        message.contains("ModuleNotFoundError: No module named 'hypothesis'")
            && message.contains("no file of the project declares a package named `hypothesis`"),
        "{message}"
    );
}

/// The tests' requirements as `requirement <- from` lines.
fn test_deps(answer: &serde_json::Value) -> Vec<String> {
    answer["test_deps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} <- {}",
                d["requirement"].as_str().unwrap(),
                d["from"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_requirements_folder_gives_the_tests_what_they_import_and_says_where_it_came_from() {
    let answer = scan("requirements_folder", &[]);
    assert_eq!(only_cell(&answer)["outcome"], "pass", "{answer:#}");
    assert_eq!(
        test_deps(&answer),
        [
            "pytest <- the test runner",
            "pytest-mock>=3 <- requirements/testing.txt"
        ]
    );

    // Without it the tests cannot run, and the message names the file and the flag.
    let answer = scan("requirements_folder", &["--test-deps", "none"]);
    let cell = only_cell(&answer);
    assert_eq!(cell["outcome"], "test-error", "{answer:#}");
    let message = cell["message"].as_str().unwrap();
    assert!(
        message.contains("No module named 'pytest_mock'")
            && message
                .contains("pytest-mock is in requirements/testing.txt; pass --test-deps requirements/testing.txt"),
        "{message}"
    );

    // Or added by hand.
    let answer = scan(
        "requirements_folder",
        &["--test-deps", "none", "--test-dep", "pytest-mock"],
    );
    assert_eq!(only_cell(&answer)["outcome"], "pass", "{answer:#}");
    assert_eq!(
        test_deps(&answer),
        ["pytest <- the test runner", "pytest-mock <- --test-dep"]
    );
}

#[test]
fn the_results_file_is_written_where_asked_and_nowhere_in_the_crate() {
    let out_dir = tempfile::tempdir().unwrap();
    let results = out_dir.path().join("scan.json");
    let answer = scan("mixed_source", &["--out", results.to_str().unwrap()]);
    assert_eq!(only_cell(&answer)["outcome"], "pass", "{answer:#}");
    let written = crate::common::results(&results);
    assert_eq!(written["schema_version"], 1);
    assert!(written["maturin"].as_str().unwrap().starts_with("maturin 1."));
    assert_eq!(written["results"].as_array().unwrap().len(), 1);
}

#[test]
fn each_maturin_asked_for_builds_a_variant_of_every_cell() {
    // The plain cell is the pinned maturin's; 1.7.0 (which has only `--skip-auditwheel`)
    // builds the same cell again from its own tool environment.
    let answer = scan("mixed_source", &["--maturin", "1.7.0"]);
    let cells = answer["cells"].as_array().unwrap();
    let seen: Vec<(Option<&str>, &str)> = cells
        .iter()
        .map(|c| (c["variant"].as_str(), c["outcome"].as_str().unwrap()))
        .collect();
    assert_eq!(seen, [(None, "pass"), (Some("maturin-1.7.0"), "pass")], "{answer:#}");
    let log = std::fs::read_to_string(cells[1]["full_log"].as_str().unwrap()).unwrap();
    assert!(log.contains("maturin-1.7.0"), "the variant's wheel is its own: {log}");
}

#[test]
fn maturin_versions_are_refused_where_they_mean_nothing() {
    let out = bin()
        .arg("scan")
        .arg(fixture("crates").join("mixed_source"))
        .args(["--maturin", "1.7;rm"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("`1.7;rm` is not a maturin release such as 1.7.0"),
        "{stderr}"
    );

    let out = bin()
        .arg("scan")
        .arg(fixture("old_crate"))
        .args(["--maturin", "1.7.0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .trim()
            .ends_with("is not a maturin project (no pyproject.toml that builds with maturin)"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

/// The pytest output kept in a cell's full log.
fn full_log(cell: &serde_json::Value) -> String {
    std::fs::read_to_string(cell["full_log"].as_str().unwrap()).unwrap()
}

#[test]
fn a_crate_in_rust_is_built_as_maturin_finds_it_and_tested_from_the_project_root() {
    // Named by its project or by its crate folder, the project is the same.
    let project = fixture("crates/rust_folder").canonicalize().unwrap();
    for name in ["rust_folder", "rust_folder/rust"] {
        let answer = scan(name, &[]);
        assert_eq!(answer["crate"], project.display().to_string(), "{answer:#}");
        assert_eq!(answer["module"], "rust_folder._native", "{answer:#}");
        let cell = only_cell(&answer);
        assert_eq!(cell["outcome"], "pass", "{name}: {answer:#}");
        let log = full_log(cell);
        assert!(log.contains("3 passed"), "{name}: the root's tests ran: {log}");
    }
}

#[test]
fn a_setuptools_rust_project_is_installed_as_pip_installs_it_and_its_tests_import_it() {
    let answer = scan("setuptools_rust", &[]);
    assert_eq!(answer["module"], "setuptools_demo._native", "{answer:#}");
    assert!(answer["maturin"].is_null(), "no maturin builds it: {answer:#}");
    let cell = only_cell(&answer);
    assert_eq!(cell["outcome"], "pass", "{answer:#}");
    let log = full_log(cell);
    // setuptools-rust's own cargo call, through the shim that keeps cargo's messages.
    assert!(log.contains("running build_rust"), "{log}");
    assert!(log.contains("3 passed"), "the package in python/ was importable: {log}");
}

/// pyo3-matrix-fixturelib 1.0 (with `greet`) and 2.0 (which renamed it `salute`) built into
/// a wheel folder of their own, and pip told to look there too (`PIP_FIND_LINKS`, beside
/// any folder it already names): the newest release is 2.0, whatever PyPI holds.
fn fixturelib_wheels() -> (tempfile::TempDir, Vec<(&'static str, String)>) {
    let wheels = tempfile::tempdir().unwrap();
    for version in ["1.0", "2.0"] {
        let out = std::process::Command::new("python3")
            .args(["-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir"])
            .arg(wheels.path())
            .arg(fixture("fixturelib").join(version))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "pip wheel: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut links = std::env::var("PIP_FIND_LINKS").unwrap_or_default();
    links.push(' ');
    links.push_str(&wheels.path().display().to_string());
    (wheels, vec![("PIP_FIND_LINKS", links.trim().to_string())])
}

/// `uv export` of the fixture's uv.lock for `group` (the uv the engine installs with), one
/// requirement a line as pip takes them; the fixture's tree must be the same afterwards.
fn uv_export(name: &str, group: &str) -> Vec<String> {
    let dir = fixture("crates").join(name);
    let before = snapshot(&dir);
    let uv = crate::common::python_tool(pyo3_matrix_engine::tools::UV, "uv");
    let out = std::process::Command::new(uv)
        .args(["export", "--frozen", "--format", "requirements-txt", "--no-hashes"])
        .args(["--no-emit-project", "--no-default-groups", "--group", group])
        .args(["--no-header", "--no-annotate", "--no-python-downloads", "--quiet"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "uv export: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(before == snapshot(&dir), "uv export changed the fixture");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|line| line.replace(" ; ", "; "))
        .collect()
}

#[test]
fn a_lockfile_pins_the_test_dependencies_and_the_answer_names_it() {
    let (_wheels, env) = fixturelib_wheels();
    // uv.lock pins fixturelib 1.0, whose `greet` the tests call: they pass.
    let answer = scan_with_env("uv_lock", &[], &env);
    assert_eq!(only_cell(&answer)["outcome"], "pass", "{answer:#}");
    let deps = test_deps(&answer);
    assert!(
        deps.contains(&"pyo3-matrix-fixturelib==1.0 <- uv.lock".to_string())
            && deps
                .iter()
                .any(|d| d.starts_with("pytest==") && d.ends_with("<- uv.lock"))
            && deps
                .iter()
                .any(|d| d.starts_with("pluggy==") && d.ends_with("<- uv.lock")),
        "pytest's own dependencies are pinned too: {deps:?}"
    );
    // Exactly what uv itself exports of the lock for that group.
    let pinned: Vec<&str> = answer["test_deps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["requirement"].as_str().unwrap())
        .collect();
    assert_eq!(pinned, uv_export("uv_lock", "test"));

    // The declared range without the lock gets 2.0, which renamed `greet`.
    let answer = scan_with_env("uv_lock", &["--test-deps", "pyproject.toml"], &env);
    let cell = only_cell(&answer);
    assert_eq!(cell["outcome"], "test-fail", "{answer:#}");
    assert!(cell["message"].as_str().unwrap().contains("greet"), "{answer:#}");
    assert_eq!(
        test_deps(&answer),
        [
            "pyo3-matrix-fixturelib>=1 <- the `test` dependency group of pyproject.toml",
            "pytest>=8 <- the `test` dependency group of pyproject.toml",
        ]
    );
}

#[test]
fn what_the_ci_workflow_installs_is_what_the_tests_get_where_nothing_else_says() {
    let from = "job `test` of .github/workflows/tests.yml";
    let answer = scan("ci_workflow", &[]);
    assert_eq!(only_cell(&answer)["outcome"], "pass", "{answer:#}");
    assert_eq!(
        test_deps(&answer),
        [format!("pytest <- {from}"), format!("pytest-mock <- {from}")]
    );

    // Without it, the message names the workflow and the flag.
    let answer = scan("ci_workflow", &["--test-deps", "none"]);
    let cell = only_cell(&answer);
    assert_eq!(cell["outcome"], "test-error", "{answer:#}");
    let message = cell["message"].as_str().unwrap();
    assert!(
        message.contains(&format!(
            "pytest-mock is in {from}; pass --test-deps .github/workflows/tests.yml"
        )),
        "{message}"
    );
}
