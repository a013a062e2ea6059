//! A user's own PyO3 crate, rebuilt against another release without touching their files.
//!
//! The crate (with the Cargo workspace it belongs to, and the Python project around it) is
//! copied to a scratch directory; in the copy, the `pyo3` requirement is pinned to the
//! release and each companion crate the matrix pairs with PyO3 (numpy,
//! pyo3-async-runtimes, …) is moved to the release of the same minor. The old lockfile is
//! dropped because it pins the old PyO3; path dependencies that leave the copy are made
//! absolute. A project whose build backend is maturin is built by maturin ([`crate::maturin`]).

pub mod ci;
pub mod layout;
pub mod lockfile;
pub mod prepare;
pub mod pyproject;
mod python_names;
pub mod requirements;
pub mod setuptools_rust;

use crate::cache::short_digest;
use crate::paths::{left_out, lexically_normal};
use anyhow::{bail, Context as _, Result};
use layout::Manifest;
use pyo3_matrix_model::{MatrixDef, Release};
pub use pyproject::{Backend, Project, TestDepsChoice};
use setuptools_rust::SetuptoolsRust;
use std::path::{Path, PathBuf};

/// PyO3's crates, released together: a crate that names one of them directly (a build
/// script on `pyo3-build-config`) gets it at the same release as `pyo3`.
const PYO3_FAMILY: &[&str] = &[
    "pyo3",
    "pyo3-build-config",
    "pyo3-ffi",
    "pyo3-macros",
    "pyo3-macros-backend",
];

/// A user crate that can be scanned: an extension module built by maturin or by cargo.
#[derive(Debug, Clone)]
pub struct UserCrate {
    /// The directory the user named (holding `pyproject.toml` and/or `Cargo.toml`).
    pub dir: PathBuf,
    /// The tree copied for each cell: the crate's Cargo workspace or `dir`, whichever
    /// holds the other.
    pub root: PathBuf,
    /// The crate's `Cargo.toml`, relative to `root`.
    pub manifest: PathBuf,
    /// The library's name: the Python import name of a module cargo builds.
    pub lib_name: String,
    /// What `dir/pyproject.toml` declares.
    pub project: Project,
}

