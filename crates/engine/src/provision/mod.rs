//! Provisioning a missing CPython (e.g. free-threaded 3.13t) from its upstream source
//! tarball into the user cache, `pythons/<version>[t]`.
//!
//! [`source`] finds the tarball and checks its sha256, [`compile`] builds and installs it;
//! this module decides whether a usable interpreter is already there and puts the two
//! together under the prefix's lock.

mod compile;
mod source;

use compile::{build, check_modules};
use source::obtain_tarball;

use crate::interpreters::{probe, Interpreter};
use crate::lock::DirLock;
use crate::Dirs;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::{Flavor, PythonRecipe};
use std::path::{Path, PathBuf};

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
    if let Some(found) = already_installed(&exe, flavor, progress) {
        return Ok(found);
    }
    let downloads = dirs.downloads();
    // One provisioning at a time per cache: they share the tarball, the apt state and the
    // prefix. Whoever waited re-checks, since the other may have just built it.
    let _lock = DirLock::acquire(&downloads)?;
    if let Some(found) = already_installed(&exe, flavor, progress) {
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

/// The usable interpreter at `exe`, said to the user, if there is one.
fn already_installed(exe: &Path, flavor: Flavor, progress: &mut dyn FnMut(&str)) -> Option<Interpreter> {
    let found = usable(exe, flavor)?;
    progress(&format!(
        "CPython {} ({flavor}) is already installed at {}",
        found.version,
        exe.display()
    ));
    Some(found)
}

/// The interpreter at `exe` if it runs, is `flavor` and has the modules pip needs.
fn usable(exe: &Path, flavor: Flavor) -> Option<Interpreter> {
    let found = probe(exe).ok()?;
    (found.flavor == flavor && check_modules(&found.path, &[]).is_ok()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::compile::check_these;
    use super::source::{debian_archive, debian_archive_in, python_org_url, sha256_of};
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
