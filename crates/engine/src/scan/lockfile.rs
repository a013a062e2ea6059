//! A project's lockfile (`uv.lock`, `poetry.lock`, `pdm.lock`): the exact versions its
//! maintainers' tool resolved, which its tests are run with by default.
//!
//! The three are TOML files that hold the whole resolved graph (each package's version and
//! the packages it needs, with their markers and extras), so they are read here rather than
//! by uv, Poetry or PDM: the test dependencies are read before anything is installed (a bad
//! `--test-deps` is one line before any build), Poetry and PDM are rarely on a machine,
//! and uv could only export what the graph already says. The pins then go through the same
//! installer as every other test dependency. The walk starts from the requirements the
//! project declares (its `[project] dependencies` and the test group) and follows the
//! lock's edges; what the lock names but the walk never reaches (other groups, other
//! platforms' packages) is left out, as `uv sync --only-group` or `poetry install --only`
//! leave it out.

use crate::scan::requirements::{normalize, requirement_name};
use anyhow::{bail, Context as _, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The lockfiles scan reads, by the name each tool gives it, in the order they are preferred.
pub const LOCKFILES: [&str; 3] = ["uv.lock", "poetry.lock", "pdm.lock"];

/// One requirement of a locked package (or of the project) on another.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Edge {
    /// The needed package, normalized.
    name: String,
    /// Its extras asked for.
    extras: Vec<String>,
    /// When it is needed (a PEP 508 marker), if not always.
    marker: Option<String>,
    /// Which of several locked versions of it, where the lock says.
    version: Option<String>,
}

impl Edge {
    /// A PEP 508 requirement as one edge: `b[c]>=2; python_version < "3.11"`; Poetry's
    /// `b[c] (>=2)` too.
    fn parse(requirement: &str) -> Edge {
        let (spec, marker) = match requirement.split_once(';') {
            Some((spec, marker)) => (spec.trim(), Some(marker.trim().to_string())),
            None => (requirement.trim(), None),
        };
        let name = requirement_name(spec);
        let extras = spec[name.len()..]
            .trim_start()
            .strip_prefix('[')
            .and_then(|rest| rest.split_once(']'))
            .map(|(inside, _)| inside.split(',').map(normalize).filter(|e| !e.is_empty()).collect())
            .unwrap_or_default();
        Edge {
            name: normalize(name),
            extras,
            marker: marker.filter(|m| !m.is_empty()),
            version: None,
        }
    }
}

/// One locked package.
#[derive(Debug, Clone, Default)]
struct Locked {
    version: String,
    /// How pip gets it when not from an index by version: `git+https://…@<commit>`, a URL.
    direct: Option<String>,
    dependencies: Vec<Edge>,
    /// The packages each of its extras adds.
    extras: BTreeMap<String, Vec<Edge>>,
    /// The packages each of its dependency groups adds: uv locks the project itself with
    /// its groups (`[package.dev-dependencies]`).
    groups: BTreeMap<String, Vec<Edge>>,
}

/// A lockfile, read.
#[derive(Debug, Clone)]
pub struct Lockfile {
    /// Its file name (`uv.lock`): what the results name as the source of each pin.
    pub name: String,
    /// Every locked package by its normalized name (several versions where the lock forks).
    packages: BTreeMap<String, Vec<Locked>>,
}

impl Lockfile {
    /// The lockfiles in `dir`, in the order of [`LOCKFILES`]; a malformed one is named.
    pub fn find(dir: &Path) -> Result<Vec<Lockfile>> {
        let mut out = Vec::new();
        for name in LOCKFILES {
            let path = dir.join(name);
            if path.is_file() {
                let text = crate::fs::read_to_string(&path)?;
                out.push(Lockfile::parse(name, &text).with_context(|| path.display().to_string())?);
            }
        }
        Ok(out)
    }

