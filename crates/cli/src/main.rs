//! `pyo3-matrix`: observe which PyO3 release breaks a pattern, a snippet or a crate.

mod bisect;
mod cache;
mod catalog;
mod check;
mod ci;
mod list;
mod migrate;
mod output;
mod plan;
mod prepare;
mod progress;
mod python;
mod report;
mod run;
mod scan;
mod setup;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Builds the same PyO3 code against many PyO3 releases and interpreters and records what
/// each cell really does: pass, deprecated, compile-error, unsupported, test-fail, crash,
/// hang, blocked, skipped or error.
#[derive(Debug, Parser)]
#[command(name = "pyo3-matrix", version, about)]
struct Cli {
    /// The matrix directory (holding matrix.toml and patterns/). When omitted: the matrix/
    /// of the pyo3-matrix checkout at or above the current directory, else the catalog
    /// built into this binary.
    #[arg(long, global = true, value_name = "DIR")]
    matrix: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the matrix (by default all of it): its results to docs/results.json and its tables
    /// beside them, or its results alone to --out FILE (tables with --reports DIR).
    Run(run::Args),
    /// Build one snippet (a complete lib.rs with a #[pymodule]) in every cell.
    Check(check::Args),
    /// Find the first release where a snippet breaks (or a predicate turns).
    Bisect(bisect::Args),
    /// Build a user's own crate against each release (in a copy) and explain its failures.
    Scan(scan::Args),
    /// Propose the stepping stones of an upgrade from observed results.
    Plan(plan::Args),
    /// Do the mechanical part of an upgrade, release by release, verified by building and
    /// testing (prints a diff; --write edits the crate).
    Migrate(migrate::Args),
    /// List the pattern catalog.
    List(list::Args),
    /// Regenerate every report from a results file, without building anything.
    Report(report::ReportArgs),
    /// Compare two results files: regressed, fixed, changed.
    Diff(report::DiffArgs),
    /// Merge the results files of several shards into one, and draw its tables.
    Merge(report::MergeArgs),
    /// Generate CI configuration for a sharded matrix.
    #[command(subcommand)]
    Ci(ci::Command),
    /// Write one cell's workspace for the nox and tox front doors (JSON on stdout).
    #[command(hide = true)]
    Prepare(prepare::Args),
    /// Find and provision interpreters.
    #[command(subcommand)]
    Python(python::Command),
    /// See the cache's size by kind, and keep it under a size.
    #[command(subcommand)]
    Cache(cache::Command),
}

fn main() -> ExitCode {
    // `pyo3-matrix diff … | head` ends quietly when the reader goes away, as Unix tools do,
    // instead of panicking on the first write after it.
    // SAFETY: called before any thread starts; it only restores the default disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Run(args) => run::run(cli.matrix, args),
        Command::Check(args) => check::run(cli.matrix, args),
        Command::Bisect(args) => bisect::run(cli.matrix, args),
        Command::Scan(args) => scan::run(cli.matrix, args),
        Command::Plan(args) => plan::run(cli.matrix, args),
        Command::Migrate(args) => migrate::run(cli.matrix, args),
        Command::List(args) => list::run(cli.matrix, args),
        Command::Report(args) => report::report(cli.matrix, args),
        Command::Diff(args) => report::diff(args),
        Command::Merge(args) => report::merge(cli.matrix, args),
        Command::Ci(cmd) => ci::run(cli.matrix, cmd),
        Command::Prepare(args) => prepare::run(cli.matrix, args),
        Command::Python(cmd) => python::run(cli.matrix, cmd),
        Command::Cache(cmd) => cache::run(cmd),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // One line naming the input; the chain says why.
            eprintln!("pyo3-matrix: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory as _;

    #[test]
    fn every_command_line_reads_into_its_arguments() {
        Cli::command().debug_assert();
        for line in [
            &["run"][..],
            &["run", "--cache-max-size", "none"],
            &["run", "--cache-max-size", "1GiB"],
            &["cache", "gc"],
            &["cache", "gc", "--max-size", "500MB"],
            &["cache", "info"],
        ] {
            let args = std::iter::once("pyo3-matrix").chain(line.iter().copied());
            if let Err(e) = Cli::try_parse_from(args) {
                panic!("{line:?}: {e}");
            }
        }
        assert!(Cli::try_parse_from(["pyo3-matrix", "run", "--cache-max-size", "lots"]).is_err());
    }
}
