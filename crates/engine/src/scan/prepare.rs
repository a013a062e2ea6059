//! A user's crate readied for the runner as its maintainers would build and test it: the
//! maturins that build it, its test dependencies read (before anything is installed) and
//! installed once per interpreter, and the subject every cell observes.

use super::pyproject::TestDependency;
use super::{TestDepsChoice, UserCrate};
use crate::cells::Member;
use crate::interpreters::Interpreter;
use crate::plan::{Context, CrateSubject, Found, Subject, Target};
use crate::session::Session;
use crate::tools::{self, MaturinVersion};
use crate::venv::{self, Purpose, Wheels};
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_model::{Release, Variant};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// Which tests a crate's cells run.
#[derive(Debug, Clone)]
pub enum CrateTests {
    /// Only the build is judged.
    None,
    /// The project's own suite, with the declared dependency group chosen.
    Own(TestDepsChoice),
    /// This file (`check DIR --test FILE`), with the project's declared test dependencies.
    File(PathBuf),
}

/// What each of a crate's cells does beside building it.
#[derive(Debug, Clone)]
pub struct CrateCells {
    /// Which tests run.
    pub tests: CrateTests,
    /// Seconds they may run.
    pub timeout: u64,
    /// The other maturins that build a maturin project, each a variant of every cell.
    pub maturins: Vec<MaturinVersion>,
    /// Requirements the tests get beside the declared ones (`--test-dep SPEC`).
    pub test_deps_by_hand: Vec<String>,
}

impl CrateCells {
    /// Cells that run `tests` within `timeout` seconds, built by the pinned maturin alone.
    pub fn new(tests: CrateTests, timeout: u64) -> CrateCells {
        CrateCells {
            tests,
            timeout,
            maturins: Vec::new(),
            test_deps_by_hand: Vec::new(),
        }
    }
}

/// A crate ready to run: the runner's subject, and the interpreter columns with the
/// environment its tests run in.
pub struct PreparedCrate {
    /// What the runner builds and tests.
    pub subject: Subject,
    /// The columns, each with the crate's own test environment.
    pub targets: Vec<Target>,
    /// The maturin that builds it, if maturin does.
    pub maturin: Option<String>,
}

impl PreparedCrate {
    /// The session that observes the crate at `releases` in its columns, its results
    /// recording the maturin that builds it; `tag` keeps its copies apart from others'.
    pub fn session(self, ctx: Context, releases: Vec<Release>, tag: String) -> Session {
        let mut session = Session::new(ctx, releases, self.targets, vec![self.subject], tag);
        session.maturin = self.maturin;
        session
    }
}

/// What a crate's tests install and which declared group that is.
#[derive(Debug, Clone, Default)]
pub struct TestDeps {
    /// Every requirement installed (pytest with them), each with where it comes from.
    pub dependencies: Vec<TestDependency>,
    /// The declared group they come from, if one.
    pub group: Option<String>,
}

impl TestDeps {
    /// The requirements, as pip is given them.
    pub fn requirements(&self) -> Vec<String> {
        self.dependencies.iter().map(|d| d.requirement.clone()).collect()
    }
}

/// Reads what `krate`'s tests need, before anything is installed: a `--test-deps` group it
/// does not declare (or a requirements file it does not have) is bad input even when no
/// test runs.
pub fn test_deps(krate: &mut UserCrate, cells: &CrateCells) -> Result<TestDeps> {
    if !cells.maturins.is_empty() && !krate.built_by_maturin() {
        bail!(
            "--maturin: {} is not a maturin project (no pyproject.toml that builds with maturin)",
            krate.dir.display()
        );
    }
    if let Some(spec) = cells
        .test_deps_by_hand
        .iter()
        .find(|spec| super::requirements::requirement_name(spec).is_empty())
    {
        bail!("--test-dep {spec}: not a package requirement (such as hypothesis or pytest-mock>=3)");
    }
    let tests = &cells.tests;
    let choice = match tests {
        CrateTests::Own(choice) => choice.clone(),
        _ => TestDepsChoice::Declared,
    };
    if let TestDepsChoice::Named(name) = &choice {
        let declared = krate.project.groups.iter().any(|g| &g.name == name);
        if !declared && krate.dir.join(name).is_file() {
            let dir = krate.dir.clone();
            krate.project.add_requirements_file(&dir, name)?;
        }
    }
    Ok(TestDeps {
        dependencies: krate.project.test_dependencies(&choice, &cells.test_deps_by_hand)?,
        group: krate.project.test_group(&choice)?.map(|g| g.name.clone()),
    })
}

