//! `pyo3-matrix run`: the whole matrix (or a slice of it) into a results file and tables.

use crate::progress::Progress;
use crate::setup;
use anyhow::{Context as _, Result};
use pyo3_matrix_engine::runner::{self, Origin, Plan, Subject, Target};
use pyo3_matrix_engine::{build, cells::Member};
use pyo3_matrix_model::{CellResult, InterpreterInfo, Pattern, RunResults, Shard, SCHEMA_VERSION};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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
    /// Results file; the tables go beside it [default: docs/results.json].
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
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
    let mut ctx = setup::context(&dir)?;
    ctx.use_cache = !args.no_cache;
    let setup::Selection {
        releases,
        python: python_args,
        patterns: only,
    } = setup::selection(
        &ctx.matrix,
        args.matrix_set.as_deref(),
        args.pyo3.as_deref(),
        args.python.as_deref(),
        &args.patterns,
    )?;
    let patterns = setup::patterns(&dir, &only)?;
    // Read before the run, so that a malformed file stops it before hours of building.
    let sources = setup::sources(&dir)?;
    let out = args
        .out
        .unwrap_or_else(|| crate::catalog::run_results(&dir, args.matrix_set.as_deref()));
    let out_dir = out
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    check_writable(&out_dir)?;

    let started_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let early = Progress::new(0, args.verbose);
    let targets = setup::targets(&ctx, &python_args, !args.no_provision, false, &mut |m| early.line(m))?;
    early.finish();
    let subjects = subjects(&patterns);
    let per_cell: usize = subjects.iter().map(|s| 1 + s.variants.len()).sum();
    let cells = (0..releases.len() * targets.len())
        .filter(|k| args.shard.is_none_or(|s| s.contains(*k)))
        .count();
    let progress = Progress::new(per_cell * cells, args.verbose);
    let mut results = RunResults {
        schema_version: SCHEMA_VERSION,
        tool_version: env!("CARGO_PKG_VERSION").into(),
        tool_build: Some(pyo3_matrix_engine::BUILD_IDENTITY.into()),
        rustc: build::rustc_version(),
        maturin: maturin_version(),
        started_unix,
        releases: releases.clone(),
        interpreters: targets.iter().map(interpreter_info).collect(),
        results: Vec::new(),
    };
    let seen: Mutex<Seen> = Mutex::default();
    let write_partial = |results: &RunResults, found: &[CellResult]| {
        let mut partial = results.clone();
        partial.results = found.to_vec();
        write_results(&out, &partial)
    };
    let on = |event: runner::Event| {
        match &event {
            runner::Event::Result { result, origin } => {
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
            runner::Event::CellStarted { .. } => {
                let mut seen = seen.lock().expect("results lock");
                if std::mem::take(&mut seen.unsaved) {
                    if let Err(e) = write_partial(&results, &seen.results) {
                        progress.line(&format!("warning: {e:#}"));
                    }
                }
            }
            runner::Event::Note(_) | runner::Event::CellFinished { .. } => {}
        }
        progress.event(event);
    };
    let plan = Plan {
        releases: &releases,
        targets: &targets,
        subjects: &subjects,
        shard: args.shard,
        jobs: args.jobs,
        tag: "matrix",
    };
    let mut found = runner::run(&ctx, plan, &on)?;
    progress.finish();
    sort_results(&mut found);
    results.results = found;
    write_results(&out, &results)?;
    // A shard is one part of a run: its tables are drawn after `merge`.
    let written = match args.shard {
        Some(_) => Vec::new(),
        None => {
            let beside = crate::catalog::beside_tables(&dir, &ctx.matrix, &out)?;
            pyo3_matrix_report::write_all(&results, &beside, &patterns, sources, &out_dir)?
        }
    };
    let seen = seen.into_inner().expect("results lock");
    summarize(&results, &seen, &out, &written);
    if let CacheCap(Some(max)) = args.cache_max_size {
        crate::cache::keep_under(&ctx.dirs, max, &mut |line| eprintln!("{line}"))?;
    }
    Ok(())
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

/// The engine's view of each pattern.
pub fn subjects(patterns: &[Pattern]) -> Vec<Subject> {
    patterns
        .iter()
        .map(|p| Subject {
            member: Member {
                name: p.id.clone(),
                source: p.source.clone(),
                deps: p.meta.deps.clone(),
            },
            test: p.test.clone(),
            timeout: Duration::from_secs(p.meta.timeout.unwrap_or(runner::DEFAULT_TIMEOUT_S)),
            variants: p.meta.variants.clone(),
            user_crate: None,
        })
        .collect()
}

/// How an interpreter column is recorded in the results.
pub fn interpreter_info(t: &Target) -> InterpreterInfo {
    match &t.found {
        Ok((i, _)) => InterpreterInfo {
            flavor: t.flavor,
            path: Some(i.path.display().to_string()),
            version: Some(i.version.clone()),
            note: None,
        },
        Err(why) => InterpreterInfo {
            flavor: t.flavor,
            path: None,
            version: None,
            note: Some(why.clone()),
        },
    }
}

/// Orders results the way the tables read: pattern, release, interpreter, variant.
pub fn sort_results(results: &mut [CellResult]) {
    results.sort_by(|a, b| a.id.cmp(&b.id));
}

fn maturin_version() -> Option<String> {
    let out = std::process::Command::new("maturin").arg("--version").output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Fails early, naming the directory, when results could not be written there.
pub fn check_writable(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create output directory {}", dir.display()))?;
    tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("output directory {} is not writable", dir.display()))?;
    Ok(())
}

/// Writes `results` to `path` atomically (a temporary file renamed over it).
pub fn write_results(path: &Path, results: &RunResults) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write {}", path.display()))?;
    serde_json::to_writer_pretty(&mut tmp, results)?;
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))?;
    tmp.persist(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
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
