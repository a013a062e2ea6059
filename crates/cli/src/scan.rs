//! `pyo3-matrix scan PATH`: a user's own crate against every release, built and tested the
//! way its maintainers do (maturin for a maturin project, its declared test dependencies, its
//! own pytest configuration), each failure explained by the catalog where it fails the same way.

use crate::check::Format;
use crate::explain::{explain, Explanation};
use crate::progress::Progress;
use crate::run::{interpreter_info, sort_results, write_results};
use crate::setup;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_engine::build;
use pyo3_matrix_engine::cells::Member;
use pyo3_matrix_engine::interpreters::Interpreter;
use pyo3_matrix_engine::runner::{self, Context, CrateSubject, Plan, Subject, Target};
use pyo3_matrix_engine::scan::{TestDepsChoice, UserCrate};
use pyo3_matrix_engine::tools::{self, MaturinVersion};
use pyo3_matrix_engine::venv::{self, Purpose, Wheels};
use pyo3_matrix_model::{CellResult, RunResults, Shard, Variant, SCHEMA_VERSION};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Arguments of `scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The crate's directory: its pyproject.toml and/or Cargo.toml (a workspace member is
    /// copied with its workspace; the original files are never modified).
    path: PathBuf,
    /// PyO3 releases, as for `run`.
    #[arg(long, value_name = "LIST")]
    pyo3: Option<String>,
    /// Interpreters, as for `run`.
    #[arg(long, value_name = "LIST", default_value = "3.12")]
    python: String,
    /// Also run the crate's own pytest suite, from its directory with its own configuration.
    #[arg(long)]
    tests: bool,
    /// The declared dependency group (PEP 735 group, extra, requirements file) the tests
    /// get, a requirements file of the project's (tests/requirements.txt), or `none`
    /// [default: the first of test, tests, testing, dev].
    #[arg(long, value_name = "NAME", requires = "tests")]
    test_deps: Option<String>,
    /// Seconds the tests may run in one cell before it counts as a hang.
    #[arg(long, default_value_t = runner::DEFAULT_TIMEOUT_S)]
    timeout: u64,
    /// Also build a maturin project with these maturin releases (e.g. 1.6.0,1.7.0): each
    /// is a variant of every cell (`maturin-1.6.0`) beside the plain cell's pinned maturin.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    maturin: Vec<MaturinVersion>,
    /// The catalog's results, used to name the patterns that explain each failure.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Also write the cells as a results file (the schema of docs/results.json, for `merge`,
    /// `diff` and `report`); nothing is written into the crate.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Only part I of N of the cells, for a CI job (merge the parts with `merge`).
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Observe every cell again instead of reusing cached verdicts.
    #[arg(long)]
    no_cache: bool,
}

/// One release's answer.
#[derive(Debug, Serialize)]
pub struct Scanned {
    /// The observed cell.
    #[serde(flatten)]
    pub cell: CellResult,
    /// Catalog patterns that fail the same way.
    pub explained_by: Vec<Explanation>,
}

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
}

impl CrateCells {
    /// Cells that run `tests` within `timeout` seconds, built by the pinned maturin alone.
    pub fn new(tests: CrateTests, timeout: u64) -> CrateCells {
        CrateCells {
            tests,
            timeout,
            maturins: Vec::new(),
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

/// What a crate's tests install and which declared group that is.
#[derive(Debug, Clone, Default)]
pub struct TestDeps {
    /// The requirements installed beside pytest.
    pub requirements: Vec<String>,
    /// The declared group they come from, if one.
    pub group: Option<String>,
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
        requirements: krate.project.test_requirements(&choice)?,
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
    let first = targets
        .iter()
        .find_map(|t| t.found.as_ref().ok().map(|(i, _)| i.clone()));
    let mut install = |version: &MaturinVersion| match (krate.built_by_maturin(), &first) {
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
        _ => with_test_environment(ctx, &krate, &deps.requirements, targets, note)?,
    };
    let maturin = tools.as_ref().map(|t| t.maturin_version.clone());
    let subject = Subject {
        member: Member {
            // Results name the crate by what its users import.
            name: krate.module().to_string(),
            source: krate.dir.join("Cargo.toml"),
            deps: Vec::new(),
        },
        test: match tests {
            CrateTests::File(file) => Some(file.clone()),
            _ => None,
        },
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
            let Ok((interp, _)) = &target.found else {
                return Ok(target);
            };
            let python = venv::environment(interp, &ctx.dirs, purpose, requirements, note)
                .map_err(|e| dependency_failure(krate, interp, requirements, &e))?;
            Ok(Target {
                flavor: target.flavor,
                found: Ok((interp.clone(), python)),
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

/// Builds (and with `tests`, tests) the crate in every requested cell.
pub fn observe(
    matrix_dir: &Path,
    crate_dir: &Path,
    pyo3: Option<&str>,
    python: &str,
    cells: CrateCells,
) -> Result<(UserCrate, Vec<CellResult>)> {
    let scan = Scan {
        pyo3,
        python,
        cells,
        shard: None,
        use_cache: true,
    };
    let observed = scan.observe(matrix_dir, crate_dir)?;
    Ok((observed.krate, observed.results.results))
}

/// What a scan asks.
struct Scan<'a> {
    pyo3: Option<&'a str>,
    python: &'a str,
    cells: CrateCells,
    shard: Option<Shard>,
    use_cache: bool,
}

/// What a scan observed.
struct Observed {
    krate: UserCrate,
    results: RunResults,
}

impl Scan<'_> {
    fn observe(self, matrix_dir: &Path, crate_dir: &Path) -> Result<Observed> {
        let mut ctx = setup::context(matrix_dir)?;
        ctx.use_cache = self.use_cache;
        let mut krate = UserCrate::open(crate_dir)?;
        let deps = test_deps(&mut krate, &self.cells)?;
        let releases = setup::releases(&ctx.matrix, self.pyo3)?;
        let python_args = setup::python_args(&ctx.matrix.python, Some(self.python))?;
        let cells = (0..releases.len() * python_args.len())
            .filter(|k| self.shard.is_none_or(|s| s.contains(*k)))
            .count();
        let progress = Progress::new(cells, false);
        let targets = setup::targets(&ctx, &python_args, true, true, &mut |m| progress.line(m))?;
        let interpreters = targets.iter().map(interpreter_info).collect();
        let prepared = prepare(&ctx, krate.clone(), &self.cells, deps, targets, &mut |m| {
            progress.line(m)
        })?;
        let tag = krate.tag();
        let subjects = [prepared.subject];
        let plan = Plan {
            releases: &releases,
            targets: &prepared.targets,
            subjects: &subjects,
            shard: self.shard,
            jobs: pyo3_matrix_engine::slots::cores(),
            tag: &tag,
        };
        let started_unix = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        let mut cells = runner::run(&ctx, plan, &|e| progress.event(e))?;
        progress.finish();
        sort_results(&mut cells);
        let results = RunResults {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            tool_build: Some(pyo3_matrix_engine::BUILD_IDENTITY.into()),
            rustc: build::rustc_version(),
            maturin: prepared.maturin,
            started_unix,
            releases,
            interpreters,
            results: cells,
        };
        Ok(Observed { krate, results })
    }
}

/// Scans the crate.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let tests = match args.tests {
        true => CrateTests::Own(TestDepsChoice::parse(args.test_deps.as_deref())),
        false => CrateTests::None,
    };
    if let Some(out) = &args.out {
        crate::run::check_writable(
            out.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )?;
    }
    let scan = Scan {
        pyo3: args.pyo3.as_deref(),
        python: &args.python,
        cells: CrateCells {
            tests,
            timeout: args.timeout,
            maturins: args.maturin.clone(),
        },
        shard: args.shard,
        use_cache: !args.no_cache,
    };
    // Before any build: a catalog named with --catalog must load; the default one is used
    // where it does, and a broken one is said, not silently passed over.
    let catalog_path = args
        .catalog
        .clone()
        .unwrap_or_else(|| dir.parent().unwrap_or(&dir).join("docs/results.json"));
    let catalog = match RunResults::load(&catalog_path) {
        Ok(catalog) => Some(catalog),
        Err(e) if args.catalog.is_some() => return Err(e.into()),
        Err(e) if catalog_path.exists() => {
            eprintln!("warning: failures are not explained by the catalog: {e}");
            None
        }
        Err(_) => None,
    };
    let Observed { krate, results } = scan.observe(&dir, &args.path)?;
    if let Some(out) = &args.out {
        write_results(out, &results)?;
    }
    let patterns = setup::patterns(&dir, &[])?;
    let scanned: Vec<Scanned> = results
        .results
        .iter()
        .cloned()
        .map(|cell| {
            let explained_by = match (&catalog, cell.outcome.works()) {
                (Some(catalog), false) => explain(&cell, catalog, &patterns),
                _ => Vec::new(),
            };
            Scanned { cell, explained_by }
        })
        .collect();
    match args.format {
        Format::Json => {
            let answer = serde_json::json!({
                "crate": krate.dir.display().to_string(),
                "module": krate.module(),
                "maturin": results.maturin,
                "catalog": catalog.is_some().then(|| catalog_path.display().to_string()),
                "cells": scanned,
            });
            println!("{}", serde_json::to_string_pretty(&answer)?);
        }
        Format::Text => {
            if let Some(maturin) = &results.maturin {
                println!("built with {maturin}");
            }
            for s in &scanned {
                println!("{}", crate::check::cell_line(&s.cell));
                for e in &s.explained_by {
                    println!(
                        "    like pattern {} ({}): {}{}",
                        e.pattern,
                        e.title,
                        e.matched,
                        e.link.as_deref().map(|l| format!(" — {l}")).unwrap_or_default()
                    );
                }
                if let Some(log) = s.cell.full_log.as_deref().filter(|_| !s.cell.outcome.works()) {
                    println!("    full log: {log}");
                }
            }
            if catalog.is_none() {
                eprintln!(
                    "note: no catalog results at {}; run `pyo3-matrix run` to explain failures",
                    catalog_path.display()
                );
            }
        }
    }
    Ok(())
}
