//! The Python front doors to the matrix: `noxfile.py` lists one session per cell and
//! `tox.ini` one environment per cell, both as `matrix/matrix.toml` defines the cells, and
//! one real nox session and one real tox environment build a pattern with maturin and pass
//! its pytest file. nox, tox and maturin are installed from PyPI into a virtual environment
//! under the target directory; the cells' cargo target directory is shared between the runs.

use crate::common::repo;

use pyo3_matrix_engine::{interpreters, Dirs};
use pyo3_matrix_model::{Flavor, MatrixDef};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, OnceLock};

/// The cell both real runs use.
const PYO3: &str = "0.23";
const PYTHON: &str = "3.12";

/// Where this file's tools, environments and cargo builds live.
fn work() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("front-doors")
}

/// The matrix definition, read by the engine's own parser.
fn matrix() -> MatrixDef {
    MatrixDef::load(&repo().join("matrix/matrix.toml")).expect("matrix.toml")
}

/// "0.23.5" -> "0.23".
fn minor(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

/// A virtual environment holding nox, tox and maturin (made once per test process; kept
/// between runs once the installation succeeded).
fn tools() -> &'static Path {
    static TOOLS: OnceLock<PathBuf> = OnceLock::new();
    TOOLS.get_or_init(|| {
        let venv = work().join("tools");
        let done = venv.join("installed");
        if done.is_file() {
            return venv;
        }
        // The noxfile reads matrix.toml with tomllib: the tools need Python 3.11 or newer.
        let flavor = Flavor::parse(PYTHON).unwrap();
        let python = interpreters::find(flavor, &interpreters::discover(&Dirs::from_env()))
            .unwrap_or_else(|| panic!("no Python {PYTHON} interpreter found"));
        let _ = std::fs::remove_dir_all(&venv);
        succeed(Command::new(&python.path).args(["-m", "venv"]).arg(&venv));
        succeed(Command::new(venv.join("bin/python")).args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "nox",
            "tox",
            "maturin",
        ]));
        std::fs::write(&done, "").unwrap();
        venv
    })
}

/// Runs `cmd` and insists that it succeeds.
fn succeed(cmd: &mut Command) -> Output {
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?} failed:\n{}", text(&out));
    out
}

/// stdout and stderr, as one text.
fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// `tool` (nox or tox) from the tools environment, run from the repository root with the
/// interpreters pyo3-matrix knows on PATH and the CLI under test as `pyo3-matrix`.
fn front_door(tool: &str) -> Command {
    let bin = tools().join("bin");
    let helper = repo().join("python/pyo3_matrix_front.py");
    let path = succeed(Command::new(bin.join("python")).arg(helper).arg("path")).stdout;
    let path = format!("{}:{}", bin.display(), String::from_utf8_lossy(&path).trim());
    let mut cmd = Command::new(bin.join(tool));
    cmd.current_dir(repo())
        .env("PATH", path)
        .env("PYO3_MATRIX_BIN", env!("CARGO_BIN_EXE_pyo3-matrix"))
        .env("CARGO_TARGET_DIR", work().join("cargo-target"))
        .env_remove("VIRTUAL_ENV");
    cmd
}

/// The pattern both real runs build: the small `counter_class` while it exists, else the
/// first of the catalog.
fn pattern() -> String {
    if repo().join("matrix/patterns/counter_class/lib.rs").is_file() {
        return "counter_class".into();
    }
    let out = succeed(crate::common::bin().args(["list", "--format", "json"]));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // An array of patterns (or one object holding it).
    let first = list
        .get(0)
        .or_else(|| list.as_object()?.values().find_map(|v| v.get(0)));
    first
        .and_then(|p| p["id"].as_str())
        .expect("a pattern in `pyo3-matrix list --format json`")
        .to_string()
}

