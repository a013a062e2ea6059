//! An installed binary: a copy of `pyo3-matrix` alone in a directory, run from directories
//! with no checkout around and no `--matrix`, must work on the catalog built into it,
//! unpacked once into the user cache. Nothing here builds a cell.

use crate::common::repo;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A copy of the test binary in a directory of its own, as `cargo install` leaves it.
struct Installed {
    _tmp: tempfile::TempDir,
    bin: PathBuf,
    cache: PathBuf,
}

impl Installed {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let bin = tmp.path().join("bin/pyo3-matrix");
        std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
        std::fs::copy(env!("CARGO_BIN_EXE_pyo3-matrix"), &bin).unwrap();
        let cache = tmp.path().join("xdg-cache");
        Installed { _tmp: tmp, bin, cache }
    }

    /// The binary run in `cwd` with `args`, its cache under `$XDG_CACHE_HOME`.
    fn command(&self, cwd: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.current_dir(cwd)
            .args(args)
            .env("XDG_CACHE_HOME", &self.cache)
            .env_remove("PYO3_MATRIX_CACHE");
        cmd
    }

    fn run(&self, cwd: &Path, args: &[&str]) -> Output {
        let out = self.command(cwd, args).output().expect("run the installed pyo3-matrix");
        assert!(
            out.status.success(),
            "pyo3-matrix {args:?} in {} failed: {}",
            cwd.display(),
            crate::common::stderr(&out)
        );
        out
    }

    /// The pattern ids `list --format json` prints in `cwd` (with `extra` arguments).
    fn listed(&self, cwd: &Path, extra: &[&str]) -> Vec<String> {
        let mut args = extra.to_vec();
        args.extend(["list", "--format", "json"]);
        let out = self.run(cwd, &args);
        let patterns: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
        patterns
            .as_array()
            .expect("an array of patterns")
            .iter()
            .map(|p| p["id"].as_str().expect("an id").to_string())
            .collect()
    }

    /// The directories under `<cache>/pyo3-matrix/catalog`.
    fn catalogs(&self) -> Vec<PathBuf> {
        let dir = self.cache.join("pyo3-matrix/catalog");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut out: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        out.sort();
        out
    }
}

/// The repository's pattern ids, one per directory of `matrix/patterns`.
fn repo_patterns() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(repo().join("matrix/patterns"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// Every path below `dir` with its bytes (directories with none), to see that nothing changed.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Option<Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(dir).unwrap().to_path_buf();
            if path.is_dir() {
                out.insert(relative, None);
                todo.push(path);
            } else {
                out.insert(relative, Some(std::fs::read(&path).unwrap()));
            }
        }
    }
    out
}

/// A directory that looks like someone's own project with a `matrix/` folder: a valid
/// `matrix.toml` and a single pattern, but no `crates/cells`, so it is no pyo3-matrix checkout.
fn unrelated_project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let pattern = repo_patterns().into_iter().next().unwrap();
    let to = tmp.path().join("matrix/patterns").join(&pattern);
    std::fs::create_dir_all(&to).unwrap();
    std::fs::copy(repo().join("matrix/matrix.toml"), tmp.path().join("matrix/matrix.toml")).unwrap();
    for file in std::fs::read_dir(repo().join("matrix/patterns").join(&pattern)).unwrap() {
        let file = file.unwrap().path();
        std::fs::copy(&file, to.join(file.file_name().unwrap())).unwrap();
    }
    std::fs::create_dir_all(tmp.path().join("src")).unwrap();
    tmp
}

