//! The matrix definition, `matrix/matrix.toml`: releases, companions, flavors, recipes.

use crate::{Flavor, ModelError, Point, Release};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// A companion crate paired with a release: a plain version requirement or a full
/// Cargo dependency table (`{ package = "pyo3-asyncio", version = "0.20", features = [...] }`).
pub type CompanionSpec = toml::Value;

/// One PyO3 release of the default axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseDef {
    /// The exact release, e.g. `0.23.5`.
    pub version: Release,
    /// Companion crates by the name patterns use; absent means "no release for this PyO3".
    #[serde(default)]
    pub companions: BTreeMap<String, CompanionSpec>,
    /// The date PyO3's changelog heading gives this release (`## [0.23.5] - 2025-02-22`).
    #[serde(default)]
    pub released: Option<String>,
    /// The date it gives the first release of this minor (`0.23.0`, 2024-11-15): what a
    /// "0.23 (early 2025)" refers to.
    #[serde(default)]
    pub first_released: Option<String>,
}

/// How to provision a missing interpreter flavor from an upstream source tarball.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PythonRecipe {
    /// The CPython release to build, e.g. `3.13.5`.
    pub version: String,
    /// sha256 of upstream's `Python-<version>.tar.xz`.
    pub sha256: String,
    /// Extra `./configure` flags, e.g. `--disable-gil`.
    #[serde(default)]
    pub configure: Vec<String>,
    /// Debian suite whose source package carries the same upstream tarball.
    #[serde(default)]
    pub debian_suite: Option<String>,
    /// Debian source package name, e.g. `python3.13`.
    #[serde(default)]
    pub debian_package: Option<String>,
    /// Debian source package version, e.g. `3.13.5-2+deb13u5`.
    #[serde(default)]
    pub debian_version: Option<String>,
}

impl PythonRecipe {
    /// The `(major, minor)` it builds: `(3, 13)` for `3.13.5`, `(3, 15)` for the
    /// pre-release `3.15.0b1`.
    pub fn minor(&self) -> Option<(u32, u32)> {
        let mut parts = self.version.split('.');
        Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
    }
}

/// How to get a missing interpreter flavor from the system's package manager, where the
/// matrix builds none itself (PyPy): `pyo3-matrix python install` installs the packages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PythonPackages {
    /// Debian's packages that give the interpreter, its headers and `venv`,
    /// e.g. `["pypy3", "pypy3-dev", "pypy3-venv"]`.
    pub apt: Vec<String>,
    /// Where to get it elsewhere, for the one line that says what to do.
    pub elsewhere: String,
}

/// A named second table: other interpreters on the patterns that say something about
/// them, run apart from the default matrix (`run --matrix-set NAME`, drawn into
/// `docs/NAME/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixSet {
    /// What the table is for, one sentence.
    pub about: String,
    /// Its interpreter flavors.
    pub python: Vec<Flavor>,
    /// Its patterns, by id.
    pub patterns: Vec<String>,
    /// Instead of the default releases, every published patch of these minors (`0.22`:
    /// 0.22.0 to 0.22.6), for statements that turn on the patch.
    #[serde(default)]
    pub patches_of: Vec<Point>,
}

/// The contents of `matrix/matrix.toml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatrixDef {
    /// Default interpreter flavors.
    pub python: Vec<Flavor>,
    /// pyo3 features every cell enables.
    #[serde(default)]
    pub pyo3_features: Vec<String>,
    /// Crates any pattern may use, the same for every release.
    #[serde(default)]
    pub dependencies: BTreeMap<String, toml::Value>,
    /// The default PyO3 axis.
    #[serde(rename = "release")]
    pub releases: Vec<ReleaseDef>,
    /// Provisioning recipes by flavor (written by its label, `"3.13t"`).
    #[serde(default)]
    pub python_recipe: BTreeMap<Flavor, PythonRecipe>,
    /// Flavors the system's package manager provides (by label).
    #[serde(default)]
    pub python_packages: BTreeMap<Flavor, PythonPackages>,
    /// Second tables by name (`[matrix_set.edges]`).
    #[serde(default, rename = "matrix_set")]
    pub sets: BTreeMap<String, MatrixSet>,
}

