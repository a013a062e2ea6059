//! A user's `pyproject.toml`, read once: its build backend (maturin, setuptools-rust, or
//! another scan refuses), the `[tool.maturin]` and `[tool.setuptools-rust]` settings the
//! engine itself needs, and the test dependencies the project declares.
//!
//! maturin reads its own configuration when it builds the copy; the keys are checked here
//! only so that a malformed one is one clear line before any build, naming the key.

use super::setuptools_rust::SetuptoolsRust;
use crate::scan::ci;
use crate::scan::lockfile::{Lockfile, LOCKFILES};
use crate::scan::requirements::read_requirements;
use crate::scan::requirements::{normalize, requirement_name};
use anyhow::{bail, Context as _, Result};
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::path::Path;

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
    /// `[tool.poetry.group.<name>.dependencies]` (or Poetry's older `dev-dependencies`,
    /// its `dev` group).
    PoetryGroup,
    /// `[tool.pdm.dev-dependencies]`, PDM's groups before PEP 735.
    PdmGroup,
    /// `[project.optional-dependencies]`, an extra.
    Extra,
    /// A requirements file of the project, named by its path from the project's directory:
    /// `requirements-test*.txt`, `requirements/test*.txt`, … (or one `--test-deps` names).
    Requirements,
    /// What the project's CI installs before it runs pytest, the group named by the file
    /// (`.github/workflows/ci.yml`, `tox.ini`, `noxfile.py`).
    Ci {
        /// The part of the file: "job `test`", "[testenv]", "session `tests`".
        part: String,
    },
}

impl GroupSource {
    /// How the group is named to a person, with the file that declares it, e.g. "the `dev`
    /// extra of pyproject.toml", "requirements/testing.txt".
    pub fn describe(&self, name: &str) -> String {
        match self {
            GroupSource::DependencyGroup => format!("the `{name}` dependency group of pyproject.toml"),
            GroupSource::PoetryGroup => format!("the `{name}` Poetry group of pyproject.toml"),
            GroupSource::PdmGroup => format!("the `{name}` group of [tool.pdm.dev-dependencies] in pyproject.toml"),
            GroupSource::Extra => format!("the `{name}` extra of pyproject.toml"),
            GroupSource::Requirements => name.to_string(),
            GroupSource::Ci { part } => format!("{part} of {name}"),
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
    /// Its requirements, as written (self-references resolved; Poetry's constraints in
    /// pip's words).
    pub requirements: Vec<String>,
    /// The entries pip cannot be given, each with why: refused only when the tests get
    /// the group, so that an exotic group nobody asked for never stops a scan.
    pub unreadable: Vec<String>,
}

impl DependencyGroup {
    /// Whether pyproject.toml declares it, so that a lockfile of the project locks it.
    fn in_pyproject(&self) -> bool {
        matches!(
            self.source,
            GroupSource::DependencyGroup | GroupSource::PoetryGroup | GroupSource::PdmGroup | GroupSource::Extra
        )
    }

    /// Whether every requirement is pinned to one version (a requirements file made by
    /// pip-compile or `uv pip compile`, a `requirements/test.lock`).
    fn is_pinned(&self) -> bool {
        !self.requirements.is_empty() && self.requirements.iter().all(|r| r.contains("=="))
    }
}

/// Where one of the tests' requirements comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclaredIn {
    /// pytest itself: the project's tests run under it.
    Runner,
    /// `[project] dependencies`: the package under test needs them.
    Project,
    /// The declared group the tests get.
    Group {
        /// The group's name.
        name: String,
        /// Where it is declared.
        source: GroupSource,
    },
    /// `--test-dep`, added by hand.
    ByHand,
    /// The project's lockfile (`uv.lock`), pinning the project's dependencies and its test
    /// group with everything they need.
    Lock(String),
}

impl std::fmt::Display for DeclaredIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeclaredIn::Runner => f.write_str("the test runner"),
            DeclaredIn::Project => f.write_str("[project] dependencies of pyproject.toml"),
            DeclaredIn::Group { name, source } => f.write_str(&source.describe(name)),
            DeclaredIn::ByHand => f.write_str("--test-dep"),
            DeclaredIn::Lock(file) => f.write_str(file),
        }
    }
}

impl serde::Serialize for DeclaredIn {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One requirement the tests' environment installs, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TestDependency {
    /// The requirement, as pip takes it.
    pub requirement: String,
    /// Where the project (or the person scanning it) declares it.
    pub from: DeclaredIn,
}

