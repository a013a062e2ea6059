//! A user's `pyproject.toml`, read once: whether maturin builds it, the `[tool.maturin]`
//! settings the engine itself needs, and the test dependencies the project declares.
//!
//! maturin reads its own configuration when it builds the copy; the keys are checked here
//! only so that a malformed one is one clear line before any build, naming the key.

use anyhow::{bail, Context as _, Result};
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// The `[tool.maturin]` settings the engine reads (the rest is maturin's business).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MaturinConfig {
    /// `module-name`, e.g. `pkg._native`: the import path of the extension module.
    pub module_name: Option<String>,
    /// `python-source`: the directory holding the project's Python packages (once the crate
    /// is opened, also the `src` maturin takes by itself: [`super::layout::python_source`]).
    pub python_source: Option<String>,
    /// `manifest-path`: the crate's `Cargo.toml`, relative to the project.
    pub manifest_path: Option<String>,
    /// `python-packages`: other Python packages of the project.
    pub python_packages: Vec<String>,
    /// `[project] name` as maturin imports it (`-` read as `_`): the package it looks for
    /// in `src/` (see [`super::layout`]).
    pub project_package: Option<String>,
}

/// Where a group of test dependencies is declared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupSource {
    /// `[dependency-groups]` (PEP 735).
    DependencyGroup,
    /// `[project.optional-dependencies]`, an extra.
    Extra,
    /// A `requirements-*.txt` file beside `pyproject.toml` (or beside `Cargo.toml`).
    Requirements,
}

impl GroupSource {
    /// How the group is named to a person, e.g. "the `dev` extra".
    pub fn describe(&self, name: &str) -> String {
        match self {
            GroupSource::DependencyGroup => format!("the `{name}` dependency group"),
            GroupSource::Extra => format!("the `{name}` extra"),
            GroupSource::Requirements => name.to_string(),
        }
    }
}

/// One declared group of dependencies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyGroup {
    /// Its name: the group or extra name, or the requirements file's name.
    pub name: String,
    /// Where it is declared.
    pub source: GroupSource,
    /// Its requirements, as written (self-references resolved).
    pub requirements: Vec<String>,
}

/// Which declared group the tests get (`--test-deps`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TestDepsChoice {
    /// The first declared test group (see [`Project::test_group`]).
    #[default]
    Declared,
    /// None at all: only the project's own dependencies and pytest.
    Nothing,
    /// The group (or extra, or requirements file) of this name.
    Named(String),
}

impl TestDepsChoice {
    /// `--test-deps NAME`: `none` for nothing, anything else a group's name.
    pub fn parse(text: Option<&str>) -> Self {
        match text {
            None => TestDepsChoice::Declared,
            Some("none") => TestDepsChoice::Nothing,
            Some(name) => TestDepsChoice::Named(name.to_string()),
        }
    }
}

/// What a project's `pyproject.toml` (and its requirements files) declare.
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// `[project] name`, normalized.
    pub name: Option<String>,
    /// Set when the build backend is maturin.
    pub maturin: Option<MaturinConfig>,
    /// `[project] dependencies`.
    pub dependencies: Vec<String>,
    /// Every declared group, dependency groups first, then extras, then requirements files.
    pub groups: Vec<DependencyGroup>,
}

/// Group names that hold test dependencies, in the order they are preferred.
const DEPENDENCY_GROUPS: &[&str] = &["test", "tests", "dev"];
const EXTRAS: &[&str] = &["test", "tests", "testing", "dev"];
const REQUIREMENTS_PREFIXES: &[&str] = &["requirements-test", "requirements-dev"];

