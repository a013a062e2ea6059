//! The engine end to end: real cells built with real PyO3 releases, real pytest runs.
//! A small subset (two releases, three interpreters) keeps CI short.

mod common;
use common::{cell, check, check_with_env};

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
fn a_warm_cache_works_with_the_registry_unreachable() {
    let args = ["--pyo3", "0.23", "--python", "3.12"];
    let online = check("bytes_mod.rs", Some("test_bytes_mod.py"), &args);
    // cargo may not touch the network: everything must come from the lockfile and its cache.
    let offline = check_with_env(
        "bytes_mod.rs",
        Some("test_bytes_mod.py"),
        &args,
        &[("CARGO_NET_OFFLINE", "true")],
    );
    assert_eq!(
        cell(&offline, "0.23.5", "3.12")["outcome"],
        cell(&online, "0.23.5", "3.12")["outcome"]
    );
}

#[test]
fn a_snippet_that_is_not_valid_rust_is_a_compile_error_verdict() {
    let cells = check("not_rust.rs", None, &["--pyo3", "0.23", "--python", "3.12"]);
    let c = cell(&cells, "0.23.5", "3.12");
    assert_eq!(c["outcome"], "compile-error", "{c:#}");
    assert!(c["message"].as_str().unwrap().contains("expected"), "{c:#}");
}

/// A mini matrix whose one pattern, `mini_variants`, answers 42 and has the variants
/// `variants` (pattern.toml's `[[variant]]` tables).
fn variants_matrix(label: &str, variants: &str) -> tempfile::TempDir {
    let dir = common::mini_matrix(&common::nonce(label));
    let pattern = dir.path().join("matrix/patterns/mini_variants");
    std::fs::create_dir_all(&pattern).unwrap();
    let source = std::fs::read_to_string(common::fixture("mini_patterns/mini_one/lib.rs")).unwrap();
    std::fs::write(pattern.join("lib.rs"), source.replace("mini_one", "mini_variants")).unwrap();
    std::fs::write(
        pattern.join("test_mini_variants.py"),
        "def test_answer():\n    import mini_variants\n    assert mini_variants.answer() == 42\n",
    )
    .unwrap();
    let meta = format!(
        "title = \"Fixture mini_variants\"\ncategory = \"fixture\"\nshows = \"Variants beside the plain cell.\"\n\n{variants}"
    );
    std::fs::write(pattern.join("pattern.toml"), meta).unwrap();
    dir
}

/// The result of `variant` in the cell (pyo3, python) of the results file `out`.
fn result_of(out: &std::path::Path, variant: Option<&str>, pyo3: &str, python: &str) -> serde_json::Value {
    let all = common::results(out);
    let found = all["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["pyo3"] == pyo3 && r["python"] == python && r["variant"].as_str() == variant);
    found
        .unwrap_or_else(|| panic!("no {variant:?} {pyo3} {python} in {all:#}"))
        .clone()
}

/// Runs `mini_variants` of the mini matrix in `dir` on the cells (pyo3, python), observing
/// everything again, and returns the results file.
fn run_variants(dir: &std::path::Path, pyo3: &str, python: &str) -> std::path::PathBuf {
    let out = dir.join("out/results.json");
    let args = [
        "run",
        "--pattern",
        "mini_variants",
        "--pyo3",
        pyo3,
        "--python",
        python,
        "--no-cache",
        "--out",
    ];
    let ran = common::mini(dir, &args).arg(&out).output().unwrap();
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    out
}

#[test]
fn variants_keep_their_settings_apart_and_a_lib_crate_builds_but_does_not_import() {
    let dir = variants_matrix(
        "variants",
        r#"[[variant]]
name = "forward-compat"
env = { PYO3_USE_ABI3_FORWARD_COMPATIBILITY = "1" }

[[variant]]
name = "crate-type-lib"
crate-type = ["lib"]
"#,
    );
    // Twice: the second run builds in the targets the first one left behind.
    for _ in 0..2 {
        let out = run_variants(dir.path(), "0.21,0.23", "3.13");
        let outcome = |variant: Option<&str>, pyo3: &str| result_of(&out, variant, pyo3, "3.13");
        assert_eq!(outcome(None, "0.21.2")["outcome"], "unsupported");
        assert_eq!(outcome(Some("forward-compat"), "0.21.2")["outcome"], "pass");
        assert_eq!(outcome(None, "0.23.5")["outcome"], "pass");
        let lib = outcome(Some("crate-type-lib"), "0.23.5");
        assert_eq!(lib["outcome"], "test-fail", "{lib:#}");
        assert_eq!(lib["failure"]["exception"], "ModuleNotFoundError", "{lib:#}");
    }
}

/// PyO3 0.22's build script reads UNSAFE_PYO3_BUILD_FREE_THREADED without declaring it, so
/// cargo alone would hand a target's earlier build to the variant. The variant's target
/// starts from the plain cell's (itself started from 3.12's), and still builds under its own
/// setting, in both runs; the plain 3.13t cell is still refused.
#[test]
fn an_undeclared_build_setting_reaches_pyo3_in_a_seeded_target() {
    let dir = variants_matrix(
        "seeded",
        r#"[[variant]]
name = "unsafe-free-threaded"
env = { UNSAFE_PYO3_BUILD_FREE_THREADED = "1" }
"#,
    );
    for _ in 0..2 {
        let out = run_variants(dir.path(), "0.22", "3.12,3.13t");
        assert_eq!(result_of(&out, None, "0.22.6", "3.12")["outcome"], "pass");
        let refused = result_of(&out, None, "0.22.6", "3.13t");
        assert_eq!(refused["outcome"], "unsupported", "{refused:#}");
        assert_eq!(
            refused["escape_hatch"], "UNSAFE_PYO3_BUILD_FREE_THREADED",
            "{refused:#}"
        );
        let built = result_of(&out, Some("unsafe-free-threaded"), "0.22.6", "3.13t");
        assert!(
            built["diagnostics"].as_array().is_some_and(|d| d.is_empty()),
            "{built:#}"
        );
        assert_ne!(built["outcome"], "unsupported", "{built:#}");
        assert_ne!(built["outcome"], "error", "{built:#}");
    }
}