/// Which declared group the tests get (`--test-deps`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TestDepsChoice {
    /// The first declared test group (see [`Project::test_group`]), from the project's
    /// lockfile when it has one.
    #[default]
    Declared,
    /// The first declared test group from this lockfile (`--test-deps uv.lock`).
    Lockfile(String),
    /// The first declared test group as pyproject.toml declares it, whatever a lockfile
    /// pins (`--test-deps pyproject.toml`).
    Unlocked,
    /// None at all: only the project's own dependencies and pytest.
    Nothing,
    /// The group (or extra, or requirements file) of this name.
    Named(String),
}

impl TestDepsChoice {
    /// `--test-deps NAME`: `none` for nothing, a lockfile's name (`uv.lock`) for that lock,
    /// `pyproject.toml` for no lock, anything else a group's name.
    pub fn parse(text: Option<&str>) -> Self {
        match text {
            None => TestDepsChoice::Declared,
            Some("none") => TestDepsChoice::Nothing,
            Some("pyproject.toml") => TestDepsChoice::Unlocked,
            Some(lock) if LOCKFILES.contains(&lock) => TestDepsChoice::Lockfile(lock.to_string()),
            Some(name) => TestDepsChoice::Named(name.to_string()),
        }
    }
}

/// The build backend a project declares (`[build-system] build-backend`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Backend {
    /// None: setuptools' legacy default where a `setup.py` exists, else plain cargo.
    #[default]
    Undeclared,
    /// `maturin`.
    Maturin,
    /// `setuptools.build_meta` (or its `:__legacy__`), which builds Rust with setuptools-rust.
    Setuptools,
    /// Any other, named as declared: scan does not build it.
    Other(String),
}

impl Backend {
    /// The backend `build-backend = "name"` declares.
    fn named(name: &str) -> Backend {
        match name {
            "maturin" => Backend::Maturin,
            "setuptools.build_meta" | "setuptools.build_meta:__legacy__" => Backend::Setuptools,
            other => Backend::Other(other.to_string()),
        }
    }
}

/// What a project's `pyproject.toml` (and its requirements files) declare.
#[derive(Debug, Clone, Default)]
pub struct Project {
    /// `[project] name`, normalized.
    pub name: Option<String>,
    /// The declared build backend.
    pub backend: Backend,
    /// Set when the build backend is maturin.
    pub maturin: Option<MaturinConfig>,
    /// `[tool.setuptools-rust]`, when the project has one (a `setup.py`'s extensions are
    /// read when the crate is opened: [`super::UserCrate::open`]).
    pub setuptools_rust: Option<SetuptoolsRust>,
    /// `[project] dependencies`.
    pub dependencies: Vec<String>,
    /// Every declared group: dependency groups first, then Poetry groups, PDM groups, extras,
    /// requirements files, what CI installs.
    pub groups: Vec<DependencyGroup>,
    /// The project's lockfiles, preferred first (see [`LOCKFILES`]).
    pub lockfiles: Vec<Lockfile>,
}

/// Group names that hold test dependencies, in the order they are preferred.
const DEPENDENCY_GROUPS: &[&str] = &["test", "tests", "dev"];
const EXTRAS: &[&str] = &["test", "tests", "testing", "dev"];
/// Requirements files (`.txt`, or `.lock` for a pinned one), by their path's beginning:
/// beside `pyproject.toml` (`requirements-test.txt`) or in its `requirements/` folder
/// (`requirements/testing.txt`).
const REQUIREMENTS_PREFIXES: &[&str] = &[
    "requirements-test",
    "requirements/test",
    "requirements-dev",
    "requirements/dev",
];
/// The folder some projects keep their requirements files in.
const REQUIREMENTS_FOLDER: &str = "requirements";

impl Project {
    /// Reads `dir/pyproject.toml` (a project without one declares nothing), the
    /// requirements files in `dir`, its lockfiles and what its CI installs for the tests.
    pub fn read(dir: &Path) -> Result<Self> {
        let path = dir.join("pyproject.toml");
        let mut project = match std::fs::read_to_string(&path) {
            Ok(text) => Self::parse(&text).with_context(|| path.display().to_string())?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Project::default(),
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
        };
        project.groups.extend(requirements_files(dir)?);
        project.lockfiles = Lockfile::find(dir)?;
        let ci_groups: Vec<DependencyGroup> = ci::read(dir).into_iter().map(|ci| project.ci_group(ci)).collect();
        project.groups.extend(ci_groups);
        Ok(project)
    }