impl MatrixDef {
    /// The second table `name`; the error names it and the ones there are.
    pub fn set(&self, name: &str) -> Result<&MatrixSet, String> {
        self.sets.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.sets.keys().map(String::as_str).collect();
            format!(
                "unknown --matrix-set '{name}': matrix.toml defines {}",
                match known.is_empty() {
                    true => "none".to_string(),
                    false => known.join(", "),
                }
            )
        })
    }

    /// Reads and checks `matrix.toml`.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text).map_err(|message| ModelError::Malformed {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses `matrix.toml` text; the error is a one-line reason.
    pub fn parse(text: &str) -> Result<Self, String> {
        let def: MatrixDef = toml::from_str(text).map_err(|e| e.message().to_string())?;
        if def.releases.is_empty() {
            return Err("no [[release]] entries".into());
        }
        let mut seen = std::collections::BTreeSet::new();
        for r in &def.releases {
            if !seen.insert(r.version.minor()) {
                return Err(format!(
                    "two releases of minor {} (list only the latest patch)",
                    r.version.minor_label()
                ));
            }
        }
        Ok(def)
    }

    /// The default releases, oldest first.
    pub fn release_list(&self) -> Vec<Release> {
        let mut v: Vec<Release> = self.releases.iter().map(|r| r.version.clone()).collect();
        v.sort();
        v
    }

    /// The definition of the release with `release`'s minor, which pairs its companions.
    pub fn release_def(&self, release: &Release) -> Option<&ReleaseDef> {
        self.releases.iter().find(|r| r.version.minor() == release.minor())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_defines_its_second_tables_and_flavors_from_packages() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../matrix/matrix.toml");
        let def = MatrixDef::load(&path).unwrap();
        let edges = def.set("edges").unwrap();
        assert!(edges.python.contains(&Flavor::parse("pypy3.9").unwrap()), "{edges:?}");
        assert!(!edges.patterns.is_empty() && edges.patches_of.is_empty());
        let patches = def.set("patches").unwrap();
        assert_eq!(
            patches.patches_of.iter().map(Point::minor).collect::<Vec<_>>(),
            [(0, 20), (0, 22)]
        );
        assert!(def.python_packages.contains_key(&Flavor::parse("pypy3.9").unwrap()));
        let newest = def.set("newest").unwrap();
        let labels: Vec<String> = newest.python.iter().map(Flavor::to_string).collect();
        assert_eq!(labels, ["3.14", "3.14t", "3.15"]);
        assert!(
            edges.patterns.iter().all(|p| newest.patterns.contains(p))
                && newest.patterns.iter().any(|p| p == "frozen_atomic_free_threaded"),
            "{newest:?}"
        );
        let err = def.set("nope").unwrap_err();
        assert!(
            err.starts_with("unknown --matrix-set 'nope': matrix.toml defines ") && err.contains("edges"),
            "{err}"
        );
    }

    #[test]
    fn every_recipe_builds_a_cpython_of_its_flavor() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../matrix/matrix.toml");
        let def = MatrixDef::load(&path).unwrap();
        for label in ["3.8", "3.9", "3.10", "3.11", "3.13t", "3.14", "3.14t", "3.15"] {
            assert!(
                def.python_recipe.contains_key(&Flavor::parse(label).unwrap()),
                "no recipe for {label}"
            );
        }
        for (flavor, recipe) in &def.python_recipe {
            let label = flavor.to_string();
            assert!(!flavor.is_pypy(), "{label}: a recipe builds CPython");
            assert_eq!(
                recipe.minor(),
                Some((flavor.major, flavor.minor)),
                "{label}: {}",
                recipe.version
            );
            // 3.14.4 for 3.14 and 3.14t, the pre-release 3.15.0b1 for 3.15.
            let minor = format!("{}.{}.", flavor.major, flavor.minor);
            let patch = recipe.version.strip_prefix(&minor).unwrap_or_default();
            assert!(
                patch.starts_with(|c: char| c.is_ascii_digit()),
                "{label}: version {} is not a {label}",
                recipe.version
            );
            assert_eq!(
                recipe.configure.iter().any(|f| f == "--disable-gil"),
                flavor.free_threaded,
                "{label}: {:?}",
                recipe.configure
            );
            assert!(
                recipe.sha256.len() == 64 && recipe.sha256.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')),
                "{label}: sha256 {}",
                recipe.sha256
            );
        }
    }
}
