//! Variants of a pattern's cells (other settings beside the plain cell), observed by `run`
//! on a mini matrix.

/// A mini matrix whose one pattern, `mini_variants`, answers 42 and has the variants
/// `variants` (pattern.toml's `[[variant]]` tables).
fn variants_matrix(label: &str, variants: &str) -> tempfile::TempDir {
    let dir = crate::common::mini_matrix(&crate::common::nonce(label));
    let pattern = dir.path().join("matrix/patterns/mini_variants");
    std::fs::create_dir_all(&pattern).unwrap();
    let source = std::fs::read_to_string(crate::common::fixture("mini_patterns/mini_one/lib.rs")).unwrap();
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
    let all = crate::common::results(out);
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
    let ran = crate::common::mini(dir, &args).arg(&out).output().unwrap();
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