    /// What a CI source installs as a group, its installs of the project's extras
    /// (`pip install .[test]`) read as those extras' requirements.
    fn ci_group(&self, ci: ci::CiInstalls) -> DependencyGroup {
        let mut requirements = ci.requirements;
        let mut unreadable = ci.unreadable;
        for extra in &ci.extras {
            match self
                .groups
                .iter()
                .find(|g| g.source == GroupSource::Extra && &g.name == extra)
            {
                Some(group) => requirements.extend(group.requirements.iter().cloned()),
                None => unreadable.push(format!("`.[{extra}]`: pyproject.toml has no extra `{extra}`")),
            }
        }
        DependencyGroup {
            name: ci.file,
            source: GroupSource::Ci { part: ci.part },
            requirements,
            unreadable,
        }
    }

    /// Parses the text of a `pyproject.toml`.
    pub fn parse(text: &str) -> Result<Self> {
        let doc: toml::Table = toml::from_str(text).map_err(|e| anyhow::anyhow!("malformed TOML: {}", e.message()))?;
        let backend = doc
            .get("build-system")
            .and_then(|b| b.get("build-backend"))
            .and_then(|b| b.as_str())
            .map_or(Backend::Undeclared, Backend::named);
        let tool = doc.get("tool").and_then(|t| t.get("maturin"));
        let setuptools_rust = SetuptoolsRust::from_pyproject(doc.get("tool"))?;
        let project = doc.get("project");
        let written_name = project.and_then(|p| p.get("name")).and_then(|n| n.as_str());
        let maturin = match backend {
            Backend::Maturin => Some(MaturinConfig {
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
                unreadable: Vec::new(),
            });
        }
        groups.extend(poetry_groups(doc.get("tool").and_then(|t| t.get("poetry")))?);
        let pdm_key = "[tool.pdm.dev-dependencies]";
        let pdm = doc
            .get("tool")
            .and_then(|t| t.get("pdm"))
            .and_then(|p| p.get("dev-dependencies"));
        let pdm_groups: BTreeMap<String, Vec<String>> = typed(pdm, pdm_key)?;
        for (group, entries) in pdm_groups {
            groups.push(DependencyGroup {
                name: group,
                source: GroupSource::PdmGroup,
                // `-e file:///${PROJECT_ROOT}/…`: an editable local package, the wheel under test.
                requirements: entries.into_iter().filter(|e| !e.starts_with('-')).collect(),
                unreadable: Vec::new(),
            });
        }
        for extra in extras.keys() {
            groups.push(DependencyGroup {
                name: extra.clone(),
                source: GroupSource::Extra,
                requirements: expand_extra(&extras, extra, name.as_deref(), &mut Vec::new())?,
                unreadable: Vec::new(),
            });
        }
        Ok(Project {
            name,
            backend,
            maturin,
            setuptools_rust,
            dependencies,
            groups,
            lockfiles: Vec::new(),
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
            unreadable: Vec::new(),
        });
        Ok(())
    }

