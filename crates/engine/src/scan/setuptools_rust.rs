//! What a setuptools-rust project builds: its `RustExtension`s, read from
//! `[tool.setuptools-rust] ext-modules` in `pyproject.toml` (preferred, as setuptools-rust
//! itself reads it first), else from the `RustExtension(...)` calls of its `setup.py`, parsed
//! with Python's `ast` by a small helper and never executed; and the folder its Python
//! packages live in (`package-dir`), so that a built module can sit beside them.

use crate::process::Process;
use anyhow::{bail, Context as _, Result};
use serde::Deserialize;
use std::path::Path;

/// The helper that reads a `setup.py` without running it.
const SETUP_PY_READER: &str = include_str!("../../python/setup_py_rust_extensions.py");

/// One `RustExtension` (or `RustBin`) as the project declares it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct RustExtension {
    /// The dotted import path of the module (`pkg._native`); a binary's name for `Exec`.
    /// `None` where `setup.py` computes it.
    pub target: Option<String>,
    /// Its `Cargo.toml`, relative to the project (`None` where `setup.py` computes it).
    pub path: Option<String>,
    /// setuptools-rust's binding: `PyO3`, `PyO3` with no feature (`NoBinding`), `Exec`, …
    pub binding: String,
    /// The line of `setup.py` that declares it (none in `pyproject.toml`).
    #[serde(default)]
    pub line: Option<u32>,
}

impl RustExtension {
    /// Whether it is a Python extension module (a binary, `Exec`, is not).
    pub fn is_module(&self) -> bool {
        self.binding != "Exec"
    }
}

/// The extension module scan observes, as declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Module<'a> {
    /// Its dotted import path.
    pub target: &'a str,
    /// Its `Cargo.toml`, relative to the project.
    pub manifest: &'a str,
}

/// A project's setuptools-rust configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct SetuptoolsRust {
    /// Every extension and binary it builds.
    pub extensions: Vec<RustExtension>,
    /// The folder its packages live in (`package-dir = {"" = "python"}`), if not the root.
    pub package_dir: Option<String>,
    /// Where the extensions are declared, for messages.
    #[serde(skip)]
    pub declared_in: String,
}

impl SetuptoolsRust {
    /// `[tool.setuptools-rust]` of a `pyproject.toml` (with `[tool.setuptools]`'s
    /// package folder), if it declares any extension.
    pub fn from_pyproject(tool: Option<&toml::Value>) -> Result<Option<Self>> {
        let Some(rust) = tool.and_then(|t| t.get("setuptools-rust")) else {
            return Ok(None);
        };
        let mut extensions = Vec::new();
        for (key, binding) in [("ext-modules", None), ("bins", Some("Exec"))] {
            let Some(list) = rust.get(key) else { continue };
            let entries = list
                .as_array()
                .with_context(|| format!("[tool.setuptools-rust] {key}: expected an array of tables"))?;
            for entry in entries {
                let text = |field: &str| -> Result<Option<String>> {
                    match entry.get(field) {
                        None => Ok(None),
                        Some(v) => v
                            .as_str()
                            .map(|s| Some(s.to_string()))
                            .with_context(|| format!("[tool.setuptools-rust] {key}: `{field}` is not a string")),
                    }
                };
                let target = text("target")?
                    .with_context(|| format!("[tool.setuptools-rust] {key}: an entry has no `target`"))?;
                extensions.push(RustExtension {
                    target: Some(target),
                    path: Some(text("path")?.unwrap_or_else(|| "Cargo.toml".into())),
                    binding: binding
                        .map(str::to_string)
                        .or(text("binding")?)
                        .unwrap_or_else(|| "PyO3".into()),
                    line: None,
                });
            }
        }
        let setuptools = tool.and_then(|t| t.get("setuptools"));
        let package_dir = setuptools
            .and_then(|s| s.get("package-dir"))
            .and_then(|d| d.get(""))
            .and_then(|d| d.as_str())
            .or_else(|| {
                let find = setuptools?.get("packages")?.get("find")?;
                find.get("where")?.as_array()?.first()?.as_str()
            })
            .map(str::to_string);
        Ok(Some(SetuptoolsRust {
            extensions,
            package_dir,
            declared_in: "[tool.setuptools-rust] of pyproject.toml".into(),
        }))
    }

