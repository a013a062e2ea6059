//! `pyo3-matrix check SNIPPET.rs`: which release breaks this snippet?

use crate::explained::Catalog;
use crate::output::Format;
use crate::progress::Progress;
use crate::setup;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_engine::cells::Member;
use pyo3_matrix_engine::interpreters::PythonArg;
use pyo3_matrix_engine::plan::{Context, Subject, DEFAULT_TIMEOUT_S};
use pyo3_matrix_engine::scan::prepare::{self, CrateCells, CrateTests, TestDeps};
use pyo3_matrix_engine::scan::{TestDepsChoice, UserCrate};
use pyo3_matrix_engine::session::Session;
use pyo3_matrix_engine::targets;
use pyo3_matrix_model::Release;
use std::path::PathBuf;
use std::time::Duration;

/// The snippet and how to test it; shared by `check` and `bisect`.
#[derive(Debug, clap::Args)]
pub struct SnippetArgs {
    /// A complete lib.rs defining one #[pymodule] (its name is the import name), or a crate's
    /// directory (rebuilt in a copy, tested with its own tests/ unless --test is given).
    snippet: PathBuf,
    /// A pytest file run against the built module in every cell (else only the build is judged).
    #[arg(long, value_name = "TEST.py")]
    test: Option<PathBuf>,
    /// A crates.io dependency in cargo-add syntax (rayon@1); numpy and pyo3-async-runtimes
    /// without a version are paired with each PyO3 release.
    #[arg(long = "dep", value_name = "SPEC")]
    deps: Vec<String>,
    /// Seconds the tests may run in one cell before it counts as a hang.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_S)]
    timeout: u64,
}

/// A subject checked for bad input, still to be readied for the interpreters found.
pub enum Pending {
    /// A snippet: ready as it is.
    Snippet(Box<Subject>),
    /// A whole crate, built and tested the way `scan` does.
    Crate {
        /// The crate.
        krate: Box<UserCrate>,
        /// Its tests and how long they may run.
        cells: CrateCells,
        /// What its tests install, read before anything is.
        deps: TestDeps,
    },
}

impl Pending {
    /// The session that observes this subject at `releases` on the interpreters
    /// `python` names: each found (or provisioned), a crate's tests given an environment of
    /// their own; `check` and `bisect` then run it.
    pub fn session(
        self,
        ctx: Context,
        releases: Vec<Release>,
        python: &[PythonArg],
        note: &mut dyn FnMut(&str),
    ) -> Result<Session> {
        let targets = targets::resolve(&ctx, python, true, true, note)?;
        let (subject, targets, maturin) = match self {
            Pending::Snippet(subject) => (*subject, targets, None),
            Pending::Crate { krate, cells, deps } => {
                let prepared = prepare::prepare(&ctx, *krate, &cells, deps, targets, note)?;
                (prepared.subject, prepared.targets, prepared.maturin)
            }
        };
        let tag = format!("check-{}", subject.member.name);
        let mut session = Session::new(ctx, releases, targets, vec![subject], tag);
        session.maturin = maturin;
        Ok(session)
    }
}

impl SnippetArgs {
    /// Checks the files and the `--dep` specs, adds the extra crates to `ctx`, and returns
    /// the snippet as a subject for the runner.
    pub fn subject(&self, ctx: &mut Context) -> Result<Pending> {
        if self.snippet.is_dir() {
            // A whole crate: its own dependencies, its own tests unless --test names others.
            let mut krate = UserCrate::open(&self.snippet)?;
            let tests = match &self.test {
                Some(t) => CrateTests::File(
                    t.canonicalize()
                        .with_context(|| format!("test file {} does not exist", t.display()))?,
                ),
                None => CrateTests::Own(TestDepsChoice::Declared),
            };
            let cells = CrateCells::new(tests, self.timeout);
            let deps = prepare::test_deps(&mut krate, &cells)?;
            return Ok(Pending::Crate {
                krate: Box::new(krate),
                cells,
                deps,
            });
        }
        if !self.snippet.is_file() {
            bail!("snippet {} does not exist", self.snippet.display());
        }
        let test = match &self.test {
            Some(t) if !t.is_file() => bail!("test file {} does not exist", t.display()),
            Some(t) => Some(t.canonicalize()?),
            None => None,
        };
        let companions: Vec<&String> = ctx.matrix.releases.iter().flat_map(|r| r.companions.keys()).collect();
        let mut extra = Vec::new();
        let mut dep_names = Vec::new();
        for spec in &self.deps {
            let (name, req) = match spec.split_once('@') {
                Some((n, r)) if !n.is_empty() && !r.is_empty() => (n.to_string(), Some(r.to_string())),
                None if !spec.is_empty() => (spec.clone(), None),
                _ => bail!("--dep '{spec}': expected NAME or NAME@VERSION"),
            };
            match req {
                Some(req) => extra.push((name.clone(), req)),
                // A companion without a version follows each release's pairing.
                None if companions.contains(&&name) => {}
                None => extra.push((name.clone(), "*".into())),
            }
            dep_names.push(name);
        }
        ctx.extra_deps.extend(extra.into_iter().map(|(n, r)| (n, r.into())));
        let member = Member::from_snippet(&self.snippet, dep_names)?;
        Ok(Pending::Snippet(Box::new(Subject::snippet(
            member,
            test,
            Duration::from_secs(self.timeout),
        ))))
    }
}

/// Arguments of `check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    snippet: SnippetArgs,
    /// PyO3 releases: minors, exact versions, ranges, comma-separated [default: all].
    #[arg(long, value_name = "LIST")]
    pyo3: Option<String>,
    /// Interpreters: flavor labels or paths, comma-separated [default: 3.12,3.13,3.13t].
    #[arg(long, value_name = "LIST")]
    python: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Observe every cell again instead of reusing cached verdicts.
    #[arg(long)]
    no_cache: bool,
    /// Processes at once, cargo's jobs and test processes counted together.
    #[arg(long, default_value_t = pyo3_matrix_engine::slots::cores())]
    jobs: usize,
}

/// Runs the snippet in every requested cell.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let mut ctx = Context::load(&dir)?;
    ctx.use_cache = !args.no_cache;
    let pending = args.snippet.subject(&mut ctx)?;
    let catalog = Catalog::load(&dir, None)?;
    let releases = setup::releases(&ctx.matrix, args.pyo3.as_deref())?;
    let python = setup::python_args(&ctx.matrix.python, args.python.as_deref())?;
    let progress = Progress::new(0, false);
    let mut session = pending.session(ctx, releases, &python, &mut |m| progress.line(m))?;
    session.jobs = args.jobs;
    progress.set_total(session.plan().verdicts());
    let cells = session.verdicts(&|e| progress.event(e))?;
    progress.finish();
    let checked = catalog.explain(cells);
    match args.format {
        Format::Json => {
            let answer = serde_json::json!({
                "snippet": args.snippet.snippet.display().to_string(),
                "module": session.subjects[0].member.name,
                "catalog": catalog.results.is_some().then(|| catalog.path.display().to_string()),
                "cells": checked,
            });
            println!("{}", serde_json::to_string_pretty(&answer)?);
        }
        Format::Text => {
            for c in &checked {
                c.print();
            }
            catalog.note_if_missing();
        }
    }
    Ok(())
}
