//! The project's own GitHub Actions workflows (`.github/workflows`) are hardened as the
//! workflow `ci github --crate` generates for users: zizmor finds nothing in them, with the
//! default persona and the pedantic one, and test.yml runs exactly the README's test command.

use crate::common::{repo, zizmor_finds_nothing};
use serde_norway::Value;
use std::path::PathBuf;

/// The workflow files, by name.
const WORKFLOWS: [&str; 2] = ["test.yml", "matrix.yml"];

/// The repository's `.github/workflows`.
fn workflows_dir() -> PathBuf {
    repo().join(".github/workflows")
}

/// One workflow's text and YAML.
fn workflow(name: &str) -> (String, Value) {
    let path = workflows_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let yaml = serde_norway::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
    (text, yaml)
}

#[test]
fn zizmor_finds_nothing_in_the_project_s_workflows() {
    for name in WORKFLOWS {
        assert!(workflows_dir().join(name).is_file(), "{name} is missing");
    }
    zizmor_finds_nothing(&workflows_dir(), ".github/workflows");
}

#[test]
fn test_yml_runs_exactly_the_readme_s_test_command() {
    let (_, wf) = workflow("test.yml");
    let steps = wf["jobs"]["test"]["steps"].as_sequence().expect("jobs.test.steps");
    let test = steps
        .iter()
        .find(|s| s["name"] == "Run the tests")
        .unwrap_or_else(|| panic!("no step \"Run the tests\" in {steps:#?}"));
    assert_eq!(
        test["run"].as_str().map(str::trim),
        Some("scripts/test.sh"),
        "{test:#?}"
    );
    assert!(test["env"].is_null() && test["with"].is_null(), "{test:#?}");
}

/// What zizmor does not check, checked here: each job has a timeout and its own least
/// permissions under a workflow-wide `permissions:`, every action is pinned to a full commit
/// with its tag in a comment, no checkout leaves the token behind, no script holds `${{ }}`.
#[test]
fn every_job_has_a_timeout_and_every_action_a_commit() {
    for name in WORKFLOWS {
        let (text, wf) = workflow(name);
        assert!(!wf["permissions"].is_null(), "{name}: no top-level permissions");
        for (job_name, job) in wf["jobs"].as_mapping().expect("jobs") {
            let job_name = format!("{name}: {}", job_name.as_str().unwrap());
            assert!(
                job["timeout-minutes"].as_u64().is_some(),
                "{job_name}: no timeout-minutes"
            );
            assert!(!job["permissions"].is_null(), "{job_name}: no permissions");
            for step in job["steps"].as_sequence().expect("steps") {
                if let Some(uses) = step["uses"].as_str() {
                    let (_, commit) = uses.split_once('@').unwrap_or_else(|| panic!("{job_name}: {uses}"));
                    assert!(
                        commit.len() == 40 && commit.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
                        "{job_name}: {uses} is not pinned to a full commit"
                    );
                    assert!(
                        text.lines()
                            .any(|l| l.trim_end().contains(&format!("uses: {uses} # v"))),
                        "{job_name}: {uses} without its tag in a comment"
                    );
                    if uses.starts_with("actions/checkout@") {
                        assert_eq!(step["with"]["persist-credentials"], false, "{job_name}");
                    }
                }
                if let Some(run) = step["run"].as_str() {
                    assert!(!run.contains("${{"), "{job_name}: an expression inside a script: {run}");
                }
            }
        }
    }
}