    /// Reads the text of the lockfile called `name` (one of [`LOCKFILES`]).
    pub fn parse(name: &str, text: &str) -> Result<Lockfile> {
        let doc: toml::Table = toml::from_str(text).map_err(|e| anyhow::anyhow!("malformed TOML: {}", e.message()))?;
        let entries = match doc.get("package") {
            None => Vec::new(),
            Some(toml::Value::Array(entries)) => entries.clone(),
            Some(_) => bail!("`package` is not an array of tables"),
        };
        let mut packages: BTreeMap<String, Vec<Locked>> = BTreeMap::new();
        // PDM locks a package's extras as another entry of the same name.
        let mut pdm_extras = Vec::new();
        for entry in &entries {
            let text = |key: &str| entry.get(key).and_then(|v| v.as_str());
            let (Some(package), Some(version)) = (text("name"), text("version")) else {
                bail!("a [[package]] without a name and version");
            };
            let locked = match name {
                "uv.lock" => uv_package(entry, version),
                "poetry.lock" => poetry_package(entry, version),
                _ => {
                    let locked = pdm_package(entry, version);
                    let extras: Vec<String> = names(entry.get("extras"));
                    if !extras.is_empty() {
                        pdm_extras.push((normalize(package), extras, locked));
                        continue;
                    }
                    locked
                }
            };
            packages.entry(normalize(package)).or_default().push(locked);
        }
        for (package, extras, with_extras) in pdm_extras {
            let base = packages.entry(package.clone()).or_default();
            if base.is_empty() {
                base.push(Locked {
                    version: with_extras.version.clone(),
                    ..Locked::default()
                });
            }
            let added: Vec<Edge> = with_extras
                .dependencies
                .into_iter()
                .filter(|edge| edge.name != package)
                .collect();
            for extra in extras {
                base[0].extras.insert(extra, added.clone());
            }
        }
        Ok(Lockfile {
            name: name.to_string(),
            packages,
        })
    }

    /// The pinned requirements (`name==version`, with the marker of the edge that first
    /// needed it unless another needs it always; one per locked version where the lock
    /// forks by platform) of what the project `project` needs with its group `group`, and
    /// of everything those need, by name. Where the lock holds the project itself (uv's),
    /// its own entry says what that is; elsewhere `declared` does (the project's
    /// dependencies and the group's requirements, as pyproject.toml declares them), and
    /// one the lock does not hold is an error: the lock is older than the declaration. The
    /// project is never pinned: it is the wheel under test.
    pub fn pins(&self, project: Option<&str>, group: Option<&str>, declared: &[String]) -> Result<Vec<String>> {
        let own = project.and_then(|p| self.packages.get(p)).and_then(|v| v.first());
        let stale = |what: &str| {
            anyhow::anyhow!(
                "{} does not lock {what} (it is older than pyproject.toml: the tool that made it renews it; \
                 --test-deps pyproject.toml takes the declared versions instead)",
                self.name
            )
        };
        let mut queue: Vec<Edge> = match own {
            Some(own) => {
                let mut roots = own.dependencies.clone();
                if let Some(group) = group.map(normalize) {
                    let edges = own.groups.get(&group).or(own.extras.get(&group));
                    roots.extend(
                        edges
                            .ok_or_else(|| stale(&format!("the group `{group}`")))?
                            .iter()
                            .cloned(),
                    );
                }
                roots
            }
            None => declared.iter().map(|r| Edge::parse(r)).collect(),
        };
        if let Some(missing) = queue.iter().find(|edge| !self.packages.contains_key(&edge.name)) {
            return Err(stale(&format!("`{}`", missing.name)));
        }
        let project = project.map(normalize);
        let mut reached: BTreeMap<(String, String), (&Locked, Option<String>)> = BTreeMap::new();
        let mut expanded: BTreeSet<(String, String, Option<String>)> = BTreeSet::new();
        while let Some(edge) = queue.pop() {
            let Some(versions) = self.packages.get(&edge.name) else {
                // Locked for no platform this walk reaches: nothing to install.
                continue;
            };
            let locked = edge
                .version
                .as_ref()
                .and_then(|v| versions.iter().find(|l| &l.version == v))
                .unwrap_or(&versions[0]);
            // A group's `my-project[test]` brings that extra's packages, not the project.
            if project.as_ref() != Some(&edge.name) {
                let marker = reached
                    .entry((edge.name.clone(), locked.version.clone()))
                    .or_insert((locked, edge.marker.clone()));
                if edge.marker.is_none() {
                    marker.1 = None;
                }
            }
            let wanted = std::iter::once(None).chain(edge.extras.iter().cloned().map(Some));
            for extra in wanted {
                if !expanded.insert((edge.name.clone(), locked.version.clone(), extra.clone())) {
                    continue;
                }
                let edges = match &extra {
                    None => Some(&locked.dependencies),
                    Some(extra) => locked.extras.get(extra),
                };
                queue.extend(edges.into_iter().flatten().cloned());
            }
        }
        Ok(reached
            .into_iter()
            .map(|((name, _), (locked, marker))| {
                let pin = match &locked.direct {
                    Some(direct) => format!("{name} @ {direct}"),
                    None => format!("{name}=={}", locked.version),
                };
                match marker {
                    Some(marker) => format!("{pin}; {marker}"),
                    None => pin,
                }
            })
            .collect())
    }
}

