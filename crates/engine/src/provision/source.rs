//! Where a CPython source tarball comes from, in order: a file the user names; python.org;
//! on Debian, the `.orig` tarball of the recipe's source package, fetched with a private apt
//! configuration (own sources directory, lists and cache under `downloads/`), so the
//! system's apt sources and state are never modified. Whatever the source, its sha256 must
//! match upstream's.

use crate::process::Process;
use anyhow::{anyhow, bail, Context as _, Result};
use pyo3_matrix_model::{Flavor, PythonRecipe};
use sha2::{Digest, Sha256};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Debian's archive keyring, which signs the suites whose source packages we fetch.
const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// Used when this machine's apt sources name no Debian archive.
const DEFAULT_ARCHIVE: &str = "http://deb.debian.org/debian";

/// The verified upstream tarball, from the first source that has it.
pub(super) fn obtain_tarball(
    flavor: Flavor,
    recipe: &PythonRecipe,
    user: Option<&Path>,
    downloads: &Path,
    progress: &mut dyn FnMut(&str),
) -> Result<PathBuf> {
    if let Some(path) = user {
        // The user chose this file: a mismatch is their error to see, not a reason to
        // silently download something else.
        progress(&format!("verifying sha256 of {}…", path.display()));
        verify(path, &recipe.sha256)?;
        return Ok(path.to_path_buf());
    }
    let cached = downloads.join(format!("Python-{}.tar.xz", recipe.version));
    if cached.is_file() {
        progress(&format!("verifying sha256 of {}…", cached.display()));
        match verify(&cached, &recipe.sha256) {
            Ok(()) => return Ok(cached),
            Err(e) => {
                progress(&format!("discarding it: {e:#}"));
                std::fs::remove_file(&cached).with_context(|| format!("cannot remove {}", cached.display()))?;
            }
        }
    }
    let mut tried = Vec::new();
    progress(&format!(
        "downloading Python-{}.tar.xz from python.org…",
        recipe.version
    ));
    match from_python_org(recipe, &cached, progress) {
        Ok(()) => return Ok(cached),
        Err(e) => {
            progress(&format!("python.org: {e:#}"));
            tried.push(format!("python.org: {e:#}"));
        }
    }
    if recipe.debian_package.is_some() && Path::new("/etc/debian_version").is_file() {
        progress(&format!(
            "downloading the same tarball as Debian's source package {}={}…",
            recipe.debian_package.as_deref().unwrap_or_default(),
            recipe.debian_version.as_deref().unwrap_or_default()
        ));
        match from_debian(recipe, downloads, &cached, progress) {
            Ok(()) => return Ok(cached),
            Err(e) => tried.push(format!("Debian: {e:#}")),
        }
    }
    Err(anyhow!(
        "no source tarball for CPython {} ({}); download Python-{}.tar.xz elsewhere and pass it with `pyo3-matrix python install {flavor} --tarball FILE`",
        recipe.version,
        tried.join("; "),
        recipe.version
    ))
}

/// The sha256 of a file, as lowercase hex.
pub(super) fn sha256_of(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Fails, naming `path`, unless its sha256 is `expected`.
fn verify(path: &Path, expected: &str) -> Result<()> {
    let found = sha256_of(path)?;
    if !found.eq_ignore_ascii_case(expected.trim()) {
        bail!(
            "{}: sha256 {found} does not match the recipe's {} (not upstream's tarball, or damaged)",
            path.display(),
            expected.trim()
        );
    }
    Ok(())
}

/// python.org's URL of `Python-<version>.tar.xz`. A pre-release lives in the directory of
/// the release it precedes: `3.15.0/Python-3.15.0b1.tar.xz`.
pub(super) fn python_org_url(version: &str) -> String {
    let release = version
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .map_or(version, |end| &version[..end]);
    format!("https://www.python.org/ftp/python/{release}/Python-{version}.tar.xz")
}

/// Downloads python.org's tarball to `into` (verified). Fails within seconds when python.org
/// is unreachable, so the next source is tried promptly.
fn from_python_org(recipe: &PythonRecipe, into: &Path, progress: &mut dyn FnMut(&str)) -> Result<()> {
    let url = python_org_url(&recipe.version);
    let part = into.with_extension("xz.part");
    let out = Process::new("curl")
        .args(["-fsSL", "--max-time", "20", "--connect-timeout", "5", "-o"])
        .arg(&part)
        .arg(&url)
        .output()?;
    if !out.status.success() {
        let _ = std::fs::remove_file(&part);
        let why = String::from_utf8_lossy(&out.stderr);
        bail!("{url}: {}", why.trim());
    }
    progress("verifying sha256…");
    let checked = verify(&part, &recipe.sha256);
    if checked.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    checked?;
    std::fs::rename(&part, into).with_context(|| format!("cannot write {}", into.display()))?;
    Ok(())
}

/// The first Debian archive named in apt sources `texts` (deb822 `URIs:` or one-line
/// `deb`/`deb-src` entries): a machine set up with a mirror keeps using that mirror.
pub(super) fn debian_archive_in(texts: &[String]) -> Option<String> {
    let is_archive = |uri: &str| uri.trim_end_matches('/').ends_with("/debian");
    for text in texts {
        for line in text.lines().map(str::trim) {
            let uris: Vec<&str> = match line.strip_prefix("URIs:") {
                Some(rest) => rest.split_whitespace().collect(),
                None if line.starts_with("deb ") || line.starts_with("deb-src ") => {
                    line.split_whitespace().filter(|w| w.contains("://")).take(1).collect()
                }
                None => Vec::new(),
            };
            if let Some(uri) = uris.into_iter().find(|u| is_archive(u)) {
                return Some(uri.trim_end_matches('/').to_string());
            }
        }
    }
    None
}

/// The Debian archive this machine's apt uses (read only), else deb.debian.org.
pub(super) fn debian_archive() -> String {
    let mut texts = Vec::new();
    if let Ok(entries) = std::fs::read_dir("/etc/apt/sources.list.d") {
        let mut paths: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "sources" || x == "list"))
            .collect();
        paths.sort();
        texts.extend(paths.iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()));
    }
    texts.push(std::fs::read_to_string("/etc/apt/sources.list").unwrap_or_default());
    debian_archive_in(&texts).unwrap_or_else(|| DEFAULT_ARCHIVE.to_string())
}