impl UserCrate {
    /// Reads the crate in `dir`; refuses, in one line naming the file, what cannot be built.
    /// The crate folder of a maturin or setuptools-rust project (its `rust/`, its
    /// `manifest-path`, its extension's `path`) stands for the project above it, whose
    /// `pyproject.toml` and tests are the maintainers'.
    pub fn open(dir: &Path) -> Result<Self> {
        let named = dir
            .canonicalize()
            .with_context(|| format!("crate {} does not exist", dir.display()))?;
        if !named.is_dir() {
            bail!("{} is not a directory (pass the crate's directory)", named.display());
        }
        let dir = match named.join("pyproject.toml").is_file() {
            true => named,
            false => layout::enclosing_project(&named).unwrap_or(named),
        };
        let mut project = Project::read(&dir).with_context(|| format!("{}", dir.display()))?;
        if let Backend::Other(name) = &project.backend {
            bail!(
                "{}: build-backend = \"{name}\" is not one scan builds (maturin; setuptools.build_meta with \
                 setuptools-rust; or none, for a crate cargo builds)",
                dir.join("pyproject.toml").display()
            );
        }
        project.setuptools_rust = setuptools_rust_of(&dir, &project).with_context(|| format!("{}", dir.display()))?;
        let manifest_path = match (&mut project.maturin, &project.setuptools_rust) {
            (Some(maturin), _) => {
                let found = layout::maturin_manifest(&dir, maturin);
                if !found.path().is_file() {
                    let why = match (&found, layout::rust_folder_unused(&dir, &found)) {
                        (Manifest::Configured(_), _) => "as [tool.maturin] manifest-path says".to_string(),
                        (_, Some(unused)) => unused,
                        _ => "nor rust/Cargo.toml, nor a [tool.maturin] manifest-path".to_string(),
                    };
                    bail!("{}: not a crate: no {} ({why})", dir.display(), found.path().display());
                }
                maturin.python_source = layout::python_source(&dir, maturin);
                found.path().to_path_buf()
            }
            (None, Some(rust)) => {
                let module = rust.primary().with_context(|| format!("{}", dir.display()))?;
                let path = dir.join(module.manifest);
                if !path.is_file() {
                    bail!(
                        "{}: not a crate: no {} (the RustExtension `{}` of {} names it)",
                        dir.display(),
                        path.display(),
                        module.target,
                        rust.declared_in
                    );
                }
                path
            }
            (None, None) => dir.join("Cargo.toml"),
        };
        if !manifest_path.is_file() {
            bail!(
                "{}: not a crate: no {} (nor a pyproject.toml that builds with maturin or setuptools-rust)",
                dir.display(),
                manifest_path.display()
            );
        }
        let manifest_path = manifest_path.canonicalize()?;
        let manifest = read_toml(&manifest_path)?;
        let package = manifest.get("package").and_then(|p| p.as_table()).with_context(|| {
            format!(
                "{}: no [package] (a workspace root cannot be scanned; pass the member crate's directory)",
                manifest_path.display()
            )
        })?;
        let crate_dir = manifest_path.parent().expect("a file's directory").to_path_buf();
        // A member is copied with its whole workspace (its path dependencies there are
        // pinned and migrated with it), whether or not it inherits anything from it.
        let workspace = match inherits_from_workspace(&manifest) {
            true => Some(workspace_root(&crate_dir, package)?),
            false => workspace_root(&crate_dir, package)
                .ok()
                .filter(|(root, table)| lists_member(root, table, &crate_dir)),
        };
        let pyo3 = manifest.get("dependencies").and_then(|d| d.get("pyo3"));
        let pyo3_inherited = pyo3.and_then(|p| p.get("workspace")).and_then(|w| w.as_bool()) == Some(true);
        let declared = match (&workspace, pyo3_inherited) {
            (Some((_, root_manifest)), true) => root_manifest
                .get("workspace")
                .and_then(|w| w.get("dependencies"))
                .and_then(|d| d.get("pyo3"))
                .is_some(),
            _ => pyo3.is_some(),
        };
        if !declared {
            bail!("{}: does not depend on pyo3", manifest_path.display());
        }
        let package_name = package.get("name").and_then(|n| n.as_str()).unwrap_or("ext");
        let lib = manifest.get("lib");
        let lib_name = lib
            .and_then(|l| l.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or(package_name)
            .replace('-', "_");
        let cdylib = lib
            .and_then(|l| l.get("crate-type"))
            .and_then(|t| t.as_array())
            .is_some_and(|types| types.iter().any(|t| t.as_str() == Some("cdylib")));
        // setuptools-rust asks cargo for a cdylib itself (`--crate-type cdylib`).
        if !cdylib && project.maturin.is_none() && project.setuptools_rust.is_none() {
            bail!(
                "{}: builds no cdylib, and {} has no maturin configuration (build-backend = \"maturin\"): \
                 nothing Python could import",
                manifest_path.display(),
                dir.display()
            );
        }
        let crate_root = workspace.map(|(root, _)| root).unwrap_or(crate_dir);
        let root = if crate_root.starts_with(&dir) {
            dir.clone()
        } else if dir.starts_with(&crate_root) {
            crate_root
        } else {
            bail!(
                "{}: the crate's workspace {} and the project do not nest",
                dir.display(),
                crate_root.display()
            );
        };
        let manifest = manifest_path
            .strip_prefix(&root)
            .expect("inside the root")
            .to_path_buf();
        Ok(UserCrate {
            dir,
            root,
            manifest,
            lib_name,
            project,
        })
    }

    /// Names this crate's copies and runs in a cell, apart from every other caller's: two
    /// crates of one library name in different places never share a copy.
    pub fn tag(&self) -> String {
        format!(
            "scan-{}-{}",
            self.lib_name,
            short_digest(&self.dir.display().to_string())
        )
    }

    /// The import path of the extension module: maturin's `module-name`, setuptools-rust's
    /// `target`, else the library's name.
    pub fn module(&self) -> &str {
        let maturin = self.project.maturin.as_ref().and_then(|m| m.module_name.as_deref());
        let setuptools = self.primary_extension().map(|m| m.target);
        maturin.or(setuptools).unwrap_or(&self.lib_name)
    }

    /// Whether maturin builds the crate (its `pyproject.toml` says `build-backend = "maturin"`).
    pub fn built_by_maturin(&self) -> bool {
        self.project.maturin.is_some()
    }

    /// Whether setuptools-rust builds the project (`pip install .` builds its `RustExtension`s).
    pub fn built_by_setuptools_rust(&self) -> bool {
        self.project.setuptools_rust.is_some()
    }

    /// The extension module of a setuptools-rust project that scan observes.
    fn primary_extension(&self) -> Option<setuptools_rust::Module<'_>> {
        self.project.setuptools_rust.as_ref().and_then(|r| r.primary().ok())
    }

