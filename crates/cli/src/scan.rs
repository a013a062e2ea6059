//! `pyo3-matrix scan PATH`: a user's own crate against every release, built and tested the
//! way its maintainers do (maturin for a maturin project, `pip install .` for a setuptools-rust
//! one, its declared test dependencies, its
//! own pytest configuration), each failure explained by the catalog where it fails the same way.

use crate::explained::Catalog;
use crate::output::Format;
use crate::output::{check_writable, write_results};
use crate::progress::Progress;
use crate::setup;
use anyhow::Result;
use pyo3_matrix_engine::plan::{Context, DEFAULT_TIMEOUT_S};
use pyo3_matrix_engine::portable::Portable;
use pyo3_matrix_engine::scan::prepare::{self, CrateCells, CrateTests, TestDeps};
use pyo3_matrix_engine::scan::{TestDepsChoice, UserCrate};
use pyo3_matrix_engine::targets;
use pyo3_matrix_engine::tools::MaturinVersion;
use pyo3_matrix_model::{CellResult, RunResults, Shard};
use std::path::{Path, PathBuf};

/// Arguments of `scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The crate's directory: its pyproject.toml (maturin or setuptools-rust) and/or
    /// Cargo.toml, or the crate folder (rust/) of the maturin or setuptools-rust project above
    /// it, which is then scanned (a workspace member is copied with its workspace; the
    /// original files are never modified).
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
    /// The declared dependency group (PEP 735 group, Poetry group, extra, requirements
    /// file, CI workflow file, tox.ini, noxfile.py) the tests get, a requirements file of the
    /// project's (tests/requirements.txt), a lockfile (uv.lock, poetry.lock, pdm.lock),
    /// `pyproject.toml` for the declared ranges instead of the lock, or `none`
    /// [default: the first of test, tests, testing, dev, pinned by the project's lockfile].
    #[arg(long, value_name = "NAME", requires = "tests")]
    test_deps: Option<String>,
    /// A package the tests get beside the declared ones, as pip takes it (hypothesis,
    /// pytest-mock>=3); repeat for more.
    #[arg(long = "test-dep", value_name = "SPEC", requires = "tests")]
    test_dep: Vec<String>,
    /// Seconds the tests may run in one cell before it counts as a hang.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_S)]
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
    /// What the tests got, and from where.
    deps: TestDeps,
    results: RunResults,
    /// How the results are written to a file.
    portable: Portable,
}

impl Scan<'_> {
    fn observe(self, matrix_dir: &Path, crate_dir: &Path) -> Result<Observed> {
        let mut ctx = Context::load(matrix_dir)?;
        ctx.use_cache = self.use_cache;
        let mut krate = UserCrate::open(crate_dir)?;
        let deps = prepare::test_deps(&mut krate, &self.cells)?;
        let releases = setup::releases(&ctx.matrix, self.pyo3)?;
        let python = setup::python_args(&ctx.matrix.python, Some(self.python))?;
        let progress = Progress::new(0, false);
        let mut note = |m: &str| progress.line(m);
        let targets = targets::resolve(&ctx, &python, true, true, &mut note)?;
        // The header names each column's interpreter (Target::info), which preparing the
        // crate's test environments keeps.
        let prepared = prepare::prepare(&ctx, krate.clone(), &self.cells, deps.clone(), targets, &mut note)?;
        let mut session = prepared.session(ctx, releases, krate.tag());
        session.shard = self.shard;
        progress.set_total(session.plan().verdicts());
        let results = session.run(&|e| progress.event(e))?;
        progress.finish();
        Ok(Observed {
            krate,
            deps,
            results,
            portable: session.portable(),
        })
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
        check_writable(
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
            test_deps_by_hand: args.test_dep.clone(),
        },
        shard: args.shard,
        use_cache: !args.no_cache,
    };
    // Before any build: a catalog named with --catalog must load; the default one is used
    // where it does, and a broken one is said, not silently passed over.
    let catalog = Catalog::load(&dir, args.catalog.clone())?;
    let Observed {
        krate,
        deps,
        results,
        portable,
    } = scan.observe(&dir, &args.path)?;
    // Only what the tests got: without --tests nothing is installed.
    let test_deps = match args.tests {
        true => deps.dependencies,
        false => Vec::new(),
    };
    if let Some(out) = &args.out {
        write_results(out, &portable.results(&results))?;
    }
    let mut scanned = catalog.explain(results.results.clone());
    for s in &mut scanned {
        // Printed for a person on this machine to open.
        s.cell.full_log = s.cell.full_log.take().map(|log| portable.resolve(&log));
    }
    match args.format {
        Format::Json => {
            let answer = serde_json::json!({
                "crate": krate.dir.display().to_string(),
                "module": krate.module(),
                "maturin": results.maturin,
                "test_deps": test_deps,
                "catalog": catalog.results.is_some().then(|| catalog.path.display().to_string()),
                "cells": scanned,
            });
            println!("{}", serde_json::to_string_pretty(&answer)?);
        }
        Format::Text => {
            if let Some(maturin) = &results.maturin {
                println!("built with {maturin}");
            }
            if !test_deps.is_empty() {
                let listed: Vec<String> = test_deps
                    .iter()
                    .map(|d| format!("{} ({})", d.requirement, d.from))
                    .collect();
                println!("tests run with {}", listed.join(", "));
            }
            for s in &scanned {
                s.print();
                if let Some(log) = s.cell.full_log.as_deref().filter(|_| !s.cell.outcome.works()) {
                    println!("    full log: {log}");
                }
            }
            catalog.note_if_missing();
        }
    }
    Ok(())
}
