//! Helpers shared by the integration tests: run the real binary, read its JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The built `pyo3-matrix` binary.
pub fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyo3-matrix"));
    cmd.arg("--matrix").arg(repo().join("matrix"));
    cmd
}

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// A file under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Runs `pyo3-matrix check --format json` and returns its cells.
pub fn check(snippet: &str, test: Option<&str>, extra: &[&str]) -> Vec<serde_json::Value> {
    check_with_env(snippet, test, extra, &[])
}

/// `check` with extra environment variables for that one process.
pub fn check_with_env(
    snippet: &str,
    test: Option<&str>,
    extra: &[&str],
    env: &[(&str, &str)],
) -> Vec<serde_json::Value> {
    let mut cmd = bin();
    // --no-cache: every test observes real builds and real pytest runs, never a stored verdict.
    cmd.arg("check")
        .arg(fixture(snippet))
        .args(["--format", "json", "--no-cache"])
        .args(extra);
    if let Some(t) = test {
        cmd.arg("--test").arg(fixture(t));
    }
    let out = cmd.envs(env.iter().copied()).output().expect("run pyo3-matrix");
    assert!(
        out.status.success(),
        "check failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    answer["cells"].as_array().expect("cells array").clone()
}

/// The cell for (pyo3, python) in `cells`.
pub fn cell<'a>(cells: &'a [serde_json::Value], pyo3: &str, python: &str) -> &'a serde_json::Value {
    cells
        .iter()
        .find(|c| c["pyo3"] == pyo3 && c["python"] == python)
        .unwrap_or_else(|| panic!("no cell {pyo3} {python} in {cells:#?}"))
}

/// stderr as text, trimmed.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).trim().to_string()
}

/// A throwaway copy of the matrix whose patterns are the `mini_patterns` fixtures, each
/// marked with `nonce` so that no cached verdict applies to them. The anchors are the
/// repository's own (a symlink), so no lockfile is regenerated.
pub fn mini_matrix(nonce: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let patterns = tmp.path().join("matrix/patterns");
    std::fs::create_dir_all(&patterns).unwrap();
    std::fs::copy(repo().join("matrix/matrix.toml"), tmp.path().join("matrix/matrix.toml")).unwrap();
    std::fs::create_dir_all(tmp.path().join("crates")).unwrap();
    std::os::unix::fs::symlink(repo().join("crates/cells"), tmp.path().join("crates/cells")).unwrap();
    for entry in std::fs::read_dir(fixture("mini_patterns")).unwrap() {
        let from = entry.unwrap().path();
        let to = patterns.join(from.file_name().unwrap());
        std::fs::create_dir_all(&to).unwrap();
        for file in std::fs::read_dir(&from).unwrap() {
            let file = file.unwrap().path();
            let mut text = std::fs::read_to_string(&file).unwrap();
            if file.extension().is_some_and(|e| e == "rs") {
                text.push_str(&format!("// nonce {nonce}\n"));
            }
            std::fs::write(to.join(file.file_name().unwrap()), text).unwrap();
        }
    }
    tmp
}

/// `pyo3-matrix --matrix <mini>/matrix ARGS…` as a command.
pub fn mini(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pyo3-matrix"));
    cmd.arg("--matrix").arg(dir.join("matrix")).args(args);
    cmd
}

/// A nonce unique to this test run.
pub fn nonce(label: &str) -> String {
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{label}-{}-{t}", std::process::id())
}

/// The results file at `path`, as JSON.
pub fn results(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// zizmor's release the hardening is checked with.
pub const ZIZMOR: &str = "zizmor==1.32.0";

/// Asserts that zizmor, offline, finds nothing in `path` (a workflow file or a folder of
/// them) with its default persona and with the pedantic one that also asks for names and
/// style; `what` names the workflows in the failure.
pub fn zizmor_finds_nothing(path: &Path, what: &str) {
    let zizmor = zizmor();
    for persona in ["regular", "pedantic"] {
        let out = Command::new(&zizmor)
            .args(["--offline", "--persona", persona])
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "zizmor --offline --persona {persona} on {what}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// zizmor, installed once (see [`python_tool`]).
fn zizmor() -> PathBuf {
    python_tool(ZIZMOR, "zizmor")
}

/// The executable `program` of the PyPI package `requirement` (pinned, `name==version`), installed once
/// into a virtual environment under the target directory; the tests of every process take
/// turns through a lock file while it is installed.
pub fn python_tool(requirement: &str, program: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(requirement.replace("==", "-"));
    let exe = dir.join("bin").join(program);
    let lock = std::fs::File::create(dir.with_extension("lock")).unwrap();
    let _held = Flock::exclusive(&lock);
    if !exe.is_file() {
        let _ = std::fs::remove_dir_all(&dir);
        let run = |cmd: &mut Command| {
            let out = cmd.output().unwrap();
            assert!(
                out.status.success(),
                "{cmd:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        run(Command::new("python3").args(["-m", "venv"]).arg(&dir));
        run(Command::new(dir.join("bin/pip")).args(["install", "--quiet", requirement]));
    }
    exe
}

/// An exclusive `flock` on a file, released when dropped.
struct Flock<'a>(&'a std::fs::File);

impl<'a> Flock<'a> {
    fn exclusive(file: &'a std::fs::File) -> Self {
        use std::os::fd::AsRawFd;
        // SAFETY: a valid open descriptor; flock only blocks until the lock is ours.
        assert_eq!(unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) }, 0);
        Flock(file)
    }
}

impl Drop for Flock<'_> {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as above.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}