impl Project {
    /// Reads `dir/pyproject.toml` (a project without one declares nothing) and the
    /// requirements files in `dir`.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join("pyproject.toml");
        let mut project = match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).with_context(|| path.display().to_string())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Project::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        project.groups.extend(requirements_files(dir)?);
        Ok(project)
    }

    /// Parses the text of a `pyproject.toml`.
    pub fn parse(text: &str) -> Result<Self> {
        let doc: toml::Table = toml::from_str(text).map_err(|e| anyhow::anyhow!("malformed TOML: {}", e.message()))?;
        let backend = doc
            .get("build-system")
            .and_then(|b| b.get("build-backend"))
            .and_then(|b| b.as_str());
        let tool = doc.get("tool").and_then(|t| t.get("maturin"));
        let project = doc.get("project");
        let written_name = project.and_then(|p| p.get("name")).and_then(|n| n.as_str());
        let maturin = match backend {
            Some("maturin") => Some(MaturinConfig {
                project_package: written_name.map(|n| n.replace('-', "_")),
                ..maturin_config(tool)?
            }),
            _ => None,
        };
        let name = written_name.map(normalize);
        let dependencies: Vec<String> = typed(project.and_then(|p| p.get("dependencies")), "[project] dependencies")?;
        let extras: toml::Table = typed(
            project.and_then(|p| p.get("optional-dependencies")),
            "[project.optional-dependencies]",
        )?;
        let dep_groups: toml::Table = typed(doc.get("dependency-groups"), "[dependency-groups]")?;
        let mut groups = Vec::new();
        for group in dep_groups.keys() {
            groups.push(DependencyGroup {
                name: group.clone(),
                source: GroupSource::DependencyGroup,
                requirements: expand_group(&dep_groups, group, &mut Vec::new())?,
            });
        }
        for extra in extras.keys() {
            groups.push(DependencyGroup {
                name: extra.clone(),
                source: GroupSource::Extra,
                requirements: expand_extra(&extras, extra, name.as_deref(), &mut Vec::new())?,
            });
        }
        Ok(Project {
            name,
            maturin,
            dependencies,
            groups,
        })
    }

    /// Adds the requirements file `dir/name` as a group of its own, so that `--test-deps`
    /// can name one the project keeps elsewhere (`tests/requirements.txt`).
    pub fn add_requirements_file(&mut self, dir: &Path, name: &str) -> Result<()> {
        let path = dir.join(name);
        let requirements = read_requirements(&path, &mut Vec::new())?;
        self.groups.push(DependencyGroup {
            name: name.to_string(),
            source: GroupSource::Requirements,
            requirements,
        });
        Ok(())
    }

    /// The group the tests get for `choice`: the first of `[dependency-groups]`
    /// test/tests/dev, then extras test/tests/testing/dev, then `requirements-test*.txt`
    /// and `requirements-dev*.txt`; a named one must exist.
    pub fn test_group(&self, choice: &TestDepsChoice) -> Result<Option<&DependencyGroup>> {
        match choice {
            TestDepsChoice::Nothing => Ok(None),
            TestDepsChoice::Named(name) => match self.groups.iter().find(|g| &g.name == name) {
                Some(group) => Ok(Some(group)),
                None => bail!(
                    "--test-deps {name}: no such group; declared: {}",
                    match self.groups.is_empty() {
                        true => "none".to_string(),
                        false => self
                            .groups
                            .iter()
                            .map(|g| g.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    }
                ),
            },
            TestDepsChoice::Declared => {
                let of = |source: GroupSource, names: &[&str]| {
                    names
                        .iter()
                        .find_map(|n| self.groups.iter().find(|g| g.source == source && g.name == *n))
                };
                let by_prefix = REQUIREMENTS_PREFIXES.iter().find_map(|prefix| {
                    self.groups
                        .iter()
                        .find(|g| g.source == GroupSource::Requirements && g.name.starts_with(prefix))
                });
                Ok(of(GroupSource::DependencyGroup, DEPENDENCY_GROUPS)
                    .or_else(|| of(GroupSource::Extra, EXTRAS))
                    .or(by_prefix))
            }
        }
    }

    /// What the tests' environment installs for `choice`: pytest, the project's own
    /// dependencies and the chosen group, sorted and without repeats.
    pub fn test_requirements(&self, choice: &TestDepsChoice) -> Result<Vec<String>> {
        let group = self.test_group(choice)?;
        let mut all: Vec<String> = std::iter::once("pytest".to_string())
            .chain(self.dependencies.iter().cloned())
            .chain(group.into_iter().flat_map(|g| g.requirements.iter().cloned()))
            .collect();
        all.sort();
        all.dedup();
        Ok(all)
    }
}

/// A value of `T`, or its default when the key is absent; a wrong type names `what`.
fn typed<T: DeserializeOwned + Default>(value: Option<&toml::Value>, what: &str) -> Result<T> {
    match value {
        None => Ok(T::default()),
        Some(v) => v
            .clone()
            .try_into()
            .map_err(|e: toml::de::Error| anyhow::anyhow!("{what}: {}", e.message().trim())),
    }
}

