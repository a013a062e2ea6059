//! Interpreters: found on PATH, in pyenv, in the cache or at explicit paths, and described
//! by asking each one — never by its file name (a `python3` may well be free-threaded, a
//! `python3.13t` could be anything, and a `pypy3` says nothing of the Python it implements).

use crate::process::{Finished, Process};
use crate::Dirs;
use anyhow::{anyhow, bail, Context as _, Result};
use pyo3_matrix_model::{Flavor, Implementation};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A CPython or PyPy interpreter as it describes itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    /// Implementation, Python version and whether the build is free-threaded
    /// (`Py_GIL_DISABLED`).
    pub flavor: Flavor,
    /// The executable, absolute (as the interpreter reports it in `sys.executable`).
    pub path: PathBuf,
    /// Full version of the Python it implements, e.g. `3.13.5` (PyPy's own release is
    /// not it).
    pub version: PythonVersion,
    /// `sysconfig.get_config_var("EXT_SUFFIX")`: how an extension module must be named.
    pub ext_suffix: String,
}

/// A Python version as an interpreter reports it (`sys.version_info[:3]`): compared as
/// numbers (`3.13.10` is newer than `3.13.9`), shown as `3.13.10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion(pub u32, pub u32, pub u32);

impl std::fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(&format!("{}.{}.{}", self.0, self.1, self.2))
    }
}

/// What the probe script prints: one JSON object. Kept compatible with Python 3.6+ so that
/// old interpreters on PATH are described (and then simply not chosen) rather than failing.
const PROBE: &str = "import json, sys, sysconfig; print(json.dumps({\
'impl': sys.implementation.name, 'version': list(sys.version_info[:3]), \
'gil_disabled': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), \
'ext_suffix': sysconfig.get_config_var('EXT_SUFFIX'), 'executable': sys.executable}))";

/// A healthy interpreter answers in well under a second; this only guards against one that
/// hangs (a wrapper waiting on something), so that discovery cannot stall.
const PROBE_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(serde::Deserialize)]
struct Probe {
    #[serde(rename = "impl")]
    implementation: String,
    version: Vec<u32>,
    gil_disabled: bool,
    ext_suffix: Option<String>,
    executable: Option<String>,
}

/// Asks the interpreter at `path` what it is. The error names `path` and says why it is not
/// a working CPython or PyPy.
pub fn probe(path: &Path) -> Result<Interpreter> {
    // -I: ignore PYTHONPATH/PYTHONHOME and user site-packages, which could break or disguise it.
    let Finished { status, stdout, stderr } = Process::new(path)
        .args(["-I", "-c", PROBE])
        .output_within(PROBE_TIMEOUT)
        .with_context(|| format!("{} is not a working Python: cannot run it", path.display()))?;
    if !status.success() {
        let why = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        bail!("{} is not a working Python: {}", path.display(), why.trim());
    }
    let p: Probe = serde_json::from_str(stdout.trim()).map_err(|_| {
        anyhow!(
            "{} is not a working Python: it did not answer the probe",
            path.display()
        )
    })?;
    let implementation = Implementation::of_name(&p.implementation).filter(|_| p.version.len() == 3);
    let Some(implementation) = implementation else {
        bail!(
            "{} is {} {:?}, neither CPython nor PyPy",
            path.display(),
            p.implementation,
            p.version
        );
    };
    let ext_suffix = p
        .ext_suffix
        .ok_or_else(|| anyhow!("{} has no sysconfig EXT_SUFFIX", path.display()))?;
    // sys.executable is absolute even when `path` was relative; fall back to `path` when an
    // embedding wrapper leaves it empty.
    let path = match p.executable.map(PathBuf::from) {
        Some(exe) if exe.is_absolute() && exe.is_file() => exe,
        _ => std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()),
    };
    Ok(Interpreter {
        flavor: Flavor {
            implementation,
            major: p.version[0],
            minor: p.version[1],
            free_threaded: p.gil_disabled,
        },
        path,
        version: PythonVersion(p.version[0], p.version[1], p.version[2]),
        ext_suffix,
    })
}

