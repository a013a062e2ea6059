//! `pyo3-matrix report` and `pyo3-matrix diff`: results in, documents out; nothing is built.

use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_model::{CellId, CellResult, MatrixDef, RunResults};
use std::collections::btree_map::{BTreeMap, Entry};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A results file written by `run`.
    #[arg(long, value_name = "FILE", default_value = "docs/results.json")]
    results: PathBuf,
    /// Directory for the reports.
    #[arg(long, value_name = "DIR", default_value = "docs")]
    out: PathBuf,
}

/// Arguments of `diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The earlier results file.
    old: PathBuf,
    /// The later results file.
    new: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Exit with status 1 (after printing the comparison) when cells got worse.
    #[arg(long, value_enum, value_name = "WHAT")]
    fail_on: Option<FailOn>,
}

/// What makes `diff --fail-on` fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A cell that worked (pass or deprecated) in the old run and does not in the new one.
    Regressed,
}

impl FailOn {
    /// The flag's value as typed on the command line.
    pub fn as_arg(self) -> &'static str {
        match self {
            FailOn::Regressed => "regressed",
        }
    }

    /// The cells of `diff` that fail it.
    fn failures(self, diff: &pyo3_matrix_report::Diff) -> usize {
        match self {
            FailOn::Regressed => diff.regressed.len(),
        }
    }
}

/// Exit status of `diff --fail-on` when it fails: distinct from 2, which is bad input.
const DIFF_FAILED: i32 = 1;

/// Regenerates every report from a results file.
pub fn report(matrix: Option<PathBuf>, args: ReportArgs) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let results = RunResults::load(&args.results)?;
    crate::output::check_writable(&args.out)?;
    draw(&dir, &results, &args.results, &args.out)
}

/// Draws every table of `results` (written at `results_path`) into `out_dir`, with the
/// catalog of the matrix in `dir` and the tables its claims count beside its own.
fn draw(dir: &Path, results: &RunResults, results_path: &Path, out_dir: &Path) -> Result<()> {
    let patterns = setup::patterns(dir, &[])?;
    let sources = setup::sources(dir)?;
    let matrix = MatrixDef::load(&dir.join("matrix.toml"))?;
    let beside = crate::catalog::beside_tables(dir, &matrix, results_path)?;
    for path in pyo3_matrix_report::write_all(results, &beside, &patterns, sources, out_dir)? {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Compares two results files; with `--fail-on regressed`, a regressed cell makes the
/// process exit with status 1 after the comparison is printed.
pub fn diff(args: DiffArgs) -> Result<()> {
    let old = RunResults::load(&args.old)?;
    let new = RunResults::load(&args.new)?;
    let diff = pyo3_matrix_report::diff(&old, &new);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&diff)?);
    } else {
        print!("{diff}");
    }
    if let Some(fail_on) = args.fail_on {
        let failures = fail_on.failures(&diff);
        if failures > 0 {
            std::io::stdout().flush()?;
            eprintln!(
                "pyo3-matrix: {failures} cell(s) {} from {} to {}",
                fail_on.as_arg(),
                args.old.display(),
                args.new.display()
            );
            std::process::exit(DIFF_FAILED);
        }
    }
    Ok(())
}

/// Arguments of `merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Results files of the shards.
    #[arg(required = true)]
    parts: Vec<PathBuf>,
    /// The merged results file; the tables go beside it.
    #[arg(long, value_name = "FILE", default_value = "docs/results.json")]
    out: PathBuf,
    /// Merge shards made by different pyo3-matrix builds or rustc versions.
    #[arg(long)]
    allow_mixed: bool,
}