/// The `[tool.maturin]` table, each key the engine reads checked for its type.
fn maturin_config(tool: Option<&toml::Value>) -> Result<MaturinConfig> {
    let Some(tool) = tool else {
        return Ok(MaturinConfig::default());
    };
    let table = tool.as_table().context("[tool.maturin] is not a table")?;
    let text = |key: &str| -> Result<Option<String>> { typed(table.get(key), &format!("[tool.maturin] {key}")) };
    let list = |key: &str| -> Result<Vec<String>> { typed(table.get(key), &format!("[tool.maturin] {key}")) };
    // Checked, though maturin alone uses them.
    list("features")?;
    text("profile")?;
    if let Some(include) = table.get("include") {
        include
            .as_array()
            .context("[tool.maturin] include: expected an array")?;
    }
    if let Some(bindings) = text("bindings")? {
        if !matches!(bindings.as_str(), "pyo3" | "pyo3-ffi") {
            bail!("[tool.maturin] bindings = \"{bindings}\": not a PyO3 extension (pyo3 or pyo3-ffi)");
        }
    }
    let config = MaturinConfig {
        module_name: text("module-name")?,
        python_source: text("python-source")?,
        manifest_path: text("manifest-path")?,
        python_packages: list("python-packages")?,
        project_package: None,
    };
    if let Some(name) = &config.module_name {
        let valid = |part: &str| {
            !part.is_empty()
                && !part.starts_with(|c: char| c.is_ascii_digit())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        };
        if !name.split('.').all(valid) {
            bail!("[tool.maturin] module-name = \"{name}\": not a dotted Python module name");
        }
    }
    Ok(config)
}

/// A PEP 735 group with its `{include-group = "…"}` entries expanded.
fn expand_group(groups: &toml::Table, name: &str, seen: &mut Vec<String>) -> Result<Vec<String>> {
    if seen.iter().any(|s| s == name) {
        bail!("[dependency-groups] {name}: includes itself");
    }
    seen.push(name.to_string());
    let entries: Vec<toml::Value> = typed(groups.get(name), &format!("[dependency-groups] {name}"))?;
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            toml::Value::String(req) => out.push(req),
            toml::Value::Table(t) => {
                let included = t
                    .get("include-group")
                    .and_then(|g| g.as_str())
                    .with_context(|| format!("[dependency-groups] {name}: a table entry needs include-group"))?;
                out.extend(expand_group(groups, included, seen)?);
            }
            other => bail!("[dependency-groups] {name}: unexpected entry {other}"),
        }
    }
    seen.pop();
    Ok(out)
}

/// An extra, with references to the project's own extras (`pkg[test]`) expanded: the
/// project itself is the wheel under test, never installed from PyPI.
fn expand_extra(
    extras: &toml::Table,
    name: &str,
    project: Option<&str>,
    seen: &mut Vec<String>,
) -> Result<Vec<String>> {
    if seen.iter().any(|s| s == name) {
        return Ok(Vec::new());
    }
    seen.push(name.to_string());
    let entries: Vec<String> = typed(extras.get(name), &format!("[project.optional-dependencies] {name}"))?;
    let mut out = Vec::new();
    for req in entries {
        match self_reference(&req, project) {
            Some(own) => {
                for extra in own {
                    out.extend(expand_extra(extras, &extra, project, seen)?);
                }
            }
            None => out.push(req),
        }
    }
    Ok(out)
}

/// The extras of a requirement on the project itself (`pkg[a,b]`), or `None` for another
/// package.
fn self_reference(req: &str, project: Option<&str>) -> Option<Vec<String>> {
    let project = project?;
    let name = requirement_name(req);
    if normalize(name) != project {
        return None;
    }
    let rest = req[name.len()..].trim_start();
    let extras = rest
        .strip_prefix('[')
        .and_then(|r| r.split_once(']'))
        .map(|(inside, _)| {
            inside
                .split(',')
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Some(extras)
}

/// The package a requirement names, as written: `pytest-mock` of `pytest-mock>=3`,
/// `pkg` of `pkg[test]`.
pub fn requirement_name(req: &str) -> &str {
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    &req[..end]
}

/// A package name as PEP 503 compares them.
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// `requirements-test*.txt` and `requirements-dev*.txt` in `dir`, sorted by name.
fn requirements_files(dir: &Path) -> Result<Vec<DependencyGroup>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".txt") && REQUIREMENTS_PREFIXES.iter().any(|prefix| name.starts_with(prefix))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            Ok(DependencyGroup {
                name: path.file_name().expect("a file").to_string_lossy().to_string(),
                source: GroupSource::Requirements,
                requirements: read_requirements(&path, &mut Vec::new())?,
            })
        })
        .collect()
}