/// Checks the summary a front door printed for `pattern`: a known outcome, the right exit
/// status, and `pass` for `counter_class`.
fn assert_summary(out: &Output, pattern: &str) {
    let log = text(out);
    let line = format!("{pattern}: ");
    let outcome = log
        .lines()
        .find_map(|l| l.split_once(&line).map(|(_, o)| o.trim().to_string()))
        .unwrap_or_else(|| panic!("no outcome for {pattern} in:\n{log}"));
    let ok = outcome == "pass" || outcome.starts_with("blocked") || outcome.starts_with("built");
    assert_eq!(out.status.success(), ok, "{pattern}: {outcome}, yet:\n{log}");
    if pattern == "counter_class" {
        assert_eq!(outcome, "pass", "{log}");
    }
}

/// The real runs share one cargo target directory: one at a time.
static REAL_RUN: Mutex<()> = Mutex::new(());

/// Checks that `listed` names every cell of the matrix once and nothing else, each as
/// `name(pyo3 minor, flavor)` calls it.
fn assert_one_per_cell(listed: Vec<String>, name: impl Fn(&str, &str) -> String, what: &str) {
    let m = matrix();
    let expected: BTreeSet<String> = m
        .releases
        .iter()
        .flat_map(|r| {
            m.python
                .iter()
                .map(|f| name(&minor(&r.version.to_string()), &f.to_string()))
        })
        .collect();
    assert_eq!(listed.len(), expected.len(), "{what}: {listed:#?}");
    assert_eq!(
        listed.into_iter().collect::<BTreeSet<_>>(),
        expected,
        "{what} must name exactly the cells of matrix/matrix.toml"
    );
}

#[test]
fn nox_lists_one_session_per_cell() {
    let out = succeed(front_door("nox").args(["--list", "--json"]));
    let sessions: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).expect("nox --list --json");
    let listed = sessions.iter().map(|s| s["session"].as_str().unwrap().to_string());
    let name = |pyo3: &str, python: &str| format!("cell(pyo3='{pyo3}', python='{python}')");
    assert_one_per_cell(listed.collect(), name, "nox --list");
    // The listing a user reads names the same sessions.
    let plain = text(&succeed(front_door("nox").arg("-l")));
    assert!(plain.contains("cell(pyo3='0.23', python='3.13t')"), "{plain}");
}

#[test]
fn tox_env_list_matches_the_matrix() {
    let out = succeed(front_door("tox").arg("-l"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let listed = stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from);
    let name = |pyo3: &str, python: &str| format!("py{}-pyo3_{}", python.replace('.', ""), &pyo3[2..]);
    assert_one_per_cell(listed.collect(), name, "tox.ini's env_list");
}

/// Runs the cell `select` names through `tool` (keeping its environments where `state`
/// says, under the target directory), restricted to `pattern()`, and checks its summary.
fn run_one_cell(tool: &str, state: &str, select: &[&str]) {
    let _one = REAL_RUN.lock().unwrap_or_else(|e| e.into_inner());
    let pattern = pattern();
    let out = front_door(tool)
        .arg(state)
        .arg(work().join(tool))
        .args(select)
        .args(["--", "--pattern", &pattern])
        .output()
        .unwrap();
    assert_summary(&out, &pattern);
}

#[test]
fn one_nox_session_builds_and_tests_a_pattern() {
    let session = format!("cell(pyo3='{PYO3}', python='{PYTHON}')");
    run_one_cell("nox", "--envdir", &["-s", &session]);
}

#[test]
fn one_tox_env_builds_and_tests_a_pattern() {
    let env = format!("py{}-pyo3_{}", PYTHON.replace('.', ""), &PYO3[2..]);
    run_one_cell("tox", "--workdir", &["-e", &env]);
}

#[test]
fn prepare_writes_the_engines_members_on_the_committed_lockfile() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    let pattern = pattern();
    let out = succeed(
        crate::common::bin()
            .args(["prepare", "--pyo3", PYO3, "--python"])
            .arg(
                interpreters::find(
                    Flavor::parse(PYTHON).unwrap(),
                    &interpreters::discover(&Dirs::from_env()),
                )
                .expect("an interpreter")
                .path,
            )
            .arg("--dir")
            .arg(&ws)
            .args(["--pattern", &pattern]),
    );
    let cell: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cell["pyo3"], "0.23.5");
    assert_eq!(cell["python"]["flavor"], PYTHON);
    let entries = cell["patterns"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(entry["id"], pattern.as_str());
    assert_eq!(entry["blocked"], false);
    let manifest = PathBuf::from(entry["manifest"].as_str().unwrap());
    assert_eq!(manifest, ws.join("m").join(&pattern).join("Cargo.toml"));
    let member = std::fs::read_to_string(&manifest).unwrap();
    let source = repo().join("matrix/patterns").join(&pattern).join("lib.rs");
    let lib = format!("path = {:?}", source.display().to_string());
    assert!(member.lines().any(|l| l == lib), "{lib} not in:\n{member}");
    assert_eq!(
        PathBuf::from(entry["test"].as_str().unwrap()),
        repo()
            .join("matrix/patterns")
            .join(&pattern)
            .join(format!("test_{pattern}.py"))
    );
    assert_eq!(
        std::fs::read(ws.join("Cargo.lock")).unwrap(),
        std::fs::read(repo().join("crates/cells/pyo3-0.23.5/Cargo.lock")).unwrap()
    );
}

