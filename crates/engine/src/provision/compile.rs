//! A CPython built from its source tarball: extracted, configured, compiled and checked in
//! a temporary directory, installed with `DESTDIR` into a staging directory next to the
//! prefix and renamed into place, so a failed or interrupted build never leaves a
//! half-installed interpreter where discovery looks.

use super::executable_of;
use crate::process::Process;
use crate::Dirs;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::{Flavor, PythonRecipe};
use std::path::Path;

/// Modules pip needs to install the test packages from PyPI (ssl, zlib) or that the tests
/// commonly use (ctypes), with the Debian package whose headers the build needs for each.
const NEEDED_MODULES: [(&str, &str); 3] = [("ssl", "libssl-dev"), ("zlib", "zlib1g-dev"), ("ctypes", "libffi-dev")];

/// Extracts, configures, compiles and installs `tarball` so that `prefix` ends up holding
/// the interpreter — only if every step succeeded.
pub(super) fn build(
    flavor: Flavor,
    recipe: &PythonRecipe,
    tarball: &Path,
    prefix: &Path,
    dirs: &Dirs,
    progress: &mut dyn FnMut(&str),
) -> Result<()> {
    let downloads = dirs.downloads();
    let pythons = dirs.pythons();
    crate::fs::create_dir_all(&pythons)?;
    let name = prefix.file_name().and_then(|n| n.to_str()).unwrap_or("python");
    let log_path = downloads.join(format!("build-{name}.log"));
    std::fs::write(
        &log_path,
        format!(
            "building CPython {} ({flavor}) into {}\n",
            recipe.version,
            prefix.display()
        ),
    )
    .with_context(|| format!("cannot write {}", log_path.display()))?;
    progress(&format!("build log: {}", log_path.display()));

    // Dropped (deleted) on every exit: the source tree is ~500 MB once built.
    let work = tempfile::Builder::new()
        .prefix("build-")
        .tempdir_in(&downloads)
        .context("cannot create a build directory")?;
    progress("extracting…");
    Process::new("tar")
        .arg("-xf")
        .arg(tarball)
        .arg("-C")
        .arg(work.path())
        .run_logged("extracting the tarball", &log_path)?;
    let src = work.path().join(format!("Python-{}", recipe.version));
    if !src.join("configure").is_file() {
        bail!(
            "{} does not hold Python-{}/configure",
            tarball.display(),
            recipe.version
        );
    }
    progress("configuring…");
    Process::new("./configure")
        .arg("--enable-shared")
        .arg(format!("--prefix={}", prefix.display()))
        // The rpath makes the installed interpreter find its own libpython without
        // LD_LIBRARY_PATH.
        .arg(format!("LDFLAGS=-Wl,-rpath,{}/lib", prefix.display()))
        .args(&recipe.configure)
        .current_dir(&src)
        .run_logged("configure", &log_path)?;
    let jobs = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    progress(&format!("compiling with {jobs} jobs (about 3 minutes on 2 cores)…"));
    Process::new("make")
        .arg(format!("-j{jobs}"))
        .current_dir(&src)
        .run_logged("make", &log_path)?;
    // A build without ssl/zlib "succeeds" (the modules are merely skipped) but then cannot
    // pip-install anything: catch it before installing, while the build tree's python runs.
    check_modules(&src.join("python"), &[("LD_LIBRARY_PATH", &src)])
        .with_context(|| format!("the build is incomplete (log: {})", log_path.display()))?;

    progress("installing…");
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}-staging-"))
        .tempdir_in(&pythons)
        .context("cannot create a staging directory")?;
    Process::new("make")
        .arg("install")
        .arg(format!("DESTDIR={}", staging.path().display()))
        .current_dir(&src)
        .run_logged("make install", &log_path)?;
    let staged = staging.path().join(prefix.strip_prefix("/").unwrap_or(prefix));
    if !executable_of(flavor, &staged).is_file() {
        bail!(
            "make install did not produce bin/{} (log: {})",
            executable_of(flavor, Path::new("")).display(),
            log_path.display()
        );
    }
    // Whatever was at the prefix did not work (install() checked): move it aside, then put
    // the new tree in place with one rename.
    if prefix.exists() {
        let old = staging.path().join("previous");
        std::fs::rename(prefix, &old).with_context(|| format!("cannot move the old {} aside", prefix.display()))?;
    }
    std::fs::rename(&staged, prefix).with_context(|| format!("cannot move the build into {}", prefix.display()))?;
    Ok(())
}

/// Fails, naming the Debian `-dev` packages to install, unless the interpreter at `python`
/// can import the modules pip needs.
pub(super) fn check_modules(python: &Path, env: &[(&str, &Path)]) -> Result<()> {
    check_these(python, env, &NEEDED_MODULES)
}

/// [`check_modules`] for a given list of (module, Debian package).
pub(super) fn check_these(python: &Path, env: &[(&str, &Path)], needed: &[(&str, &str)]) -> Result<()> {
    let script = needed
        .iter()
        .map(|(m, _)| format!("try:\n import {m}\nexcept Exception:\n print('{m}')\n"))
        .collect::<String>();
    let out = Process::new(python)
        .args(["-I", "-c", &script])
        .envs(env.iter().copied())
        .output()?;
    if !out.status.success() {
        bail!(
            "{} does not run: {}",
            python.display(),
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("").trim()
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let missing: Vec<&str> = stdout.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let packages: Vec<&str> = needed
        .iter()
        .filter(|(m, _)| missing.contains(m))
        .map(|(_, p)| *p)
        .collect();
    bail!(
        "{} cannot import {}; install Debian's {} (apt-get install {}) and provision again",
        python.display(),
        missing.join(", "),
        packages.join(", "),
        packages.join(" ")
    )
}