    /// The folder of the project's Python packages, relative to it: maturin's
    /// `python-source`, setuptools' `package-dir` (`None`: the project's root).
    pub fn python_source(&self) -> Option<&str> {
        match (&self.project.maturin, &self.project.setuptools_rust) {
            (Some(maturin), _) => maturin.python_source.as_deref(),
            (None, Some(rust)) => rust.package_dir.as_deref(),
            (None, None) => None,
        }
    }

    /// Where the project (its `pyproject.toml`, its tests) sits in a copy made at `copy`.
    pub fn project_in(&self, copy: &Path) -> PathBuf {
        copy.join(self.dir.strip_prefix(&self.root).expect("inside the root"))
    }

    /// The crate's manifest in a copy made at `copy`.
    pub fn manifest_in(&self, copy: &Path) -> PathBuf {
        copy.join(&self.manifest)
    }

    /// Where a declared dependency group would provide what `message` says is missing (a
    /// fixture nobody provides, a module that is not installed) when the tests did not get
    /// that group (`chosen` is the one they got): "pytest-mock is in the `dev` extra of
    /// pyproject.toml; pass --test-deps dev". A missing module that no file of the project
    /// declares is said to be so, unless it is the project's own package or the tests got
    /// a package of its name (then something else is wrong, and nothing is said).
    pub fn missing_dependency_hint(&self, chosen: Option<&str>, message: &str) -> Option<String> {
        let quoted = |after: &str| {
            let rest = &message[message.find(after)? + after.len()..];
            rest.split('\'').next().map(str::to_string)
        };
        let fixture = quoted("fixture '");
        let module = quoted("No module named '").map(|m| m.split('.').next().unwrap_or_default().to_string());
        if fixture.is_none() && module.is_none() {
            return None;
        }
        let provides = |requirement: &str| {
            let written = requirements::requirement_name(requirement);
            let name = requirements::normalize(written);
            let stem = name.strip_prefix("pytest-").unwrap_or(&name).replace('-', "_");
            let by_module = module.as_ref().is_some_and(|m| requirements::normalize(m) == name);
            // pytest plugins name their fixtures after themselves: pytest-mock's `mocker`,
            // pytest-benchmark's `benchmark`.
            let by_fixture = fixture
                .as_ref()
                .is_some_and(|f| name.starts_with("pytest-") && (f.starts_with(&stem) || stem.starts_with(f.as_str())));
            (by_module || by_fixture).then_some(written.to_string())
        };
        let (got, others): (Vec<_>, Vec<_>) = self
            .project
            .groups
            .iter()
            .partition(|g| Some(g.name.as_str()) == chosen);
        let elsewhere = others.iter().find_map(|g| {
            let package = g.requirements.iter().find_map(|r| provides(r))?;
            Some(format!(
                "{package} is in {}; pass --test-deps {}",
                g.source.describe(&g.name),
                g.name
            ))
        });
        if elsewhere.is_some() {
            return elsewhere;
        }
        let module = module.as_deref()?;
        let installed = self
            .project
            .dependencies
            .iter()
            .chain(got.iter().flat_map(|g| &g.requirements))
            .any(|r| provides(r).is_some());
        let own_names = [
            Some(self.module()),
            Some(self.lib_name.as_str()),
            self.project.name.as_deref(),
        ];
        let own = own_names
            .into_iter()
            .flatten()
            .any(|n| requirements::normalize(n.split('.').next().unwrap_or(n)) == requirements::normalize(module));
        (!installed && !own).then(|| {
            format!("no file of the project declares a package named `{module}`; --test-dep PACKAGE installs one")
        })
    }

    /// Writes the copy for `release` into `into` (replacing what was there).
    pub fn copy_for(&self, matrix: &MatrixDef, release: &Release, into: &Path) -> Result<()> {
        if into.exists() {
            crate::fs::remove_dir_all(into)?;
        }
        let mut manifests = Vec::new();
        copy_tree(&self.root, into, &mut manifests)?;
        let root_manifest = Path::new("Cargo.toml");
        let member_of_copied_workspace = self.manifest != root_manifest
            && read_toml(&into.join(root_manifest)).is_ok_and(|t| t.contains_key("workspace"));
        // The old lockfile pins the old PyO3.
        let _ = std::fs::remove_file(into.join("Cargo.lock"));
        let _ = std::fs::remove_file(self.manifest_in(into).with_file_name("Cargo.lock"));
        let companions = matrix
            .release_def(release)
            .map(|d| d.companions.clone())
            .unwrap_or_default();
        for rel in manifests {
            let original_dir = self.root.join(&rel).parent().expect("a file's directory").to_path_buf();
            let path = into.join(&rel);
            let mut manifest = read_toml(&path)?;
            let pinned = Pinning {
                release,
                companions: &companions,
                original_dir: &original_dir,
                root: &self.root,
            };
            pinned.rewrite(&mut manifest);
            // The copy of a crate of its own is its own workspace, even inside another one;
            // a member copied with its workspace stays that workspace's member.
            if rel == self.manifest
                && !member_of_copied_workspace
                && !manifest.contains_key("workspace")
                && !inherits_from_workspace(&manifest)
            {
                manifest.insert("workspace".into(), toml::Table::new().into());
            }
            std::fs::write(&path, toml::to_string(&manifest)?)?;
        }
        Ok(())
    }
}

