//! Provisioning a missing CPython (e.g. free-threaded 3.13t) from its upstream source
//! tarball into the user cache, `pythons/<version>[t]`.
//!
//! The tarball comes from, in order: a file the user names; python.org; on Debian, the
//! `.orig` tarball of the recipe's source package, fetched with a private apt configuration
//! (own sources directory, lists and cache under `downloads/`), so the system's apt sources
//! and state are never modified. Whatever the source, its sha256 must match upstream's.
//!
//! The build happens in a temporary directory and is installed with `DESTDIR` into a staging
//! directory next to the prefix, then renamed into place: a failed or interrupted build never
//! leaves a half-installed interpreter where [`discover`](crate::interpreters::discover) looks.

use crate::interpreters::{probe, Interpreter};
use crate::lock::DirLock;
use crate::process::Process;
use crate::Dirs;
use anyhow::{anyhow, bail, Context as _, Result};
use pyo3_matrix_model::{Flavor, PythonRecipe};
use sha2::{Digest, Sha256};
use std::io::Read as _;
use std::path::{Path, PathBuf};

/// Debian's archive keyring, which signs the suites whose source packages we fetch.
const KEYRING: &str = "/usr/share/keyrings/debian-archive-keyring.gpg";

/// Used when this machine's apt sources name no Debian archive.
const DEFAULT_ARCHIVE: &str = "http://deb.debian.org/debian";

/// Modules pip needs to install the test packages from PyPI (ssl, zlib) or that the tests
/// commonly use (ctypes), with the Debian package whose headers the build needs for each.
const NEEDED_MODULES: [(&str, &str); 3] = [("ssl", "libssl-dev"), ("zlib", "zlib1g-dev"), ("ctypes", "libffi-dev")];

/// Builds (or finds already built) the interpreter `flavor` described by `recipe` under
/// `dirs.pythons()/<version>[t]`, and returns it as it describes itself.
///
/// `tarball` is a `Python-<version>.tar.xz` the user already has; without it the tarball is
/// downloaded (python.org, then Debian's source package). `progress` receives one line per
/// step. Errors say what to do: which file mismatched, which log to read, which Debian
/// `-dev` package is missing.
pub fn install(
    flavor: Flavor,
    recipe: &PythonRecipe,
    tarball: Option<&Path>,
    dirs: &Dirs,
    progress: &mut dyn FnMut(&str),
) -> Result<Interpreter> {
    if recipe.minor() != Some((flavor.major, flavor.minor)) {
        bail!("the recipe builds CPython {}, which is not a {flavor}", recipe.version);
    }
    let prefix = prefix_of(flavor, recipe, dirs);
    let exe = executable_of(flavor, &prefix);
    if let Some(found) = usable(&exe, flavor) {
        progress(&format!(
            "CPython {} ({flavor}) is already installed at {}",
            found.version,
            exe.display()
        ));
        return Ok(found);
    }
    let downloads = dirs.downloads();
    // One provisioning at a time per cache: they share the tarball, the apt state and the
    // prefix. Whoever waited re-checks, since the other may have just built it.
    let _lock = DirLock::acquire(&downloads)?;
    if let Some(found) = usable(&exe, flavor) {
        progress(&format!(
            "CPython {} ({flavor}) is already installed at {}",
            found.version,
            exe.display()
        ));
        return Ok(found);
    }
    let source = obtain_tarball(flavor, recipe, tarball, &downloads, progress)?;
    build(flavor, recipe, &source, &prefix, dirs, progress)?;
    let built = probe(&exe).with_context(|| format!("the build did not produce a working {}", exe.display()))?;
    if built.flavor != flavor {
        bail!("{} reports itself as {}, not {flavor}", exe.display(), built.flavor);
    }
    check_modules(&built.path, &[])?;
    progress(&format!(
        "installed CPython {} ({flavor}) at {}",
        built.version,
        exe.display()
    ));
    Ok(built)
}

/// `pythons/3.13.5t` for 3.13t built from 3.13.5.
fn prefix_of(flavor: Flavor, recipe: &PythonRecipe, dirs: &Dirs) -> PathBuf {
    let t = if flavor.free_threaded { "t" } else { "" };
    dirs.pythons().join(format!("{}{t}", recipe.version))
}