/// Merges shard results: every result once, interpreters and releases united, then the
/// tables. Shards of different builds or rustc versions are refused unless `--allow-mixed`;
/// a cell two shards disagree on is always refused.
pub fn merge(matrix: Option<PathBuf>, args: MergeArgs) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let parts = args
        .parts
        .iter()
        .map(|path| Ok((path.as_path(), RunResults::load(path)?)))
        .collect::<Result<Vec<_>>>()?;
    let (first_path, first) = &parts[0];
    if !args.allow_mixed {
        for (path, part) in &parts[1..] {
            if part.tool_build != first.tool_build {
                let (theirs, ours) = shortest_distinct(part.tool_build.as_deref(), first.tool_build.as_deref());
                bail!(
                    "{} was made by another pyo3-matrix build ({theirs}) than {} ({ours}); pass --allow-mixed to merge anyway",
                    path.display(),
                    first_path.display()
                );
            }
            if part.rustc != first.rustc {
                bail!(
                    "{} was made with another rustc ({}) than {} ({}); pass --allow-mixed to merge anyway",
                    path.display(),
                    part.rustc,
                    first_path.display(),
                    first.rustc
                );
            }
        }
    }

    let mut merged = first.clone();
    merged.results = Vec::new();
    // Where each cell came from, so that a disagreement names both files.
    let mut cells: BTreeMap<CellId, (&Path, &CellResult)> = BTreeMap::new();
    for (path, part) in &parts {
        for cell in &part.results {
            match cells.entry(cell.id.clone()) {
                Entry::Vacant(v) => {
                    v.insert((path, cell));
                }
                Entry::Occupied(o) => {
                    let (seen_in, seen) = *o.get();
                    if !same_result(seen, cell) {
                        bail!("{}", disagreement(&cell.id, (seen_in, seen), (path, cell)));
                    }
                }
            }
        }
    }
    for (_, part) in &parts[1..] {
        merged.started_unix = merged.started_unix.min(part.started_unix);
        for info in &part.interpreters {
            if !merged.interpreters.iter().any(|i| i.flavor == info.flavor) {
                merged.interpreters.push(info.clone());
            }
        }
        // A file that does not list its releases makes the union unknown.
        if part.releases.is_empty() {
            merged.releases.clear();
        }
        if !merged.releases.is_empty() {
            merged.releases.extend(part.releases.iter().cloned());
        }
        if part.tool_build != merged.tool_build {
            merged.tool_build = None; // mixed (with --allow-mixed): no one build made the file
        }
        if !merged.rustc.split(" + ").any(|r| r == part.rustc) {
            merged.rustc = format!("{} + {}", merged.rustc, part.rustc);
        }
    }
    merged.releases.sort();
    merged.releases.dedup();
    merged.results = cells.into_values().map(|(_, cell)| cell.clone()).collect();
    merged.sort();

    let out_dir = args
        .out
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    crate::output::check_writable(&out_dir)?;
    crate::output::write_results(&args.out, &merged)?;
    draw(&dir, &merged, &args.out, &out_dir)?;
    eprintln!("wrote {} ({} results)", args.out.display(), merged.results.len());
    Ok(())
}

/// Whether two shards' results for one cell say the same: everything but the timings,
/// which measure the observation rather than the verdict.
fn same_result(a: &CellResult, b: &CellResult) -> bool {
    CellResult {
        timings: b.timings.clone(),
        ..a.clone()
    } == *b
}

/// Why two shards' results for `id` cannot both be kept.
fn disagreement(id: &CellId, (a_path, a): (&Path, &CellResult), (b_path, b): (&Path, &CellResult)) -> String {
    let (a_file, b_file) = (a_path.display(), b_path.display());
    match a.outcome == b.outcome {
        false => format!(
            "cell {id} is {} in {a_file} but {} in {b_file}; a cell can be merged only when its results agree",
            a.outcome, b.outcome
        ),
        true => format!(
            "cell {id} is {} in both {a_file} and {b_file}, but with other details; a cell can be merged only when its results agree",
            a.outcome
        ),
    }
}

/// Two build identities as short as they can be while still told apart (`a1b2c3d4e5f6…`).
fn shortest_distinct(a: Option<&str>, b: Option<&str>) -> (String, String) {
    const SHORT: usize = 12;
    let short = |x: Option<&str>, full: bool| match x {
        None => "unrecorded".to_string(),
        Some(x) if full || x.chars().count() <= SHORT => x.to_string(),
        Some(x) => format!("{}…", x.chars().take(SHORT).collect::<String>()),
    };
    let full = short(a, false) == short(b, false);
    (short(a, full), short(b, full))
}