/// The setuptools-rust extensions the project in `dir` builds: its `[tool.setuptools-rust]`,
/// else (with setuptools declared, or no backend at all: setuptools' legacy default) the
/// `RustExtension`s of its `setup.py`. `None` for a project setuptools-rust does not build;
/// a declared setuptools backend with no extension is refused.
fn setuptools_rust_of(dir: &Path, project: &Project) -> Result<Option<SetuptoolsRust>> {
    let declared = match (&project.backend, &project.setuptools_rust) {
        (Backend::Maturin, _) => return Ok(None),
        (_, Some(table)) => Some(table.clone()),
        (Backend::Setuptools | Backend::Undeclared, None) if dir.join("setup.py").is_file() => {
            // Only `ast` runs: any Python 3 reads the file as the cell's would.
            let python = crate::tools::on_path("python3").context("reading setup.py needs a python3 on PATH")?;
            SetuptoolsRust::from_setup_py(dir, &python)?
        }
        _ => None,
    };
    let declared = declared.filter(|d| !d.extensions.is_empty());
    if declared.is_none() && project.backend == Backend::Setuptools {
        bail!("build-backend = \"setuptools.build_meta\" but no setuptools-rust RustExtension ([tool.setuptools-rust] ext-modules, or RustExtension in setup.py): no Rust to build");
    }
    Ok(declared)
}

/// How the manifests of a copy are rewritten for one release.
struct Pinning<'a> {
    release: &'a Release,
    companions: &'a std::collections::BTreeMap<String, toml::Value>,
    /// The directory of the original manifest, which relative paths start from.
    original_dir: &'a Path,
    /// The original tree that was copied.
    root: &'a Path,
}

impl Pinning<'_> {
    /// Rewrites every dependency table of `manifest`: the package's own and the
    /// workspace's `[workspace.dependencies]`.
    fn rewrite(&self, manifest: &mut toml::Table) {
        for (key, value) in manifest.iter_mut() {
            let deps = match key.as_str() {
                "workspace" => value.get_mut("dependencies"),
                "dependencies" | "dev-dependencies" | "build-dependencies" => Some(value),
                _ => None,
            };
            if let Some(deps) = deps.and_then(|d| d.as_table_mut()) {
                self.rewrite_table(deps);
            }
        }
    }

    fn rewrite_table(&self, deps: &mut toml::Table) {
        for (name, spec) in deps.iter_mut() {
            // An inherited requirement is pinned where the workspace declares it.
            if spec.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
                continue;
            }
            if PYO3_FAMILY.contains(&name.as_str()) {
                set_version(spec, &format!("={}", self.release));
            } else if let Some(paired) = self.companions.get(name) {
                *spec = merge_companion(spec, paired);
            }
            self.keep_path(spec);
        }
    }

    /// A path dependency that leaves the copied tree points at the original instead.
    fn keep_path(&self, spec: &mut toml::Value) {
        let Some(path) = spec.get_mut("path") else { return };
        let Some(p) = path.as_str() else { return };
        let absolute = lexically_normal(&self.original_dir.join(p));
        if !absolute.starts_with(self.root) {
            *path = absolute.display().to_string().into();
        }
    }
}

fn read_toml(path: &Path) -> Result<toml::Table> {
    let text = crate::fs::read_to_string(path)?;
    toml::from_str(&text).map_err(|e| anyhow::anyhow!("malformed {}: {}", path.display(), e.message()))
}

/// Whether a manifest takes anything from its workspace (`x.workspace = true`).
fn inherits_from_workspace(manifest: &toml::Table) -> bool {
    fn any(value: &toml::Value) -> bool {
        match value {
            toml::Value::Table(t) => t
                .iter()
                .any(|(k, v)| (k == "workspace" && v.as_bool() == Some(true)) || any(v)),
            _ => false,
        }
    }
    manifest.iter().any(|(key, value)| key != "workspace" && any(value))
}