/// Whether `name` is `python3`, `python3.N`, `python3.Nt`, `pypy3` or `pypy3.N` (not
/// `-config`, `-gdb.py`, …).
fn is_interpreter_name(name: &str, allow_bare: bool) -> bool {
    let Some(rest) = name.strip_prefix("python3").or_else(|| name.strip_prefix("pypy3")) else {
        return false;
    };
    if rest.is_empty() {
        return allow_bare;
    }
    let rest = rest.strip_suffix('t').unwrap_or(rest);
    rest.strip_prefix('.')
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Interpreter executables in `dir`, the most specific name first (`python3.13t`, then
/// `python3.13`, then `python3`), so that when several names are the same file the kept one
/// says what it is — and matches what [`crate::provision::install`] returns.
fn candidates_in(dir: &Path, allow_bare: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| is_interpreter_name(&e.file_name().to_string_lossy(), allow_bare))
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    found.sort_by(|a, b| {
        let len = |p: &PathBuf| p.as_os_str().len();
        len(b).cmp(&len(a)).then_with(|| a.cmp(b))
    });
    out.extend(found);
}

/// The pyenv root: `$PYENV_ROOT`, else what `pyenv root` prints, else `~/.pyenv`.
fn pyenv_root() -> Option<PathBuf> {
    if let Some(root) = std::env::var_os("PYENV_ROOT").filter(|r| !r.is_empty()) {
        return Some(PathBuf::from(root));
    }
    let asked = Process::new("pyenv")
        .arg("root")
        .read("ask pyenv its root")
        .ok()
        .map(|root| PathBuf::from(root.trim()))
        .filter(|p| p.is_dir());
    asked.or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")))
}

/// The identity of a file: two names (symlinks or hard links) of one executable are one
/// interpreter. Falls back to the canonical path where metadata is unavailable.
fn identity(path: &Path) -> (u64, u64, PathBuf) {
    use std::os::unix::fs::MetadataExt as _;
    let canonical = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match std::fs::metadata(&canonical) {
        Ok(m) => (m.dev(), m.ino(), PathBuf::new()),
        Err(_) => (0, 0, canonical),
    }
}

/// The variable that names interpreters to use before any other: a list like `PATH`'s.
/// An interpreter listed there is the only one of its flavor that discovery reports.
pub const PYTHONS_VARIABLE: &str = "PYO3_MATRIX_PYTHONS";

/// Where discovery looks for interpreters.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Interpreters named by [`PYTHONS_VARIABLE`]: each one is the one of its flavor.
    pub chosen: Vec<PathBuf>,
    /// Prefixes of provisioned interpreters, each with a `bin/` (`dirs.pythons()`).
    pub provisioned: PathBuf,
    /// pyenv's root, whose `versions/*/bin` hold its builds.
    pub pyenv: Option<PathBuf>,
    /// The directories of `PATH`.
    pub path: Vec<PathBuf>,
}