/// The requirements of a requirements file, `-r` includes followed; editable installs of
/// the project itself (`-e .`) and other options are left to the wheel under test.
fn read_requirements(path: &Path, seen: &mut Vec<PathBuf>) -> Result<Vec<String>> {
    if seen.contains(&path.to_path_buf()) {
        return Ok(Vec::new());
    }
    seen.push(path.to_path_buf());
    let text = crate::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(included) = line.strip_prefix("-r").or_else(|| line.strip_prefix("--requirement")) {
            let included = path
                .parent()
                .unwrap_or(Path::new("."))
                .join(included.trim_start_matches('=').trim());
            out.extend(read_requirements(&included, seen)?);
        } else if !line.starts_with('-') && line != "." {
            out.push(line.to_string());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIXED: &str = r#"
[build-system]
requires = ["maturin>=1,<2"]
build-backend = "maturin"

[project]
name = "My_Pkg"
dependencies = ["numpy>=1.20"]

[project.optional-dependencies]
docs = ["sphinx"]
dev = ["my-pkg[lint]", "pytest-mock"]
lint = ["ruff"]

[tool.maturin]
python-source = "python"
module-name = "my_pkg._native"
features = ["pyo3/extension-module"]
"#;

    #[test]
    fn a_maturin_project_declares_its_module_and_test_extras() {
        let p = Project::parse(MIXED).unwrap();
        let m = p.maturin.clone().unwrap();
        assert_eq!(m.module_name.as_deref(), Some("my_pkg._native"));
        assert_eq!(m.python_source.as_deref(), Some("python"));
        assert_eq!(p.name.as_deref(), Some("my-pkg"));
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(group.name, "dev");
        assert_eq!(group.requirements, ["ruff", "pytest-mock"]);
        assert_eq!(
            p.test_requirements(&TestDepsChoice::Declared).unwrap(),
            ["numpy>=1.20", "pytest", "pytest-mock", "ruff"]
        );
        assert_eq!(
            p.test_requirements(&TestDepsChoice::Named("docs".into())).unwrap(),
            ["numpy>=1.20", "pytest", "sphinx"]
        );
        assert_eq!(
            p.test_requirements(&TestDepsChoice::Nothing).unwrap(),
            ["numpy>=1.20", "pytest"]
        );
        let unknown = p
            .test_group(&TestDepsChoice::Named("bench".into()))
            .unwrap_err()
            .to_string();
        assert_eq!(unknown, "--test-deps bench: no such group; declared: dev, docs, lint");
    }

    #[test]
    fn dependency_groups_come_first_and_include_each_other() {
        let p = Project::parse(
            "[dependency-groups]\nlint = [\"ruff\"]\ntest = [\"pytest-xdist\", {include-group = \"lint\"}]\n\
             [project]\nname = \"x\"\n[project.optional-dependencies]\ntest = [\"hypothesis\"]\n",
        )
        .unwrap();
        assert!(p.maturin.is_none(), "no maturin backend, no [tool.maturin]");
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(
            (group.source.clone(), group.requirements.clone()),
            (GroupSource::DependencyGroup, vec!["pytest-xdist".into(), "ruff".into()])
        );
    }

    #[test]
    fn a_malformed_maturin_key_is_named() {
        let bad = |extra: &str| {
            Project::parse(&format!(
                "[build-system]\nbuild-backend = \"maturin\"\n[tool.maturin]\n{extra}\n"
            ))
            .unwrap_err()
            .to_string()
        };
        assert!(
            bad("features = \"pyo3/abi3\"").starts_with("[tool.maturin] features:"),
            "{}",
            bad("features = \"x\"")
        );
        assert!(bad("module-name = 3").starts_with("[tool.maturin] module-name:"));
        assert_eq!(
            bad("module-name = \"pkg.-native\""),
            "[tool.maturin] module-name = \"pkg.-native\": not a dotted Python module name"
        );
        assert!(bad("bindings = \"cffi\"").contains("not a PyO3 extension"));
    }

    #[test]
    fn requirements_files_are_read_with_their_includes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("requirements-base.txt"), "attrs  # pinned elsewhere\n").unwrap();
        std::fs::write(
            dir.path().join("requirements-dev.txt"),
            "# tools\n-e .\n-r requirements-base.txt\npytest-benchmark==5.1\n",
        )
        .unwrap();
        let p = Project::read(dir.path()).unwrap();
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(group.name, "requirements-dev.txt");
        assert_eq!(group.requirements, ["attrs", "pytest-benchmark==5.1"]);
    }
}