    /// The group the tests get for `choice`: the first of `[dependency-groups]`
    /// test/tests/dev, then Poetry's groups of those names, then PDM's, then extras
    /// test/tests/testing/dev, then `requirements-test*.txt`, `requirements/test*.txt`,
    /// `requirements-dev*.txt`, `requirements/dev*.txt` (a pinned one before the others of
    /// its kind), then what the project's CI installs before it runs pytest (GitHub Actions
    /// workflows, tox, nox); a named one must exist.
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
            TestDepsChoice::Declared | TestDepsChoice::Lockfile(_) | TestDepsChoice::Unlocked => {
                let of = |source: GroupSource, names: &[&str]| {
                    names
                        .iter()
                        .find_map(|n| self.groups.iter().find(|g| g.source == source && g.name == *n))
                };
                let by_prefix = REQUIREMENTS_PREFIXES.iter().find_map(|prefix| {
                    let mut files = self
                        .groups
                        .iter()
                        .filter(|g| g.source == GroupSource::Requirements && g.name.starts_with(prefix));
                    let first = files.clone().next();
                    files.find(|g| g.is_pinned()).or(first)
                });
                let ci = self.groups.iter().find(|g| matches!(g.source, GroupSource::Ci { .. }));
                Ok(of(GroupSource::DependencyGroup, DEPENDENCY_GROUPS)
                    .or_else(|| of(GroupSource::PoetryGroup, DEPENDENCY_GROUPS))
                    .or_else(|| of(GroupSource::PdmGroup, DEPENDENCY_GROUPS))
                    .or_else(|| of(GroupSource::Extra, EXTRAS))
                    .or(by_prefix)
                    .or(ci))
            }
        }
    }

    /// The lockfile that pins the tests' requirements for `choice`: the one named, else the
    /// project's preferred one where the group is declared in pyproject.toml (a lock locks
    /// nothing else), none for `none` or `pyproject.toml`.
    fn lockfile(&self, choice: &TestDepsChoice, group: Option<&DependencyGroup>) -> Result<Option<&Lockfile>> {
        match choice {
            TestDepsChoice::Nothing | TestDepsChoice::Unlocked => Ok(None),
            TestDepsChoice::Lockfile(name) => match self.lockfiles.iter().find(|l| &l.name == name) {
                Some(lock) => Ok(Some(lock)),
                None => bail!("--test-deps {name}: the project has no {name}"),
            },
            TestDepsChoice::Declared | TestDepsChoice::Named(_) => Ok(self
                .lockfiles
                .first()
                .filter(|_| group.is_none_or(DependencyGroup::in_pyproject))),
        }
    }

    /// What the tests' environment installs for `choice`, each with where it comes from:
    /// pytest, the project's own dependencies, the chosen group and `by_hand`, sorted by
    /// package, one requirement each. With a lockfile, the project's dependencies and a
    /// group of pyproject.toml are the lock's pins of them and of all they need. A chosen
    /// group with entries pip cannot be given is refused.
    pub fn test_dependencies(&self, choice: &TestDepsChoice, by_hand: &[String]) -> Result<Vec<TestDependency>> {
        let group = self.test_group(choice)?;
        if let Some(g) = group.filter(|g| !g.unreadable.is_empty()) {
            bail!(
                "{}: {} (pass --test-deps none, or another group)",
                g.source.describe(&g.name),
                g.unreadable.join("; ")
            );
        }
        let from = |origin: DeclaredIn| move |r: &String| (r.clone(), origin.clone());
        let declared: Vec<(String, DeclaredIn)> = self
            .dependencies
            .iter()
            .map(from(DeclaredIn::Project))
            .chain(group.into_iter().flat_map(|g| {
                g.requirements.iter().map(from(DeclaredIn::Group {
                    name: g.name.clone(),
                    source: g.source.clone(),
                }))
            }))
            .collect();
        let declared = match self.lockfile(choice, group)? {
            Some(lock) => {
                let own = |r: &String| self.name.as_deref() == Some(normalize(requirement_name(r)).as_str());
                let roots: Vec<String> = declared.into_iter().map(|(r, _)| r).filter(|r| !own(r)).collect();
                let locked_group = group.filter(|g| g.in_pyproject()).map(|g| g.name.as_str());
                let pins = lock.pins(self.name.as_deref(), locked_group, &roots)?;
                pins.into_iter()
                    .filter(|pin| !own(pin))
                    .map(|pin| (pin, DeclaredIn::Lock(lock.name.clone())))
                    .collect()
            }
            None => declared,
        };
        // Most explicit first: what was added by hand, then what the project declares
        // (or locks), then the runner, so that each package keeps the first of them.
        let mut all: Vec<(String, DeclaredIn)> = by_hand
            .iter()
            .map(from(DeclaredIn::ByHand))
            .chain(declared)
            .chain(std::iter::once(("pytest".to_string(), DeclaredIn::Runner)))
            .collect();
        let package = |r: &str| normalize(requirement_name(r));
        all.sort_by_key(|(r, _)| package(r));
        // A lock that forks by platform pins one package twice, each with its marker.
        let forked = |a: &DeclaredIn, b: &DeclaredIn| matches!((a, b), (DeclaredIn::Lock(_), DeclaredIn::Lock(_)));
        all.dedup_by(|a, b| package(&a.0) == package(&b.0) && !forked(&a.1, &b.1));
        Ok(all
            .into_iter()
            .map(|(requirement, from)| TestDependency { requirement, from })
            .collect())
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

/// The project's test and dev requirements files (`requirements-test*.txt` in `dir`,
/// `requirements/test*.txt`, … see [`REQUIREMENTS_PREFIXES`]), each named by its path
/// from `dir`, sorted by it.
fn requirements_files(dir: &Path) -> Result<Vec<DependencyGroup>> {
    let mut files = Vec::new();
    for folder in [dir.to_path_buf(), dir.join(REQUIREMENTS_FOLDER)] {
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(e) if folder != dir && e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot read {}", folder.display())),
        };
        for path in entries.flatten().map(|e| e.path()) {
            let name = path
                .strip_prefix(dir)
                .expect("inside dir")
                .to_string_lossy()
                .to_string();
            let requirements_file = name.ends_with(".txt") || name.ends_with(".lock");
            if requirements_file && REQUIREMENTS_PREFIXES.iter().any(|prefix| name.starts_with(prefix)) {
                files.push((name, path));
            }
        }
    }
    files.sort();
    files
        .into_iter()
        .map(|(name, path)| {
            Ok(DependencyGroup {
                name,
                source: GroupSource::Requirements,
                requirements: read_requirements(&path, &mut Vec::new())?,
                unreadable: Vec::new(),
            })
        })
        .collect()
}