impl Search {
    /// The search this process's environment asks for: [`PYTHONS_VARIABLE`], the cache's
    /// provisioned interpreters, pyenv, then `PATH`.
    pub fn from_env(dirs: &Dirs) -> Search {
        let list = |name: &str| -> Vec<PathBuf> {
            std::env::var_os(name)
                .map(|v| {
                    std::env::split_paths(&v)
                        .filter(|p| !p.as_os_str().is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        Search {
            chosen: list(PYTHONS_VARIABLE),
            provisioned: dirs.pythons(),
            pyenv: pyenv_root(),
            path: list("PATH"),
        }
    }
}

/// Every working CPython and PyPy found by the search this process's environment asks for
/// ([`Search::from_env`]).
pub fn discover(dirs: &Dirs) -> Vec<Interpreter> {
    discover_in(&Search::from_env(dirs))
}

/// Every working CPython and PyPy `search` finds, in this order: provisioned ones, pyenv's
/// versions, then PATH; for a flavor that an interpreter in `search.chosen` has, that one
/// alone. pyenv's shims are skipped (they fail when the version is not selected and only
/// lead to the versions we list anyway); broken candidates are skipped silently.
pub fn discover_in(search: &Search) -> Vec<Interpreter> {
    let mut candidates = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&search.provisioned) {
        let mut prefixes: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        prefixes.sort();
        for prefix in prefixes {
            candidates_in(&prefix.join("bin"), true, &mut candidates);
        }
    }
    if let Some(root) = &search.pyenv {
        if let Ok(entries) = std::fs::read_dir(root.join("versions")) {
            let mut versions: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
            versions.sort();
            for version in versions {
                candidates_in(&version.join("bin"), false, &mut candidates);
            }
        }
    }
    for dir in search.path.iter().filter(|d| !d.ends_with("shims")) {
        candidates_in(dir, true, &mut candidates);
    }
    let chosen = probe_all(&search.chosen);
    let mut seen: std::collections::HashSet<_> = search.chosen.iter().map(|c| identity(c)).collect();
    candidates.retain(|c| seen.insert(identity(c)));
    let others = probe_all(&candidates)
        .into_iter()
        .filter(|i| !chosen.iter().any(|c| c.flavor == i.flavor));
    chosen.iter().cloned().chain(others).collect()
}

/// The working interpreters among `candidates`, in order. Probing starts a process per
/// candidate (~20 ms each): they all run at once.
fn probe_all(candidates: &[PathBuf]) -> Vec<Interpreter> {
    let probed: Vec<Option<Interpreter>> = std::thread::scope(|scope| {
        let handles: Vec<_> = candidates.iter().map(|c| scope.spawn(move || probe(c).ok())).collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    probed.into_iter().flatten().collect()
}

/// A real interpreter of the flavor `label` for the tests, found as the tool finds one
/// (PATH, pyenv, the cache, [`PYTHONS_VARIABLE`]); the tests need the default flavors.
#[cfg(test)]
pub(crate) fn for_tests(label: &str) -> Interpreter {
    static FOUND: std::sync::OnceLock<Vec<Interpreter>> = std::sync::OnceLock::new();
    let found = FOUND.get_or_init(|| discover(&Dirs::from_env()));
    find(Flavor::parse(label).unwrap(), found).unwrap_or_else(|| {
        panic!("the tests need a CPython {label}: none on PATH, in pyenv or the cache; name one in {PYTHONS_VARIABLE}")
    })
}

/// The interpreter of `flavor` with the highest version; among equals, the first found
/// (provisioned before pyenv before PATH, as [`discover`] lists them).
pub fn find(flavor: Flavor, found: &[Interpreter]) -> Option<Interpreter> {
    let mut best: Option<&Interpreter> = None;
    for i in found.iter().filter(|i| i.flavor == flavor) {
        if best.is_none_or(|b| i.version > b.version) {
            best = Some(i);
        }
    }
    best.cloned()
}

/// A `--python` item: a flavor label or a path to an interpreter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PythonArg {
    /// e.g. `3.13t`: any interpreter of that flavor, found or provisioned.
    Flavor(Flavor),
    /// e.g. `/opt/python/bin/python3`: exactly this interpreter.
    Path(PathBuf),
}

/// Reads a `--python` item: a path if it contains `/`, else a flavor label. The error is one
/// line naming the input.
pub fn parse_python_arg(text: &str) -> Result<PythonArg> {
    let text = text.trim();
    if text.contains('/') {
        return Ok(PythonArg::Path(PathBuf::from(text)));
    }
    Flavor::parse(text).map(PythonArg::Flavor).map_err(|_| {
        anyhow!(
            "invalid --python '{text}': expected a flavor such as 3.12, 3.13, 3.13t or pypy3.9, \
             or a path to an interpreter (containing '/', e.g. ./{text})"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flavor(label: &str) -> Flavor {
        Flavor::parse(label).unwrap()
    }

    #[test]
    fn interpreters_are_described_by_asking_them() {
        let cache = tempfile::tempdir().unwrap();
        let found = discover(&Dirs::at(cache.path()));
        for label in ["3.12", "3.13"] {
            let i = find(flavor(label), &found).unwrap_or_else(|| panic!("a {label} is found: {found:?}"));
            assert!(i.version.to_string().starts_with(&format!("{label}.")), "{i:?}");
            assert!(i.path.is_absolute(), "{i:?}");
            let tag = label.replace('.', "");
            assert!(i.ext_suffix.contains(&format!("cpython-{tag}-")), "{i:?}");
            assert_eq!(probe(&i.path).unwrap(), i);
        }
        // Never twice the same executable, whatever names (links) it has.
        let mut ids: Vec<_> = found.iter().map(|i| identity(&i.path)).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), found.len(), "{found:?}");
    }

    /// `dir/name` made a link to `target`.
    fn link(dir: &Path, name: &str, target: &Path) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        let path = dir.join(name);
        std::os::unix::fs::symlink(target, &path).unwrap();
        path
    }

    #[test]
    fn a_runners_tool_cache_on_path_is_enough() {
        // Laid out as actions/setup-python leaves a GitHub runner: each version under the
        // tool cache, its bin on PATH; no pyenv, no provisioned interpreter.
        let real = [for_tests("3.12"), for_tests("3.13")];
        let runner = tempfile::tempdir().unwrap();
        let mut path = Vec::new();
        for i in &real {
            let bin = runner
                .path()
                .join(format!("hostedtoolcache/Python/{}/x64/bin", i.version));
            link(&bin, &format!("python{}", i.flavor), &i.path);
            link(&bin, "python3", &i.path);
            path.push(bin);
        }
        let search = Search {
            chosen: Vec::new(),
            provisioned: runner.path().join("cache/pythons"),
            pyenv: None,
            path,
        };
        let found = discover_in(&search);
        assert_eq!(found.len(), real.len(), "{found:?}");
        for i in &real {
            let got = find(i.flavor, &found).unwrap();
            assert_eq!(got.version, i.version);
            assert_eq!(
                got.path.file_name().unwrap().to_str().unwrap(),
                format!("python{}", i.flavor)
            );
        }
        // An interpreter named in PYO3_MATRIX_PYTHONS is the one of its flavor.
        let elsewhere = link(&runner.path().join("mine"), "python", &real[0].path);
        let found = discover_in(&Search {
            chosen: vec![elsewhere],
            ..search
        });
        let chosen: Vec<_> = found.iter().filter(|i| i.flavor == real[0].flavor).collect();
        assert_eq!(chosen.len(), 1, "{found:?}");
        assert_eq!(chosen[0].flavor, real[0].flavor);
        assert!(find(real[1].flavor, &found).is_some(), "other flavors are still found");
    }

    #[test]
    fn the_flavor_comes_from_the_interpreter_not_its_name() {
        // A free-threaded-looking name on a GIL interpreter is still a GIL interpreter; a
        // relative path is reported absolute.
        let real = for_tests("3.12");
        let dir = tempfile::tempdir().unwrap();
        let liar = link(dir.path(), "python3.13t", &real.path);
        let i = probe(&liar).unwrap();
        assert_eq!(i.flavor, flavor("3.12"));
        assert_eq!(i.version, real.version);
        assert!(i.path.is_absolute());
        // A provisioned interpreter is found under `pythons/*/bin`, even when named like that.
        let cache = tempfile::tempdir().unwrap();
        let bin = cache.path().join(format!("pythons/{}/bin", real.version));
        link(&bin, "python3.12", &liar);
        let found = discover_in(&Search {
            provisioned: cache.path().join("pythons"),
            ..Search::default()
        });
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].flavor, flavor("3.12"));
        assert_eq!(found[0].version, real.version);
    }

    #[test]
    fn broken_candidates_are_clear_errors() {
        let err = probe(Path::new("/no/such/python")).unwrap_err().to_string();
        assert!(
            err.contains("/no/such/python") && err.contains("not a working Python"),
            "{err}"
        );
        let err = probe(Path::new("/bin/false")).unwrap_err().to_string();
        assert!(err.contains("/bin/false"), "{err}");
        let err = probe(Path::new("/bin/echo")).unwrap_err().to_string();
        assert!(err.contains("/bin/echo") && err.contains("did not answer"), "{err}");
    }

    #[test]
    fn candidate_names() {
        for good in ["python3.12", "python3.13t", "python3.9", "pypy3.9"] {
            assert!(is_interpreter_name(good, false), "{good}");
        }
        assert!(is_interpreter_name("python3", true) && is_interpreter_name("pypy3", true));
        assert!(!is_interpreter_name("python3", false));
        for bad in [
            "python3.13-config",
            "python3.13-gdb.py",
            "python3.",
            "python3t",
            "python2.7",
            "python",
        ] {
            assert!(!is_interpreter_name(bad, true), "{bad}");
        }
    }

    #[test]
    fn find_prefers_the_newest_release_of_the_flavor() {
        let at = |version: &str, free_threaded: bool| Interpreter {
            flavor: Flavor::cpython(3, 13, free_threaded),
            path: PathBuf::from(format!("/p/{version}")),
            version: {
                let n: Vec<u32> = version.split('.').map(|p| p.parse().unwrap()).collect();
                PythonVersion(n[0], n[1], n[2])
            },
            ext_suffix: String::new(),
        };
        let found = [
            at("3.13.9", false),
            at("3.13.10", false),
            at("3.13.5", true),
            at("3.13.10", false),
        ];
        assert_eq!(find(flavor("3.13"), &found).unwrap(), found[1]);
        assert_eq!(find(flavor("3.13t"), &found).unwrap(), found[2]);
        assert!(find(flavor("3.12"), &found).is_none());
    }

    #[test]
    fn python_arguments_are_labels_or_paths() {
        assert_eq!(parse_python_arg("3.13t").unwrap(), PythonArg::Flavor(flavor("3.13t")));
        assert_eq!(parse_python_arg(" 3.12 ").unwrap(), PythonArg::Flavor(flavor("3.12")));
        assert_eq!(
            parse_python_arg("/x/python3").unwrap(),
            PythonArg::Path("/x/python3".into())
        );
        assert_eq!(
            parse_python_arg("./python3").unwrap(),
            PythonArg::Path("./python3".into())
        );
        for bad in ["py3", "python3.13", "3.13.5", ""] {
            let err = parse_python_arg(bad).unwrap_err().to_string();
            assert!(err.contains(&format!("'{bad}'")) && !err.contains('\n'), "{err}");
        }
    }
}