/// The strings of an array value (anything else: none).
fn strings(value: Option<&toml::Value>) -> Vec<String> {
    value
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// The names in an array value, normalized (extras' names).
fn names(value: Option<&toml::Value>) -> Vec<String> {
    strings(value).iter().map(|n| normalize(n)).collect()
}

/// uv's edges: `[{ name = "b", marker = "…", extra = ["c"], version = "…" }]`.
fn uv_edges(value: Option<&toml::Value>) -> Vec<Edge> {
    let entries = value.and_then(|v| v.as_array()).cloned().unwrap_or_default();
    entries
        .iter()
        .filter_map(|entry| {
            let text = |key: &str| entry.get(key).and_then(|v| v.as_str()).map(str::to_string);
            Some(Edge {
                name: normalize(&text("name")?),
                extras: names(entry.get("extra")),
                marker: text("marker"),
                version: text("version"),
            })
        })
        .collect()
}

/// A `uv.lock` package: `dependencies`, `[package.optional-dependencies]` (its extras),
/// `[package.dev-dependencies]` (its groups, for the project itself); a git source is
/// pinned to the locked commit (`?rev=…#<commit>`).
fn uv_package(entry: &toml::Value, version: &str) -> Locked {
    let by_name = |key: &str| -> BTreeMap<String, Vec<Edge>> {
        entry
            .get(key)
            .and_then(|o| o.as_table())
            .map(|table| {
                table
                    .iter()
                    .map(|(name, edges)| (normalize(name), uv_edges(Some(edges))))
                    .collect()
            })
            .unwrap_or_default()
    };
    let git = entry.get("source").and_then(|s| s.get("git")).and_then(|g| g.as_str());
    let direct = git.map(|url| {
        let (repo, commit) = url.split_once('#').unwrap_or((url, ""));
        let repo = repo.split('?').next().unwrap_or(repo);
        match commit.is_empty() {
            true => format!("git+{repo}"),
            false => format!("git+{repo}@{commit}"),
        }
    });
    Locked {
        version: version.to_string(),
        direct,
        dependencies: uv_edges(entry.get("dependencies")),
        extras: by_name("optional-dependencies"),
        groups: by_name("dev-dependencies"),
    }
}

/// A `poetry.lock` package: `[package.dependencies]` (`b = "*"`, `b = { version, markers,
/// optional, extras }`, or an array of those by interpreter), `[package.extras]`
/// (`e = ["b (>=2)"]`); optional dependencies come only through an extra; a git source is
/// pinned to its resolved commit.
fn poetry_package(entry: &toml::Value, version: &str) -> Locked {
    let mut dependencies = Vec::new();
    let table = entry
        .get("dependencies")
        .and_then(|d| d.as_table())
        .cloned()
        .unwrap_or_default();
    for (name, spec) in &table {
        let specs: Vec<&toml::Value> = match spec {
            toml::Value::Array(alternatives) => alternatives.iter().collect(),
            one => vec![one],
        };
        if specs
            .iter()
            .all(|s| s.get("optional").and_then(|o| o.as_bool()) == Some(true))
        {
            continue;
        }
        // Alternatives by interpreter name one version each; the package is needed either way.
        let marker = match specs.as_slice() {
            [one] => one.get("markers").and_then(|m| m.as_str()).map(str::to_string),
            _ => None,
        };
        dependencies.push(Edge {
            name: normalize(name),
            extras: names(specs[0].get("extras")),
            marker,
            version: None,
        });
    }
    let extras = entry
        .get("extras")
        .and_then(|e| e.as_table())
        .map(|table| {
            table
                .iter()
                .map(|(extra, reqs)| {
                    let edges = strings(Some(reqs)).iter().map(|r| Edge::parse(r)).collect();
                    (normalize(extra), edges)
                })
                .collect()
        })
        .unwrap_or_default();
    let source = entry.get("source");
    let field = |key: &str| source.and_then(|s| s.get(key)).and_then(|v| v.as_str());
    let direct = match (field("type"), field("url")) {
        (Some("git"), Some(url)) => Some(match field("resolved_reference").or(field("reference")) {
            Some(commit) => format!("git+{url}@{commit}"),
            None => format!("git+{url}"),
        }),
        (Some("url"), Some(url)) => Some(url.to_string()),
        _ => None,
    };
    Locked {
        version: version.to_string(),
        direct,
        dependencies,
        extras,
        groups: BTreeMap::new(),
    }
}

/// A `pdm.lock` package: `dependencies = ["b[c]>=2; marker"]` (its extras are entries of
/// their own, folded in by [`Lockfile::parse`]).
fn pdm_package(entry: &toml::Value, version: &str) -> Locked {
    Locked {
        version: version.to_string(),
        direct: None,
        dependencies: strings(entry.get("dependencies"))
            .iter()
            .map(|r| Edge::parse(r))
            .collect(),
        ..Locked::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pins(name: &str, text: &str, roots: &[&str]) -> Vec<String> {
        let roots: Vec<String> = roots.iter().map(|r| r.to_string()).collect();
        Lockfile::parse(name, text).unwrap().pins(None, None, &roots).unwrap()
    }

    #[test]
    fn a_uv_lock_pins_the_roots_and_what_they_need_and_nothing_else() {
        let lock = r#"
version = 1
[[package]]
name = "my-project"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "attrs" }]
[package.dev-dependencies]
test = [{ name = "pytest" }, { name = "hypothesis", extra = ["numpy"] }]
lint = [{ name = "ruff" }]

[[package]]
name = "attrs"
version = "23.2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.1.1"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "colorama", marker = "sys_platform == 'win32'" },
    { name = "iniconfig" },
]