/// The workspace a member inherits from: `package.workspace`, else the nearest directory
/// above with a `[workspace]` (as cargo finds it), with that root's manifest.
fn workspace_root(crate_dir: &Path, package: &toml::Table) -> Result<(PathBuf, toml::Table)> {
    let candidates: Vec<PathBuf> = match package.get("workspace").and_then(|w| w.as_str()) {
        Some(explicit) => vec![crate_dir.join(explicit)],
        None => crate_dir.ancestors().skip(1).map(Path::to_path_buf).collect(),
    };
    for dir in candidates {
        let manifest = dir.join("Cargo.toml");
        if manifest.is_file() {
            let table = read_toml(&manifest)?;
            if table.contains_key("workspace") {
                return Ok((dir.canonicalize()?, table));
            }
        }
    }
    bail!(
        "{}: inherits from a workspace, but no Cargo.toml with [workspace] was found above it",
        crate_dir.join("Cargo.toml").display()
    )
}

/// Whether the workspace at `root` (its manifest `table`) lists `crate_dir` among its
/// `members` (a path, or a `dir/*` glob) and does not exclude it.
fn lists_member(root: &Path, table: &toml::Table, crate_dir: &Path) -> bool {
    let Ok(relative) = crate_dir
        .canonicalize()
        .map(|d| d.strip_prefix(root).map(Path::to_path_buf))
    else {
        return false;
    };
    let Ok(relative) = relative else { return false };
    let listed = |key: &str| -> bool {
        let patterns = table
            .get("workspace")
            .and_then(|w| w.get(key))
            .and_then(|m| m.as_array())
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str());
        patterns.into_iter().any(|pattern| {
            let pattern = Path::new(pattern.trim_end_matches('/'));
            match pattern.file_name().and_then(|n| n.to_str()) {
                Some("*") => relative.parent() == pattern.parent(),
                _ => lexically_normal(pattern) == relative,
            }
        })
    };
    listed("members") && !listed("exclude")
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