/// Readies `krate` for the runner: its tools (maturin, for a maturin project, and each
/// other maturin `cells` asks for), its test dependencies (`deps`, from [`test_deps`])
/// installed once per interpreter, the subject.
pub fn prepare(
    ctx: &Context,
    krate: UserCrate,
    cells: &CrateCells,
    deps: TestDeps,
    targets: Vec<Target>,
    note: &mut dyn FnMut(&str),
) -> Result<PreparedCrate> {
    let first = targets.iter().find_map(|t| t.interpreter().cloned());
    // A setuptools-rust project needs the tools' uv and cargo shim, not their maturin.
    let packaged = krate.built_by_maturin() || krate.built_by_setuptools_rust();
    let mut install = |version: &MaturinVersion| match (packaged, &first) {
        (true, Some(interp)) => tools::ensure(interp, &ctx.dirs, version, note)
            .map(Some)
            .with_context(|| format!("cannot install maturin {version}")),
        _ => Ok(None),
    };
    let tools = install(&MaturinVersion::pinned())?;
    let mut variants = Vec::new();
    let mut variant_tools = BTreeMap::new();
    for version in cells.maturins.iter().filter(|v| !v.is_pinned()) {
        if let Some(tools) = install(version)? {
            variant_tools.insert(version.variant_name(), tools);
        }
        variants.push(Variant::named(version.variant_name()));
    }
    let tests = &cells.tests;
    let targets = match tests {
        CrateTests::None => targets,
        _ => with_test_environment(ctx, &krate, &deps.requirements(), targets, note)?,
    };
    let maturin = tools
        .as_ref()
        .filter(|_| krate.built_by_maturin())
        .map(|t| t.maturin_version.clone());
    let subject = Subject {
        module: krate.module().to_string(),
        member: Member {
            // Results name the crate by what its users import.
            name: krate.module().to_string(),
            source: krate.manifest_in(&krate.root),
            deps: Vec::new(),
        },
        test: match tests {
            CrateTests::File(file) => Some(file.clone()),
            _ => None,
        },
        releases: None,
        timeout: Duration::from_secs(cells.timeout),
        variants,
        user_crate: Some(CrateSubject {
            own_tests: matches!(tests, CrateTests::Own(_)),
            krate,
            tools,
            variant_tools,
            test_group: deps.group,
        }),
    };
    Ok(PreparedCrate {
        subject,
        targets,
        maturin,
    })
}

/// Each found column's test python replaced by one of an environment holding pytest, the
/// project's dependencies and its test group: made once per interpreter and set of
/// requirements, shared by every cell and every later scan that asks the same.
fn with_test_environment(
    ctx: &Context,
    krate: &UserCrate,
    requirements: &[String],
    targets: Vec<Target>,
    note: &mut dyn FnMut(&str),
) -> Result<Vec<Target>> {
    let name = venv::requirements_name(requirements);
    let purpose = Purpose {
        name: &name,
        wheels: Wheels::Preferred,
    };
    targets
        .into_iter()
        .map(|target| {
            let Some(interp) = target.interpreter() else {
                return Ok(target);
            };
            let test_python = venv::environment(interp, &ctx.dirs, purpose, requirements, note)
                .map_err(|e| dependency_failure(krate, interp, requirements, &e))?;
            Ok(Target {
                flavor: target.flavor,
                found: Found::Ready {
                    interp: interp.clone(),
                    test_python,
                },
            })
        })
        .collect()
}

/// One line for test dependencies that could not be installed, naming what pip named.
fn dependency_failure(
    krate: &UserCrate,
    interp: &Interpreter,
    requirements: &[String],
    e: &anyhow::Error,
) -> anyhow::Error {
    let text = format!("{e:#}");
    let pip_says = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("ERROR: "))
        .map(|l| l.trim_start_matches("ERROR: "))
        .next_back()
        .unwrap_or_else(|| text.lines().last().unwrap_or_default());
    anyhow::anyhow!(
        "{}: cannot install its test dependencies ({}) for Python {}: {pip_says}",
        krate.dir.display(),
        requirements.join(", "),
        interp.flavor
    )
}
