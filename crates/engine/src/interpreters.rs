//! Interpreters: found on PATH, in pyenv, in the cache or at explicit paths, and described
//! by asking each one — never by its file name.

use crate::Dirs;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::Flavor;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A CPython interpreter as it describes itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    /// Minor version and whether the build is free-threaded (`Py_GIL_DISABLED`).
    pub flavor: Flavor,
    /// The executable.
    pub path: PathBuf,
    /// Full version, e.g. `3.13.5`.
    pub version: String,
    /// `sysconfig.get_config_var("EXT_SUFFIX")`: how an extension module must be named.
    pub ext_suffix: String,
}

/// What the probe script prints.
const PROBE: &str = "import json, sys, sysconfig; print(json.dumps({\
'impl': sys.implementation.name, 'version': list(sys.version_info[:3]), \
'gil_disabled': bool(sysconfig.get_config_var('Py_GIL_DISABLED')), \
'ext_suffix': sysconfig.get_config_var('EXT_SUFFIX')}))";

#[derive(serde::Deserialize)]
struct Probe {
    #[serde(rename = "impl")]
    implementation: String,
    version: Vec<u32>,
    gil_disabled: bool,
    ext_suffix: String,
}

/// Asks the interpreter at `path` what it is.
pub fn probe(path: &Path) -> Result<Interpreter> {
    let out = Command::new(path)
        .args(["-I", "-c", PROBE])
        .output()
        .with_context(|| format!("cannot run interpreter {}", path.display()))?;
    if !out.status.success() {
        bail!(
            "{} is not a working Python: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let p: Probe = serde_json::from_slice(&out.stdout)
        .with_context(|| format!("{} did not describe itself as a Python would", path.display()))?;
    if p.implementation != "cpython" || p.version.len() != 3 {
        bail!(
            "{} is {} {:?}, not CPython",
            path.display(),
            p.implementation,
            p.version
        );
    }
    Ok(Interpreter {
        flavor: Flavor {
            major: p.version[0],
            minor: p.version[1],
            free_threaded: p.gil_disabled,
        },
        path: path.to_path_buf(),
        version: format!("{}.{}.{}", p.version[0], p.version[1], p.version[2]),
        ext_suffix: p.ext_suffix,
    })
}

/// Executables worth probing: `python3`, `python3.N` and `python3.Nt` in `dir`.
fn candidates_in(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(rest) = name.strip_prefix("python3") else {
            continue;
        };
        let rest = rest.strip_suffix('t').unwrap_or(rest);
        if rest.is_empty() || (rest.starts_with('.') && rest[1..].chars().all(|c| c.is_ascii_digit())) {
            out.push(entry.path());
        }
    }
}

/// The pyenv root: `$PYENV_ROOT`, else `~/.pyenv`.
fn pyenv_root() -> Option<PathBuf> {
    std::env::var_os("PYENV_ROOT")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".pyenv")))
}

/// Every interpreter found: provisioned ones first, then pyenv's versions, then PATH
/// (pyenv's shims are skipped: they may fail when the version is not selected).
pub fn discover(dirs: &Dirs) -> Vec<Interpreter> {
    let mut candidates = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dirs.pythons()) {
        for entry in entries.flatten() {
            candidates_in(&entry.path().join("bin"), &mut candidates);
        }
    }
    if let Some(root) = pyenv_root() {
        if let Ok(entries) = std::fs::read_dir(root.join("versions")) {
            for entry in entries.flatten() {
                candidates_in(&entry.path().join("bin"), &mut candidates);
            }
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path).filter(|d| !d.ends_with("shims")) {
            candidates_in(&dir, &mut candidates);
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    candidates.retain(|c| seen.insert(c.canonicalize().unwrap_or_else(|_| c.clone())));
    // Probing starts a process per candidate: do it in parallel.
    let probed: Vec<Option<Interpreter>> = std::thread::scope(|scope| {
        let handles: Vec<_> = candidates.iter().map(|c| scope.spawn(move || probe(c).ok())).collect();
        handles.into_iter().map(|h| h.join().ok().flatten()).collect()
    });
    probed.into_iter().flatten().collect()
}

/// The interpreter of `flavor` with the highest patch version.
pub fn find(flavor: Flavor, found: &[Interpreter]) -> Option<Interpreter> {
    let patch = |i: &Interpreter| {
        i.version
            .rsplit('.')
            .next()
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    found
        .iter()
        .filter(|i| i.flavor == flavor)
        .max_by_key(|i| patch(i))
        .cloned()
}

/// A `--python` item: a flavor label or a path to an interpreter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PythonArg {
    /// e.g. `3.13t`.
    Flavor(Flavor),
    /// e.g. `/opt/python/bin/python3`.
    Path(PathBuf),
}

/// Reads a `--python` item.
pub fn parse_python_arg(text: &str) -> Result<PythonArg> {
    if text.contains('/') {
        return Ok(PythonArg::Path(PathBuf::from(text)));
    }
    Ok(PythonArg::Flavor(Flavor::parse(text)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpreters_are_described_by_asking_them() {
        let found = discover(&Dirs::at(tempfile::tempdir().unwrap().path()));
        let py312 = find(Flavor::parse("3.12").unwrap(), &found).expect("pyenv's 3.12 is found");
        assert!(py312.version.starts_with("3.12."));
        assert!(py312.ext_suffix.contains("312"), "{}", py312.ext_suffix);
        assert_eq!(probe(&py312.path).unwrap(), py312);
    }

    #[test]
    fn python_arguments_are_labels_or_paths() {
        assert_eq!(
            parse_python_arg("3.13t").unwrap(),
            PythonArg::Flavor(Flavor::parse("3.13t").unwrap())
        );
        assert_eq!(
            parse_python_arg("/x/python3").unwrap(),
            PythonArg::Path("/x/python3".into())
        );
        assert!(parse_python_arg("py3").is_err());
        assert!(probe(Path::new("/no/such/python"))
            .unwrap_err()
            .to_string()
            .contains("/no/such/python"));
    }
}
