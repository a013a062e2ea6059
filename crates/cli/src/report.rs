//! `pyo3-matrix report` and `pyo3-matrix diff`: results in, documents out; nothing is built.

use crate::setup;
use anyhow::Result;
use pyo3_matrix_model::RunResults;
use std::io::Write as _;
use std::path::PathBuf;

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
    let patterns = setup::patterns(&dir, &[])?;
    crate::run::check_writable(&args.out)?;
    let sources = setup::sources(&dir)?;
    for path in pyo3_matrix_report::write_all(&results, &patterns, sources, &args.out)? {
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
}

/// Merges shard results: every result once, interpreters united, then the tables.
pub fn merge(matrix: Option<PathBuf>, args: MergeArgs) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let mut parts = args.parts.iter().map(|p| RunResults::load(p));
    let mut merged = parts.next().expect("clap requires one part")?;
    for part in parts {
        let part = part?;
        merged.started_unix = merged.started_unix.min(part.started_unix);
        for info in part.interpreters {
            if !merged.interpreters.iter().any(|i| i.flavor == info.flavor) {
                merged.interpreters.push(info);
            }
        }
        merged.results.extend(part.results);
    }
    crate::run::sort_results(&mut merged.results);
    merged.results.dedup_by(|a, b| a.id == b.id);
    let out_dir = args
        .out
        .parent()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    crate::run::check_writable(&out_dir)?;
    crate::run::write_results(&args.out, &merged)?;
    let patterns = setup::patterns(&dir, &[])?;
    let sources = setup::sources(&dir)?;
    for path in pyo3_matrix_report::write_all(&merged, &patterns, sources, &out_dir)? {
        eprintln!("wrote {}", path.display());
    }
    eprintln!("wrote {} ({} results)", args.out.display(), merged.results.len());
    Ok(())
}