#[test]
fn an_installed_binary_lists_the_embedded_catalog_from_any_directory() {
    let installed = Installed::new();
    let cwd = tempfile::tempdir().unwrap();
    let before = tree(cwd.path());

    let first = installed.run(cwd.path(), &["list", "--format", "json"]);
    let ids = installed.listed(cwd.path(), &[]);
    assert_eq!(ids, repo_patterns(), "the whole catalog, as in the repository");
    assert!(
        crate::common::stderr(&first).contains("unpacked the embedded catalog"),
        "the first run unpacks: {}",
        crate::common::stderr(&first)
    );

    // Unpacked under the cache pointed at, whole: matrix, anchors, the catalog's results.
    let catalogs = installed.catalogs();
    assert_eq!(
        catalogs.len(),
        1,
        "one catalog, no temporary directory left: {catalogs:?}"
    );
    let root = &catalogs[0];
    for file in ["matrix/matrix.toml", "matrix/migrate.toml", "docs/results.json"] {
        assert_eq!(
            std::fs::read(root.join(file)).unwrap(),
            std::fs::read(repo().join(file)).unwrap(),
            "{file} unpacked as embedded"
        );
    }
    for id in repo_patterns() {
        assert!(
            root.join("matrix/patterns").join(&id).join("pattern.toml").is_file(),
            "{id}"
        );
    }
    for anchor in std::fs::read_dir(repo().join("crates/cells")).unwrap() {
        let anchor = anchor.unwrap().file_name();
        for file in ["Cargo.toml", "Cargo.lock", "anchor.rs"] {
            let ours = root.join("crates/cells").join(&anchor).join(file);
            assert_eq!(
                std::fs::read(&ours).unwrap(),
                std::fs::read(repo().join("crates/cells").join(&anchor).join(file)).unwrap(),
                "{}",
                ours.display()
            );
        }
    }

    // The second run reuses that copy as it is (a file added to it stays) and unpacks nothing.
    std::fs::write(root.join("left-by-the-first-run"), "").unwrap();
    let second = installed.run(cwd.path(), &["list", "--format", "json"]);
    assert_eq!(second.stdout, first.stdout);
    assert!(
        !crate::common::stderr(&second).contains("unpacked"),
        "{}",
        crate::common::stderr(&second)
    );
    assert_eq!(installed.catalogs(), catalogs);
    assert!(root.join("left-by-the-first-run").is_file());

    // The catalog's results travel too: `plan` reads them, with no checkout around.
    let plan = installed.run(
        cwd.path(),
        &["plan", "--from", "0.22", "--to", "0.23", "--format", "json"],
    );
    let plan: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("JSON on stdout");
    assert!(!plan["steps"].as_array().expect("steps").is_empty(), "{plan:#}");

    assert_eq!(
        tree(cwd.path()),
        before,
        "nothing is written into the current directory"
    );
}

#[test]
fn an_unrelated_matrix_folder_is_not_taken_for_the_catalog() {
    let installed = Installed::new();
    let project = unrelated_project();
    let before = tree(project.path());
    let full = repo_patterns();
    assert_eq!(installed.listed(project.path(), &[]), full);
    assert_eq!(
        installed.listed(&project.path().join("src"), &[]),
        full,
        "nor from below it"
    );
    assert_eq!(
        tree(project.path()),
        before,
        "nothing is written into the current directory"
    );
}

#[test]
fn an_explicit_matrix_wins_over_the_embedded_catalog() {
    let installed = Installed::new();
    let project = unrelated_project();
    let cwd = tempfile::tempdir().unwrap();
    let before = tree(cwd.path());
    let matrix = project.path().join("matrix");
    let ids = installed.listed(cwd.path(), &["--matrix", matrix.to_str().unwrap()]);
    assert_eq!(ids, repo_patterns()[..1]);
    assert!(
        installed.catalogs().is_empty(),
        "the embedded catalog is not even unpacked"
    );
    assert_eq!(
        tree(cwd.path()),
        before,
        "nothing is written into the current directory"
    );
}

#[test]
fn inside_a_checkout_the_checkout_is_the_catalog() {
    let installed = Installed::new();
    assert_eq!(installed.listed(&repo().join("crates/cli/src"), &[]), repo_patterns());
    assert!(installed.catalogs().is_empty(), "the embedded catalog is not unpacked");
}

#[test]
fn processes_starting_at_once_share_one_unpacked_catalog() {
    let installed = Installed::new();
    let cwd = tempfile::tempdir().unwrap();
    let children: Vec<_> = (0..8)
        .map(|_| {
            installed
                .command(cwd.path(), &["list", "--format", "json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<Output> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    for out in &outputs {
        assert!(out.status.success(), "{}", crate::common::stderr(out));
        assert_eq!(out.stdout, outputs[0].stdout, "every process sees the whole catalog");
    }
    let catalogs = installed.catalogs();
    assert_eq!(
        catalogs.len(),
        1,
        "one catalog, no temporary directory left: {catalogs:?}"
    );
}
