//! Provisioning a missing CPython (e.g. free-threaded 3.13t) from its upstream source
//! tarball into the user cache.
//!
//! The tarball comes from, in order: a file the user names; python.org; on Debian, the
//! `.orig` tarball of the recipe's source package, fetched with a private apt configuration
//! that reuses the archive this machine is already set up with (the system's apt sources
//! are never modified). Whatever the source, its sha256 must match upstream's.

use crate::interpreters::{probe, Interpreter};
use crate::Dirs;
use anyhow::{anyhow, bail, Context as _, Result};
use pyo3_matrix_model::{Flavor, PythonRecipe};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Builds (or finds already built) the interpreter `flavor` described by `recipe`.
pub fn install(
    flavor: Flavor,
    recipe: &PythonRecipe,
    tarball: Option<&Path>,
    dirs: &Dirs,
    progress: &mut dyn FnMut(&str),
) -> Result<Interpreter> {
    let suffix = if flavor.free_threaded { "t" } else { "" };
    let prefix = dirs.pythons().join(format!("{}{suffix}", recipe.version));
    let exe = prefix
        .join("bin")
        .join(format!("python{}.{}{suffix}", flavor.major, flavor.minor));
    if let Ok(found) = probe(&exe) {
        if found.flavor == flavor {
            return Ok(found);
        }
    }
    let downloads = dirs.downloads();
    std::fs::create_dir_all(&downloads).with_context(|| format!("cannot create {}", downloads.display()))?;
    let source = obtain_tarball(recipe, tarball, &downloads, progress)?;
    build(recipe, &source, &prefix, &downloads, progress)?;
    let built = probe(&exe).with_context(|| format!("the build did not produce {}", exe.display()))?;
    if built.flavor != flavor {
        bail!("{} reports itself as {}, not {flavor}", exe.display(), built.flavor);
    }
    check_modules(&built)?;
    progress(&format!(
        "installed CPython {} ({flavor}) at {}",
        built.version,
        exe.display()
    ));
    Ok(built)
}

/// The verified upstream tarball, from the first source that has it.
fn obtain_tarball(
    recipe: &PythonRecipe,
    user: Option<&Path>,
    downloads: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf> {
    if let Some(path) = user {
        progress(&format!("verifying sha256 of {}", path.display()));
        verify(path, &recipe.sha256)?;
        return Ok(path.to_path_buf());
    }
    let cached = downloads.join(format!("Python-{}.tar.xz", recipe.version));
    if verify(&cached, &recipe.sha256).is_ok() {
        return Ok(cached);
    }
    let mut tried = Vec::new();
    progress(&format!("downloading Python-{}.tar.xz from python.org", recipe.version));
    match from_python_org(recipe, &cached) {
        Ok(()) => return Ok(cached),
        Err(e) => tried.push(format!("python.org: {e:#}")),
    }
    if recipe.debian_package.is_some() {
        progress("python.org unreachable; fetching the same tarball as a Debian source package");
        match from_debian(recipe, downloads, &cached) {
            Ok(()) => return Ok(cached),
            Err(e) => tried.push(format!("Debian: {e:#}")),
        }
    }
    Err(anyhow!(
        "no source tarball for CPython {} ({}); pass one with --tarball",
        recipe.version,
        tried.join("; ")
    ))
}

/// Fails unless `path`'s sha256 is `expected`.
fn verify(path: &Path, expected: &str) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let found: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    if found != expected {
        bail!(
            "{}: sha256 {found} does not match upstream's {expected}",
            path.display()
        );
    }
    Ok(())
}

fn from_python_org(recipe: &PythonRecipe, into: &Path) -> Result<()> {
    let v = &recipe.version;
    let url = format!("https://www.python.org/ftp/python/{v}/Python-{v}.tar.xz");
    let part = into.with_extension("part");
    let status = Command::new("curl")
        .args(["-fsSL", "--max-time", "20", "-o"])
        .arg(&part)
        .arg(&url)
        .status()
        .context("cannot run curl")?;
    if !status.success() {
        let _ = std::fs::remove_file(&part);
        bail!("download failed");
    }
    verify(&part, &recipe.sha256)?;
    std::fs::rename(&part, into)?;
    Ok(())
}