#[test]
fn prepare_marks_a_pattern_without_companion_blocked() {
    // A matrix whose 0.23.5 has no numpy companion, with one pattern that needs numpy.
    let dir = tempfile::tempdir().unwrap();
    let matrix_dir = dir.path().join("matrix");
    let text = std::fs::read_to_string(repo().join("matrix/matrix.toml")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let at = lines.iter().position(|l| l.trim() == r#"version = "0.23.5""#).unwrap();
    let at = at + lines[at..].iter().position(|l| l.starts_with("companions = ")).unwrap();
    let companions = &mut lines[at];
    let start = companions.find("numpy = ").expect("0.23.5 pairs a numpy release");
    let end = start + companions[start..].find(", ").unwrap() + 2;
    companions.replace_range(start..end, "");
    let text = lines.join("\n");
    let edited = MatrixDef::parse(&text).unwrap();
    let def = edited
        .releases
        .iter()
        .find(|r| r.version.to_string() == "0.23.5")
        .unwrap();
    assert!(!def.companions.contains_key("numpy"));
    for id in ["counter_class", "numpy_int64_extract"] {
        let from = repo().join("matrix/patterns").join(id);
        if !from.is_dir() {
            return; // the catalog changed under us; nothing to check against
        }
        let to = matrix_dir.join("patterns").join(id);
        std::fs::create_dir_all(&to).unwrap();
        for file in std::fs::read_dir(&from).unwrap() {
            let file = file.unwrap().path();
            if file.is_file() {
                std::fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
            }
        }
    }
    std::fs::write(matrix_dir.join("matrix.toml"), text).unwrap();
    let out = succeed(
        Command::new(env!("CARGO_BIN_EXE_pyo3-matrix"))
            .arg("--matrix")
            .arg(&matrix_dir)
            .args(["prepare", "--pyo3", PYO3, "--python", PYTHON, "--dir"])
            .arg(dir.path().join("ws")),
    );
    let cell: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let entries = cell["patterns"].as_array().unwrap();
    let entry = |id: &str| entries.iter().find(|p| p["id"] == id).unwrap();
    assert_eq!(entry("counter_class")["blocked"], false);
    assert_eq!(entry("numpy_int64_extract")["blocked"], true);
    assert_eq!(entry("numpy_int64_extract")["missing"], "numpy");
    assert!(entry("numpy_int64_extract")["manifest"].is_null());
    assert!(!dir.path().join("ws/m/numpy_int64_extract").exists());
}
