//! Bad input gets one clear line naming the input and a non-zero exit; nothing is built.

use crate::common::{bin, fixture, stderr};

fn fails_naming(args: &[&str], needle: &str) {
    let out = bin().args(args).output().unwrap();
    assert!(!out.status.success(), "{args:?} succeeded");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{args:?}: more than one line:\n{err}");
    assert!(err.contains(needle), "{args:?}: {err}");
}

#[test]
fn unknown_and_malformed_versions_are_named() {
    let snippet = fixture("answer_mod.rs");
    let s = snippet.to_str().unwrap();
    fails_naming(
        &["check", s, "--pyo3", "0.99", "--python", "3.12"],
        "unknown PyO3 version '0.99'",
    );
    fails_naming(&["check", s, "--pyo3", "0.2x", "--python", "3.12"], "'0.2x'");
    fails_naming(&["check", s, "--pyo3", "0.21..", "--python", "3.12"], "'0.21..'");
    fails_naming(
        &["run", "--pyo3", "0.40..=0.45", "--out", "/tmp/x.json"],
        "unknown PyO3 version",
    );
}

#[test]
fn missing_interpreters_and_files_are_named() {
    let snippet = fixture("answer_mod.rs");
    let s = snippet.to_str().unwrap();
    fails_naming(
        &["check", s, "--pyo3", "0.23", "--python", "/no/such/python3"],
        "/no/such/python3",
    );
    fails_naming(&["check", s, "--pyo3", "0.23", "--python", "py3"], "'py3'");
    fails_naming(
        &["check", "/no/such/snippet.rs", "--pyo3", "0.23"],
        "/no/such/snippet.rs",
    );
    fails_naming(
        &["check", s, "--test", "/no/such/test.py", "--pyo3", "0.23"],
        "/no/such/test.py",
    );
    fails_naming(&["check", s, "--dep", "@1", "--pyo3", "0.23"], "'@1'");
    fails_naming(&["run", "--pattern", "no_such_pattern"], "no_such_pattern");
}

#[test]
fn an_unknown_matrix_set_is_named() {
    for args in [
        &["ci", "github", "--matrix-set", "nope"][..],
        &["run", "--matrix-set", "nope", "--out", "/tmp/x.json"],
    ] {
        fails_naming(args, "unknown --matrix-set 'nope': matrix.toml defines ");
        fails_naming(args, "newest");
    }
}

#[test]
fn a_tarball_that_is_not_the_recipe_s_is_named_with_its_checksum() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("Python-3.14.4.tar.xz");
    std::fs::write(&wrong, b"not a tarball").unwrap();
    let cache = dir.path().join("cache");
    let out = bin()
        .args(["python", "install", "3.14", "--tarball", wrong.to_str().unwrap()])
        .env("PYO3_MATRIX_CACHE", &cache)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    // One progress line, then the error in one line: the file, both checksums.
    let (progress, error): (Vec<&str>, Vec<&str>) = err.lines().partition(|l| l.starts_with("verifying sha256 of "));
    assert_eq!(progress.len(), 1, "{err}");
    assert_eq!(error.len(), 1, "{err}");
    let error = error[0];
    assert!(
        error.starts_with("pyo3-matrix: error: cannot provision Python 3.14: ")
            && error.contains(&format!("{}: sha256 ", wrong.display()))
            // printf 'not a tarball' | sha256sum
            && error.contains("f6cef031194d159250e65fd2d428bafce307d46124a9d7cc1d38a1b0af47e462")
            && error.contains("does not match the recipe's"),
        "{error}"
    );
    assert!(!cache.join("pythons").exists(), "nothing is installed");
}

#[test]
fn an_unwritable_output_is_named_before_anything_runs() {
    fails_naming(&["run", "--out", "/proc/pyo3-matrix/results.json"], "/proc/pyo3-matrix");
}