[[package]]
name = "hypothesis"
version = "6.100.2"
dependencies = [{ name = "attrs" }]
[package.optional-dependencies]
numpy = [{ name = "numpy" }]

[[package]]
name = "numpy"
version = "1.26.4"

[[package]]
name = "colorama"
version = "0.4.6"

[[package]]
name = "iniconfig"
version = "2.0.0"

[[package]]
name = "ruff"
version = "0.4.1"

[[package]]
name = "plugin"
version = "1.0"
source = { git = "https://example.org/plugin.git?tag=v1#0123abcd" }
"#;
        assert_eq!(
            pins("uv.lock", lock, &["attrs", "pytest>=8", "hypothesis[numpy]"]),
            [
                "attrs==23.2.0",
                "colorama==0.4.6; sys_platform == 'win32'",
                "hypothesis==6.100.2",
                "iniconfig==2.0.0",
                "numpy==1.26.4",
                "pytest==8.1.1",
            ]
        );
        assert_eq!(
            pins("uv.lock", lock, &["plugin"]),
            ["plugin @ git+https://example.org/plugin.git@0123abcd"]
        );
        let stale = Lockfile::parse("uv.lock", lock)
            .unwrap()
            .pins(None, None, &["pytest-mock>=3".into()])
            .unwrap_err()
            .to_string();
        assert!(stale.starts_with("uv.lock does not lock `pytest-mock`"), "{stale}");
    }

    #[test]
    fn uv_locks_the_project_itself_with_its_groups_and_forks_by_platform() {
        let lock = r#"
[[package]]
name = "my-project"
version = "0.1.0"
source = { editable = "." }
[package.optional-dependencies]
fast = [{ name = "numpy" }]
[package.dev-dependencies]
test = [
    { name = "pytest", version = "8.3.5", marker = "python_full_version < '3.9'" },
    { name = "pytest", version = "9.0.1", marker = "python_full_version >= '3.9'" },
    { name = "my-project", extra = ["fast"] },
]

[[package]]
name = "pytest"
version = "8.3.5"
[[package]]
name = "pytest"
version = "9.0.1"
dependencies = [{ name = "iniconfig" }]
[[package]]
name = "iniconfig"
version = "2.0.0"
[[package]]
name = "numpy"
version = "1.26.4"
"#;
        let lock = Lockfile::parse("uv.lock", lock).unwrap();
        assert_eq!(
            lock.pins(Some("my-project"), Some("test"), &["pytest".into()]).unwrap(),
            [
                "iniconfig==2.0.0",
                "numpy==1.26.4",
                "pytest==8.3.5; python_full_version < '3.9'",
                "pytest==9.0.1; python_full_version >= '3.9'",
            ]
        );
        let missing = lock
            .pins(Some("my-project"), Some("docs"), &[])
            .unwrap_err()
            .to_string();
        assert!(
            missing.starts_with("uv.lock does not lock the group `docs`"),
            "{missing}"
        );
    }

    #[test]
    fn a_poetry_lock_follows_its_dependency_tables_and_extras() {
        let lock = r#"
[[package]]
name = "pytest"
version = "8.1.1"
optional = false
[package.dependencies]
colorama = {version = "*", markers = "sys_platform == \"win32\""}
iniconfig = "*"
tomli = [{version = ">=1", python = "<3.11"}, {version = ">=2", python = ">=3.11"}]
pygments = {version = ">=2", optional = true}
[package.extras]
dev = ["pygments (>=2.7.2)"]

[[package]]
name = "colorama"
version = "0.4.5"
[[package]]
name = "iniconfig"
version = "1.1.1"
[[package]]
name = "tomli"
version = "2.0.1"
[[package]]
name = "pygments"
version = "2.17.2"

[[package]]
name = "plugin"
version = "1.0"
[package.source]
type = "git"
url = "https://example.org/plugin.git"
reference = "v1"
resolved_reference = "0123abcd"

[metadata]
lock-version = "2.0"
"#;
        assert_eq!(
            pins("poetry.lock", lock, &["pytest>=8.1,<9"]),
            [
                "colorama==0.4.5; sys_platform == \"win32\"",
                "iniconfig==1.1.1",
                "pytest==8.1.1",
                "tomli==2.0.1",
            ]
        );
        assert!(pins("poetry.lock", lock, &["pytest[dev]"]).contains(&"pygments==2.17.2".to_string()));
        assert_eq!(
            pins("poetry.lock", lock, &["plugin"]),
            ["plugin @ git+https://example.org/plugin.git@0123abcd"]
        );
    }

    #[test]
    fn a_pdm_lock_folds_its_extras_entries_into_the_package() {
        let lock = r#"
[metadata]
groups = ["default", "test"]
[[package]]
name = "pytest"
version = "8.1.1"
groups = ["test"]
dependencies = ["colorama; sys_platform == \"win32\"", "iniconfig"]
[[package]]
name = "hypothesis"
version = "6.100.2"
dependencies = ["attrs>=22.2.0"]
[[package]]
name = "hypothesis"
version = "6.100.2"
extras = ["numpy"]
dependencies = ["hypothesis==6.100.2", "numpy>=1.17.3"]
[[package]]
name = "attrs"
version = "23.2.0"
[[package]]
name = "numpy"
version = "1.26.4"
[[package]]
name = "iniconfig"
version = "2.0.0"
"#;
        assert_eq!(
            pins("pdm.lock", lock, &["pytest", "hypothesis[numpy]>=6"]),
            [
                "attrs==23.2.0",
                "hypothesis==6.100.2",
                "iniconfig==2.0.0",
                "numpy==1.26.4",
                "pytest==8.1.1",
            ]
        );
    }

    #[test]
    fn a_malformed_lock_is_one_line() {
        let err = Lockfile::parse("uv.lock", "[[package]]\nname = \"x\"\n").unwrap_err();
        assert_eq!(err.to_string(), "a [[package]] without a name and version");
        assert!(Lockfile::parse("pdm.lock", "package = 3").is_err());
    }
}
