//! A user's own PyO3 crate, rebuilt against another release without touching their files.
//!
//! The crate is copied to a scratch directory; in the copy, the `pyo3` requirement is pinned
//! to the release and each companion crate the matrix pairs with PyO3 (numpy,
//! pyo3-async-runtimes, …) is moved to the release of the same minor. The old lockfile is
//! dropped because it pins the old PyO3; path dependencies are made absolute.

use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::{MatrixDef, Release};
use std::path::{Path, PathBuf};

/// A user crate that can be scanned: a standalone package building a `cdylib`.
#[derive(Debug, Clone)]
pub struct UserCrate {
    /// The crate's directory (holding `Cargo.toml`).
    pub dir: PathBuf,
    /// The library's name: the Python import name of the built module.
    pub lib_name: String,
    /// The crate's pytest suite, if it has one (`tests/` with `test_*.py` files).
    pub tests: Option<PathBuf>,
}

impl UserCrate {
    /// Reads `dir/Cargo.toml`; refuses what cannot be rebuilt in isolation.
    pub fn open(dir: &Path) -> Result<Self> {
        let dir = dir
            .canonicalize()
            .with_context(|| format!("crate {} does not exist", dir.display()))?;
        let manifest_path = dir.join("Cargo.toml");
        let text =
            std::fs::read_to_string(&manifest_path).with_context(|| format!("{} has no Cargo.toml", dir.display()))?;
        let manifest: toml::Table =
            toml::from_str(&text).with_context(|| format!("malformed {}", manifest_path.display()))?;
        let package = manifest.get("package").and_then(|p| p.as_table()).with_context(|| {
            format!(
                "{}: no [package] (a workspace root cannot be scanned; pass a member crate)",
                manifest_path.display()
            )
        })?;
        if text.contains("workspace = true") {
            bail!(
                "{}: inherits from a workspace; scan the workspace member's own crate is not supported yet",
                manifest_path.display()
            );
        }
        if dependency(&manifest, "pyo3").is_none() {
            bail!("{}: does not depend on pyo3", manifest_path.display());
        }
        let package_name = package.get("name").and_then(|n| n.as_str()).unwrap_or("ext");
        let lib_name = manifest
            .get("lib")
            .and_then(|l| l.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or(package_name)
            .replace('-', "_");
        let tests_dir = dir.join("tests");
        let has_py_tests = std::fs::read_dir(&tests_dir).map(|entries| {
            entries.flatten().any(|e| {
                e.file_name().to_string_lossy().starts_with("test_") && e.path().extension().is_some_and(|x| x == "py")
            })
        });
        let tests = has_py_tests.unwrap_or(false).then_some(tests_dir);
        Ok(UserCrate { dir, lib_name, tests })
    }

    /// Writes the copy for `release` into `into` (replacing what was there).
    pub fn copy_for(&self, matrix: &MatrixDef, release: &Release, into: &Path) -> Result<()> {
        if into.exists() {
            std::fs::remove_dir_all(into).with_context(|| format!("cannot clear {}", into.display()))?;
        }
        copy_tree(&self.dir, into)?;
        let _ = std::fs::remove_file(into.join("Cargo.lock"));
        let manifest_path = into.join("Cargo.toml");
        let mut manifest: toml::Table = toml::from_str(&std::fs::read_to_string(&manifest_path)?)?;
        let companions = matrix
            .release_def(release)
            .map(|d| d.companions.clone())
            .unwrap_or_default();
        for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
            let Some(deps) = manifest.get_mut(section).and_then(|d| d.as_table_mut()) else {
                continue;
            };
            for (name, spec) in deps.iter_mut() {
                if name == "pyo3" {
                    set_version(spec, &format!("={release}"));
                } else if let Some(paired) = companions.get(name) {
                    *spec = merge_companion(spec, paired);
                }
                absolutize_path(spec, &self.dir);
            }
        }
        // The copy is its own workspace even if the original sat inside another one.
        manifest.entry("workspace").or_insert_with(|| toml::Table::new().into());
        std::fs::write(&manifest_path, toml::to_string(&manifest)?)?;
        Ok(())
    }
}

fn dependency<'a>(manifest: &'a toml::Table, name: &str) -> Option<&'a toml::Value> {
    manifest.get("dependencies").and_then(|d| d.get(name))
}

/// Sets the version requirement of a dependency spec, keeping its other keys.
fn set_version(spec: &mut toml::Value, version: &str) {
    match spec {
        toml::Value::Table(t) => {
            t.insert("version".into(), version.into());
        }
        other => *other = version.into(),
    }
}

/// The user's spec for a companion with the release's paired version (and package rename).
fn merge_companion(user: &toml::Value, paired: &toml::Value) -> toml::Value {
    let mut out = match user {
        toml::Value::Table(t) => t.clone(),
        _ => toml::Table::new(),
    };
    match paired {
        toml::Value::Table(p) => {
            for key in ["version", "package"] {
                if let Some(v) = p.get(key) {
                    out.insert(key.into(), v.clone());
                }
            }
        }
        version => {
            out.insert("version".into(), version.clone());
        }
    }
    out.into()
}

fn absolutize_path(spec: &mut toml::Value, base: &Path) {
    if let Some(path) = spec.get_mut("path") {
        if let Some(p) = path.as_str() {
            *path = base.join(p).display().to_string().into();
        }
    }
}

/// Copies a source tree, leaving out build output and version control.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
        let entry = entry?;
        let name = entry.file_name();
        if matches!(name.to_str(), Some("target" | ".git" | ".venv" | "__pycache__")) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).with_context(|| format!("cannot copy {}", src.display()))?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_pins_pyo3_and_pairs_companions_without_touching_the_original() {
        let user = tempfile::tempdir().unwrap();
        let original = "[package]\nname = \"my-ext\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
            [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\n\
            pyo3 = { version = \"0.20\", features = [\"extension-module\"] }\nnumpy = \"0.20\"\n\
            helper = { path = \"../helper\" }\n";
        std::fs::write(user.path().join("Cargo.toml"), original).unwrap();
        std::fs::write(user.path().join("Cargo.lock"), "# old lock").unwrap();
        let krate = UserCrate::open(user.path()).unwrap();
        assert_eq!(krate.lib_name, "my_ext");

        let matrix = MatrixDef::parse(
            "python = [\"3.12\"]\n[[release]]\nversion = \"0.23.5\"\ncompanions = { numpy = \"0.23\" }\n",
        )
        .unwrap();
        let copy = tempfile::tempdir().unwrap();
        let into = copy.path().join("c");
        krate
            .copy_for(&matrix, &Release::parse("0.23.5").unwrap(), &into)
            .unwrap();
        let rewritten: toml::Table =
            toml::from_str(&std::fs::read_to_string(into.join("Cargo.toml")).unwrap()).unwrap();
        let deps = &rewritten["dependencies"];
        assert_eq!(deps["pyo3"]["version"].as_str(), Some("=0.23.5"));
        assert_eq!(deps["pyo3"]["features"][0].as_str(), Some("extension-module"));
        assert_eq!(deps["numpy"]["version"].as_str(), Some("0.23"));
        assert!(deps["helper"]["path"].as_str().unwrap().starts_with('/'));
        assert!(!into.join("Cargo.lock").exists());
        assert_eq!(
            std::fs::read_to_string(user.path().join("Cargo.toml")).unwrap(),
            original
        );
    }
}
