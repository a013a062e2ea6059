//! `pyo3-matrix plan --from A --to B [PATH]`: the stepping stones of an upgrade.
//!
//! The plan reads observed results only: the catalog's (`docs/results.json`) and, at the
//! exact patches it lacks, the tables beside it (`docs/patches/results.json`: every patch
//! of a minor), plus, with a PATH, a scan of the user's crate. An exact patch the user names
//! is planned from its own cells, never from its minor's latest; where no table has it, the
//! plan says so and how to observe it. A stepping stone is a release where something still
//! compiles with deprecation warnings but breaks at the next release: the place to stop and
//! fix the warnings while the compiler still points at them.

use crate::output::Format;
use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_engine::plan::{Context, DEFAULT_TIMEOUT_S};
use pyo3_matrix_engine::scan::prepare::{CrateCells, CrateTests};
use pyo3_matrix_model::{Flavor, Release, RunResults};
use pyo3_matrix_report::plan::{path_of, plan, Observed, Step, Table};
use std::path::{Path, PathBuf};

/// Arguments of `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The release the code is on now: a minor (its latest patch) or an exact patch (its own
    /// observed cells, from docs/results.json or a table beside it such as docs/patches/).
    #[arg(long)]
    from: String,
    /// The release to reach (newer than --from).
    #[arg(long)]
    to: String,
    /// The user's crate; without it the plan covers every catalog pattern that works at --from.
    path: Option<PathBuf>,
    /// The interpreter to reach (where --from does not build for it, the plan starts from
    /// the newest interpreter --from builds for).
    #[arg(long, default_value = "3.12")]
    python: Flavor,
    /// The catalog's results file [default: docs/results.json, with the tables beside it
    /// (docs/*/results.json) at the patches it lacks].
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// A step as text: its releases and interpreters, its support event, then each change.
fn print_step(step: &Step, lead: &str) {
    let stop = if step.stop_here_first {
        "  (fix the deprecation warnings here first)"
    } else {
        ""
    };
    println!(
        "{lead}{} on {} -> {} on {}:{stop}",
        step.from, step.from_python, step.to, step.python
    );
    match &step.support_event {
        Some(event) => println!("  support: {event}"),
        None => println!("  {} builds: {}", step.to, step.support_after),
    }
    for (word, list) in [
        ("breaks", &step.breaks),
        ("fixed", &step.fixed),
        ("changes", &step.changed),
    ] {
        for c in list {
            let fix = match word {
                "breaks" => c.fix.as_deref().map(|f| format!("; fix: {f}")).unwrap_or_default(),
                _ => String::new(),
            };
            println!("  {word}: {} ({}){fix}", c.pattern, c.describe());
        }
    }
}

/// The tables beside the default results file `main` (`docs/*/results.json`), each named
/// by its path under the catalog root `root`.
fn beside_tables(main: &Path, root: &Path) -> Result<Vec<Table>> {
    let Some(Ok(entries)) = main.parent().map(std::fs::read_dir) else {
        return Ok(Vec::new());
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path().join("results.json"))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            Ok(Table {
                label: path.strip_prefix(root).unwrap_or(&path).display().to_string(),
                results: RunResults::load(&path)?,
            })
        })
        .collect()
}

/// Prints the plan.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let ctx = Context::load(&dir)?;
    let from = single(&ctx.matrix, &args.from, "--from")?;
    let to = single(&ctx.matrix, &args.to, "--to")?;
    if from >= to {
        // Before reading anything: the same line `plan` gives.
        if from == to {
            bail!("--from and --to are both {from}: name a newer release with --to");
        }
        bail!("--to {to} is older than --from {from}: --from names the release the code is on, --to a newer one");
    }
    let default = ctx.matrix.release_list();
    let patterns = setup::patterns(&dir, &[])?;
    let root = dir.parent().unwrap_or(&dir);
    let (results_path, beside) = match args.results {
        Some(path) => (path, Vec::new()),
        None => {
            let path = root.join("docs/results.json");
            let beside = beside_tables(&path, root)?;
            (path, beside)
        }
    };
    let mut results = RunResults::load(&results_path)?;
    let mut own = Vec::new();
    if let Some(crate_dir) = &args.path {
        // The exact releases of the plan, not the minors' latest.
        let releases: Vec<String> = path_of(&default, &from, &to).iter().map(Release::to_string).collect();
        let (_, cells) = crate::scan::observe(
            &dir,
            crate_dir,
            Some(&releases.join(",")),
            &args.python.to_string(),
            CrateCells::new(CrateTests::None, DEFAULT_TIMEOUT_S),
        )?;
        own = cells.clone();
        results.results.extend(cells);
    }
    let main = Table {
        label: results_path
            .strip_prefix(root)
            .unwrap_or(&results_path)
            .display()
            .to_string(),
        results,
    };
    let observed = Observed::merge(main, beside);
    let sources = setup::sources(&dir)?;
    let mut answer = plan(&observed, &patterns, &sources, &default, &from, &to, args.python)?;
    answer.cells = own;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&answer)?),
        Format::Text => {
            for warning in &answer.warnings {
                println!("warning: {warning}");
            }
            println!(
                "upgrade {from} -> {to} on Python {}: stop at {}",
                args.python,
                answer.stones.join(" -> ")
            );
            for note in &answer.notes {
                println!("note: {note}");
            }
            for (i, line) in answer.staging.iter().enumerate() {
                println!("{}{line}", if i == 0 { "staging: " } else { "  " });
            }
            print_step(&answer.overall, "in one step, ");
            for step in &answer.steps {
                print_step(step, "");
            }
        }
    }
    Ok(())
}

fn single(matrix: &pyo3_matrix_model::MatrixDef, text: &str, flag: &str) -> Result<Release> {
    let mut found = setup::releases(matrix, Some(text))?;
    match (found.pop(), found.is_empty()) {
        (Some(r), true) => Ok(r),
        _ => bail!("{flag} {text}: name one release, e.g. 0.20"),
    }
}