#[test]
fn list_prints_the_catalog_as_json() {
    let out = bin().args(["list", "--format", "json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert!(list.len() >= 8, "only {} patterns", list.len());
    for p in list {
        assert!(
            p["id"].is_string() && p["category"].is_string() && p.get("claim").is_some(),
            "{p:#}"
        );
    }
}

#[test]
fn malformed_matrix_data_and_results_files_are_named() {
    use crate::common::{mini, mini_matrix, nonce};
    let dir = mini_matrix(&nonce("malformed"));
    let one_line = |args: &[&str], needle: &str| {
        let out = mini(dir.path(), args).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}:\n{err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    };
    let pattern_toml = dir.path().join("matrix/patterns/mini_one/pattern.toml");
    std::fs::write(&pattern_toml, "title = 3\n").unwrap();
    one_line(&["list"], "mini_one/pattern.toml");
    std::fs::remove_dir_all(dir.path().join("matrix/patterns/mini_one")).unwrap();

    let results = dir.path().join("old.json");
    std::fs::write(&results, r#"{"schema_version": 999, "results": []}"#).unwrap();
    one_line(
        &["report", "--results", results.to_str().unwrap(), "--out", "/tmp"],
        "schema version 999",
    );
    std::fs::write(
        &results,
        r#"{"schema_version": 1, "tool_version": "0", "rustc": "r", "started_unix": 0, "interpreters": [],
            "results": [{"pattern": "p", "pyo3": "0.23.5", "python": "3.12", "outcome": "exploded"}]}"#,
    )
    .unwrap();
    one_line(
        &["diff", results.to_str().unwrap(), results.to_str().unwrap()],
        "exploded",
    );

    let matrix_toml = dir.path().join("matrix/matrix.toml");
    std::fs::write(&matrix_toml, "python = [\"3.12\"]\n[[release]]\nversion = \"zero\"\n").unwrap();
    one_line(&["ci", "github"], "matrix.toml");
}

#[test]
fn an_unusable_cache_directory_is_named() {
    let snippet = fixture("answer_mod.rs");
    let out = bin()
        .args(["check", snippet.to_str().unwrap(), "--pyo3", "0.23", "--python", "3.12"])
        .env("PYO3_MATRIX_CACHE", "/proc/pyo3-matrix-cache")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("/proc/pyo3-matrix-cache"), "{err}");
}

/// A crate directory of `files` (path, text) in a fresh temporary directory.
fn temp_crate(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const LIB_ONLY: &str = "[package]\nname = \"lib-only\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
    [dependencies]\npyo3 = \"0.23\"\n";
const CDYLIB: &str = "[package]\nname = \"some-ext\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
    [lib]\ncrate-type = [\"cdylib\"]\n[dependencies]\npyo3 = \"0.23\"\n";

#[test]
fn a_crate_that_cannot_be_scanned_is_named_in_one_line() {
    let scan = |dir: &std::path::Path, extra: &[&str]| {
        let mut args = vec!["scan", dir.to_str().unwrap(), "--pyo3", "0.23"];
        args.extend(extra);
        args.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let check =
        |args: Vec<String>, needle: &str| fails_naming(&args.iter().map(String::as_str).collect::<Vec<_>>(), needle);
    let empty = temp_crate(&[]);
    check(scan(empty.path(), &[]), "not a crate: no");
    let lib_only = temp_crate(&[("Cargo.toml", LIB_ONLY)]);
    check(scan(lib_only.path(), &[]), "builds no cdylib");
    let malformed = temp_crate(&[
        ("Cargo.toml", CDYLIB),
        (
            "pyproject.toml",
            "[build-system]\nbuild-backend = \"maturin\"\n[tool.maturin]\nfeatures = \"pyo3/abi3\"\n",
        ),
    ]);
    check(scan(malformed.path(), &[]), "[tool.maturin] features:");
    // maturin would not build rust/ here either: no Python source it knows of.
    let unfound = temp_crate(&[
        (
            "pyproject.toml",
            "[build-system]\nbuild-backend = \"maturin\"\n[project]\nname = \"some-ext\"\n",
        ),
        ("rust/Cargo.toml", CDYLIB),
    ]);
    check(scan(unfound.path(), &[]), "only with [tool.maturin] python-source");
    // A backend scan does not build, named (hatchling has no Rust plugin here).
    let hatchling = temp_crate(&[
        ("Cargo.toml", CDYLIB),
        (
            "pyproject.toml",
            "[build-system]\nbuild-backend = \"hatchling.build\"\n",
        ),
    ]);
    check(
        scan(hatchling.path(), &[]),
        "build-backend = \"hatchling.build\" is not one scan builds",
    );
    let extra = fixture("crates/needs_extra");
    check(
        scan(&extra, &["--tests", "--test-dep", ">=3"]),
        "--test-dep >=3: not a package requirement",
    );
    check(
        scan(&extra, &["--tests", "--test-deps", "bench"]),
        "--test-deps bench: no such group; declared: dev",
    );
    // A catalog that does not load stops the scan before any build.
    let bad = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(bad.path(), "{}").unwrap();
    check(
        scan(&extra, &["--catalog", bad.path().to_str().unwrap()]),
        &bad.path().display().to_string(),
    );
}

#[test]
fn test_dependencies_that_cannot_be_installed_are_named() {
    let krate = temp_crate(&[
        ("Cargo.toml", CDYLIB),
        (
            "pyproject.toml",
            "[project]\nname = \"some-ext\"\n[project.optional-dependencies]\ndev = [\"pyo3-matrix-no-such-package-xyz\"]\n",
        ),
    ]);
    let out = bin()
        .args([
            "scan",
            krate.path().to_str().unwrap(),
            "--tests",
            "--pyo3",
            "0.23",
            "--python",
            "3.12",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let last = err.lines().last().unwrap();
    assert!(
        last.starts_with("pyo3-matrix: error:")
            && last.contains("cannot install its test dependencies")
            && last.contains("pyo3-matrix-no-such-package-xyz"),
        "{err}"
    );
}

#[test]
fn a_plan_backwards_or_from_an_unobserved_patch_is_named() {
    for (from, to) in [("0.23", "0.22"), ("0.22.5", "0.22.4"), ("0.24", "0.22.4")] {
        let out = bin()
            .args(["plan", "--from", from, "--to", to, "--python", "3.13t"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{from} -> {to}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(" is older than --from "), "{err}");
    }
    fails_naming(
        &["plan", "--from", "0.22.4", "--to", "0.22.4"],
        "--from and --to are both 0.22.4",
    );
    fails_naming(
        &["plan", "--from", "0.22.2", "--to", "0.23"],
        "`pyo3-matrix run --pyo3 0.22.2`",
    );
}