/// Copies a source tree, leaving out build output, environments and version control, and
/// lists the `Cargo.toml` files copied (relative to `to`).
pub(crate) fn copy_tree(from: &Path, to: &Path, manifests: &mut Vec<PathBuf>) -> Result<()> {
    fn walk(root: &Path, from: &Path, to: &Path, manifests: &mut Vec<PathBuf>) -> Result<()> {
        crate::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))? {
            let entry = entry?;
            let name = entry.file_name();
            if name.to_str().is_some_and(left_out) {
                continue;
            }
            let (src, dst) = (entry.path(), to.join(&name));
            if entry.file_type()?.is_dir() {
                walk(root, &src, &dst, manifests)?;
            } else {
                crate::fs::copy(&src, &dst)?;
                if name == "Cargo.toml" {
                    manifests.push(src.strip_prefix(root).expect("inside the root").to_path_buf());
                }
            }
        }
        Ok(())
    }
    walk(from, from, to, manifests)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `text` as `dir/rel`, with the folders it needs.
    pub(super) fn write(dir: &Path, rel: &str, text: &str) {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    fn matrix() -> MatrixDef {
        MatrixDef::parse("python = [\"3.12\"]\n[[release]]\nversion = \"0.23.5\"\ncompanions = { numpy = \"0.23\" }\n")
            .unwrap()
    }

    #[test]
    fn the_copy_pins_pyo3_and_pairs_companions_without_touching_the_original() {
        let user = tempfile::tempdir().unwrap();
        let original = "[package]\nname = \"my-ext\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
            [lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\n\
            pyo3 = { version = \"0.20\", features = [\"extension-module\"] }\nnumpy = \"0.20\"\n\
            helper = { path = \"../helper\" }\n[build-dependencies]\npyo3-build-config = \"0.20\"\n";
        write(user.path(), "ext/Cargo.toml", original);
        write(user.path(), "ext/Cargo.lock", "# old lock");
        write(user.path(), "ext/target/debug/junk", "x");
        let krate = UserCrate::open(&user.path().join("ext")).unwrap();
        assert_eq!(krate.lib_name, "my_ext");
        assert!(!krate.built_by_maturin());

        let copy = tempfile::tempdir().unwrap();
        let into = copy.path().join("c");
        krate
            .copy_for(&matrix(), &Release::parse("0.23.5").unwrap(), &into)
            .unwrap();
        let rewritten: toml::Table =
            toml::from_str(&std::fs::read_to_string(into.join("Cargo.toml")).unwrap()).unwrap();
        let deps = &rewritten["dependencies"];
        assert_eq!(deps["pyo3"]["version"].as_str(), Some("=0.23.5"));
        assert_eq!(deps["pyo3"]["features"][0].as_str(), Some("extension-module"));
        assert_eq!(deps["numpy"]["version"].as_str(), Some("0.23"));
        assert_eq!(
            rewritten["build-dependencies"]["pyo3-build-config"].as_str(),
            Some("=0.23.5")
        );
        let helper = user.path().canonicalize().unwrap().join("helper");
        assert_eq!(deps["helper"]["path"].as_str(), Some(helper.to_str().unwrap()));
        assert!(rewritten.contains_key("workspace"));
        assert!(!into.join("Cargo.lock").exists() && !into.join("target").exists());
        assert_eq!(
            std::fs::read_to_string(user.path().join("ext/Cargo.toml")).unwrap(),
            original
        );
    }

    #[test]
    fn a_workspace_member_is_copied_with_its_workspace_and_pinned_there() {
        let user = tempfile::tempdir().unwrap();
        write(
            user.path(),
            "Cargo.toml",
            "[workspace]\nmembers = [\"ext\", \"helper\"]\n[workspace.package]\nversion = \"0.1.0\"\n\
             [workspace.dependencies]\npyo3 = { version = \"0.21\", features = [\"extension-module\"] }\n\
             helper = { path = \"helper\" }\n",
        );
        write(
            user.path(),
            "ext/Cargo.toml",
            "[package]\nname = \"ws-ext\"\nversion.workspace = true\nedition = \"2021\"\n\
             [lib]\ncrate-type = [\"cdylib\"]\n[dependencies]\npyo3 = { workspace = true }\nhelper = { workspace = true }\n",
        );
        write(
            user.path(),
            "ext/pyproject.toml",
            "[build-system]\nbuild-backend = \"maturin\"\n[project]\nname = \"ws-ext\"\n",
        );
        write(
            user.path(),
            "helper/Cargo.toml",
            "[package]\nname = \"helper\"\nversion = \"0.1.0\"\n",
        );
        let krate = UserCrate::open(&user.path().join("ext")).unwrap();
        assert_eq!(krate.root, user.path().canonicalize().unwrap());
        assert_eq!(krate.manifest, Path::new("ext/Cargo.toml"));
        assert!(krate.built_by_maturin());

        let copy = tempfile::tempdir().unwrap();
        let into = copy.path().join("c");
        krate
            .copy_for(&matrix(), &Release::parse("0.23.5").unwrap(), &into)
            .unwrap();
        assert_eq!(krate.project_in(&into), into.join("ext"));
        let root: toml::Table = toml::from_str(&std::fs::read_to_string(into.join("Cargo.toml")).unwrap()).unwrap();
        assert_eq!(
            root["workspace"]["dependencies"]["pyo3"]["version"].as_str(),
            Some("=0.23.5")
        );
        assert_eq!(
            root["workspace"]["dependencies"]["helper"]["path"].as_str(),
            Some("helper")
        );
        let member: toml::Table =
            toml::from_str(&std::fs::read_to_string(into.join("ext/Cargo.toml")).unwrap()).unwrap();
        assert!(!member.contains_key("workspace"), "a member stays a member");
    }

    #[test]
    fn a_member_that_inherits_nothing_is_copied_with_the_workspace_that_lists_it() {
        let user = tempfile::tempdir().unwrap();
        write(
            user.path(),
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"crates/old\"]\n",
        );
        let ext = "[package]\nname = \"ext\"\nversion = \"0.1.0\"\n[lib]\ncrate-type = [\"cdylib\"]\n\
                   [dependencies]\npyo3 = \"0.20\"\ncore = { path = \"../core\" }\n";
        write(user.path(), "crates/ext/Cargo.toml", ext);
        write(user.path(), "crates/old/Cargo.toml", ext);
        write(
            user.path(),
            "crates/core/Cargo.toml",
            "[package]\nname = \"core\"\nversion = \"0.1.0\"\n[dependencies]\npyo3 = \"0.20\"\n",
        );
        let krate = UserCrate::open(&user.path().join("crates/ext")).unwrap();
        assert_eq!(krate.root, user.path().canonicalize().unwrap());
        let copy = tempfile::tempdir().unwrap();
        let into = copy.path().join("c");
        krate
            .copy_for(&matrix(), &Release::parse("0.23.5").unwrap(), &into)
            .unwrap();
        let core: toml::Table =
            toml::from_str(&std::fs::read_to_string(into.join("crates/core/Cargo.toml")).unwrap()).unwrap();
        assert_eq!(
            core["dependencies"]["pyo3"].as_str(),
            Some("=0.23.5"),
            "the path dependency is pinned too"
        );
        let member: toml::Table =
            toml::from_str(&std::fs::read_to_string(into.join("crates/ext/Cargo.toml")).unwrap()).unwrap();
        assert!(!member.contains_key("workspace"));
        assert_eq!(member["dependencies"]["core"]["path"].as_str(), Some("../core"));
        // An excluded crate is a crate of its own.
        let old = UserCrate::open(&user.path().join("crates/old")).unwrap();
        assert_eq!(old.root, user.path().join("crates/old").canonicalize().unwrap());
    }

    #[test]
    fn a_missing_fixture_or_module_points_to_the_group_that_declares_it() {
        let user = tempfile::tempdir().unwrap();
        write(
            user.path(),
            "Cargo.toml",
            "[package]\nname = \"h\"\n[lib]\ncrate-type = [\"cdylib\"]\n[dependencies]\npyo3 = \"0.23\"\n",
        );
        write(
            user.path(),
            "pyproject.toml",
            "[project]\nname = \"h\"\n[project.optional-dependencies]\ndev = [\"pytest-mock>=3\"]\nbench = [\"pytest-benchmark\", \"hypothesis\"]\n",
        );
        let krate = UserCrate::open(user.path()).unwrap();
        let hint = |chosen: Option<&str>, message: &str| krate.missing_dependency_hint(chosen, message);
        assert_eq!(
            hint(None, "fixture 'mocker' not found").as_deref(),
            Some("pytest-mock is in the `dev` extra of pyproject.toml; pass --test-deps dev")
        );
        assert_eq!(
            hint(Some("dev"), "fixture 'benchmark' not found").as_deref(),
            Some("pytest-benchmark is in the `bench` extra of pyproject.toml; pass --test-deps bench")
        );
        assert_eq!(
            hint(
                Some("dev"),
                "ModuleNotFoundError: No module named 'hypothesis.strategies'"
            )
            .as_deref(),
            Some("hypothesis is in the `bench` extra of pyproject.toml; pass --test-deps bench")
        );
        assert_eq!(
            hint(Some("dev"), "fixture 'mocker' not found"),
            None,
            "it had that group"
        );
        assert_eq!(hint(None, "AssertionError: assert 1 == 2"), None);
        assert_eq!(
            hint(None, "ModuleNotFoundError: No module named 'yaml'").as_deref(),
            Some("no file of the project declares a package named `yaml`; --test-dep PACKAGE installs one")
        );
        assert_eq!(
            hint(Some("bench"), "No module named 'hypothesis'"),
            None,
            "it had hypothesis: its import failed for another reason"
        );
        assert_eq!(
            hint(None, "No module named 'h._native'"),
            None,
            "the project's own package"
        );
    }

    #[test]
    fn what_cannot_be_built_is_refused_in_one_line() {
        let user = tempfile::tempdir().unwrap();
        let err = |dir: &Path| format!("{:#}", UserCrate::open(dir).unwrap_err());
        assert!(err(user.path()).contains("not a crate: no"), "{}", err(user.path()));
        write(
            user.path(),
            "Cargo.toml",
            "[package]\nname = \"lib-only\"\nversion = \"0.1.0\"\n[dependencies]\npyo3 = \"0.23\"\n",
        );
        assert!(err(user.path()).contains("builds no cdylib"), "{}", err(user.path()));
        write(
            user.path(),
            "pyproject.toml",
            "[build-system]\nbuild-backend = \"maturin\"\n[tool.maturin]\nfeatures = \"pyo3/abi3\"\n",
        );
        let e = err(user.path());
        assert!(e.contains("[tool.maturin] features:") && !e.contains('\n'), "{e}");
    }

    #[test]
    fn a_setuptools_rust_project_builds_its_extension_with_its_python_package_folder() {
        let user = tempfile::tempdir().unwrap();
        let d = user.path();
        // No cdylib: setuptools-rust asks cargo for one.
        write(
            d,
            "rust/Cargo.toml",
            "[package]\nname = \"native-x\"\n[dependencies]\npyo3 = \"0.23\"\n[build-dependencies]\npyo3-build-config = \"0.23\"\n",
        );
        write(
            d,
            "pyproject.toml",
            "[build-system]\nbuild-backend = \"setuptools.build_meta\"\n[project]\nname = \"x\"\n\
             [tool.setuptools]\npackage-dir = { \"\" = \"python\" }\n\
             [[tool.setuptools-rust.ext-modules]]\ntarget = \"x._native\"\npath = \"rust/Cargo.toml\"\n",
        );
        let krate = UserCrate::open(d).unwrap();
        assert!(krate.built_by_setuptools_rust() && !krate.built_by_maturin());
        // Named by its crate folder, the project is the same.
        assert_eq!(UserCrate::open(&d.join("rust")).unwrap().dir, d.canonicalize().unwrap());
        assert_eq!(krate.module(), "x._native");
        assert_eq!(krate.lib_name, "native_x");
        assert_eq!(krate.manifest, Path::new("rust/Cargo.toml"));
        assert_eq!(krate.python_source(), Some("python"));

        let copy = tempfile::tempdir().unwrap();
        krate
            .copy_for(&matrix(), &Release::parse("0.23.5").unwrap(), copy.path())
            .unwrap();
        let pinned: toml::Table =
            toml::from_str(&std::fs::read_to_string(copy.path().join("rust/Cargo.toml")).unwrap()).unwrap();
        assert_eq!(
            pinned["build-dependencies"]["pyo3-build-config"].as_str(),
            Some("=0.23.5")
        );

        // The extension's manifest must exist.
        write(
            d,
            "pyproject.toml",
            "[build-system]\nbuild-backend = \"setuptools.build_meta\"\n\
             [[tool.setuptools-rust.ext-modules]]\ntarget = \"x._native\"\npath = \"native/Cargo.toml\"\n",
        );
        let e = format!("{:#}", UserCrate::open(d).unwrap_err());
        assert!(
            e.ends_with("native/Cargo.toml (the RustExtension `x._native` of [tool.setuptools-rust] of pyproject.toml names it)"),
            "{e}"
        );
    }

    #[test]
    fn a_backend_scan_does_not_build_is_refused_naming_it() {
        let user = tempfile::tempdir().unwrap();
        let d = user.path();
        write(
            d,
            "Cargo.toml",
            "[package]\nname = \"h\"\n[lib]\ncrate-type = [\"cdylib\"]\n[dependencies]\npyo3 = \"0.23\"\n",
        );
        let err = || format!("{:#}", UserCrate::open(d).unwrap_err());
        for backend in ["hatchling.build", "scikit_build_core.build"] {
            write(
                d,
                "pyproject.toml",
                &format!("[build-system]\nbuild-backend = \"{backend}\"\n"),
            );
            let e = err();
            assert!(
                e.ends_with(&format!("pyproject.toml: build-backend = \"{backend}\" is not one scan builds (maturin; setuptools.build_meta with setuptools-rust; or none, for a crate cargo builds)")),
                "{e}"
            );
        }
        write(
            d,
            "pyproject.toml",
            "[build-system]\nbuild-backend = \"setuptools.build_meta\"\n",
        );
        assert!(err().contains("but no setuptools-rust RustExtension"), "{}", err());
        // No backend at all: the crate cargo builds, as before.
        write(d, "pyproject.toml", "[project]\nname = \"h\"\n");
        assert!(!UserCrate::open(d).unwrap().built_by_setuptools_rust());
    }

    #[test]
    fn a_crate_in_rust_is_found_as_maturin_finds_it_from_the_project_or_its_crate_folder() {
        let user = tempfile::tempdir().unwrap();
        write(
            user.path(),
            "pyproject.toml",
            "[build-system]\nbuild-backend = \"maturin\"\n[project]\nname = \"py-first\"\n\
             [tool.maturin]\nmodule-name = \"py_first._native\"\n",
        );
        write(
            user.path(),
            "rust/Cargo.toml",
            "[package]\nname = \"py-first-native\"\n[lib]\ncrate-type = [\"cdylib\"]\n[dependencies]\npyo3 = \"0.23\"\n",
        );
        let e = format!("{:#}", UserCrate::open(user.path()).unwrap_err());
        assert!(
            e.contains("Cargo.toml (maturin uses") && e.contains("only with [tool.maturin] python-source"),
            "{e}"
        );
        write(user.path(), "src/py_first/__init__.py", "");
        let project = user.path().canonicalize().unwrap();
        for named in [user.path().to_path_buf(), user.path().join("rust")] {
            let krate = UserCrate::open(&named).unwrap();
            assert_eq!(krate.dir, project, "tests run from the project root");
            assert_eq!(krate.root, project);
            assert_eq!(krate.manifest, Path::new("rust/Cargo.toml"));
            assert_eq!(krate.lib_name, "py_first_native");
            assert_eq!(krate.module(), "py_first._native");
            // maturin takes src/ as the Python source by itself.
            let source = krate.project.maturin.as_ref().unwrap().python_source.as_deref();
            assert_eq!(source, Some("src"));
        }
    }
}
