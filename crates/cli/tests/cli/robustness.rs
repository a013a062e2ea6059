//! Interruptions, concurrent runs and shards lose nothing and agree with a single run.

use crate::common::{cell, check, check_with_env, mini, mini_matrix, nonce, results};
use std::io::{BufRead, BufReader};
use std::process::Stdio;

const CELLS: &[&str] = &["--pyo3", "0.23", "--python", "3.12,3.13"];

fn outcomes(v: &serde_json::Value) -> Vec<(String, String, String, String)> {
    let mut out: Vec<_> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("pattern"), s("pyo3"), s("python"), s("outcome"))
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_killed_run_keeps_its_finished_results_and_the_next_run_resumes() {
    let dir = mini_matrix(&nonce("kill"));
    let out = dir.path().join("out/results.json");
    let out_arg = out.to_str().unwrap();
    let mut args = vec!["run", "--verbose", "--jobs", "1", "--out", out_arg];
    args.extend_from_slice(CELLS);
    let mut child = mini(dir.path(), &args).stderr(Stdio::piped()).spawn().unwrap();
    // Wait until the second cell has started: the first cell's results are on disk then.
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        seen.push(line.clone());
        if line.starts_with("cell 2/2") {
            break;
        }
    }
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let partial = results(&out);
    assert_eq!(
        partial["results"].as_array().unwrap().len(),
        3,
        "first cell kept: {seen:#?}"
    );

    let rerun = mini(dir.path(), &args).output().unwrap();
    assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
    let log = String::from_utf8_lossy(&rerun.stderr);
    let cached = log.lines().filter(|l| l.contains("(cached)")).count();
    assert!(cached >= 3, "the finished cell was not redone:\n{log}");
    let full = results(&out);
    assert_eq!(full["results"].as_array().unwrap().len(), 6);
    assert!(outcomes(&full).iter().all(|o| o.3 == "pass"), "{:?}", outcomes(&full));
    let orphans = std::process::Command::new("pgrep")
        .arg("-f")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        orphans.stdout.is_empty(),
        "orphans: {}",
        String::from_utf8_lossy(&orphans.stdout)
    );
}

#[test]
fn two_runs_at_once_share_a_cache_and_an_output_without_corruption() {
    let dir = mini_matrix(&nonce("concurrent"));
    let out = dir.path().join("out/results.json");
    let mut args = vec!["run", "--out", out.to_str().unwrap()];
    args.extend_from_slice(CELLS);
    let first = mini(dir.path(), &args).stderr(Stdio::piped()).spawn().unwrap();
    let second = mini(dir.path(), &args).stderr(Stdio::piped()).spawn().unwrap();
    for child in [first, second] {
        let done = child.wait_with_output().unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    }
    let merged = results(&out);
    assert_eq!(outcomes(&merged).len(), 6);
    assert!(outcomes(&merged).iter().all(|o| o.3 == "pass"));
}

#[test]
fn merged_shards_equal_one_run() {
    let dir = mini_matrix(&nonce("shards"));
    let part = |i: &str| dir.path().join(format!("shard{i}.json"));
    for i in ["1", "2"] {
        let shard = format!("{i}/2");
        let path = part(i);
        let mut args = vec!["run", "--shard", &shard, "--out", path.to_str().unwrap()];
        args.extend_from_slice(CELLS);
        let done = mini(dir.path(), &args).output().unwrap();
        assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
        assert_eq!(
            results(&path)["results"].as_array().unwrap().len(),
            3,
            "one cell per shard"
        );
    }
    let merged = dir.path().join("merged/results.json");
    let done = mini(
        dir.path(),
        &[
            "merge",
            part("1").to_str().unwrap(),
            part("2").to_str().unwrap(),
            "--out",
            merged.to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));

    let single = dir.path().join("single/results.json");
    let mut args = vec!["run", "--no-cache", "--out", single.to_str().unwrap()];
    args.extend_from_slice(CELLS);
    let done = mini(dir.path(), &args).output().unwrap();
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert_eq!(outcomes(&results(&merged)), outcomes(&results(&single)));
}

#[test]
fn github_actions_logs_get_one_group_per_cell_holding_only_its_own_results() {
    let dir = mini_matrix(&nonce("groups"));
    let out = dir.path().join("out/results.json");
    let mut args = vec!["run", "--out", out.to_str().unwrap()];
    args.extend_from_slice(CELLS);
    let ran = mini(dir.path(), &args).env("GITHUB_ACTIONS", "true").output().unwrap();
    let log = String::from_utf8_lossy(&ran.stderr);
    assert!(ran.status.success(), "{log}");
    let (mut groups, mut results, mut open) = (0, 0, None::<String>);
    for line in log.lines() {
        if let Some(label) = line.strip_prefix("::group::") {
            assert!(open.is_none(), "a group inside a group:\n{log}");
            open = Some(label.to_string());
            groups += 1;
        } else if line == "::endgroup::" {
            assert!(open.take().is_some(), "an end without a group:\n{log}");
        } else if let Some(label) = &open {
            // Result lines read `  pattern · pyo3 0.23.5 · 3.12 → pass`.
            assert!(
                line.contains(&format!("· {label} ")),
                "{line:?} is not of {label}:\n{log}"
            );
            results += 1;
        }
    }
    assert!(open.is_none(), "a group left open:\n{log}");
    assert_eq!((groups, results), (2, 6), "{log}");
}

#[test]
fn a_warm_cache_works_with_the_registry_unreachable() {
    let args = ["--pyo3", "0.23", "--python", "3.12"];
    let online = check("answer_mod.rs", None, &args);
    // cargo may not touch the network: everything must come from the lockfile and its cache.
    let offline = check_with_env("answer_mod.rs", None, &args, &[("CARGO_NET_OFFLINE", "true")]);
    assert_eq!(
        cell(&offline, "0.23.5", "3.12")["outcome"],
        cell(&online, "0.23.5", "3.12")["outcome"]
    );
}