/// Poetry's groups (`[tool.poetry.group.<name>.dependencies]`, and the older
/// `[tool.poetry.dev-dependencies]` as its `dev` group), their requirements in pip's words.
fn poetry_groups(poetry: Option<&toml::Value>) -> Result<Vec<DependencyGroup>> {
    let Some(poetry) = poetry else {
        return Ok(Vec::new());
    };
    let groups: toml::Table = typed(poetry.get("group"), "[tool.poetry.group]")?;
    let mut tables: Vec<(String, String, toml::Table)> = Vec::new();
    for (name, group) in &groups {
        let key = format!("[tool.poetry.group.{name}.dependencies]");
        tables.push((name.clone(), key.clone(), typed(group.get("dependencies"), &key)?));
    }
    let legacy = "[tool.poetry.dev-dependencies]";
    let dev: toml::Table = typed(poetry.get("dev-dependencies"), legacy)?;
    if !dev.is_empty() {
        tables.push(("dev".to_string(), legacy.to_string(), dev));
    }
    let mut out: Vec<DependencyGroup> = Vec::new();
    for (name, key, table) in tables {
        let mut requirements = Vec::new();
        let mut unreadable = Vec::new();
        for (package, spec) in &table {
            match poetry_requirement(package, spec) {
                Ok(req) => requirements.push(req),
                Err(why) => unreadable.push(format!("{key} {package}: {why}")),
            }
        }
        // The older table is the same `dev` group as a newer one of that name.
        match out.iter_mut().find(|g| g.name == name) {
            Some(group) => {
                group.requirements.extend(requirements);
                group.unreadable.extend(unreadable);
            }
            None => out.push(DependencyGroup {
                name,
                source: GroupSource::PoetryGroup,
                requirements,
                unreadable,
            }),
        }
    }
    Ok(out)
}