/// The Debian archive this machine's apt already uses (from its deb822 or one-line sources).
fn debian_archive() -> Result<String> {
    let mut texts = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/etc/apt/sources.list.d") {
        for e in entries
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "sources"))
        {
            texts.push(std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    texts.push(std::fs::read_to_string("/etc/apt/sources.list").unwrap_or_default());
    let is_archive = |uri: &str| uri.trim_end_matches('/').ends_with("/debian");
    for text in &texts {
        for line in text.lines().map(str::trim) {
            let uri = match line.strip_prefix("URIs:") {
                Some(rest) => rest.split_whitespace().next(),
                None if line.starts_with("deb ") || line.starts_with("deb-src ") => {
                    line.split_whitespace().find(|w| w.contains("://"))
                }
                None => None,
            };
            if let Some(uri) = uri.filter(|u| is_archive(u)) {
                return Ok(uri.to_string());
            }
        }
    }
    bail!("no Debian archive in /etc/apt sources")
}

fn from_debian(recipe: &PythonRecipe, downloads: &Path, into: &Path) -> Result<()> {
    let (Some(package), Some(version)) = (&recipe.debian_package, &recipe.debian_version) else {
        bail!("the recipe names no Debian source package");
    };
    let suite = recipe.debian_suite.as_deref().unwrap_or("stable");
    let keyring = "/usr/share/keyrings/debian-archive-keyring.gpg";
    if !Path::new(keyring).is_file() {
        bail!("{keyring} is missing (Debian's debian-archive-keyring package)");
    }
    let apt = downloads.join(format!("apt-{suite}"));
    let parts = apt.join("sources.list.d");
    std::fs::create_dir_all(apt.join("lists/partial"))?;
    std::fs::create_dir_all(&parts)?;
    std::fs::write(
        parts.join(format!("{suite}-src.sources")),
        format!(
            "Types: deb-src\nURIs: {}\nSuites: {suite}\nComponents: main\nSigned-By: {keyring}\n",
            debian_archive()?
        ),
    )?;
    let apt_get = |args: &[&str], cwd: &Path| -> Result<()> {
        let out = Command::new("apt-get")
            .arg("-q")
            .args(["-o", "Dir::Etc::SourceList=/dev/null"])
            .arg("-o")
            .arg(format!("Dir::Etc::SourceParts={}", parts.display()))
            .arg("-o")
            .arg(format!("Dir::State::Lists={}", apt.join("lists").display()))
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .output()
            .context("cannot run apt-get")?;
        if !out.status.success() {
            bail!(
                "apt-get {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        Ok(())
    };
    apt_get(&["update"], &apt)?;
    let fetched = apt.join("source");
    std::fs::create_dir_all(&fetched)?;
    apt_get(
        &["source", "--download-only", &format!("{package}={version}")],
        &fetched,
    )?;
    let orig = std::fs::read_dir(&fetched)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".orig.tar.xz"))
        .ok_or_else(|| anyhow!("the source package has no .orig.tar.xz"))?;
    verify(&orig, &recipe.sha256)?;
    std::fs::copy(&orig, into)?;
    Ok(())
}

/// configure, make, make install into `prefix`, logging to a file.
fn build(
    recipe: &PythonRecipe,
    tarball: &Path,
    prefix: &Path,
    downloads: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<()> {
    let work = tempfile::tempdir_in(downloads).context("cannot create a build directory")?;
    let log_path = downloads.join(format!("build-{}.log", recipe.version));
    let log = std::fs::File::create(&log_path)?;
    let step = |what: &str, cmd: &mut Command| -> Result<()> {
        let status = cmd
            .stdout(log.try_clone()?)
            .stderr(log.try_clone()?)
            .status()
            .with_context(|| format!("cannot {what}"))?;
        if !status.success() {
            let text = std::fs::read_to_string(&log_path).unwrap_or_default();
            let tail: Vec<&str> = text
                .lines()
                .rev()
                .take(15)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            bail!("{what} failed (log: {}):\n{}", log_path.display(), tail.join("\n"));
        }
        Ok(())
    };
    progress("extracting the source tarball");
    step(
        "extract",
        Command::new("tar").arg("-xf").arg(tarball).arg("-C").arg(work.path()),
    )?;
    let src = work.path().join(format!("Python-{}", recipe.version));
    if prefix.exists() {
        std::fs::remove_dir_all(prefix)?;
    }
    progress("configuring");
    step(
        "configure",
        Command::new("./configure")
            .arg("--enable-shared")
            .arg(format!("--prefix={}", prefix.display()))
            .arg(format!("LDFLAGS=-Wl,-rpath,{}/lib", prefix.display()))
            .args(&recipe.configure)
            .current_dir(&src),
    )?;
    let jobs = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
    progress(&format!("compiling with {jobs} jobs (about 3 minutes on 2 cores)"));
    step("make", Command::new("make").arg(format!("-j{jobs}")).current_dir(&src))?;
    progress("installing");
    step("make install", Command::new("make").arg("install").current_dir(&src))
}

/// pip needs ssl and zlib to install the test packages.
fn check_modules(interp: &Interpreter) -> Result<()> {
    let out = Command::new(&interp.path)
        .args(["-c", "import ssl, zlib, ctypes"])
        .output()?;
    if !out.status.success() {
        bail!(
            "{} lacks a module pip needs ({}); install Debian's libssl-dev, zlib1g-dev and libffi-dev and retry",
            interp.path.display(),
            String::from_utf8_lossy(&out.stderr).lines().last().unwrap_or("").trim()
        );
    }
    Ok(())
}