/// `P/bin/python3.13t`: `make install` names the executable after the ABI, `t` included.
fn executable_of(flavor: Flavor, prefix: &Path) -> PathBuf {
    let t = if flavor.free_threaded { "t" } else { "" };
    prefix
        .join("bin")
        .join(format!("python{}.{}{t}", flavor.major, flavor.minor))
}

/// The interpreter at `exe` if it runs, is `flavor` and has the modules pip needs.
fn usable(exe: &Path, flavor: Flavor) -> Option<Interpreter> {
    let found = probe(exe).ok()?;
    (found.flavor == flavor && check_modules(&found.path, &[]).is_ok()).then_some(found)
}

/// The verified upstream tarball, from the first source that has it.
fn obtain_tarball(
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
fn sha256_of(path: &Path) -> Result<String> {
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
fn python_org_url(version: &str) -> String {
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
fn debian_archive_in(texts: &[String]) -> Option<String> {
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
fn debian_archive() -> String {
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

/// Extracts, configures, compiles and installs `tarball` so that `prefix` ends up holding
/// the interpreter — only if every step succeeded.
fn build(
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
fn check_modules(python: &Path, env: &[(&str, &Path)]) -> Result<()> {
    check_these(python, env, &NEEDED_MODULES)
}

/// [`check_modules`] for a given list of (module, Debian package).
fn check_these(python: &Path, env: &[(&str, &Path)], needed: &[(&str, &str)]) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use std::time::Instant;

    /// The recipe the project ships for 3.13t.
    fn recipe_313t() -> PythonRecipe {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../matrix/matrix.toml");
        pyo3_matrix_model::MatrixDef::load(&path).unwrap().python_recipe
            [&pyo3_matrix_model::Flavor::parse("3.13t").unwrap()]
            .clone()
    }

    #[test]
    fn a_tarball_must_match_the_recipe_checksum() {
        let dir = tempfile::tempdir().unwrap();
        let recipe = recipe_313t();
        let fake = dir.path().join(format!("Python-{}.tar.xz", recipe.version));
        std::fs::write(&fake, b"not a tarball").unwrap();
        // printf 'not a tarball' | sha256sum
        assert_eq!(
            sha256_of(&fake).unwrap(),
            "f6cef031194d159250e65fd2d428bafce307d46124a9d7cc1d38a1b0af47e462"
        );
        let dirs = Dirs::at(dir.path().join("cache"));
        let mut lines = Vec::new();
        let err = install(Flavor::parse("3.13t").unwrap(), &recipe, Some(&fake), &dirs, &mut |l| {
            lines.push(l.to_string())
        })
        .unwrap_err()
        .to_string();
        assert!(
            err.contains(&fake.display().to_string()) && err.contains("sha256"),
            "{err}"
        );
        assert!(lines.iter().any(|l| l.starts_with("verifying sha256")), "{lines:?}");
        // Nothing was installed.
        assert!(!dirs.pythons().join(format!("{}t", recipe.version)).exists());
    }

    #[test]
    fn a_failed_build_names_its_log_and_installs_nothing() {
        // A source tree whose configure fails, packed like upstream's tarball.
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("Python-3.99.0");
        std::fs::create_dir_all(&src).unwrap();
        let configure = src.join("configure");
        std::fs::write(
            &configure,
            "#!/bin/sh\necho \"checking for a C compiler... no\"\nexit 1\n",
        )
        .unwrap();
        std::fs::set_permissions(&configure, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
        let tarball = dir.path().join("Python-3.99.0.tar.xz");
        let packed = Command::new("tar")
            .arg("-cJf")
            .arg(&tarball)
            .arg("-C")
            .arg(dir.path())
            .arg("Python-3.99.0")
            .status()
            .unwrap();
        assert!(packed.success());
        let recipe = PythonRecipe {
            version: "3.99.0".into(),
            sha256: sha256_of(&tarball).unwrap(),
            configure: vec!["--disable-gil".into()],
            debian_suite: None,
            debian_package: None,
            debian_version: None,
        };
        let dirs = Dirs::at(dir.path().join("cache"));
        let mut lines = Vec::new();
        let err = install(
            Flavor::parse("3.99t").unwrap(),
            &recipe,
            Some(&tarball),
            &dirs,
            &mut |l| lines.push(l.to_string()),
        )
        .unwrap_err()
        .to_string();
        let log = dirs.downloads().join("build-3.99.0t.log");
        assert!(
            err.contains("configure failed") && err.contains(&log.display().to_string()),
            "{err}"
        );
        assert!(err.contains("checking for a C compiler... no"), "{err}");
        let logged = std::fs::read_to_string(&log).unwrap();
        assert!(
            logged.contains("--disable-gil") && logged.contains("--enable-shared"),
            "{logged}"
        );
        assert!(lines.iter().any(|l| l == "configuring…"), "{lines:?}");
        // No prefix, no staging, no build tree left behind.
        assert!(!dirs.pythons().join("3.99.0t").exists());
        let left: Vec<_> = std::fs::read_dir(dirs.downloads())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .filter(|n| n.starts_with("build-") && !n.ends_with(".log"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn an_installed_interpreter_is_reused_without_building() {
        // A "provisioned" 3.12 that is a real one found on this machine: install() must take
        // it as is, without fetching or building anything.
        let real = crate::interpreters::for_tests("3.12");
        let cache = tempfile::tempdir().unwrap();
        let dirs = Dirs::at(cache.path());
        let bin = dirs.pythons().join(format!("{}/bin", real.version));
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(&real.path, bin.join("python3.12")).unwrap();
        let recipe = PythonRecipe {
            version: real.version.to_string(),
            sha256: "0".repeat(64),
            configure: vec![],
            debian_suite: None,
            debian_package: None,
            debian_version: None,
        };
        let mut lines = Vec::new();
        let got = install(Flavor::parse("3.12").unwrap(), &recipe, None, &dirs, &mut |l| {
            lines.push(l.to_string())
        })
        .unwrap();
        assert_eq!(got.version, real.version);
        assert_eq!(got.path, bin.join("python3.12"));
        assert!(
            lines.len() == 1 && lines[0].contains("is already installed"),
            "{lines:?}"
        );
        assert!(!dirs.downloads().exists(), "nothing fetched");
        // A recipe for another minor is refused before anything else.
        let err = install(Flavor::parse("3.13t").unwrap(), &recipe, None, &dirs, &mut |_| {}).unwrap_err();
        assert!(err.to_string().contains("not a 3.13t"), "{err}");
    }

    #[test]
    fn missing_modules_name_the_debian_package() {
        let real = crate::interpreters::for_tests("3.12");
        let python = real.path.as_path();
        check_modules(python, &[]).unwrap();
        let needed = [
            ("ssl", "libssl-dev"),
            ("_no_such_module", "libnothing-dev"),
            ("zlib", "zlib1g-dev"),
        ];
        let err = check_these(python, &[], &needed).unwrap_err().to_string();
        assert!(err.contains("cannot import _no_such_module;"), "{err}");
        assert!(
            err.contains("apt-get install libnothing-dev") && !err.contains("libssl-dev"),
            "{err}"
        );
        assert!(err.contains(&python.display().to_string()), "{err}");
    }

    #[test]
    fn the_debian_archive_comes_from_the_machine_sources() {
        let deb822 = "Types: deb\n# comment\nURIs: http://mirror.example/debian/\nSuites: bookworm\n".to_string();
        let one_line = "deb [signed-by=/k.gpg] http://other.example/debian bookworm main\n".to_string();
        let unrelated = "Types: deb\nURIs: https://deb.nodesource.com/node_20.x\n".to_string();
        assert_eq!(
            debian_archive_in(&[unrelated.clone(), deb822]).as_deref(),
            Some("http://mirror.example/debian")
        );
        assert_eq!(
            debian_archive_in(&[one_line]).as_deref(),
            Some("http://other.example/debian")
        );
        assert_eq!(debian_archive_in(&[unrelated]), None);
        assert!(debian_archive().ends_with("/debian"));
    }

    #[test]
    fn paths_follow_the_flavor() {
        let dirs = Dirs::at("/c");
        let ft = Flavor::parse("3.13t").unwrap();
        let recipe = recipe_313t();
        let prefix = prefix_of(ft, &recipe, &dirs);
        assert_eq!(prefix, Path::new("/c/pythons").join(format!("{}t", recipe.version)));
        assert_eq!(executable_of(ft, &prefix), prefix.join("bin/python3.13t"));
        let minor = |version: &str| {
            PythonRecipe {
                version: version.into(),
                ..recipe_313t()
            }
            .minor()
        };
        assert_eq!(minor("3.13.99"), Some((3, 13)));
        assert_eq!(minor("x"), None);
    }

    #[test]
    fn newest_and_pre_release_recipes_get_their_paths_and_urls() {
        let dirs = Dirs::at("/c");
        let recipe = |version: &str| PythonRecipe {
            version: version.into(),
            sha256: "0".repeat(64),
            configure: vec![],
            debian_suite: None,
            debian_package: None,
            debian_version: None,
        };
        // Free-threaded 3.14 built from 3.14.4, beside the default build of the same tarball.
        let ft = Flavor::parse("3.14t").unwrap();
        let prefix = prefix_of(ft, &recipe("3.14.4"), &dirs);
        assert_eq!(prefix, Path::new("/c/pythons/3.14.4t"));
        assert_eq!(executable_of(ft, &prefix), prefix.join("bin/python3.14t"));
        let gil = Flavor::parse("3.14").unwrap();
        assert_eq!(prefix_of(gil, &recipe("3.14.4"), &dirs), Path::new("/c/pythons/3.14.4"));
        // A pre-release is a version of its minor, named in full in its prefix.
        assert_eq!(recipe("3.15.0b1").minor(), Some((3, 15)));
        assert_eq!(recipe("3.14.5rc1").minor(), Some((3, 14)));
        let pre = Flavor::parse("3.15").unwrap();
        let prefix = prefix_of(pre, &recipe("3.15.0b1"), &dirs);
        assert_eq!(prefix, Path::new("/c/pythons/3.15.0b1"));
        assert_eq!(executable_of(pre, &prefix), prefix.join("bin/python3.15"));
        // python.org keeps a pre-release under the directory of its final release.
        assert_eq!(
            python_org_url("3.15.0b1"),
            "https://www.python.org/ftp/python/3.15.0/Python-3.15.0b1.tar.xz"
        );
        assert_eq!(
            python_org_url("3.14.5rc1"),
            "https://www.python.org/ftp/python/3.14.5/Python-3.14.5rc1.tar.xz"
        );
        assert_eq!(
            python_org_url("3.14.4"),
            "https://www.python.org/ftp/python/3.14.4/Python-3.14.4.tar.xz"
        );
    }

    /// The real thing: provisions free-threaded 3.13 into the cache (`$PYO3_MATRIX_CACHE` or
    /// ~/.cache/pyo3-matrix) from the recipe in matrix.toml, then gives it a test environment
    /// with pytest and numpy. About 2.5 minutes of build on 2 cores when not yet there.
    /// Run with `cargo test -p pyo3-matrix-engine -- --ignored provision --nocapture`.
    #[test]
    #[ignore = "builds CPython (minutes) and downloads from Debian and PyPI"]
    fn provision_free_threaded_end_to_end() {
        let dirs = Dirs::from_env();
        let flavor = Flavor::parse("3.13t").unwrap();
        let start = Instant::now();
        let mut log = |line: &str| eprintln!("[{:>6.1}s] {line}", start.elapsed().as_secs_f64());
        let interp = install(flavor, &recipe_313t(), None, &dirs, &mut log).unwrap();
        assert_eq!(interp.flavor, flavor);
        let version = recipe_313t().version;
        assert_eq!(interp.version.to_string(), version);
        assert_eq!(interp.path, dirs.pythons().join(format!("{version}t/bin/python3.13t")));
        assert!(interp.ext_suffix.contains("cpython-313t-"), "{}", interp.ext_suffix);
        let out = Command::new(&interp.path)
            .args(["-c", "import sys, ssl, zlib; print(sys._is_gil_enabled())"])
            .output()
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "False");
        // Found again by discovery, under the same name.
        let found = crate::interpreters::discover(&dirs);
        assert_eq!(crate::interpreters::find(flavor, &found), Some(interp.clone()));

        let python = crate::venv::test_python(&interp, &dirs, &["pytest", "numpy"], &mut log).unwrap();
        let out = Command::new(&python)
            .args([
                "-c",
                "import sys, numpy, pytest; print(sys._is_gil_enabled(), numpy.__version__, pytest.__version__)",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with("False "),
            "{text} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        log(&format!("test environment {}: {}", python.display(), text.trim()));
    }
}