    /// The `RustExtension`s of `dir/setup.py`, read by `python` (any interpreter: only its
    /// `ast` module runs); `None` without a `setup.py`.
    pub fn from_setup_py(dir: &Path, python: &Path) -> Result<Option<Self>> {
        let setup_py = dir.join("setup.py");
        if !setup_py.is_file() {
            return Ok(None);
        }
        let text = Process::new(python)
            .args(["-c", SETUP_PY_READER])
            .arg(&setup_py)
            .read(&format!("read {}", setup_py.display()))?;
        let mut found: SetuptoolsRust =
            serde_json::from_str(&text).with_context(|| format!("cannot read what {} declares", setup_py.display()))?;
        found.declared_in = "setup.py".into();
        Ok(Some(found))
    }

    /// The extension module scan observes: the last one, which setuptools-rust builds last
    /// (in the declared order), so that the cargo messages a build keeps, its last cargo
    /// call's ([`crate::maturin`]), are its own; the others are built beside it by the same
    /// install. Refuses, naming the line, one that `setup.py` does not spell out.
    pub fn primary(&self) -> Result<Module<'_>> {
        let module = self
            .extensions
            .iter()
            .rfind(|e| e.is_module())
            .with_context(|| format!("no RustExtension in {} (only binaries, or none)", self.declared_in))?;
        match (&module.target, &module.path) {
            (Some(target), Some(manifest)) => Ok(Module { target, manifest }),
            _ => {
                let line = module.line.map(|l| format!(" line {l}")).unwrap_or_default();
                bail!(
                    "{}{line}: RustExtension's target and path are not literal strings (scan reads setup.py without running it)",
                    self.declared_in
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tool(text: &str) -> toml::Value {
        toml::from_str::<toml::Table>(text).unwrap()["tool"].clone()
    }

    #[test]
    fn pyproject_extensions_bins_and_package_folder_are_read() {
        let t = tool(
            "[tool.setuptools]\npackage-dir = { \"\" = \"python\" }\n\
             [[tool.setuptools-rust.ext-modules]]\ntarget = \"pkg._native\"\npath = \"rust/Cargo.toml\"\n\
             [[tool.setuptools-rust.bins]]\ntarget = \"pkg-cli\"\n",
        );
        let found = SetuptoolsRust::from_pyproject(Some(&t)).unwrap().unwrap();
        assert_eq!(found.package_dir.as_deref(), Some("python"));
        assert_eq!(found.extensions.len(), 2);
        assert!(!found.extensions[1].is_module());
        assert_eq!(
            found.primary().unwrap(),
            Module {
                target: "pkg._native",
                manifest: "rust/Cargo.toml"
            }
        );
        assert_eq!(found.extensions[0].binding, "PyO3");

        let found_where = tool("[tool.setuptools.packages.find]\nwhere = [\"src\"]\n[tool.setuptools-rust]\n");
        let found = SetuptoolsRust::from_pyproject(Some(&found_where)).unwrap().unwrap();
        assert_eq!(found.package_dir.as_deref(), Some("src"));
        assert!(found
            .primary()
            .unwrap_err()
            .to_string()
            .starts_with("no RustExtension in"));
        assert_eq!(
            SetuptoolsRust::from_pyproject(Some(&tool("[tool.other]\n"))).unwrap(),
            None
        );
    }

    #[test]
    fn a_malformed_entry_is_named() {
        let e = SetuptoolsRust::from_pyproject(Some(&tool("[[tool.setuptools-rust.ext-modules]]\npath = \"C\"\n")))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "[tool.setuptools-rust] ext-modules: an entry has no `target`"
        );
    }

    #[test]
    fn setup_py_is_read_without_running_it() {
        let Some(python) = crate::tools::on_path("python3") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("setup.py"),
            "raise SystemExit('never run')\n\
             from setuptools_rust import Binding, RustBin, RustExtension\n\
             setup(rust_extensions=[RustBin(\"tool\"), RustExtension(\"pkg._native\", \"rust/Cargo.toml\", binding=Binding.PyO3)],\n\
                   package_dir={\"\": \"python\"})\n",
        )
        .unwrap();
        let found = SetuptoolsRust::from_setup_py(dir.path(), &python).unwrap().unwrap();
        assert_eq!(found.package_dir.as_deref(), Some("python"));
        assert_eq!(found.extensions[0].binding, "Exec");
        assert_eq!(found.primary().unwrap().target, "pkg._native");
        assert_eq!(found.extensions[1].line, Some(3));

        std::fs::write(dir.path().join("setup.py"), "RustExtension(NAME, PATH)\n").unwrap();
        let e = SetuptoolsRust::from_setup_py(dir.path(), &python).unwrap().unwrap();
        assert!(e
            .primary()
            .unwrap_err()
            .to_string()
            .starts_with("setup.py line 1: RustExtension's target"));
    }
}
