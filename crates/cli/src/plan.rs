//! `pyo3-matrix plan --from A --to B [PATH]`: the stepping stones of an upgrade.
//!
//! The plan reads observed results only: the catalog's (`docs/results.json`), plus, with a
//! PATH, a scan of the user's crate. A stepping stone is a release where something still
//! compiles with deprecation warnings but breaks at the next release: the place to stop and
//! fix the warnings while the compiler still points at them.

use crate::check::Format;
use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_model::{CellResult, Outcome, Pattern, Release, RunResults};
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Arguments of `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The release the code is on now (a minor or an exact version).
    #[arg(long)]
    from: String,
    /// The release to reach.
    #[arg(long)]
    to: String,
    /// The user's crate; without it the plan covers every catalog pattern that works at --from.
    path: Option<PathBuf>,
    /// The interpreter the code must keep working on.
    #[arg(long, default_value = "3.12")]
    python: String,
    /// The catalog's results file [default: docs/results.json].
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// A pattern that changes at a step.
#[derive(Debug, Serialize)]
pub struct Change {
    /// Pattern id.
    pub pattern: String,
    /// Outcome before and after the step.
    pub outcomes: (Outcome, Outcome),
    /// The first message after the step.
    pub message: Option<String>,
    /// How to fix it.
    pub fix: Option<String>,
    /// The migration-guide entry.
    pub link: Option<String>,
}

/// One upgrade step between consecutive releases.
#[derive(Debug, Serialize)]
pub struct Step {
    /// Release before.
    pub from: String,
    /// Release after.
    pub to: String,
    /// What stops working.
    pub breaks: Vec<Change>,
    /// What starts working again.
    pub fixed: Vec<Change>,
    /// Interpreter flavors the release after the step builds for at all.
    pub pythons: Vec<String>,
    /// Whether to stop at `from` (it still compiles with warnings what `to` rejects).
    pub stop_here_first: bool,
}

/// The whole plan.
#[derive(Debug, Serialize)]
pub struct UpgradePlan {
    /// The interpreter followed.
    pub python: String,
    /// The releases to stop at, in order, ending at the target.
    pub stones: Vec<String>,
    /// Every step.
    pub steps: Vec<Step>,
    /// With a crate: its own observed cells, one per release (same fields as `check`'s).
    pub cells: Vec<CellResult>,
}

/// Builds the plan from observed results (the catalog's, or a scan's in the same shape).
pub fn plan(results: &[CellResult], patterns: &[Pattern], path: &[String], python: &str) -> UpgradePlan {
    let outcome = |pattern: &str, release: &str| {
        results
            .iter()
            .find(|r| r.pattern == pattern && r.pyo3 == release && r.python == python && r.variant.is_none())
    };
    let ids: BTreeSet<&str> = results.iter().map(|r| r.pattern.as_str()).collect();
    // Only what works where the user starts can break on the way.
    let relevant: Vec<&str> = ids
        .into_iter()
        .filter(|id| outcome(id, &path[0]).is_some_and(|r| r.outcome.works()))
        .collect();
    let change = |id: &str, before: &CellResult, after: &CellResult| {
        let meta = patterns.iter().find(|p| p.id == id);
        Change {
            pattern: id.to_string(),
            outcomes: (before.outcome, after.outcome),
            message: after.message.clone(),
            fix: meta.and_then(|p| p.meta.fix.clone()),
            link: meta.and_then(|p| p.meta.link.clone()),
        }
    };
    let mut steps = Vec::new();
    for pair in path.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let (mut breaks, mut fixed, mut stop) = (Vec::new(), Vec::new(), false);
        for id in &relevant {
            let (Some(before), Some(after)) = (outcome(id, a), outcome(id, b)) else {
                continue;
            };
            if before.outcome.works() && !after.outcome.works() {
                stop |= before.outcome == Outcome::Deprecated;
                breaks.push(change(id, before, after));
            } else if !before.outcome.works() && after.outcome.works() {
                fixed.push(change(id, before, after));
            }
        }
        let mut pythons: Vec<String> = results
            .iter()
            .filter(|r| &r.pyo3 == b && !matches!(r.outcome, Outcome::Unsupported | Outcome::Skipped))
            .map(|r| r.python.clone())
            .collect();
        pythons.sort();
        pythons.dedup();
        steps.push(Step {
            from: a.clone(),
            to: b.clone(),
            breaks,
            fixed,
            pythons,
            stop_here_first: stop,
        });
    }
    let mut stones: Vec<String> = steps
        .iter()
        .filter(|s| s.stop_here_first)
        .map(|s| s.from.clone())
        .collect();
    stones.extend(path.last().cloned());
    UpgradePlan {
        python: python.to_string(),
        stones,
        steps,
        cells: Vec::new(),
    }
}

/// Prints the plan.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let ctx = setup::context(&dir)?;
    let from = single(&ctx.matrix, &args.from, "--from")?;
    let to = single(&ctx.matrix, &args.to, "--to")?;
    if from >= to {
        bail!("--from {from} is not older than --to {to}");
    }
    let path: Vec<String> = ctx
        .matrix
        .release_list()
        .into_iter()
        .filter(|r| *r >= from && *r <= to)
        .map(|r| r.to_string())
        .collect();
    let patterns = setup::patterns(&dir, &[])?;
    let results_path = args
        .results
        .unwrap_or_else(|| dir.parent().unwrap_or(&dir).join("docs/results.json"));
    let mut results = RunResults::load(&results_path)?.results;
    let mut own = Vec::new();
    if let Some(crate_dir) = &args.path {
        let range = format!("{from}..={to}");
        let (_, cells) = crate::scan::observe(
            &dir,
            crate_dir,
            Some(&range),
            &args.python,
            crate::scan::CrateTests::None,
            60,
        )?;
        own = cells.clone();
        results.extend(cells);
    }
    let mut answer = plan(&results, &patterns, &path, &args.python);
    answer.cells = own;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&answer)?),
        Format::Text => {
            println!(
                "upgrade {from} -> {to} on Python {}: stop at {}",
                args.python,
                answer.stones.join(" -> ")
            );
            for step in &answer.steps {
                let stop = if step.stop_here_first {
                    "  (fix the deprecation warnings here first)"
                } else {
                    ""
                };
                println!(
                    "{} -> {} builds for {}{stop}",
                    step.from,
                    step.to,
                    step.pythons.join(", ")
                );
                for c in &step.breaks {
                    println!(
                        "  breaks: {} ({} -> {}){}",
                        c.pattern,
                        c.outcomes.0,
                        c.outcomes.1,
                        c.fix.as_deref().map(|f| format!("; fix: {f}")).unwrap_or_default()
                    );
                }
                for c in &step.fixed {
                    println!("  fixed:  {} ({} -> {})", c.pattern, c.outcomes.0, c.outcomes.1);
                }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn r(pattern: &str, pyo3: &str, outcome: &str) -> CellResult {
        serde_json::from_value(
            serde_json::json!({ "pattern": pattern, "pyo3": pyo3, "python": "3.12", "outcome": outcome }),
        )
        .unwrap()
    }

    #[test]
    fn stops_where_deprecated_code_breaks_next() {
        let results = vec![
            r("gilref", "0.20.3", "pass"),
            r("gilref", "0.21.2", "deprecated"),
            r("gilref", "0.22.6", "compile-error"),
            r("bytes", "0.20.3", "pass"),
            r("bytes", "0.21.2", "pass"),
            r("bytes", "0.22.6", "test-fail"),
        ];
        let path: Vec<String> = ["0.20.3", "0.21.2", "0.22.6"].iter().map(|s| s.to_string()).collect();
        let p = plan(&results, &[], &path, "3.12");
        assert_eq!(p.stones, ["0.21.2", "0.22.6"]);
        assert!(p.steps[1].stop_here_first);
        let broken: Vec<&str> = p.steps[1].breaks.iter().map(|c| c.pattern.as_str()).collect();
        assert_eq!(broken, ["bytes", "gilref"]);
    }
}
