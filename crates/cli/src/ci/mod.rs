//! `pyo3-matrix ci github`: CI configuration for a sharded run. Without `--crate`, the GitHub
//! Actions `strategy.matrix` that this repository's own workflow runs the catalog with
//! ([`matrix`]); with `--crate PATH`, a complete workflow that scans a user's crate in their
//! own repository ([`workflow`]). Both shard the cells the same way.

mod crate_path;
mod matrix;
mod pinned;
mod workflow;
mod yaml;

use crate::report::FailOn;
use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_engine::interpreters::PythonArg;
use pyo3_matrix_engine::plan::Context;
use pyo3_matrix_model::{Flavor, Release, Shard};
use std::path::PathBuf;

/// GitHub refuses a matrix with more jobs than this.
const GITHUB_MAX_JOBS: usize = 256;

/// CI generators.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print a GitHub Actions strategy.matrix (JSON) with one job per shard, or with
    /// `--crate PATH` a complete workflow (YAML) that scans that crate in CI.
    Github(GithubArgs),
}

/// Arguments of `ci github`.
#[derive(Debug, clap::Args)]
pub struct GithubArgs {
    /// Number of jobs [default: one per cell, at most 256].
    #[arg(long)]
    shards: Option<usize>,
    /// PyO3 releases, as for `run`.
    #[arg(long, value_name = "LIST")]
    pyo3: Option<String>,
    /// Interpreter flavor labels, as for `run` (paths make no sense on another machine).
    #[arg(long, value_name = "LIST")]
    python: Option<String>,
    /// A second table matrix.toml defines (`newest`), as for `run`: its interpreters and
    /// releases unless --python or --pyo3 say otherwise, and every shard runs its patterns.
    #[arg(long, value_name = "NAME", conflicts_with = "krate")]
    matrix_set: Option<String>,
    /// Print a whole workflow that scans this crate (its directory, as seen from the root of
    /// the repository the workflow is committed to) instead of a strategy matrix.
    #[arg(long = "crate", value_name = "PATH")]
    krate: Option<PathBuf>,
    /// Where the workflow installs pyo3-matrix from (`cargo install --git URL`)
    /// [default: this build's `repository` metadata].
    #[arg(long, value_name = "URL", requires = "krate")]
    tool_git: Option<String>,
    /// The commit, tag or branch of `--tool-git` to install (`cargo install --rev`).
    #[arg(long, value_name = "REV", requires = "krate")]
    tool_rev: Option<String>,
    /// Fail the workflow when a cell got worse than in the baseline results file.
    #[arg(long, value_enum, requires = "krate", requires = "baseline")]
    fail_on: Option<FailOn>,
    /// The committed results file to compare with (a path in the repository), for `--fail-on`.
    #[arg(long, value_name = "FILE", requires = "fail_on")]
    baseline: Option<PathBuf>,
}

/// The cells to spread over the jobs: every release with every interpreter.
#[derive(Debug)]
struct Cells {
    releases: Vec<Release>,
    flavors: Vec<Flavor>,
    /// The matrix set they come from (`--matrix-set`), whose patterns each shard runs.
    set: Option<String>,
}

impl Cells {
    /// How many cells there are.
    fn len(&self) -> usize {
        self.releases.len() * self.flavors.len()
    }

    /// The `--pyo3` list naming exactly these releases.
    fn pyo3_arg(&self) -> String {
        join(&self.releases, ",")
    }

    /// The `--python` list naming exactly these interpreters.
    fn python_arg(&self) -> String {
        join(&self.flavors, ",")
    }

    /// Cell number `k` in release-major order, the order [`Shard::contains`] counts in.
    fn nth(&self, k: usize) -> (&Release, &Flavor) {
        (
            &self.releases[k / self.flavors.len()],
            &self.flavors[k % self.flavors.len()],
        )
    }
}

