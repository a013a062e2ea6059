//! `pyo3-matrix report` and `pyo3-matrix diff`: results in, documents out; nothing is built.

use crate::setup;
use anyhow::Result;
use pyo3_matrix_model::{MatrixDef, RunResults};
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
        .collect::<Result<Vec<(&Path, RunResults)>>>()?;
    let merged = pyo3_matrix_report::merge::merge(&parts, args.allow_mixed)?;

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