/// Fetches the recipe's Debian source package with a private apt configuration and copies
/// its `.orig.tar.xz` (upstream's tarball, byte for byte) to `into`, verified.
fn from_debian(recipe: &PythonRecipe, downloads: &Path, into: &Path, progress: &mut dyn FnMut(&str)) -> Result<()> {
    let (Some(package), Some(version)) = (&recipe.debian_package, &recipe.debian_version) else {
        bail!("the recipe names no Debian source package and version");
    };
    let suite = recipe.debian_suite.as_deref().unwrap_or("stable");
    if !Path::new(KEYRING).is_file() {
        bail!("{KEYRING} is missing (install Debian's debian-archive-keyring package)");
    }
    // Everything apt reads or writes lives here: sources, lists and its package cache (so not
    // even /var/cache/apt is touched).
    let apt = downloads.join(format!("apt-{suite}"));
    let parts = apt.join("sources.list.d");
    for dir in [
        apt.join("lists/partial"),
        apt.join("cache/archives/partial"),
        parts.clone(),
    ] {
        crate::fs::create_dir_all(&dir)?;
    }
    std::fs::write(
        parts.join(format!("{suite}-src.sources")),
        format!(
            "Types: deb-src\nURIs: {}\nSuites: {suite}\nComponents: main\nSigned-By: {KEYRING}\n",
            debian_archive()
        ),
    )?;
    let apt_get = |args: &[&str], cwd: &Path| -> Result<()> {
        let out = Process::new("apt-get")
            .arg("-q")
            .args(["-o", "Dir::Etc::SourceList=/dev/null"])
            .arg("-o")
            .arg(format!("Dir::Etc::SourceParts={}", parts.display()))
            .arg("-o")
            .arg(format!("Dir::State::Lists={}", apt.join("lists").display()))
            .arg("-o")
            .arg(format!("Dir::Cache={}", apt.join("cache").display()))
            .args(args)
            .current_dir(cwd)
            .output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        // apt-get can exit 0 yet report failed fetches as "E:"/"W:" lines.
        if !out.status.success() || stderr.lines().any(|l| l.starts_with("E:")) {
            let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
            bail!(
                "apt-get {} failed: {}",
                args.join(" "),
                lines[lines.len().saturating_sub(3)..].join(" | ")
            );
        }
        Ok(())
    };
    progress(&format!("updating a private apt index of {suite}'s sources…"));
    apt_get(&["update"], &apt)?;
    // A fresh directory per attempt: a half-downloaded earlier attempt cannot be mistaken
    // for the real file.
    let fetched = tempfile::tempdir_in(&apt).context("cannot create a download directory")?;
    progress(&format!("downloading source package {package}={version}…"));
    apt_get(
        &["source", "--download-only", &format!("{package}={version}")],
        fetched.path(),
    )?;
    let orig = std::fs::read_dir(fetched.path())?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with(".orig.tar.xz"))
        .ok_or_else(|| anyhow!("the source package {package}={version} has no .orig.tar.xz"))?;
    progress("verifying sha256…");
    verify(&orig, &recipe.sha256)?;
    let part = into.with_extension("xz.part");
    std::fs::copy(&orig, &part).with_context(|| format!("cannot write {}", part.display()))?;
    std::fs::rename(&part, into).with_context(|| format!("cannot write {}", into.display()))?;
    Ok(())
}
