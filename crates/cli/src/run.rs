//! `pyo3-matrix run`: the whole matrix (or a slice of it) into a results file and tables.

use crate::output::{check_writable, write_results};
use crate::progress::Progress;
use crate::setup;
use anyhow::Result;
use pyo3_matrix_engine::plan::{Context, Event, Origin, Subject};
use pyo3_matrix_engine::session::Session;
use pyo3_matrix_engine::{targets, tools};
use pyo3_matrix_model::{CellResult, RunResults, Shard};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Arguments of `run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// PyO3 releases: minors (0.23), exact versions (0.22.4), ranges (0.21..=0.24), comma-separated.
    #[arg(long, value_name = "LIST")]
    pyo3: Option<String>,
    /// Interpreters: flavor labels (3.12, 3.13, 3.13t) or paths, comma-separated.
    #[arg(long, value_name = "LIST")]
    python: Option<String>,
    /// Only this pattern (repeatable).
    #[arg(long = "pattern", value_name = "ID")]
    patterns: Vec<String>,
    /// A second table matrix.toml defines (`edges`): its interpreters and patterns unless
    /// --python or --pattern say otherwise, its results in docs/NAME/.
    #[arg(long, value_name = "NAME")]
    matrix_set: Option<String>,
    /// Results file, and nothing else [default: docs/results.json, or docs/NAME/results.json
    /// for --matrix-set NAME, with the tables drawn beside it].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Also draw the tables (Markdown, HTML, CSV, pattern pages) into DIR; the default run
    /// (without --out) draws them beside its results file.
    #[arg(long, value_name = "DIR")]
    reports: Option<PathBuf>,
    /// Only part I of N of the cells, for a CI job (merge the parts with `merge`).
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
    /// Processes at once, cargo's jobs and test processes counted together.
    #[arg(long, default_value_t = pyo3_matrix_engine::slots::cores())]
    jobs: usize,
    /// Do not provision missing interpreters; their cells are marked skipped.
    #[arg(long)]
    no_provision: bool,
    /// Observe every result again instead of reusing cached verdicts.
    #[arg(long)]
    no_cache: bool,
    /// Print one line per result even on a terminal.
    #[arg(long, short)]
    verbose: bool,
    /// After the run, remove the builds of the least recently used cells until the cache
    /// is at most SIZE (as `cache gc`); `none` keeps everything.
    #[arg(long, value_name = "SIZE", default_value = crate::cache::DEFAULT_MAX_SIZE, value_parser = CacheCap::parse)]
    cache_max_size: CacheCap,
}

/// `--cache-max-size`: the most bytes the cache keeps after a run, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CacheCap(Option<u64>);

impl CacheCap {
    /// A size as `cache gc` takes it, or `none`.
    fn parse(text: &str) -> Result<CacheCap, String> {
        match text.trim() {
            "none" => Ok(CacheCap(None)),
            size => crate::cache::parse_size(size).map(|bytes| CacheCap(Some(bytes))),
        }
    }
}

/// Runs the matrix.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let mut ctx = Context::load(&dir)?;
    ctx.use_cache = !args.no_cache;
    let selection = setup::selection(
        &ctx.matrix,
        args.matrix_set.as_deref(),
        args.pyo3.as_deref(),
        args.python.as_deref(),
        &args.patterns,
    )?;
    let patterns = setup::patterns(&dir, &selection.patterns)?;
    // Read before the run, so that a malformed file stops it before hours of building.
    let sources = setup::sources(&dir)?;
    let default_out = crate::catalog::run_results(&dir, args.matrix_set.as_deref());
    let reports = reports_dir(args.reports, args.out.as_deref(), &default_out, args.shard.is_some());
    let out = args.out.unwrap_or(default_out);
    check_writable(
        out.parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new(".")),
    )?;
    if let Some(reports) = &reports {
        check_writable(reports)?;
    }

    let progress = Progress::new(0, args.verbose);
    let targets = targets::resolve(&ctx, &selection.python, !args.no_provision, false, &mut |m| {
        progress.line(m)
    })?;
    let subjects = patterns.iter().map(Subject::of_pattern).collect();
    let mut session = Session::new(ctx, selection.releases, targets, subjects, "matrix");
    session.shard = args.shard;
    session.jobs = args.jobs;
    session.maturin = tools::maturin_on_path();
    progress.set_total(session.plan().verdicts());
    let header = session.header();
    let portable = session.portable();
    let seen: Mutex<Seen> = Mutex::default();
    let on = |event: Event| {
        match &event {
            Event::Result { result, origin } => {
                let mut seen = seen.lock().expect("results lock");
                seen.results.push((*result).clone());
                match origin {
                    Origin::Observed => seen.observed += 1,
                    Origin::Cached => seen.reused += 1,
                    Origin::UpFront => seen.up_front += 1,
                }
                seen.unsaved |= *origin != Origin::Cached;
            }
            // Whenever a cell starts, everything observed since the last write goes to disk
            // (the result cache keeps each verdict too): an interrupted run loses nothing it
            // finished, and a run that only reads the cache writes its results once.
            Event::CellStarted { .. } => {
                let mut seen = seen.lock().expect("results lock");
                if std::mem::take(&mut seen.unsaved) {
                    let partial = RunResults {
                        results: seen.results.clone(),
                        ..header.clone()
                    };
                    if let Err(e) = write_results(&out, &portable.results(&partial)) {
                        progress.line(&format!("warning: {e:#}"));
                    }
                }
            }
            Event::Note(_) | Event::CellFinished { .. } => {}
        }
        progress.event(event);
    };
    let results = portable.results(&session.run(&on)?);
    progress.finish();
    write_results(&out, &results)?;
    let written = match &reports {
        None => Vec::new(),
        Some(reports) => {
            let beside = crate::catalog::beside_tables(&dir, &session.ctx.matrix, &out)?;
            pyo3_matrix_report::write_all(&results, &beside, &patterns, sources, reports)?
        }
    };
    let seen = seen.into_inner().expect("results lock");
    summarize(&results, &seen, &out, &written);
    if let CacheCap(Some(max)) = args.cache_max_size {
        crate::cache::keep_under(&session.ctx.dirs, max, &mut |line| eprintln!("{line}"))?;
    }
    Ok(())
}

/// Where the tables are drawn, if anywhere: the folder `--reports` names; else, for a run
/// whose results go to their default file, that file's folder. A results file the user
/// names with `--out` is written alone, and a shard's tables are drawn after `merge`.
fn reports_dir(asked: Option<PathBuf>, out: Option<&Path>, default_out: &Path, shard: bool) -> Option<PathBuf> {
    match (asked, out, shard) {
        (Some(dir), _, _) => Some(dir),
        (None, None, false) => Some(
            default_out
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."))
                .to_path_buf(),
        ),
        (None, _, _) => None,
    }
}

/// What the run has seen so far.
#[derive(Default)]
struct Seen {
    /// Every verdict, observed or reused.
    results: Vec<CellResult>,
    /// How many of them were built and tested in this run.
    observed: usize,
    /// How many came from the cache.
    reused: usize,
    /// How many were decided before any build (blocked, skipped).
    up_front: usize,
    /// Whether something was observed since the results were last written.
    unsaved: bool,
}

fn summarize(results: &RunResults, seen: &Seen, out: &Path, written: &[PathBuf]) {
    let mut counts = std::collections::BTreeMap::new();
    for r in &results.results {
        *counts.entry(r.outcome).or_insert(0usize) += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(o, n)| format!("{n} {o}")).collect();
    let total = results.results.len();
    eprintln!(
        "{total} results ({} observed, {} reused from the cache, {} blocked or skipped up front): {}",
        seen.observed,
        seen.reused,
        seen.up_front,
        summary.join(", ")
    );
    eprintln!("wrote {}", out.display());
    if let Some(first) = written.first() {
        let dir = first.parent().unwrap_or(Path::new("."));
        eprintln!("wrote {} reports under {}", written.len(), dir.display());
    }
}