/// One Poetry dependency as a requirement pip takes: `pytest = "^8.1"` is
/// `pytest>=8.1,<9`; a table's `version`, `extras`, `markers`, `git` (with `rev`, `tag`
/// or `branch`) and `url` are read. What pip cannot be given (a local `path`, several
/// constraints by interpreter, `||`) is the error.
fn poetry_requirement(package: &str, spec: &toml::Value) -> Result<String, String> {
    let table = match spec {
        toml::Value::String(constraint) => {
            return Ok(format!("{package}{}", poetry_constraint(constraint)?));
        }
        toml::Value::Table(table) => table,
        toml::Value::Array(_) => return Err("constraints by interpreter (an array) are not read".into()),
        other => return Err(format!("unexpected {}", other.type_str())),
    };
    let text = |key: &str| table.get(key).and_then(|v| v.as_str());
    if table.contains_key("path") {
        return Err("a local path dependency is not installed from here".into());
    }
    let extras: Vec<&str> = table
        .get("extras")
        .and_then(|e| e.as_array())
        .map(|e| e.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    let mut req = package.to_string();
    if !extras.is_empty() {
        req.push_str(&format!("[{}]", extras.join(",")));
    }
    if let Some(git) = text("git") {
        let at = text("rev").or(text("tag")).or(text("branch"));
        req.push_str(&format!(
            " @ git+{git}{}",
            at.map(|a| format!("@{a}")).unwrap_or_default()
        ));
    } else if let Some(url) = text("url") {
        req.push_str(&format!(" @ {url}"));
    } else {
        req.push_str(&poetry_constraint(text("version").unwrap_or("*"))?);
    }
    if let Some(markers) = text("markers") {
        req.push_str(&format!("; {markers}"));
    }
    Ok(req)
}

/// A Poetry version constraint in PEP 440's words: `^1.2` is `>=1.2,<2`, `~1.2.3` is
/// `>=1.2.3,<1.3`, a bare `1.2.3` is `==1.2.3`, `*` is no constraint; comparisons stay.
fn poetry_constraint(constraint: &str) -> Result<String, String> {
    if constraint.contains("||") {
        return Err(format!("`{constraint}`: alternatives (||) are not read"));
    }
    // Poetry allows spaces inside a comparison (`>= 1.2`) and between two of them.
    let mut parts: Vec<String> = Vec::new();
    for token in constraint.split([',', ' ']).filter(|t| !t.is_empty()) {
        match parts.last_mut() {
            Some(last) if last.chars().all(|c| "<>=!~^".contains(c)) => last.push_str(token),
            _ => parts.push(token.to_string()),
        }
    }
    let mut out = Vec::new();
    for part in parts.into_iter().filter(|p| p != "*") {
        let bound = |version: &str, bump: usize| {
            let numbers: Vec<u64> = version.split('.').map_while(|n| n.parse().ok()).collect();
            if numbers.is_empty() {
                return Err(format!("`{constraint}`: not a version"));
            }
            let at = bump.min(numbers.len() - 1);
            let mut upper = numbers[..at].to_vec();
            upper.push(numbers[at] + 1);
            let upper: Vec<String> = upper.iter().map(u64::to_string).collect();
            Ok(format!(">={version},<{}", upper.join(".")))
        };
        out.push(if let Some(version) = part.strip_prefix('^') {
            // The first non-zero number may not change (the last one, if all are zero).
            let numbers: Vec<&str> = version.split('.').collect();
            let first = numbers.iter().position(|n| !n.trim_start_matches('0').is_empty());
            bound(version, first.unwrap_or(numbers.len() - 1))?
        } else if let Some(version) = part.strip_prefix('~').filter(|v| !v.starts_with('=')) {
            bound(version, 1)?
        } else if part.starts_with(|c: char| "<>=!~".contains(c)) {
            part
        } else {
            format!("=={part}")
        });
    }
    Ok(out.join(","))
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
        let requirements = |choice: TestDepsChoice| -> Vec<String> {
            p.test_dependencies(&choice, &[])
                .unwrap()
                .into_iter()
                .map(|d| d.requirement)
                .collect()
        };
        assert_eq!(
            requirements(TestDepsChoice::Declared),
            ["numpy>=1.20", "pytest", "pytest-mock", "ruff"]
        );
        assert_eq!(
            requirements(TestDepsChoice::Named("docs".into())),
            ["numpy>=1.20", "pytest", "sphinx"]
        );
        assert_eq!(requirements(TestDepsChoice::Nothing), ["numpy>=1.20", "pytest"]);
        let from: Vec<String> = p
            .test_dependencies(&TestDepsChoice::Declared, &["hypothesis==6.1".into()])
            .unwrap()
            .iter()
            .map(|d| format!("{} <- {}", d.requirement, d.from))
            .collect();
        assert_eq!(
            from,
            [
                "hypothesis==6.1 <- --test-dep",
                "numpy>=1.20 <- [project] dependencies of pyproject.toml",
                "pytest <- the test runner",
                "pytest-mock <- the `dev` extra of pyproject.toml",
                "ruff <- the `dev` extra of pyproject.toml",
            ]
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
            "# tools\n-e .\n-r requirements-base.txt\npytest-benchmark==5.1\nfile:.#egg=the-project\n../sibling\n",
        )
        .unwrap();
        let p = Project::read(dir.path()).unwrap();
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(group.name, "requirements-dev.txt");
        assert_eq!(group.requirements, ["attrs", "pytest-benchmark==5.1"]);
    }

    #[test]
    fn requirements_in_a_requirements_folder_are_found_like_those_beside_pyproject() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("requirements")).unwrap();
        std::fs::write(dir.path().join("requirements/base.txt"), "attrs\n").unwrap();
        std::fs::write(dir.path().join("requirements/docs.txt"), "sphinx\n").unwrap();
        std::fs::write(dir.path().join("requirements/dev.txt"), "ruff\n").unwrap();
        // `-r` is relative to the including file, as pip reads it.
        std::fs::write(
            dir.path().join("requirements/testing.txt"),
            "-r base.txt\npytest-mock>=3\n",
        )
        .unwrap();
        let p = Project::read(dir.path()).unwrap();
        let names: Vec<&str> = p.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["requirements/dev.txt", "requirements/testing.txt"]);
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(group.name, "requirements/testing.txt");
        assert_eq!(group.requirements, ["attrs", "pytest-mock>=3"]);
        assert_eq!(group.source.describe(&group.name), "requirements/testing.txt");

        // One beside pyproject.toml of the same kind comes first.
        std::fs::write(dir.path().join("requirements-test.txt"), "hypothesis\n").unwrap();
        let p = Project::read(dir.path()).unwrap();
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(group.name, "requirements-test.txt");
    }

    /// `requirement <- from` for each of the tests' requirements.
    fn origins(p: &Project, choice: TestDepsChoice) -> Vec<String> {
        p.test_dependencies(&choice, &[])
            .unwrap()
            .iter()
            .map(|d| format!("{} <- {}", d.requirement, d.from))
            .collect()
    }

    #[test]
    fn a_lockfile_pins_the_declared_test_group_unless_told_otherwise() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"locked\"\ndependencies = [\"attrs\"]\n\
             [dependency-groups]\ntest = [\"pytest>=8\", \"greeting\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("poetry.lock"),
            "[[package]]\nname = \"attrs\"\nversion = \"23.2.0\"\n\
             [[package]]\nname = \"pytest\"\nversion = \"8.1.1\"\n[package.dependencies]\niniconfig = \"*\"\n\
             [[package]]\nname = \"iniconfig\"\nversion = \"2.0.0\"\n\
             [[package]]\nname = \"greeting\"\nversion = \"1.0\"\n",
        )
        .unwrap();
        let p = Project::read(dir.path()).unwrap();
        let locked = [
            "attrs==23.2.0 <- poetry.lock",
            "greeting==1.0 <- poetry.lock",
            "iniconfig==2.0.0 <- poetry.lock",
            "pytest==8.1.1 <- poetry.lock",
        ];
        assert_eq!(origins(&p, TestDepsChoice::Declared), locked);
        assert_eq!(origins(&p, TestDepsChoice::parse(Some("poetry.lock"))), locked);
        assert_eq!(
            origins(&p, TestDepsChoice::parse(Some("pyproject.toml"))),
            [
                "attrs <- [project] dependencies of pyproject.toml",
                "greeting <- the `test` dependency group of pyproject.toml",
                "pytest>=8 <- the `test` dependency group of pyproject.toml",
            ]
        );
        // `none`: neither a group nor the lock.
        assert_eq!(
            origins(&p, TestDepsChoice::Nothing),
            [
                "attrs <- [project] dependencies of pyproject.toml",
                "pytest <- the test runner"
            ]
        );
        let absent = p
            .test_dependencies(&TestDepsChoice::parse(Some("uv.lock")), &[])
            .unwrap_err()
            .to_string();
        assert_eq!(absent, "--test-deps uv.lock: the project has no uv.lock");
    }

    #[test]
    fn pdm_groups_are_found_and_pinned_by_pdm_lock() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n[tool.pdm.dev-dependencies]\nlint = [\"ruff\"]\n\
             test = [\"-e file:///${PROJECT_ROOT}/helper\", \"greeting>=1\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("pdm.lock"),
            "[[package]]\nname = \"greeting\"\nversion = \"1.0\"\ngroups = [\"test\"]\n",
        )
        .unwrap();
        let p = Project::read(dir.path()).unwrap();
        assert_eq!(
            origins(&p, TestDepsChoice::Declared),
            ["greeting==1.0 <- pdm.lock", "pytest <- the test runner"]
        );
        assert_eq!(
            origins(&p, TestDepsChoice::Unlocked),
            [
                "greeting>=1 <- the `test` group of [tool.pdm.dev-dependencies] in pyproject.toml",
                "pytest <- the test runner"
            ]
        );
    }

    #[test]
    fn a_pinned_requirements_file_comes_before_an_unpinned_one_of_its_kind() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("requirements")).unwrap();
        std::fs::write(dir.path().join("requirements/test.in"), "greeting\n").unwrap();
        std::fs::write(dir.path().join("requirements/test.txt"), "greeting>=1\n").unwrap();
        std::fs::write(dir.path().join("requirements/test.lock"), "greeting==1.0\n").unwrap();
        let p = Project::read(dir.path()).unwrap();
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(group.name, "requirements/test.lock");
    }

    #[test]
    fn ci_installs_are_the_test_group_only_where_nothing_else_declares_one() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".github/workflows")).unwrap();
        std::fs::write(
            dir.path().join(".github/workflows/ci.yml"),
            "jobs:\n  test:\n    steps:\n      - run: pip install pytest numpy .[fast]\n      - run: pytest\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"x\"\n[project.optional-dependencies]\nfast = [\"orjson\"]\n",
        )
        .unwrap();
        let p = Project::read(dir.path()).unwrap();
        assert_eq!(
            origins(&p, TestDepsChoice::Declared),
            [
                "numpy <- job `test` of .github/workflows/ci.yml",
                "orjson <- job `test` of .github/workflows/ci.yml",
                "pytest <- job `test` of .github/workflows/ci.yml",
            ]
        );
        std::fs::write(dir.path().join("requirements-test.txt"), "hypothesis\n").unwrap();
        let p = Project::read(dir.path()).unwrap();
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(group.name, "requirements-test.txt");
    }

    #[test]
    fn poetry_groups_are_read_in_pips_words() {
        let p = Project::parse(
            r#"
[tool.poetry.dependencies]
python = "^3.9"
[tool.poetry.group.docs.dependencies]
sphinx = "*"
[tool.poetry.group.test.dependencies]
pytest = "^8.1"
hypothesis = { version = "~6.100.2", extras = ["numpy"] }
pytest-benchmark = ">= 4.0, <5"
attrs = "23.2.0"
plugin = { git = "https://example.org/plugin.git", tag = "v1" }
typing-extensions = { version = "^0.0.3", markers = "python_version < '3.11'" }
[tool.poetry.dev-dependencies]
ruff = "^0.4"
"#,
        )
        .unwrap();
        let group = p.test_group(&TestDepsChoice::Declared).unwrap().unwrap();
        assert_eq!(
            (group.name.as_str(), &group.source),
            ("test", &GroupSource::PoetryGroup)
        );
        assert_eq!(
            group.requirements,
            [
                "attrs==23.2.0",
                "hypothesis[numpy]>=6.100.2,<6.101",
                "plugin @ git+https://example.org/plugin.git@v1",
                "pytest>=8.1,<9",
                "pytest-benchmark>=4.0,<5",
                "typing-extensions>=0.0.3,<0.0.4; python_version < '3.11'",
            ]
        );
        let dev = p.groups.iter().find(|g| g.name == "dev").unwrap();
        assert_eq!(dev.requirements, ["ruff>=0.4,<0.5"]);
        let docs = p.groups.iter().find(|g| g.name == "docs").unwrap();
        assert_eq!(docs.requirements, ["sphinx"]);
        assert_eq!(
            group.source.describe("test"),
            "the `test` Poetry group of pyproject.toml"
        );
    }

    #[test]
    fn a_poetry_entry_pip_cannot_take_is_refused_only_when_the_tests_get_its_group() {
        let p = Project::parse(
            "[tool.poetry.group.test.dependencies]\nlocal = { path = \"../local\" }\nnumpy = \"^1 || ^2\"\n\
             [tool.poetry.group.lint.dependencies]\nruff = \"*\"\n",
        )
        .unwrap();
        let err = p
            .test_dependencies(&TestDepsChoice::Declared, &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(
                "the `test` Poetry group of pyproject.toml: [tool.poetry.group.test.dependencies] local: a local path"
            ) && err.contains("`^1 || ^2`: alternatives (||) are not read")
                && !err.contains('\n'),
            "{err}"
        );
        let lint = p.test_dependencies(&TestDepsChoice::Named("lint".into()), &[]).unwrap();
        assert_eq!(
            lint.iter().map(|d| d.requirement.as_str()).collect::<Vec<_>>(),
            ["pytest", "ruff"]
        );
    }
}