/// One job's part of the cells.
#[derive(Debug)]
struct ShardJob {
    /// Its `--shard I/N`.
    shard: Shard,
    /// The interpreter labels its cells need, sorted, each once (for actions/setup-python).
    python_labels: Vec<String>,
    /// Its cells, as `release/interpreter`.
    cells: Vec<String>,
}

/// Prints the strategy matrix, or with `--crate` the workflow.
pub fn run(matrix: Option<PathBuf>, cmd: Command) -> Result<()> {
    let Command::Github(args) = cmd;
    // The crate is checked first: a wrong path is the likeliest mistake and needs no matrix.
    let crate_path = args.krate.as_deref().map(crate_path::crate_dir).transpose()?;
    let cells = cells(
        matrix,
        args.matrix_set.as_deref(),
        args.pyo3.as_deref(),
        args.python.as_deref(),
    )?;
    let jobs = shard_jobs(&cells, args.shards)?;
    match crate_path {
        None => println!("{}", matrix::render(&cells, &jobs)?),
        Some(crate_path) => {
            let spec = workflow::Spec {
                crate_path,
                pyo3: cells.pyo3_arg(),
                python: cells.python_arg(),
                shard_count: jobs.first().map_or(1, |j| j.shard.count),
                tool: workflow::Tool::new(args.tool_git, args.tool_rev)?,
                baseline: match (args.fail_on, args.baseline) {
                    (Some(fail_on), Some(file)) => Some((fail_on, crate_path::in_repository(&file, "--baseline")?)),
                    _ => None,
                },
            };
            print!("{}", workflow::render(&spec, &jobs));
        }
    }
    Ok(())
}

/// The cells `--matrix-set`, `--pyo3` and `--python` select (flavor labels only), as
/// `run` selects them.
fn cells(matrix: Option<PathBuf>, set: Option<&str>, pyo3: Option<&str>, python: Option<&str>) -> Result<Cells> {
    let dir = setup::matrix_dir(matrix)?;
    let ctx = Context::load(&dir)?;
    let selection = setup::selection(&ctx.matrix, set, pyo3, python, &[])?;
    let mut flavors = Vec::new();
    for arg in selection.python {
        match arg {
            PythonArg::Flavor(f) => flavors.push(f),
            PythonArg::Path(p) => bail!(
                "--python {}: a CI matrix needs flavor labels such as 3.13t, not paths",
                p.display()
            ),
        }
    }
    Ok(Cells {
        releases: selection.releases,
        flavors,
        set: set.map(String::from),
    })
}

/// Splits the cells into `shards` jobs (default: one per cell, at most 256). Asking for
/// more shards than cells gives one job per cell, each still numbered out of `shards`.
fn shard_jobs(cells: &Cells, shards: Option<usize>) -> Result<Vec<ShardJob>> {
    let count = shards.unwrap_or(cells.len().min(GITHUB_MAX_JOBS));
    if count == 0 || count > GITHUB_MAX_JOBS {
        bail!("--shards {count}: GitHub allows 1 to {GITHUB_MAX_JOBS} jobs per matrix");
    }
    let jobs = (1..=count.min(cells.len().max(1)))
        .map(|index| shard_job(cells, Shard { index, count }))
        .collect();
    Ok(jobs)
}

/// The cells of one shard and the interpreters they need.
fn shard_job(cells: &Cells, shard: Shard) -> ShardJob {
    let mine: Vec<usize> = (0..cells.len()).filter(|k| shard.contains(*k)).collect();
    let mut python_labels: Vec<String> = mine.iter().map(|k| cells.nth(*k).1.to_string()).collect();
    python_labels.sort();
    python_labels.dedup();
    let cells = mine
        .iter()
        .map(|k| {
            let (release, flavor) = cells.nth(*k);
            format!("{release}/{flavor}")
        })
        .collect();
    ShardJob {
        shard,
        python_labels,
        cells,
    }
}

/// `items` displayed and joined by `separator`.
fn join<T: std::fmt::Display>(items: &[T], separator: &str) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(separator)
}
