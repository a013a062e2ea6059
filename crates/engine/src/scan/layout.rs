//! Where a maturin project keeps its crate and its Python source, found as maturin finds
//! them (its `project_layout.rs`), so that scan builds what `maturin develop` at the project
//! root would build: `[tool.maturin] manifest-path`, else `rust/Cargo.toml` in the "Python
//! first" layout, else the root's `Cargo.toml`. (A setuptools-rust project names its crates
//! itself: [`super::setuptools_rust`].)

use super::pyproject::{MaturinConfig, Project};
use std::path::{Path, PathBuf};

/// The crate folder maturin looks in when the project root has no manifest path.
const RUST_FOLDER: &str = "rust";
/// The folder that holds the Python package in maturin's "Python first" layout.
const PYTHON_FOLDER: &str = "src";

/// Where maturin finds the crate of the project in `dir` (configured by `maturin`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manifest {
    /// `[tool.maturin] manifest-path`.
    Configured(PathBuf),
    /// `rust/Cargo.toml`, beside a Python source maturin knows of.
    RustFolder(PathBuf),
    /// The root's own `Cargo.toml` (which may not exist).
    Root(PathBuf),
}

impl Manifest {
    /// The path of the `Cargo.toml`.
    pub fn path(&self) -> &Path {
        match self {
            Manifest::Configured(p) | Manifest::RustFolder(p) | Manifest::Root(p) => p,
        }
    }
}

/// The manifest maturin builds for the project in `dir`: its `manifest-path`; else
/// `rust/Cargo.toml` when the Python source is declared (`python-source`) or sits in
/// `src/<package>/`; else `dir/Cargo.toml`.
pub fn maturin_manifest(dir: &Path, maturin: &MaturinConfig) -> Manifest {
    if let Some(path) = &maturin.manifest_path {
        return Manifest::Configured(dir.join(path));
    }
    let rust = dir.join(RUST_FOLDER).join("Cargo.toml");
    if rust.is_file() && (maturin.python_source.is_some() || src_package(dir, maturin)) {
        return Manifest::RustFolder(rust);
    }
    Manifest::Root(dir.join("Cargo.toml"))
}

/// The folder of the project's Python packages, relative to `dir`: `python-source`, else
/// `src` where maturin takes it by itself (a `rust/` crate beside `src/<package>/`).
pub fn python_source(dir: &Path, maturin: &MaturinConfig) -> Option<String> {
    match &maturin.python_source {
        Some(declared) => Some(declared.clone()),
        None => (dir.join(RUST_FOLDER).join("Cargo.toml").is_file() && src_package(dir, maturin))
            .then(|| PYTHON_FOLDER.to_string()),
    }
}

/// Whether `src/` holds one of the project's Python packages: its name as an import name,
/// or one of `python-packages`.
fn src_package(dir: &Path, maturin: &MaturinConfig) -> bool {
    maturin
        .project_package
        .iter()
        .chain(&maturin.python_packages)
        .any(|package| dir.join(PYTHON_FOLDER).join(package).join("__init__.py").is_file())
}

/// Why maturin finds no crate in `dir` although `rust/Cargo.toml` exists, if that is so:
/// maturin takes it only beside a Python source it knows of.
pub fn rust_folder_unused(dir: &Path, manifest: &Manifest) -> Option<String> {
    let rust = dir.join(RUST_FOLDER).join("Cargo.toml");
    (matches!(manifest, Manifest::Root(_)) && rust.is_file()).then(|| {
        format!(
            "maturin uses {} only with [tool.maturin] python-source or a package in {PYTHON_FOLDER}/<name>/__init__.py",
            rust.display()
        )
    })
}

/// The project a crate folder without a `pyproject.toml` belongs to: the nearest directory
/// above `crate_dir` with a `pyproject.toml`, if that project builds `crate_dir/Cargo.toml`
/// (maturin's crate, or the extension its `[tool.setuptools-rust]` declares).
pub fn enclosing_project(crate_dir: &Path) -> Option<PathBuf> {
    let above = crate_dir
        .ancestors()
        .skip(1)
        .find(|d| d.join("pyproject.toml").is_file())?;
    let project = Project::read(above).ok()?;
    let manifest = match (&project.maturin, &project.setuptools_rust) {
        (Some(maturin), _) => maturin_manifest(above, maturin).path().to_path_buf(),
        (None, Some(rust)) => above.join(rust.primary().ok()?.manifest),
        (None, None) => return None,
    };
    let ours = crate_dir.join("Cargo.toml").canonicalize().ok()?;
    (manifest.canonicalize().ok()? == ours).then(|| above.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::super::tests::write;
    use super::*;

    fn config(dir: &Path) -> MaturinConfig {
        Project::read(dir).unwrap().maturin.unwrap()
    }

    const PYPROJECT: &str = "[build-system]\nbuild-backend = \"maturin\"\n[project]\nname = \"My-Pkg\"\n";

    #[test]
    fn a_rust_folder_is_the_crate_only_beside_a_python_source_maturin_knows() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "pyproject.toml", PYPROJECT);
        write(d, "rust/Cargo.toml", "[package]\nname = \"x\"\n");
        // No Python source: maturin looks at the root, and says why rust/ is not used.
        let manifest = maturin_manifest(d, &config(d));
        assert_eq!(manifest, Manifest::Root(d.join("Cargo.toml")));
        assert!(rust_folder_unused(d, &manifest).unwrap().contains("python-source"));
        assert_eq!(python_source(d, &config(d)), None);

        // The package under src/, named as the project is imported (`My-Pkg` -> `My_Pkg`).
        write(d, "src/My_Pkg/__init__.py", "");
        let manifest = maturin_manifest(d, &config(d));
        assert_eq!(manifest, Manifest::RustFolder(d.join("rust/Cargo.toml")));
        assert_eq!(rust_folder_unused(d, &manifest), None);
        assert_eq!(python_source(d, &config(d)).as_deref(), Some("src"));
        assert_eq!(enclosing_project(&d.join("rust")), Some(d.to_path_buf()));

        // A declared python-source is enough, and wins over src/.
        write(
            d,
            "pyproject.toml",
            &format!("{PYPROJECT}[tool.maturin]\npython-source = \"python\"\n"),
        );
        assert_eq!(
            maturin_manifest(d, &config(d)),
            Manifest::RustFolder(d.join("rust/Cargo.toml"))
        );
        assert_eq!(python_source(d, &config(d)).as_deref(), Some("python"));
    }

    #[test]
    fn a_configured_manifest_path_wins_and_a_root_manifest_is_no_project_of_its_crate() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "pyproject.toml",
            &format!("{PYPROJECT}[tool.maturin]\nmanifest-path = \"crates/ext/Cargo.toml\"\n"),
        );
        write(d, "crates/ext/Cargo.toml", "[package]\nname = \"ext\"\n");
        write(d, "rust/Cargo.toml", "[package]\nname = \"other\"\n");
        write(d, "src/My_Pkg/__init__.py", "");
        assert_eq!(
            maturin_manifest(d, &config(d)),
            Manifest::Configured(d.join("crates/ext/Cargo.toml"))
        );
        assert_eq!(enclosing_project(&d.join("crates/ext")), Some(d.to_path_buf()));
        // maturin does not build rust/ here, so rust/ is a crate of its own.
        assert_eq!(enclosing_project(&d.join("rust")), None);
    }
}
